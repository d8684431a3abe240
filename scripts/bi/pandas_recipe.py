"""pandas recipe (docs/bi.md): read the gateway's CSV reports straight from their URLs.

pandas sends `storage_options` as HTTP headers for http(s) URLs, so the API
key goes in an Authorization header; dates come back as datetime64 columns.
"""
import json
import os

import pandas as pd

base = os.environ["BI_BASE_URL"].rstrip("/")
headers = {"Authorization": f"Bearer {os.environ['BI_API_KEY']}"}

# The long usage table, one row per (month, resource, metric, access method).
usage = pd.read_csv(
    f"{base}/api/reports/usage-table?granularity=month",
    storage_options=headers,
    encoding="utf-8-sig",  # the CSV starts with a byte order mark (Excel)
    parse_dates=["date"],
)
by_metric = usage.groupby(["metric", "access_method"])["count"].sum()
pivot = usage[usage.resource_type == "DATASET"].pivot_table(
    index="resource_id", columns="metric", values="count", aggfunc="sum", fill_value=0
)

# The dataset report (Clowder's columns and ours), dates as datetimes.
datasets = pd.read_csv(
    f"{base}/api/reports/metrics/datasets",
    storage_options=headers,
    encoding="utf-8-sig",
    parse_dates=["created", "last_viewed", "last_downloaded"],
)

print(
    json.dumps(
        {
            "recipe": "pandas",
            "rows": int(len(usage)),
            "date_dtype": str(usage["date"].dtype),
            "totals": {f"{m}|{a}": int(v) for (m, a), v in by_metric.items()},
            "dataset_views": {str(k): int(v) for k, v in pivot.get("views", pd.Series(dtype=int)).items()},
            "datasets_rows": int(len(datasets)),
            "created_dtype": str(datasets["created"].dtype),
        }
    )
)
