"""SQL over the API with shillelagh (docs/bi.md): the usage table's JSON form as a table.

shillelagh's generic JSON adapter reads a URL that returns a JSON array of
objects; the Authorization header is passed through adapter_kwargs.
"""
import json
import os
import tempfile

# shillelagh's HTTP adapters keep request caches (*.sqlite) in the working
# directory: keep them out of the repository.
os.chdir(tempfile.mkdtemp(prefix="shillelagh-"))

from shillelagh.backends.apsw.db import connect  # noqa: E402

base = os.environ["BI_BASE_URL"].rstrip("/")
key = os.environ["BI_API_KEY"]
connection = connect(
    ":memory:",
    adapter_kwargs={"genericjsonapi": {"request_headers": {"Authorization": f"Bearer {key}"}}},
)
url = f"{base}/api/reports/usage-table?format=json&granularity=month"
sql = f'SELECT metric, access_method, SUM("count") AS n FROM "{url}" GROUP BY metric, access_method ORDER BY metric, access_method'
totals = {f"{m}|{a}": int(n) for m, a, n in connection.cursor().execute(sql)}
print(json.dumps({"recipe": "shillelagh", "totals": totals}))
