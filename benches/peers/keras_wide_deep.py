#!/usr/bin/env python3
"""Keras 3 against our Keras-like crate on the chapter's three Functional-API
models for California housing, side by side in one run.

    NEURONS_DATA_DIR=path/to/datasets python3 benches/peers/keras_wide_deep.py \
        [--epochs 20] [--seed 42] [--skip-keras] [--skip-rust] [--verbose]

The rows are StatLib's cal_housing.data converted as fetch_california_housing
does (the same loader as mlp_sklearn.py), split as the chapter does: two
train_test_split calls with random_state=42 (train_full/test, then
train/valid), whatever --seed is. Keras runs, in this process, each model
after keras.utils.set_random_seed(SEED), trained with Adam(learning_rate=1e-3),
batch 32, validation_data as in the chapter:
  wide_deep:  Input([8]) -> Normalization (adapted on X_train) -> Dense(30,
              relu) -> Dense(30, relu); Concatenate()([normalized, hidden2])
              -> Dense(1); loss "mse", metrics ["RootMeanSquaredError"].
  two_inputs: Input([5], name="input_wide") = features 0-4 and Input([6],
              name="input_deep") = features 2-7, one Normalization each
              (adapted on its own columns), Dense(30, relu) x 2 on the deep
              path, concatenate([norm_wide, hidden2]) -> Dense(1); fit on the
              tuple (X_wide, X_deep); also predicts with a dict keyed by input
              name and checks it equals the tuple's predictions.
  aux_output: two_inputs plus Dense(1, name="aux_output") on hidden2 (the main
              head is named "output"), loss ("mse", "mse"), loss_weights
              (0.9, 0.1), one RootMeanSquaredError per output, labels
              (y, y); evaluate's five values are kept with Keras's names.
Ours runs as the binary that `cargo build --release -p keras --example
wide_and_deep` builds, with `--json --epochs E --seed SEED`; its last stdout
line is one JSON object. The table gives each model's test RMSE (main
output) for both and ours/Keras; seconds per epoch is the median of the
epochs after the first (Keras traces in the first). Needs numpy,
scikit-learn and keras 3 with a backend (KERAS_BACKEND, default jax: pip
install keras jax numpy scikit-learn); --skip-keras needs none of them but
the standard library. The last line printed is one JSON object with every
number.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, california, fmt, ratio

SPLIT_SEED = 42
VARIANTS = ("wide_deep", "two_inputs", "aux_output")


def splits():
    from sklearn.model_selection import train_test_split

    x, y = california()
    x_train_full, x_test, y_train_full, y_test = train_test_split(x, y, random_state=SPLIT_SEED)
    x_train, x_valid, y_train, y_valid = train_test_split(x_train_full, y_train_full, random_state=SPLIT_SEED)
    return (x_train, y_train), (x_valid, y_valid), (x_test, y_test)


def keras_side(epochs, seed, verbose):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import keras

    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = splits()
    wide = lambda x: x[:, :5]  # features 0 to 4
    deep = lambda x: x[:, 2:]  # features 2 to 7

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.times = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start)

    def fit(model, x, y, valid):
        timer = EpochTimer()
        history = model.fit(x, y, epochs=epochs, batch_size=32, validation_data=valid,
                            verbose=2 if verbose else 0, callbacks=[timer])
        return history, {"seconds_per_epoch": statistics.median(timer.times[1:] or timer.times),
                         "first_epoch_seconds": timer.times[0], "epoch_seconds": timer.times}

    def two_input_body():
        input_wide = keras.layers.Input(shape=[5], name="input_wide")
        input_deep = keras.layers.Input(shape=[6], name="input_deep")
        norm_layer_wide = keras.layers.Normalization()
        norm_layer_deep = keras.layers.Normalization()
        norm_wide = norm_layer_wide(input_wide)
        norm_deep = norm_layer_deep(input_deep)
        hidden1 = keras.layers.Dense(30, activation="relu")(norm_deep)
        hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
        concat = keras.layers.concatenate([norm_wide, hidden2])
        norm_layer_wide.adapt(wide(x_train))
        norm_layer_deep.adapt(deep(x_train))
        return [input_wide, input_deep], concat, hidden2

    results = {}

    # (a) Wide & Deep on one input: the normalized features skip the hidden layers.
    keras.utils.set_random_seed(seed)
    normalization_layer = keras.layers.Normalization()
    hidden_layer1 = keras.layers.Dense(30, activation="relu")
    hidden_layer2 = keras.layers.Dense(30, activation="relu")
    concat_layer = keras.layers.Concatenate()
    output_layer = keras.layers.Dense(1)
    input_ = keras.layers.Input(shape=x_train.shape[1:])
    normalized = normalization_layer(input_)
    hidden1 = hidden_layer1(normalized)
    hidden2 = hidden_layer2(hidden1)
    concat = concat_layer([normalized, hidden2])
    output = output_layer(concat)
    model = keras.Model(inputs=[input_], outputs=[output])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=["RootMeanSquaredError"])
    normalization_layer.adapt(x_train)
    history, timing = fit(model, x_train, y_train, (x_valid, y_valid))
    test = model.evaluate(x_test, y_test, batch_size=32, verbose=0, return_dict=True)
    results["wide_deep"] = {"test_rmse": test["RootMeanSquaredError"], "test_mse": test["loss"],
                            "val_rmse": history.history["val_RootMeanSquaredError"][-1], **timing}

    # (b) Two inputs: features 0-4 take the wide path, features 2-7 the deep one.
    keras.utils.set_random_seed(seed)
    inputs, concat, _ = two_input_body()
    output = keras.layers.Dense(1)(concat)
    model = keras.Model(inputs=inputs, outputs=[output])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=["RootMeanSquaredError"])
    history, timing = fit(model, (wide(x_train), deep(x_train)), y_train,
                          ((wide(x_valid), deep(x_valid)), y_valid))
    test = model.evaluate((wide(x_test), deep(x_test)), y_test, batch_size=32, verbose=0, return_dict=True)
    by_tuple = model.predict((wide(x_test), deep(x_test)), verbose=0)
    by_dict = model.predict({"input_wide": wide(x_test), "input_deep": deep(x_test)}, verbose=0)
    results["two_inputs"] = {"test_rmse": test["RootMeanSquaredError"], "test_mse": test["loss"],
                             "val_rmse": history.history["val_RootMeanSquaredError"][-1],
                             "input_names": [t.name for t in model.inputs],
                             "dict_predict_equal": bool(np.array_equal(by_tuple, by_dict)),
                             "dict_predict_max_abs_diff": float(np.abs(by_tuple - by_dict).max()), **timing}

    # (c) Two inputs, two outputs: an auxiliary head on hidden2 regularizes the deep path.
    keras.utils.set_random_seed(seed)
    inputs, concat, hidden2 = two_input_body()
    output = keras.layers.Dense(1, name="output")(concat)
    aux_output = keras.layers.Dense(1, name="aux_output")(hidden2)
    model = keras.Model(inputs=inputs, outputs=[output, aux_output])
    # Keras 3 wants one metric list per output (a bare ["RootMeanSquaredError"] fails in fit).
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1),
                  optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    history, timing = fit(model, (wide(x_train), deep(x_train)), (y_train, y_train),
                          ((wide(x_valid), deep(x_valid)), (y_valid, y_valid)))
    x_test_pair, y_test_pair = (wide(x_test), deep(x_test)), (y_test, y_test)
    test = model.evaluate(x_test_pair, y_test_pair, batch_size=32, verbose=0, return_dict=True)
    as_list = model.evaluate(x_test_pair, y_test_pair, batch_size=32, verbose=0)
    results["aux_output"] = {"test_rmse": test["output_RootMeanSquaredError"],
                             "val_rmse": history.history["val_output_RootMeanSquaredError"][-1],
                             "output_names": list(model.output_names),
                             "evaluate": test, "evaluate_list": as_list, **timing}

    backend = keras.backend.backend()
    try:
        backend_version = __import__(backend).__version__
    except (ImportError, AttributeError):
        backend_version = None
    later_epochs = [t for v in VARIANTS for t in results[v]["epoch_seconds"][1:]]
    results.update(seconds_per_epoch=statistics.median(later_epochs) if later_epochs else None,
                   keras_version=keras.__version__, backend=backend, backend_version=backend_version,
                   numpy_version=np.__version__)
    return results


def rust_side(epochs, seed):
    """Builds, then runs our example; None (with the reason on stderr) if either fails."""
    build = ["cargo", "build", "--release", "-q", "-p", "keras", "--example", "wide_and_deep"]
    try:
        built = subprocess.run(build, cwd=ROOT, capture_output=True, text=True)
    except OSError as err:
        print(f"Rust side failed: could not run `{' '.join(build)}` ({err})", file=sys.stderr)
        return None
    if built.returncode != 0:
        reason = built.stderr.strip().splitlines()[-5:]
        if "no example target named" in built.stderr:
            reason.insert(0, "the example crates/keras/examples/wide_and_deep.rs does not exist yet;")
        print(f"Rust side failed: `{' '.join(build)}` exited {built.returncode}:\n  " + "\n  ".join(reason)
              + "\n(--skip-rust runs the Keras side alone)", file=sys.stderr)
        return None
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    cmd = [str(target / "release" / "examples" / "wide_and_deep"), "--json", "--epochs", str(epochs),
           "--seed", str(seed)]
    try:
        run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    except OSError as err:
        print(f"Rust side failed: could not run `{' '.join(cmd)}` ({err})", file=sys.stderr)
        return None
    lines = run.stdout.strip().splitlines()
    try:
        if run.returncode != 0:
            raise ValueError(f"exit status {run.returncode}")
        result = json.loads(lines[-1])
        for variant in VARIANTS:
            float(result[variant]["test_rmse"])
    except (ValueError, IndexError, KeyError, TypeError) as err:
        tail = "\n".join((run.stderr.strip().splitlines() + lines)[-10:])
        print(f"Rust side failed: `{' '.join(cmd)}`: {err!r} (its last stdout line should be one JSON "
              f"object with test_rmse for {', '.join(VARIANTS)})\n{tail}", file=sys.stderr)
        return None
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42,
                        help="keras.utils.set_random_seed before each model, and ours' --seed "
                             "(the data split stays random_state=42)")
    parser.add_argument("--skip-keras", action="store_true")
    parser.add_argument("--skip-rust", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="Keras prints one line per epoch")
    args = parser.parse_args()

    ours = None if args.skip_rust else rust_side(args.epochs, args.seed)
    keras = None if args.skip_keras else keras_side(args.epochs, args.seed, args.verbose)
    k, r = keras or {}, ours or {}

    keras_name = (f"Keras {k['keras_version']} ({k['backend']} {k['backend_version']})" if keras
                  else "Keras (skipped)" if args.skip_keras else "Keras (failed)")
    ours_name = "ours" if ours else "ours (skipped)" if args.skip_rust else "ours (failed)"
    print(f"California housing, the chapter's Functional models, Adam(1e-3), batch 32, {args.epochs} epochs, "
          f"seed {args.seed}, python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"| model | {keras_name} test RMSE | {ours_name} test RMSE | ours/Keras |")
    print("|---|---|---|---|")
    ratios = {}
    for variant in VARIANTS + ("subclassed",):
        kv = (k.get(variant) or {}).get("test_rmse")
        rv = (r.get(variant) or {}).get("test_rmse")
        if kv is None and rv is None:
            continue
        ratios[variant] = ratio(rv, kv)
        print(f"| {variant} | {fmt(kv, '.4f')} | {fmt(rv, '.4f')} | {fmt(ratios[variant], '.3f')} |")
    if keras:
        aux = k["aux_output"]["evaluate"]
        print("Keras aux_output evaluate: " + ", ".join(f"{name}={value:.4f}" for name, value in aux.items()))
        print(f"Keras two_inputs: predict on a dict keyed by input name equals predict on the tuple: "
              f"{k['two_inputs']['dict_predict_equal']} (max |diff| {k['two_inputs']['dict_predict_max_abs_diff']:g})")
    spe_k, spe_r = k.get("seconds_per_epoch"), r.get("seconds_per_epoch")
    print(f"seconds/epoch (median of the epochs after the first): Keras {fmt(spe_k, '.3f')} "
          + "(" + ", ".join(f"{v} {k[v]['seconds_per_epoch']:.3f}" for v in VARIANTS if v in k) + "), "
          + f"ours {fmt(spe_r, '.3f')}, keras/ours {fmt(ratio(spe_k, spe_r), '.2f')}x")

    summary = {"epochs": args.epochs, "seed": args.seed, "split_random_state": SPLIT_SEED,
               "keras": keras, "rust": ours, "rmse_ratio_ours_over_keras": ratios,
               "epoch_speedup": ratio(spe_k, spe_r)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
