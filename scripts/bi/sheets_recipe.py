"""Spreadsheet recipe (docs/bi.md): do the CSV dates open as dates?

Downloads the dataset report, the daily and monthly usage tables and the
monthly export (months are written as their first day), lets LibreOffice
Calc (headless) open each CSV as a user would — comma-separated UTF-8, no
column types given, so Calc detects them itself — saves it as .xlsx, and
reads the cell types back with openpyxl: a date column must hold dates,
not text.
"""
import json
import os
import shutil
import subprocess
import tempfile

import openpyxl
import requests

base = os.environ["BI_BASE_URL"].rstrip("/")
headers = {"Authorization": f"Bearer {os.environ['BI_API_KEY']}"}
soffice = shutil.which("soffice") or shutil.which("libreoffice")
if not soffice:
    raise SystemExit("LibreOffice (soffice) is not installed: run scripts/install-libreoffice.sh")

REPORTS = {
    "datasets": (f"{base}/api/reports/metrics/datasets", ["created", "last_viewed"]),
    "usage_day": (f"{base}/api/reports/usage-table?granularity=day", ["date"]),
    "usage_month": (f"{base}/api/reports/usage-table?granularity=month", ["date"]),
    "monthly": (f"{base}/api/reports/monthly", ["month"]),
}
out = {"recipe": "sheets", "soffice": soffice, "columns": {}}
with tempfile.TemporaryDirectory() as tmp:
    for name, (url, date_columns) in REPORTS.items():
        csv_path = os.path.join(tmp, f"{name}.csv")
        r = requests.get(url, headers=headers, timeout=120)
        r.raise_for_status()
        with open(csv_path, "wb") as f:
            f.write(r.content)
        # 44 = comma, 34 = double quote, 76 = UTF-8, 1 = first line: what the
        # import dialog proposes for a UTF-8 CSV; column types left to Calc.
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--infilter=CSV:44,34,76,1",
             "--convert-to", "xlsx", "--outdir", tmp, csv_path],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
        )
        ws = openpyxl.load_workbook(os.path.join(tmp, f"{name}.xlsx")).active
        header = [c.value for c in ws[1]]
        for col in date_columns:
            i = header.index(col)
            cells = [row[i] for row in ws.iter_rows(min_row=2) if row[i].value not in (None, "")]
            out["columns"][f"{name}.{col}"] = {
                "cells": len(cells),
                "dates": sum(1 for c in cells if c.is_date),
                "example": str(cells[0].value) if cells else None,
                "number_format": cells[0].number_format if cells else None,
            }
print(json.dumps(out))
