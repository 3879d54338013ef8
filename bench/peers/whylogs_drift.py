"""whylogs at its defaults: profile both sets (why.log on pandas), then its drift report's scores
(calculate_drift_scores with thresholds: KS on the KLL sketches for numeric columns, χ² on the
frequent-items sketch for categorical ones). A feature drifts when its category is DRIFT (default:
p < 0.05). Its KS statistic is the distance (the χ² statistic is not a distance: left out)."""
import sys

import whylogs as why
from whylogs.viz.drift.column_drift_algorithms import calculate_drift_scores

from common import Timer, emit, finite, load


def main():
    base, cur, features = load(sys.argv[1])
    with Timer() as t:
        ref_view = why.log(base).view()
        cur_view = why.log(cur).view()
        scores = calculate_drift_scores(target_view=cur_view, reference_view=ref_view, with_thresholds=True)
    out = {}
    for f in features:
        s = scores.get(f["name"]) or {}
        algo = s.get("algorithm")
        out[f["name"]] = {
            "drift": s.get("drift_category") == "DRIFT",
            "category": s.get("drift_category"),
            "algorithm": algo,
            "p_value": finite(s.get("pvalue")),
            "distance": finite(s.get("statistic")) if algo == "ks" else None,
            "distance_kind": "ks" if algo == "ks" else algo,
        }
    emit("whylogs", why.__version__, t.seconds, out)


main()
