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
# Regular (people) and machine use apart: adding them up would show a
# dataset's views as regular + machine (17) where the gateway says 8.
datasets_usage = usage[usage.resource_type == "DATASET"]
pivot = datasets_usage.pivot_table(
    index="resource_id", columns=["access_method", "metric"], values="count", aggfunc="sum", fill_value=0
)
regular = pivot["regular"] if "regular" in pivot.columns.get_level_values(0) else pd.DataFrame()
machine = pivot["machine"] if "machine" in pivot.columns.get_level_values(0) else pd.DataFrame()

# Where use comes from: the same table with one row per country (unknown visitors as "unknown").
by_country = pd.read_csv(
    f"{base}/api/reports/usage-table?granularity=month&by_country=true&resource_type=DATASET",
    storage_options=headers,
    encoding="utf-8-sig",
    parse_dates=["date"],
    keep_default_na=False,  # "NA" is Namibia, not a missing value
)
countries = by_country[by_country.access_method == "regular"].pivot_table(
    index="country", columns="metric", values="count", aggfunc="sum", fill_value=0
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
            "dataset_views": {str(k): int(v) for k, v in regular.get("views", pd.Series(dtype=int)).items()},
            "dataset_machine_views": {str(k): int(v) for k, v in machine.get("views", pd.Series(dtype=int)).items()},
            "country_views": {str(k): int(v) for k, v in countries.get("views", pd.Series(dtype=int)).items()},
            "datasets_rows": int(len(datasets)),
            "created_dtype": str(datasets["created"].dtype),
        }
    )
)
