"""TensorBoard reads our event files (run by tests/interop/run).

Runs the `tensorboard` example (two Fashion-MNIST runs and the low-level
demo, 2 epochs) with --json, or takes the output of an earlier run, then
checks with TensorBoard's own code:

- every event file: TensorBoard's record reader verifies both checksums of
  every record, and the first event is file_version "brain.Event:2";
- the training runs (EventAccumulator, the loader the server uses): in
  run/train `epoch_loss`, `epoch_accuracy` equal the example's per-epoch
  logs and `epoch_learning_rate` its learning rate, at steps 0, 1, …; in
  run/validation `epoch_loss`, `epoch_accuracy` equal `val_loss`,
  `val_accuracy`, and `evaluation_*_vs_iterations` sit at steps
  steps_per_epoch × (epoch + 1); every tag is a scalar of data class 1;
- the demo: `my_scalar` (scalars, class 1) = sin(step / 10) at every step,
  `my_hist` (histograms, class 2) a [buckets, 3] tensor whose counts sum to
  the samples and whose edges rise, `my_images` (images, class 3) width,
  height and PNGs of that size, `my_text` (text, class 2) the two lines,
  `my_audio` (audio, class 3) a WAV file of the sample rate and length;
- TensorBoard's server (`tensorboard --logdir … --host 127.0.0.1`) serves
  the same scalars over HTTP for every run and tag, and the histograms,
  images (one fetched and checked as PNG), text and audio (one fetched and
  checked as WAV) of the demo.

Exits 1 on any mismatch.

Usage: tensorboard_check.py TENSORBOARD_EXAMPLE
       tensorboard_check.py --logdir DIR --manifest FILE   (FILE: the example's --json line)
"""

import argparse
import glob
import atexit
import shutil
import io
import json
import math
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import wave

import numpy as np
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.backend.event_processing.plugin_event_accumulator import EventAccumulator
from tensorboard.compat.proto import summary_pb2
from tensorboard.compat.tensorflow_stub import errors, pywrap_tensorflow
from tensorboard.util import tensor_util

SCALAR, TENSOR, BLOB_SEQUENCE = (summary_pb2.DATA_CLASS_SCALAR, summary_pb2.DATA_CLASS_TENSOR,
                                 summary_pb2.DATA_CLASS_BLOB_SEQUENCE)

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("example", nargs="?", help="the built tensorboard example to run")
parser.add_argument("--logdir", help="check this folder (written by the example) instead of running it")
parser.add_argument("--manifest", help="the example's --json output for --logdir")
parser.add_argument("--epochs", type=int, default=2, help="epochs per run when running the example")
args = parser.parse_args()
if args.example:
    logdir = tempfile.mkdtemp()
    atexit.register(shutil.rmtree, logdir, ignore_errors=True)
    out = subprocess.run([args.example, "--logdir", logdir, "--epochs", str(args.epochs), "--json"],
                         check=True, capture_output=True, text=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
elif args.logdir and args.manifest:
    logdir = args.logdir
    with open(args.manifest) as f:
        report = json.loads(f.read().strip().splitlines()[-1])
else:
    parser.error("give the example, or --logdir and --manifest")

failures = []
passed = 0


def expect(what, ok):
    global passed
    if ok:
        passed += 1
    else:
        print(f"FAILED  {what}")
        failures.append(what)


def close32(got, want):
    """Equal once `want` is rounded to float32, as the file stores it."""
    return len(got) == len(want) and all(float(np.float32(w)) == float(np.float32(g)) for g, w in zip(got, want))


# 1. Records and checksums, with TensorBoard's own record reader.
files = sorted(glob.glob(os.path.join(logdir, "**", "events.out.tfevents.*"), recursive=True))
expect(f"event files found under {logdir}", len(files) == len(report["runs"]) * 2 + (1 if report["demo"] else 0))
records = 0
for path in files:
    reader = pywrap_tensorflow.PyRecordReader_New(path)
    try:
        while True:
            reader.GetNext()
            records += 1
    except errors.OutOfRangeError:
        pass
    except errors.DataLossError as e:
        expect(f"{path}: {e}", False)
    first = next(iter(event_file_loader.EventFileLoader(path).Load()), None)
    expect(f"{path}: first event is file_version brain.Event:2",
           first is not None and first.file_version == "brain.Event:2")


def load(path):
    acc = EventAccumulator(path, size_guidance={k: 0 for k in ("scalars", "tensors", "histograms", "images",
                                                                "audio", "compressedHistograms")})
    acc.Reload()
    return acc


def series(acc, tag):
    """(steps, values as numpy arrays) of a tag, or ([], [])."""
    if tag not in acc.Tags()["tensors"]:
        return [], []
    events = acc.Tensors(tag)
    return [e.step for e in events], [tensor_util.make_ndarray(e.tensor_proto) for e in events]


def kind(acc, tag):
    md = acc.SummaryMetadata(tag)
    return md.plugin_data.plugin_name, md.data_class


# 2. The training runs.
expected_scalars = {}  # (run, tag) -> (steps, values), for the server check
for run in report["runs"]:
    base = os.path.join(logdir, run["run"])
    epochs = run["epochs"]
    history = run["history"]
    train = load(os.path.join(base, "train"))
    want = {"epoch_loss": history["loss"], "epoch_accuracy": history["accuracy"],
            "epoch_learning_rate": [run["learning_rate"]] * epochs}
    expect(f"{run['run']}/train tags {sorted(train.Tags()['tensors'])}", sorted(train.Tags()["tensors"]) == sorted(want))
    for tag, values in want.items():
        steps, got = series(train, tag)
        got = [float(v) for v in got]
        expect(f"{run['run']}/train {tag}: steps {steps}, values {got}, want {values}",
               steps == list(range(epochs)) and close32(got, values) and kind(train, tag) == ("scalars", SCALAR))
        expected_scalars[(f"{run['run']}/train", tag)] = (steps, values)
    validation = load(os.path.join(base, "validation"))
    per_epoch = run["steps_per_epoch"]
    want = {"epoch_loss": (list(range(epochs)), history["val_loss"]),
            "epoch_accuracy": (list(range(epochs)), history["val_accuracy"]),
            "evaluation_loss_vs_iterations": ([per_epoch * (e + 1) for e in range(epochs)], history["val_loss"]),
            "evaluation_accuracy_vs_iterations": ([per_epoch * (e + 1) for e in range(epochs)],
                                                  history["val_accuracy"])}
    expect(f"{run['run']}/validation tags {sorted(validation.Tags()['tensors'])}",
           sorted(validation.Tags()["tensors"]) == sorted(want))
    for tag, (want_steps, values) in want.items():
        steps, got = series(validation, tag)
        got = [float(v) for v in got]
        expect(f"{run['run']}/validation {tag}: steps {steps}, values {got}, want {want_steps}, {values}",
               steps == want_steps and close32(got, values) and kind(validation, tag) == ("scalars", SCALAR))
        expected_scalars[(f"{run['run']}/validation", tag)] = (want_steps, values)
    read = lambda acc, tag: float(series(acc, tag)[1][-1]) if series(acc, tag)[1] else float("nan")
    print(f"{run['run']} (learning rate {run['learning_rate']}), last epoch as TensorBoard reads it: "
          f"loss {read(train, 'epoch_loss'):.4f}, accuracy {read(train, 'epoch_accuracy'):.4f}, "
          f"val_loss {read(validation, 'epoch_loss'):.4f}, val_accuracy {read(validation, 'epoch_accuracy'):.4f}")

# 3. The demo.
demo = report["demo"]
if demo:
    acc = load(os.path.join(logdir, demo["run"]))
    n = demo["steps"]
    all_steps = list(range(1, n + 1))
    expect("demo tags", sorted(acc.Tags()["tensors"]) == ["my_audio", "my_hist", "my_images", "my_scalar", "my_text"])
    for tag, plugin, data_class in (("my_scalar", "scalars", SCALAR), ("my_hist", "histograms", TENSOR),
                                    ("my_images", "images", BLOB_SEQUENCE), ("my_text", "text", TENSOR),
                                    ("my_audio", "audio", BLOB_SEQUENCE)):
        expect(f"demo {tag}: plugin and data class {kind(acc, tag)}", kind(acc, tag) == (plugin, data_class))
    steps, values = series(acc, "my_scalar")
    want = [math.sin(s / 10) for s in all_steps]
    expect("demo my_scalar = sin(step / 10) at steps 1..n", steps == all_steps and close32([float(v) for v in values], want))
    expected_scalars[(demo["run"], "my_scalar")] = (all_steps, want)

    steps, hists = series(acc, "my_hist")
    ok = steps == all_steps
    for h in hists:
        ok &= h.shape == (demo["hist_buckets"], 3) and h[:, 2].sum() == demo["hist_samples"]
        ok &= bool(np.all(h[:, 0] <= h[:, 1])) and bool(np.all(np.diff(h[:, 0]) > 0))
    expect(f"demo my_hist: {len(hists)} histograms of shape [{demo['hist_buckets']}, 3], counts summing to "
           f"{demo['hist_samples']}, rising edges", ok)
    # The data grow with the step: (normal + 2) × step / 100.
    mean = lambda h: float((h[:, 0] + h[:, 1]) / 2 @ h[:, 2] / h[:, 2].sum())
    expect(f"demo my_hist: mean at step 1 {mean(hists[0]):.3f} < at step n {mean(hists[-1]):.3f}",
           mean(hists[0]) < mean(hists[-1]))

    count, height, width, _ = demo["images"]
    steps, images = series(acc, "my_images")
    ok = steps == all_steps
    for blobs in images:
        ok &= blobs.shape == (2 + count,) and blobs[0] == str(width).encode() and blobs[1] == str(height).encode()
        for png in blobs[2:]:
            ok &= png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (width, height)
    expect(f"demo my_images: [width, height, {count} PNGs of {width}×{height}] at every step", ok)

    steps, texts = series(acc, "my_text")
    want = [[f"The step is {s}".encode(), f"Its square is {s * s}".encode()] for s in all_steps]
    expect("demo my_text: the two lines at every step", steps == all_steps and [list(t) for t in texts] == want)

    steps, clips = series(acc, "my_audio")
    ok = steps == all_steps
    for clip in clips:
        with wave.open(io.BytesIO(clip[0])) as w:
            ok &= (w.getframerate(), w.getnframes(), w.getnchannels(), w.getsampwidth()) == (
                demo["audio_sample_rate"], demo["audio_samples"], 1, 2)
    expect(f"demo my_audio: one WAV clip of {demo['audio_samples']} samples at {demo['audio_sample_rate']} Hz "
           "at every step", ok)

# 4. TensorBoard's server.
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
tensorboard = os.path.join(os.path.dirname(sys.executable), "tensorboard")
server = subprocess.Popen([tensorboard, "--logdir", logdir, "--port", str(port), "--host", "127.0.0.1"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base_url = f"http://127.0.0.1:{port}"


def get(route, **query):
    url = f"{base_url}{route}?{urllib.parse.urlencode(query)}" if query else f"{base_url}{route}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


try:
    want_runs = sorted({run for run, _ in expected_scalars})
    runs = []
    for _ in range(120):  # the server loads the folder in the background
        try:
            runs = sorted(json.loads(get("/data/runs")))
            if runs == want_runs:
                break
        except OSError:
            pass
        time.sleep(0.5)
    expect(f"server: /data/runs {runs}", runs == want_runs)
    for (run, tag), (steps, values) in sorted(expected_scalars.items()):
        rows = json.loads(get("/data/plugin/scalars/scalars", run=run, tag=tag))
        expect(f"server: /data/plugin/scalars/scalars run={run} tag={tag}",
               [r[1] for r in rows] == steps and close32([r[2] for r in rows], values))
    if demo:
        run = demo["run"]
        hists = json.loads(get("/data/plugin/histograms/histograms", run=run, tag="my_hist"))
        expect(f"server: histograms my_hist ({len(hists)} sampled)",
               len(hists) > 0 and all(len(h[2]) == demo["hist_buckets"] for h in hists))
        images = json.loads(get("/data/plugin/images/images", run=run, tag="my_images", sample=0))
        png = get("/data/plugin/images/individualImage?" + images[-1]["query"]) if images else b""
        expect(f"server: images my_images ({len(images)} sampled), the last one a {demo['images'][2]}-pixel-wide PNG",
               png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", png[16:20])[0] == demo["images"][2])
        texts = json.loads(get("/data/plugin/text/text", run=run, tag="my_text"))
        expect(f"server: text my_text ({len(texts)} sampled) shows the step",
               len(texts) > 0 and f"The step is {texts[-1]['step']}" in texts[-1]["text"])
        clips = json.loads(get("/data/plugin/audio/audio", run=run, tag="my_audio", sample=0))
        wav = get("/data/plugin/audio/individualAudio?" + clips[-1]["query"]) if clips else b""
        expect(f"server: audio my_audio ({len(clips)} sampled) as {clips[-1]['contentType'] if clips else None}",
               wav[:4] == b"RIFF" and wav[8:12] == b"WAVE" and clips[-1]["contentType"] == "audio/wav")
finally:
    server.terminate()
    server.wait()

print(f"{len(files)} event files, {records} records with good checksums; {passed} checks passed, "
      f"{len(failures)} failed")
if failures:
    sys.exit(1)
print("TensorBoard read every tag and value we wrote")
