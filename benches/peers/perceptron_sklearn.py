#!/usr/bin/env python3
"""Our Perceptron against scikit-learn's, side by side in one run, on the
very same rows.

    python3 benches/peers/perceptron_sklearn.py [--repeat 5] [--markdown]

Needs numpy and scikit-learn (pip install numpy scikit-learn). Builds and
runs `cargo run --release -p perceptron --example synthetic` for our side.
For each case, both libraries fit the rows `--repeat` times; the table gives
the fastest and the median fit time, the epochs (n_iter_) and the training
accuracy, and how many times faster ours is (scikit-learn median / ours).
Only fit() is timed, not loading the data.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.linear_model import Perceptron

ROOT = Path(__file__).resolve().parents[2]
SEED = 42


def ours_binary():
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "-p", "perceptron", "--example", "synthetic"],
        cwd=ROOT,
        check=True,
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "examples" / "synthetic"


def time_ours(binary, csv, repeat, extra):
    cmd = [str(binary), "--data", str(csv), "--seed", str(SEED), "--repeat", str(repeat), "--json", *extra]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    r = json.loads(out)
    return r["fit_seconds_min"], r["fit_seconds_median"], r["epochs"], r["training_accuracy"]


def time_sklearn(x, y, repeat, **options):
    times = []
    for _ in range(repeat):
        clf = Perceptron(random_state=SEED, **options)
        start = time.perf_counter()
        clf.fit(x, y)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), clf.n_iter_, clf.score(x, y)


def write_csv(path, x, y):
    header = ",".join(f"x{j}" for j in range(x.shape[1])) + ",y"
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", header=header, comments="", fmt="%.17g")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--markdown", action="store_true", help="print only the Markdown table")
    args = parser.parse_args()

    binary = ours_binary()
    with tempfile.TemporaryDirectory() as tmp:
        synthetic_csv = Path(tmp) / "synthetic.csv"
        subprocess.run([str(binary), "--repeat", "1", "--write-csv", str(synthetic_csv)], check=True, capture_output=True)
        blobs_csv = Path(tmp) / "make_classification.csv"
        x, y = make_classification(n_samples=100_000, n_features=20, random_state=SEED)
        write_csv(blobs_csv, x, y)

        cases = [
            ("our synthetic rows, defaults (tol=1e-3)", synthetic_csv, {}, []),
            ("our synthetic rows, 34 epochs (tol=None)", synthetic_csv, {"max_iter": 34, "tol": None}, ["--max-iter", "34", "--no-tol"]),
            ("make_classification(100000, 20, random_state=42), defaults", blobs_csv, {}, []),
        ]
        rows = []
        for name, csv, sk_options, our_options in cases:
            data = np.loadtxt(csv, delimiter=",", skiprows=1)
            x, y = data[:, :-1], data[:, -1].astype(int)
            sk = time_sklearn(x, y, args.repeat, **sk_options)
            ours = time_ours(binary, csv, args.repeat, our_options)
            rows.append((name, x.shape, sk, ours))

    lines = [
        f"| rows (100,000 × 20) | scikit-learn {sklearn.__version__}: median (min) s, epochs, accuracy "
        "| ours: median (min) s, epochs, accuracy | ours faster by |",
        "|---|---|---|---|",
    ]
    for name, shape, sk, ours in rows:
        lines.append(
            f"| {name} | {sk[1]:.4f} ({sk[0]:.4f}), {sk[2]}, {sk[3]:.4f} "
            f"| {ours[1]:.4f} ({ours[0]:.4f}), {ours[2]}, {ours[3]:.4f} | {sk[1] / ours[1]:.1f}× |"
        )
    if not args.markdown:
        print(f"Perceptron fit, {args.repeat} repeats each, python {sys.version.split()[0]}, numpy {np.__version__}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
