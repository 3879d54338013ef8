"""Shared by bench/peers/*.py: load the data set, time the tool's own work, print one JSON result.

Every tool script is run as `python TOOL.py DATA_DIR` (the folder bench/peers/data.ts wrote, with
baseline.parquet, current.parquet and features.json from to_parquet.py) and prints one JSON object
on stdout: {"tool", "version", "compute_s", "features": {name: {"drift": bool, "distance": float|None,
"distance_kind": "ks"|"linf"|other|None, ...}}}. compute_s is the time inside the tool after the
data is loaded into pandas.
"""
import json
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def load(data_dir):
    """(baseline DataFrame, current DataFrame, features [{name, kind}]) from data_dir."""
    import pandas as pd

    with open(os.path.join(data_dir, "features.json")) as f:
        features = json.load(f)["features"]
    base = pd.read_parquet(os.path.join(data_dir, "baseline.parquet"))
    cur = pd.read_parquet(os.path.join(data_dir, "current.parquet"))
    return base, cur, features


class Timer:
    """with Timer() as t: ...; t.seconds"""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def emit(tool, version, compute_s, per_feature):
    json.dump({"tool": tool, "version": version, "compute_s": compute_s, "features": per_feature}, sys.stdout)
    sys.stdout.write("\n")


def finite(x):
    """x as a float, or None when it is missing or not finite (JSON has no NaN)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if v == v and abs(v) != float("inf") else None
