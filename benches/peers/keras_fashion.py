#!/usr/bin/env python3
"""TensorFlow-Keras (CPU) against our Keras-like crate on the chapter's
Fashion-MNIST classifier, side by side in one run.

    NEURONS_DATA_DIR=path/to/datasets python3 benches/peers/keras_fashion.py \
        [--epochs 3] [--threads N] [--skip-keras] [--skip-rust]

Both train Sequential([Flatten, Dense(300, relu), Dense(100, relu),
Dense(10, softmax)]) with sparse categorical cross-entropy and plain SGD
(batch 32) on the first 55,000 training images scaled to [0, 1], validating
on the last 5,000, then predict the 10,000 test images. Keras runs in this
process (seed 42); ours runs as the binary that `cargo build --release -p
keras --example fashion_mnist` builds, with `--epochs E --json`, and reports
its own timings. Seconds per epoch is the median of the epochs after the
first (Keras traces its graph in the first); predict time is the best of 3
after a warm-up. Peak RSS is this process's for Keras and the child's
(os.wait4) for ours. Needs numpy and tensorflow (pip install tensorflow-cpu);
--skip-keras needs neither TensorFlow nor Keras. The last line printed is one
JSON object with every number.
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from common import ROOT, data_dir, fmt, ratio

SEED = 42


def load_idx(stem):
    """Reads an IDX file (gzipped or not) from the fashion-mnist folder."""
    base = data_dir() / "fashion-mnist" / stem
    path = base.with_name(stem + ".gz")
    if not path.exists():
        path = base
    with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_mnist():
    x_full = load_idx("train-images-idx3-ubyte").astype(np.float32) / 255.0
    y_full = load_idx("train-labels-idx1-ubyte").astype(np.int64)
    x_test = load_idx("t10k-images-idx3-ubyte").astype(np.float32) / 255.0
    y_test = load_idx("t10k-labels-idx1-ubyte").astype(np.int64)
    return (x_full[:-5000], y_full[:-5000]), (x_full[-5000:], y_full[-5000:]), (x_test, y_test)


def keras_side(epochs, threads):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = fashion_mnist()

    class EpochTimer(tf.keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.times = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start)

    tf.keras.utils.set_random_seed(SEED)
    model = tf.keras.Sequential([
        tf.keras.layers.Input(shape=[28, 28]),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(300, activation="relu"),
        tf.keras.layers.Dense(100, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    timer = EpochTimer()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32,
                        validation_data=(x_valid, y_valid), verbose=0, callbacks=[timer])
    model.predict(x_test, batch_size=32, verbose=0)  # warm-up
    predict_times = []
    for _ in range(3):
        start = time.perf_counter()
        proba = model.predict(x_test, batch_size=32, verbose=0)
        predict_times.append(time.perf_counter() - start)
    return {
        "seconds_per_epoch": statistics.median(timer.times[1:] or timer.times),
        "first_epoch_seconds": timer.times[0],
        "predict_seconds": min(predict_times),
        "val_accuracy": float(history.history["val_accuracy"][-1]),
        "test_accuracy": float((proba.argmax(axis=1) == y_test).mean()),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "tensorflow_version": tf.__version__,
        "keras_version": tf.keras.__version__,
    }


def rust_side(epochs):
    """Builds, then runs our example in a fresh child; None if either fails."""
    build = ["cargo", "build", "--release", "-q", "-p", "keras", "--example", "fashion_mnist"]
    try:
        subprocess.run(build, cwd=ROOT, check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        print(f"Rust side failed: could not build: `{' '.join(build)}` ({err})", file=sys.stderr)
        return None
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    cmd = [str(target / "release" / "examples" / "fashion_mnist"), "--epochs", str(epochs), "--json"]
    with tempfile.TemporaryFile("w+") as err_log:
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err_log, text=True)
        out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)  # rusage of this child only
        child.returncode = os.waitstatus_to_exitcode(status)
        err_log.seek(0)
        stderr = err_log.read()
    lines = out.strip().splitlines()
    try:
        if child.returncode != 0:
            raise ValueError(f"exit status {child.returncode}")
        result = json.loads(lines[-1])
        result = {key: result[key] for key in ("seconds_per_epoch", "predict_seconds",
                                              "val_accuracy", "test_accuracy", "epochs")}
    except (ValueError, IndexError, KeyError) as err:
        tail = "\n".join((stderr.strip().splitlines() + lines)[-10:])
        print(f"Rust side failed: `{' '.join(cmd)}`: {err!r}\n{tail}", file=sys.stderr)
        return None
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, help="TF intra- and inter-op threads (default: TF's own)")
    parser.add_argument("--skip-keras", action="store_true")
    parser.add_argument("--skip-rust", action="store_true")
    args = parser.parse_args()

    ours = None if args.skip_rust else rust_side(args.epochs)
    keras = None if args.skip_keras else keras_side(args.epochs, args.threads)
    k, r = keras or {}, ours or {}

    print(f"Fashion-MNIST, MLP 784-300-100-10, SGD, batch 32, {args.epochs} epochs, "
          f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    print("| | seconds/epoch | predict 10k s | val accuracy | test accuracy | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    keras_name = f"Keras {k['keras_version']} (TF {k['tensorflow_version']})" if keras else "Keras"
    for name, side, skipped in ((keras_name, k, args.skip_keras), ("ours", r, args.skip_rust)):
        if not side:
            print(f"| {name} | {'skipped' if skipped else 'failed'} | | | | |")
            continue
        print(f"| {name} | {fmt(side.get('seconds_per_epoch'), '.2f')} | {fmt(side.get('predict_seconds'), '.3f')} "
              f"| {fmt(side.get('val_accuracy'), '.4f')} | {fmt(side.get('test_accuracy'), '.4f')} "
              f"| {fmt(side.get('peak_mb'), '.0f')} |")
    epoch_speedup = ratio(k.get("seconds_per_epoch"), r.get("seconds_per_epoch"))
    predict_speedup = ratio(k.get("predict_seconds"), r.get("predict_seconds"))
    if keras and ours:
        print(f"keras/ours: epoch time {epoch_speedup:.2f}x, predict time {predict_speedup:.2f}x")

    summary = {"epochs": args.epochs, "threads": args.threads}
    for key in ("seconds_per_epoch", "predict_seconds", "val_accuracy", "test_accuracy", "peak_mb"):
        summary[f"keras_{key}"] = k.get(key)
        summary[f"rust_{key}"] = r.get(key)
    summary.update(keras_first_epoch_seconds=k.get("first_epoch_seconds"),
                   epoch_speedup=epoch_speedup, predict_speedup=predict_speedup,
                   keras_version=k.get("keras_version"), tensorflow_version=k.get("tensorflow_version"))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
