"""Interop with real Keras 3, both ways (run by tests/interop/run).

(a) models trained and saved by this crate load in keras.models.load_model and
    predict what we predict; one more epoch of fit in Keras from the saved
    optimizer state gives the weights one more epoch gives here;
(b) models built, trained and saved by Keras load here (the `keras predict`
    command) and predict what Keras predicts; their compile settings and
    optimizer state load too;
(c) .weights.h5 files round-trip both ways; our safetensors export holds the
    weights Keras loaded.
Usage: keras_check.py WORK_DIR INTEROP_EXAMPLE KERAS_COMMAND
"""

import json
import os
import subprocess
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from safetensors.numpy import load_file  # noqa: E402

TOLERANCE = 1e-5
work, interop, keras_command = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
failures = []
rows = []


def check(what, difference, tolerance=TOLERANCE):
    ok = bool(difference <= tolerance)
    rows.append((what, difference, tolerance, ok))
    if not ok:
        failures.append(what)


def run(*args):
    subprocess.run(list(args), check=True)


def read_csv(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    return header, np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32, ndmin=2)


def model_inputs(model, path):
    """The CSV's rows as one array per model input."""
    _, values = read_csv(path)
    arrays, start = [], 0
    for tensor in model.inputs:
        shape = tuple(tensor.shape[1:])
        size = int(np.prod(shape))
        arrays.append(values[:, start:start + size].reshape((-1,) + shape))
        start += size
    return arrays


def ours_predict(model_path, x_path):
    out = os.path.join(work, "ours_predictions.csv")
    run(keras_command, "predict", model_path, "--input", x_path, "--output", out)
    return read_csv(out)[1]


def keras_predict(model, xs):
    outs = model.predict(xs if len(xs) > 1 else xs[0], verbose=0, batch_size=256)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    return np.concatenate([np.asarray(o).reshape(len(xs[0]), -1) for o in outs], axis=1)


def weights_difference(a, b):
    return max(float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b, strict=True))


# (a) ours -> Keras
run(interop, "export", work)
names = json.load(open(os.path.join(work, "models.json")))
for name in names:
    path = os.path.join(work, f"{name}.keras")
    model = keras.models.load_model(path)
    xs = model_inputs(model, os.path.join(work, f"{name}_x.csv"))
    ours = ours_predict(path, os.path.join(work, f"{name}_x.csv"))
    check(f"(a) {name}: Keras predicts what we predict", float(np.max(np.abs(keras_predict(model, xs) - ours))))
    info = json.loads(subprocess.run([interop, "inspect", path], check=True, capture_output=True, text=True).stdout)
    check(f"(a) {name}: optimizer steps ({int(model.optimizer.iterations)} in Keras)",
          abs(int(model.optimizer.iterations) - info["iterations"]), 0)
    # One more epoch on both sides, from the saved optimizer state.
    _, y = read_csv(os.path.join(work, f"{name}_y.csv"))
    ys = [y[:, k] if "sparse" not in str(model.loss) else y[:, k].astype("int64") for k in range(y.shape[1])]
    model.fit(xs if len(xs) > 1 else xs[0], ys if len(ys) > 1 else ys[0], epochs=1, batch_size=32,
              shuffle=False, verbose=0)
    run(interop, "continue", work, name)
    ours_model = keras.models.load_model(path)
    ours_model.load_weights(os.path.join(work, f"{name}_continued.weights.h5"))
    check(f"(a) {name}: weights after one more epoch, Keras vs ours",
          weights_difference(model.get_weights(), ours_model.get_weights()))
    # (c) our .weights.h5 into Keras, and our safetensors.
    fresh = keras.models.load_model(path)
    fresh.set_weights([np.zeros_like(w) for w in fresh.get_weights()])
    fresh.load_weights(os.path.join(work, f"{name}.weights.h5"))
    check(f"(c) {name}: our .weights.h5 loaded by Keras predicts the same",
          float(np.max(np.abs(keras_predict(fresh, xs) - ours))))
    loaded = keras.models.load_model(path)
    for suffix, transposed, layout in [("", True, "[units, inputs]"), (".keras_layout", False, "[inputs, units]")]:
        tensors = load_file(os.path.join(work, f"{name}{suffix}.safetensors"))
        diffs = []
        for layer in loaded.layers:
            for variable in layer.weights:
                key = f"{layer.name}/{variable.name}"
                value = np.asarray(variable)
                if variable.name == "kernel" and transposed:
                    value = value.T
                assert tensors[key].shape == value.shape, (key, tensors[key].shape, value.shape)
                diffs.append(float(np.max(np.abs(tensors[key] - value))) if value.size else 0.0)
        check(f"(c) {name}: safetensors ({layout} kernels) hold Keras's weights", max(diffs))

# (b) Keras -> ours
rng = np.random.default_rng(42)
keras.utils.set_random_seed(42)
x = rng.normal(size=(1000, 8)).astype("float32") * [1, 10, 100, 0.1, 1, 1, 5, 2]
y = (x[:, 0] + 0.01 * x[:, 1] - x[:, 3]).astype("float32")
norm = keras.layers.Normalization()
norm.adapt(x)
sequential = keras.Sequential([
    keras.Input(shape=(8,)), norm,
    keras.layers.Dense(16, activation="relu", kernel_initializer="he_normal"),
    keras.layers.Dense(8, activation="tanh", bias_initializer="ones"),
    keras.layers.Dense(4, activation="sigmoid"),
    keras.layers.Dense(1),
])
sequential.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=2e-3), metrics=["RootMeanSquaredError"])
sequential.fit(x, y, epochs=2, verbose=0)
wide = keras.Input(shape=(5,), name="input_wide")
deep = keras.Input(shape=(6,), name="input_deep")
norm_wide, norm_deep = keras.layers.Normalization(), keras.layers.Normalization()
norm_wide.adapt(x[:, :5])
norm_deep.adapt(x[:, 2:])
hidden = keras.layers.Dense(10, activation="relu")(norm_deep(deep))
hidden = keras.layers.Dense(10, activation="relu")(hidden)
joined = keras.layers.Concatenate()([norm_wide(wide), hidden])
output = keras.layers.Dense(1, name="output")(joined)
aux = keras.layers.Dense(1, name="aux_output")(hidden)
functional = keras.Model(inputs=[wide, deep], outputs=[output, aux])
functional.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1),
                   optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                   metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
functional.fit((x[:, :5], x[:, 2:]), (y, y), epochs=2, verbose=0)
for name, model, xs in [("keras_sequential", sequential, [x]), ("keras_functional", functional, [x[:, :5], x[:, 2:]])]:
    path = os.path.join(work, f"{name}.keras")
    model.save(path)
    header = [f"{t.name}.{i}" for t, a in zip(model.inputs, xs) for i in range(a.shape[1])]
    x_path = os.path.join(work, f"{name}_x.csv")
    np.savetxt(x_path, np.concatenate(xs, axis=1), delimiter=",", header=",".join(header), comments="", fmt="%.9g")
    expected = keras_predict(model, xs)
    check(f"(b) {name}: we predict what Keras predicts", float(np.max(np.abs(ours_predict(path, x_path) - expected))))
    summary = subprocess.run([keras_command, "summary", path], check=True, capture_output=True, text=True).stdout
    check(f"(b) {name}: our summary names every layer", sum(layer.name not in summary for layer in model.layers), 0)
    info = json.loads(subprocess.run([interop, "inspect", path], check=True, capture_output=True, text=True).stdout)
    check(f"(b) {name}: optimizer steps loaded", abs(int(model.optimizer.iterations) - info["iterations"]), 0)
    check(f"(b) {name}: learning rate loaded",
          abs(float(model.optimizer.learning_rate) - info["learning_rate"]), 1e-9)
    check(f"(b) {name}: layers in Keras's order", int(info["layers"] != [layer.name for layer in model.layers]), 0)
    # (c) Keras's .weights.h5 loaded here.
    weights = os.path.join(work, f"{name}.weights.h5")
    model.save_weights(weights)
    out = os.path.join(work, f"{name}_reloaded.keras")
    run(interop, "load-weights", path, weights, out)
    check(f"(c) {name}: Keras's .weights.h5 loaded here predicts the same",
          float(np.max(np.abs(ours_predict(out, x_path) - expected))))

width = max(len(r[0]) for r in rows)
print(f"{'check':<{width}}  {'max abs difference':>18}  {'tolerance':>9}")
for what, difference, tolerance, ok in rows:
    print(f"{what:<{width}}  {difference:>18.3g}  {tolerance:>9.0e}  {'ok' if ok else 'FAILED'}")
if failures:
    print(f"{len(failures)} interop check(s) failed", file=sys.stderr)
    sys.exit(1)
print(f"all {len(rows)} interop checks passed")
