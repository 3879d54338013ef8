"""Writes baseline.parquet and current.parquet (pyarrow) beside the CSVs of a bench:peers data set,
and features.json (the feature kinds from .complete). Categorical columns are strings, numeric
ones float64 (missing = null). Usage: python to_parquet.py DATA_DIR"""
import json
import os
import sys

import pyarrow as pa
import pyarrow.csv as pv
import pyarrow.parquet as pq

data_dir = sys.argv[1]
with open(os.path.join(data_dir, ".complete")) as f:
    features = json.load(f)["features"]
types = {f["name"]: (pa.string() if f["kind"] == "categorical" else pa.float64()) for f in features}
for part in ("baseline", "current"):
    table = pv.read_csv(
        os.path.join(data_dir, f"{part}.csv"),
        convert_options=pv.ConvertOptions(column_types=types, strings_can_be_null=False),
    )
    pq.write_table(table, os.path.join(data_dir, f"{part}.parquet.part"))
    os.replace(os.path.join(data_dir, f"{part}.parquet.part"), os.path.join(data_dir, f"{part}.parquet"))
with open(os.path.join(data_dir, "features.json"), "w") as f:
    json.dump({"features": features}, f)
