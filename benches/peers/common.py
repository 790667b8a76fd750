"""What the peer scripts share: the data directory, California housing as
scikit-learn's fetch_california_housing returns it, and the table helpers.
Each script imports it from its own folder (python3 puts the script's folder
on sys.path)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def data_dir():
    """NEURONS_DATA_DIR if set, else the workspace's datasets/ folder."""
    return Path(os.environ.get("NEURONS_DATA_DIR") or ROOT / "datasets")


def california():
    """StatLib's cal_housing.data converted as fetch_california_housing does
    (x: the 8 features in scikit-learn's order, y: the value in $100,000)."""
    import numpy as np

    raw = np.loadtxt(data_dir() / "california-housing" / "cal_housing.data", delimiter=",")
    raw = raw[:, [8, 7, 2, 3, 4, 5, 6, 1, 0]]
    y, x = raw[:, 0] / 100_000.0, raw[:, 1:].copy()
    x[:, 2] /= x[:, 5]
    x[:, 3] /= x[:, 5]
    x[:, 5] = x[:, 4] / x[:, 5]
    return x, y


def ratio(a, b):
    """a / b, or None when either is missing."""
    return a / b if a is not None and b else None


def fmt(value, spec):
    """A table cell: the value formatted, or "-" when it is missing."""
    return "-" if value is None else format(value, spec)
