#!/usr/bin/env python3
"""Keras Tuner's own draws, for the tuning crate to match value for value.

    KERAS_BACKEND=jax python3 benches/peers/keras_tuner_draws.py [--out FILE]

For each search space below, a real keras_tuner.RandomSearch (and
BayesianOptimization for its random initial points) with the given seed
creates its trials through its oracle, as `search()` would, without
training anything: the values of a random trial depend only on the seed and
on the trials created before it. Prints (or writes) one JSON object:
{"keras_tuner": version, "spaces": {name: {"seed", "max_trials", "trials":
[{"trial_id", "status", "values"}]}}}. crates/tuning/tests/keras_tuner_draws.rs
compares ours with the committed copy, crates/tuning/tests/data/keras_tuner_draws.json,
and .ci/run checks that copy against this script's output.
Needs keras-tuner and a Keras backend (pip install keras-tuner jax[cpu]).
"""
import argparse
import json
import os
import tempfile

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import keras  # noqa: E402
import keras_tuner as kt  # noqa: E402


def chapter_model(hp):
    """The chapter's build_model."""
    n_hidden = hp.Int("n_hidden", min_value=0, max_value=8, default=2)
    n_neurons = hp.Int("n_neurons", min_value=16, max_value=256)
    learning_rate = hp.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")
    optimizer = hp.Choice("optimizer", values=["sgd", "adam"])
    if optimizer == "sgd":
        optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    else:
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    model = keras.Sequential([keras.layers.Input(shape=(28, 28)), keras.layers.Flatten()])
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


def tiny_model():
    model = keras.Sequential([keras.layers.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    return model


def every_kind(hp):
    """Every kind of hyperparameter and sampling, and a conditional scope."""
    hp.Int("units", 16, 256, step=2, sampling="log")
    hp.Int("layers", 6, 13, step=3)
    hp.Int("width", 8, 512, sampling="log")
    hp.Float("momentum", 0.5, 0.999, sampling="reverse_log")
    hp.Float("dropout", 0.0, 0.5, step=0.1)
    hp.Float("decay", 1e-6, 1e-2, step=10, sampling="log")
    hp.Boolean("normalize")
    hp.Choice("batch_size", [16, 32, 64])
    hp.Fixed("epochs", 10)
    kind = hp.Choice("model_type", ["mlp", "wide"])
    with hp.conditional_scope("model_type", ["mlp"]):
        if kind == "mlp":
            hp.Int("depth", 1, 4)
    with hp.conditional_scope("model_type", ["wide"]):
        if kind == "wide":
            hp.Float("wide_l2", 1e-5, 1e-1, sampling="log")
    return tiny_model()


def two_values(hp):
    """Two configurations only: the third trial finds none and stops."""
    hp.Boolean("normalize")
    return tiny_model()


SPACES = {
    "chapter": (chapter_model, 42, 10, kt.RandomSearch),
    "every_kind": (every_kind, 7, 12, kt.RandomSearch),
    "two_values": (two_values, 1, 5, kt.RandomSearch),
    "bayesian_initial": (chapter_model, 42, 12, kt.BayesianOptimization),
}


def draws(build, seed, max_trials, tuner_class):
    with tempfile.TemporaryDirectory() as directory:
        tuner = tuner_class(build, objective="val_loss", max_trials=max_trials, seed=seed,
                            directory=directory, project_name="draws", overwrite=True)
        tuner._populate_initial_space()
        trials = []
        # BayesianOptimization's first max(3·d, 3) = 12 trials are random.
        for _ in range(max_trials + 1):
            trial = tuner.oracle.create_trial("tuner0")
            trials.append({"trial_id": trial.trial_id, "status": trial.status,
                           "values": dict(trial.hyperparameters.values)})
            if trial.status != "RUNNING":
                break
            # End it at once (a score that makes no trial better than another).
            tuner.oracle.update_trial(trial.trial_id, {"val_loss": 1.0}, step=0)
            trial.status = "COMPLETED"
            tuner.oracle.end_trial(trial)
        return {"seed": seed, "max_trials": max_trials, "oracle": tuner_class.__name__, "trials": trials}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the JSON here instead of printing it")
    args = parser.parse_args()
    result = {"keras_tuner": kt.__version__,
              "spaces": {name: draws(*spec) for name, spec in SPACES.items()}}
    text = json.dumps(result, indent=1, sort_keys=True) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
