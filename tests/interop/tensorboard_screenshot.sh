#!/usr/bin/env bash
# Figure 10-16 of the chapter as real TensorBoard draws our logs: runs the
# tensorboard example (the two Fashion-MNIST runs, 20 epochs as the
# chapter), serves them with TensorBoard and takes a screenshot of its
# scalars dashboard with headless Chromium (Debian's chromium package),
# written to book/src/figures/tensorboard.png.
# Usage: NEURONS_VENV=… tests/interop/tensorboard_screenshot.sh [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${NEURONS_VENV:-target/interop-venv}"
epochs="${1:-20}"
command -v chromium >/dev/null || { echo "install Debian's chromium first (apt-get install chromium)" >&2; exit 1; }
cargo build --release --locked -q -p keras --example tensorboard
logs="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$logs" "$profile"' EXIT
# The two training runs only (no SummaryWriter demo): the figure compares their curves.
target/release/examples/tensorboard --logdir "$logs" --epochs "$epochs" --demo-steps 0 > /dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/tensorboard" --logdir "$logs" --port "$port" --host 127.0.0.1 > /dev/null 2>&1 &
server=$!
# Wait until the server has loaded the four runs (two runs × train, validation).
for _ in $(seq 120); do
  [ "$(curl -sf "http://127.0.0.1:$port/data/runs" | grep -o '/train\|/validation' | wc -l)" -ge 4 ] && break
  sleep 0.5
done
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1400,900 --virtual-time-budget=20000 \
  --screenshot=book/src/figures/tensorboard.png "http://127.0.0.1:$port/#scalars&tagFilter=epoch_loss&_smoothingWeight=0" 2>/dev/null
echo "wrote book/src/figures/tensorboard.png"
