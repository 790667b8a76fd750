"""TensorBoard reads our event files (run by tests/interop/run).

Runs the `tensorboard` example (two Fashion-MNIST runs and the low-level
demo), then checks with TensorBoard's own reader that every epoch's loss,
accuracy and learning rate we logged comes back with the value the example
reports, that the demo's scalars, histograms, images, text and audio are
read under their plugins, and that TensorBoard's server serves the scalars.
Usage: tensorboard_check.py TENSORBOARD_EXAMPLE
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

example = sys.argv[1]
logdir = tempfile.mkdtemp()
out = subprocess.run([example, "--logdir", logdir, "--epochs", "2", "--json"], check=True,
                     capture_output=True, text=True).stdout
report = json.loads(out.strip().splitlines()[-1])
failures = []


def expect(what, ok):
    print(f"{'ok' if ok else 'FAILED'}  {what}")
    if not ok:
        failures.append(what)


def load(path):
    acc = EventAccumulator(path, size_guidance={k: 0 for k in ("scalars", "tensors", "histograms", "images", "audio")})
    acc.Reload()
    return acc


def scalar_values(acc, tag):
    """Values of a scalar tag, whether written as simple values or tensors."""
    tags = acc.Tags()
    if tag in tags.get("scalars", []):
        return [e.value for e in acc.Scalars(tag)]
    if tag in tags.get("tensors", []):
        import numpy as np
        from tensorboard.util import tensor_util
        return [float(np.asarray(tensor_util.make_ndarray(e.tensor_proto))) for e in acc.Tensors(tag)]
    return None


for run in report["runs"]:
    base = os.path.join(logdir, run["run"])
    for part, prefix in (("train", ""), ("validation", "val_")):
        acc = load(os.path.join(base, part))
        for key in ("loss", "accuracy"):
            got = scalar_values(acc, f"epoch_{key}")
            want = run["history"][prefix + key]
            close = got is not None and len(got) == len(want) and all(abs(a - b) <= 1e-6 * max(1, abs(b)) for a, b in zip(got, want))
            expect(f"{run['run']}/{part}: epoch_{key} = {want} (read {got})", close)
    lr = scalar_values(load(os.path.join(base, "train")), "epoch_learning_rate")
    expect(f"{run['run']}/train: epoch_learning_rate = {run['learning_rate']} (read {lr})",
           lr is not None and all(abs(v - run["learning_rate"]) < 1e-9 for v in lr))

demo = report["demo"]
acc = load(os.path.join(logdir, demo["run"]))
tags = acc.Tags()
plugins = {tag: acc.SummaryMetadata(tag).plugin_data.plugin_name for tag in tags.get("tensors", [])}
for tag, plugin in (("my_scalar", "scalars"), ("my_hist", "histograms"), ("my_images", "images"),
                    ("my_text", "text"), ("my_audio", "audio")):
    expect(f"demo: {tag} read as {plugin} ({plugins.get(tag)})", plugins.get(tag) == plugin)
values = scalar_values(acc, "my_scalar")
expect(f"demo: my_scalar has {demo['steps']} steps", values is not None and len(values) == demo["steps"])

# TensorBoard's server serves the scalars as the dashboard fetches them.
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
server = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "tensorboard"), "--logdir", logdir,
                           "--port", str(port), "--host", "127.0.0.1", "--load_fast=false"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    run = report["runs"][0]
    url = f"http://127.0.0.1:{port}/data/plugin/scalars/scalars?run={run['run']}/train&tag=epoch_loss"
    served = None
    for _ in range(120):
        try:
            served = json.load(urllib.request.urlopen(url, timeout=2))
            if served:
                break
        except Exception:
            time.sleep(0.5)
    got = [row[2] for row in served or []]
    want = run["history"]["loss"]
    expect(f"server: {url.split('?')[0]} serves epoch_loss {got}",
           len(got) == len(want) and all(abs(a - b) <= 1e-6 * max(1, abs(b)) for a, b in zip(got, want)))
finally:
    server.terminate()
    server.wait()

if failures:
    print(f"{len(failures)} TensorBoard check(s) failed", file=sys.stderr)
    sys.exit(1)
print("TensorBoard read every tag and value we wrote")
