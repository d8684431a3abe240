"""GraphQL recipe (docs/bi.md): page through the long usage table with plain requests."""
import json
import os

import requests

base = os.environ["BI_BASE_URL"].rstrip("/")
session = requests.Session()
session.headers["Authorization"] = f"Bearer {os.environ['BI_API_KEY']}"

QUERY = """
query Page($after: String) {
  usageTable(first: 100, after: $after, filter: { granularity: MONTH }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { date portalId resourceType resourceId title metric accessMethod count }
  }
}
"""

rows, after, pages, total = [], None, 0, None
while True:
    r = session.post(f"{base}/graphql", json={"query": QUERY, "variables": {"after": after}}, timeout=120)
    r.raise_for_status()
    body = r.json()
    if body.get("errors"):
        raise SystemExit(f"GraphQL errors: {body['errors']}")
    page = body["data"]["usageTable"]
    rows.extend(page["nodes"])
    total = page["totalCount"]
    pages += 1
    if not page["pageInfo"]["hasNextPage"]:
        break
    after = page["pageInfo"]["endCursor"]

totals = {}
for n in rows:
    k = f"{n['metric'].lower()}|{n['accessMethod']}"
    totals[k] = totals.get(k, 0) + n["count"]
print(json.dumps({"recipe": "graphql", "rows": len(rows), "totalCount": total, "pages": pages, "totals": totals}))
