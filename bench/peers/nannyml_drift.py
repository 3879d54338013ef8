"""NannyML at its defaults: UnivariateDriftCalculator over every feature (default methods: Jensen–
Shannon for continuous and categorical columns, default thresholds derived from the reference
chunks), one chunk (chunk_number=1): fit on the baseline, calculate on the whole current set. A
feature drifts when its analysis chunk raises an alert; its distance is the Jensen–Shannon
distance (not comparable with KS or L∞)."""
import sys

import nannyml as nml

from common import Timer, emit, finite, load


def main():
    base, cur, features = load(sys.argv[1])
    names = [f["name"] for f in features]
    with Timer() as t:
        calc = nml.UnivariateDriftCalculator(column_names=names, chunk_number=1)
        calc.fit(base)
        df = calc.calculate(cur).filter(period="analysis").to_df()
    out = {}
    for name in names:
        methods = sorted({m for (c, m, _) in df.columns if c == name})
        method = methods[0] if methods else None
        if method is None:
            out[name] = {"drift": None, "distance": None, "distance_kind": None}
            continue
        out[name] = {
            "drift": bool(df[(name, method, "alert")].iloc[-1]),
            "distance": finite(df[(name, method, "value")].iloc[-1]),
            "distance_kind": method,
            "upper_threshold": finite(df[(name, method, "upper_threshold")].iloc[-1]),
        }
    emit("nannyml", nml.__version__, t.seconds, out)


main()
