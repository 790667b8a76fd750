#!/usr/bin/env python3
"""Our MLPRegressor against scikit-learn's on the chapter's California
housing task, side by side in one run.

    NEURONS_DATA_DIR=path/to/datasets python3 benches/peers/mlp_sklearn.py [--repeat 3]

Both fit StandardScaler + MLPRegressor(hidden_layer_sizes=[50, 50, 50],
random_state=42) on the chapter's training split (two train_test_split calls
with random_state=42) of StatLib's cal_housing.data, converted as
fetch_california_housing does, with scikit-learn's stopping rule. Ours runs
as `cargo run --release -p mlp -- --json --no-figures`, which reports the
time spent in fit. The table gives the median fit time, the epochs and the
validation RMSE of each, and how many times faster ours is. Needs numpy and
scikit-learn.
"""
import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from common import ROOT, california



def sklearn_side(repeat):
    x, y = california()
    x_full, _, y_full, _ = train_test_split(x, y, random_state=42)
    x_train, x_valid, y_train, y_valid = train_test_split(x_full, y_full, random_state=42)
    times, rmse, epochs = [], None, None
    for _ in range(repeat):
        model = make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=[50, 50, 50], random_state=42))
        start = time.perf_counter()
        model.fit(x_train, y_train)
        times.append(time.perf_counter() - start)
        rmse = float(np.sqrt(((model.predict(x_valid) - y_valid) ** 2).mean()))
        epochs = model[-1].n_iter_
    return statistics.median(times), epochs, rmse


def our_side(repeat):
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "mlp"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    times, rmse, epochs = [], None, None
    for _ in range(repeat):
        out = subprocess.run(
            [str(target / "release" / "mlp"), "--json", "--no-figures"], check=True, capture_output=True, text=True
        ).stdout.strip().splitlines()[-1]
        c = json.loads(out)["california"]
        times.append(c["fit_seconds"])
        rmse, epochs = c["valid_rmse"], c["epochs"]
    return statistics.median(times), epochs, rmse


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sk = sklearn_side(args.repeat)
    ours = our_side(args.repeat)
    print(f"California housing, MLPRegressor([50, 50, 50]), median of {args.repeat} fits")
    print(f"| | fit seconds | epochs | validation RMSE |")
    print(f"|---|---|---|---|")
    print(f"| scikit-learn {sklearn.__version__} | {sk[0]:.2f} | {sk[1]} | {sk[2]:.4f} |")
    print(f"| ours | {ours[0]:.2f} | {ours[1]} | {ours[2]:.4f} |")
    print(f"ours faster by {sk[0] / ours[0]:.1f}x")


if __name__ == "__main__":
    main()
