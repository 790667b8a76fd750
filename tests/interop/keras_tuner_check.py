"""Keras Tuner resumes our searches, and we resume Keras Tuner's (run by tests/interop/run).

Usage: keras_tuner_check.py WORK EXAMPLE
  WORK     an empty folder for the searches
  EXAMPLE  the built `keras_tuner_interop` example of the tuning crate

1. Ours: a random search of 3 trials (seed 42) of the chapter's build_model
   on a part of Fashion-MNIST, in WORK/ours/interop.
2. Keras Tuner 1.4.8 reloads a copy (WORK/kt/interop) with
   `RandomSearch(..., overwrite=False)`: the same 3 trials (ids, values,
   status, scores, best steps) and the same best trial; its
   `get_best_models(1)` loads our checkpoint into its own model, which
   predicts the first 20 test images as ours does (to 1e-5).
3. Keras Tuner goes on to 5 trials (1 epoch each, training for real), and
   ours goes on to 5 from its own copy: both draw the same values for the
   trials 3 and 4 (the draws continue from the saved seed state).
4. Ours reloads Keras Tuner's folder (trials 3 and 4 written by Keras Tuner)
   and goes on to 6 trials: Keras Tuner's trials are kept as Keras Tuner
   scored them, and trial 5 has the values Keras Tuner would draw next
   (checked by letting Keras Tuner create trial 5 on a copy).
Exits 1 on any mismatch.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import keras_tuner as kt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benches" / "peers"))
from keras_tuner_draws import chapter_model  # noqa: E402
from common import data_dir  # noqa: E402

work, example = Path(sys.argv[1]), sys.argv[2]
failures = []


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message)
    if not ok:
        failures.append(message)


def ours(directory, trials, epochs=2, overwrite=False):
    args = [example, str(directory), "--trials", str(trials), "--epochs", str(epochs), "--json"]
    out = subprocess.run(args + (["--overwrite"] if overwrite else []), check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fashion():
    """The example's data: the first 5,000 training images, 1,000 validation images from the last 5,000, the first 20 test images."""
    import gzip

    root = data_dir() / "fashion-mnist"

    def idx(name, offset):
        with gzip.open(root / name, "rb") as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)

    x = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28) / np.float32(255)
    y = idx("train-labels-idx1-ubyte.gz", 8)
    x_test = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28) / np.float32(255)
    n = len(y)
    return (x[:5000], y[:5000]), (x[n - 5000 : n - 4000], y[n - 5000 : n - 4000]), x_test[:20]


def keras_tuner(directory, max_trials):
    return kt.RandomSearch(chapter_model, objective="val_accuracy", max_trials=max_trials, seed=42,
                           directory=str(directory), project_name="interop", overwrite=False)


def same_values(a, b):
    return a.keys() == b.keys() and all(a[k] == b[k] for k in a)


# 1. Our search.
first = ours(work / "ours", 3, overwrite=True)
check(len(first["trials"]) == 3, "ours: 3 trials")

# 2. Keras Tuner reloads a copy.
shutil.copytree(work / "ours", work / "kt")
tuner = keras_tuner(work / "kt", 3)
trials = tuner.oracle.trials
check(sorted(trials) == [t["trial_id"] for t in first["trials"]], f"Keras Tuner reloads the trial ids {sorted(trials)}")
for t in first["trials"]:
    theirs = trials[t["trial_id"]]
    check(same_values(dict(theirs.hyperparameters.values), t["values"]), f"trial {t['trial_id']}: the same values")
    check(theirs.status == t["status"], f"trial {t['trial_id']}: status {theirs.status}")
    check(theirs.score == t["score"] and theirs.best_step == t["best_step"],
          f"trial {t['trial_id']}: score {theirs.score} at step {theirs.best_step}")
best = tuner.oracle.get_best_trials(1)[0]
check(best.trial_id == first["best_trial_id"], f"the same best trial ({best.trial_id})")
(x_train, y_train), (x_valid, y_valid), x_test = fashion()
model = tuner.get_best_models(1)[0]
probabilities = np.asarray(model.predict(x_test, verbose=0))
gap = float(np.max(np.abs(probabilities - np.asarray(first["test_probabilities"]))))
check(gap < 1e-5, f"Keras's model with our best checkpoint predicts as ours (max difference {gap:.2e})")

# 3. Both go on to 5 trials.
tuner = keras_tuner(work / "kt", 5)
tuner.search(x_train, y_train, epochs=1, validation_data=(x_valid, y_valid), verbose=0)
kt_trials = tuner.oracle.trials
check(len(kt_trials) == 5, f"Keras Tuner went on to {len(kt_trials)} trials")
second = ours(work / "ours", 5, epochs=1)
by_id = {t["trial_id"]: t for t in second["trials"]}
for trial_id in ("3", "4"):
    check(trial_id in kt_trials and trial_id in by_id
          and same_values(dict(kt_trials[trial_id].hyperparameters.values), by_id[trial_id]["values"]),
          f"trial {trial_id}: Keras Tuner and ours draw the same values going on")

# 4. Ours goes on with Keras Tuner's search.
shutil.copytree(work / "kt", work / "kt_next")
next_tuner = keras_tuner(work / "kt_next", 6)
expected = next_tuner.oracle.create_trial("tuner0")
third = ours(work / "kt", 6, epochs=1)
by_id = {t["trial_id"]: t for t in third["trials"]}
check(len(by_id) == 6, f"ours went on with Keras Tuner's search to {len(by_id)} trials")
for trial_id in ("3", "4"):
    t = kt_trials[trial_id]
    check(by_id[trial_id]["score"] == t.score and same_values(by_id[trial_id]["values"], dict(t.hyperparameters.values)),
          f"trial {trial_id}: kept as Keras Tuner scored it ({t.score})")
check(same_values(by_id["5"]["values"], dict(expected.hyperparameters.values)),
      f"trial 5: the values Keras Tuner would draw next {dict(expected.hyperparameters.values)}")

if failures:
    print(f"{len(failures)} checks failed", file=sys.stderr)
    sys.exit(1)
print("Keras Tuner resumes our search and we resume Keras Tuner's: every check passed")
