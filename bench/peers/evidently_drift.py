"""Evidently at its defaults: a Report with DataDriftPreset and its tests (include_tests=True),
run on pandas frames (column types inferred). A feature drifts when its ValueDrift test fails;
its distance is the ValueDrift score, named by the method Evidently chose (for large data, a
normed Wasserstein distance or Jensen–Shannon: not comparable with KS or L∞)."""
import sys

import evidently
from evidently import Report
from evidently.presets import DataDriftPreset

from common import Timer, emit, finite, load


def main():
    base, cur, features = load(sys.argv[1])
    with Timer() as t:
        snapshot = Report([DataDriftPreset()], include_tests=True).run(cur, base)
        result = snapshot.dict()
    scores = {}
    for m in result["metrics"]:
        cfg = m.get("config", {})
        if cfg.get("type", "").endswith("ValueDrift"):
            scores[cfg["column"]] = (finite(m.get("value")), cfg.get("method"))
    failed = {}
    for test in result.get("tests", []):
        params = test.get("metric_config", {}).get("params", {})
        if params.get("type", "").endswith("ValueDrift"):
            failed[params["column"]] = test.get("status") == "FAIL"
    out = {}
    for f in features:
        distance, method = scores.get(f["name"], (None, None))
        out[f["name"]] = {"drift": failed.get(f["name"]), "distance": distance, "distance_kind": method}
    emit("evidently", evidently.__version__, t.seconds, out)


main()
