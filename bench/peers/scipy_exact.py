"""Exact tests with scipy, p < 0.05: two-sample KS on the present values of numeric features, with
a χ² test of the missing share beside it when either side has missing values (a feature drifts
when either test fires); χ² on the category counts (missing as a category) for categorical ones.
Distances are exact: the KS statistic for numeric features, the L∞ of category proportions for
categorical ones. They are the reference the other tools' distances are compared with."""
import sys

import numpy as np
import scipy
from scipy import stats

from common import Timer, emit, finite, load

ALPHA = 0.05


def numeric(b, c):
    bv, cv = b[~np.isnan(b)], c[~np.isnan(c)]
    ks = stats.ks_2samp(bv, cv, method="auto")
    p = ks.pvalue
    bm, cm = len(b) - len(bv), len(c) - len(cv)
    if bm + cm > 0:
        table = np.array([[len(bv), bm], [len(cv), cm]])
        p = min(p, stats.chi2_contingency(table).pvalue)
    return {"drift": bool(p < ALPHA), "p_value": finite(p), "distance": finite(ks.statistic), "distance_kind": "ks"}


def categorical(b, c):
    bs, cs = b.fillna("<missing>").value_counts(), c.fillna("<missing>").value_counts()
    levels = sorted(set(bs.index) | set(cs.index))
    bn = np.array([bs.get(k, 0) for k in levels], dtype=float)
    cn = np.array([cs.get(k, 0) for k in levels], dtype=float)
    linf = float(np.max(np.abs(bn / bn.sum() - cn / cn.sum())))
    p = stats.chi2_contingency(np.vstack([bn, cn])).pvalue if len(levels) > 1 else 1.0
    return {"drift": bool(p < ALPHA), "p_value": finite(p), "distance": linf, "distance_kind": "linf"}


def main():
    base, cur, features = load(sys.argv[1])
    out = {}
    with Timer() as t:
        for f in features:
            name = f["name"]
            if f["kind"] == "numeric":
                out[name] = numeric(base[name].to_numpy(dtype=float), cur[name].to_numpy(dtype=float))
            else:
                out[name] = categorical(base[name], cur[name])
    emit("scipy-exact", scipy.__version__, t.seconds, out)


main()
