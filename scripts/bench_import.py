"""Time the achievement bulk import: 10,000 rows from XLSX and from CSV.

    .venv/bin/python -m scripts.bench_import [--rows 10000] [--database-url URL]

Uses a throw-away SQLite database under a temporary directory unless --database-url is
given (then the database must be empty: it is migrated and seeded with the demo market).
Each run goes through the HTTP endpoints — the upload (multipart, the file checked against
the import limits, the job stored) and the job (parsing, checking every row, bulk insert,
audit, commit, index jobs; eager here, as in the embedded default) followed until it is done —
and reports the wall time, and apart the time of the upload's check of the limits.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path


def _rows(count: int) -> list[list[str]]:
    from backend.listings.ip_numbers import check_character

    stages = ["实验室", "中试", "产业化"]
    fields = ["environment.water", "materials.composites", "equipment.robotics",
              "new_energy.storage", "biomedicine.devices"]
    rows = []
    for n in range(count):
        digits = f"2019{1}{n:07d}"
        rows.append([
            f"批量导入测试成果{n}：高性能反渗透膜抗污染改性技术",
            "通过表面接枝两性离子聚合物提高反渗透膜抗污染性能，通量衰减降低40%，"
            "已完成中试，可应用于印染、电镀和化工园区废水处理。",
            fields[n % len(fields)], "反渗透; 抗污染; 膜材料", str(n % 9 + 1), stages[n % 3],
            f"发明专利:{digits}.{check_character(digits)}:一种抗污染反渗透膜; 技术秘密::接枝工艺",
            "" if n % 4 == 0 else str(100000 + n), "是" if n % 4 == 0 else "否",
            "技术转让、技术许可", "陈教授", "厦门市"])
    return rows


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("科技成果")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="techbroker-bench-"))
    os.environ["VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    os.environ.pop("CELERY_BROKER_URL", None)
    # The index jobs inside the request, as measured since 2026-12-02 (an API process without
    # a broker now runs them on its background thread: backend/worker.py, BackgroundTasks).
    os.environ["INDEX_POLL_SECONDS"] = "0"

    from fastapi.testclient import TestClient

    from backend.app import create_app
    from backend.cli import migrate_to_head
    from backend.config import get_settings
    from backend.core import sheets
    from backend.demo.data import DEMO_PASSWORD, seed
    from backend.listings.importer import COLUMNS

    migrate_to_head(get_settings().database_url)
    seed()
    header = [h for h, _ in COLUMNS]
    rows = _rows(args.rows)
    files = {"xlsx": _xlsx(header, rows), "csv": _csv(header, rows)}
    with TestClient(create_app()) as client:
        token = client.post("/api/v1/auth/token", data={"username": "inst1",
                                                        "password": DEMO_PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        print(f"database: {get_settings().database_url.split('://')[0]}, rows: {args.rows}")
        for kind, content in files.items():
            started = time.perf_counter()
            r = client.post("/api/v1/achievements/import", headers=headers,
                            files={"file": (f"bench.{kind}", content)})
            if r.status_code != 202:
                print(f"{kind}: refused {r.status_code} {r.text[:500]}")
                return 1
            job = r.json()
            while job["status"] not in ("succeeded", "failed"):
                time.sleep(0.2)  # a worker is importing it (eager: it already has)
                job = client.get(f"/api/v1/achievements/imports/{job['id']}",
                                 headers=headers).json()
            elapsed = time.perf_counter() - started
            if job["status"] != "succeeded":
                print(f"{kind}: failed {job['detail']} {job['errors'][:5]}")
                return 1
            checking = time.perf_counter()
            sheets.check(content, f"bench.{kind}", sheets.Limits.of(get_settings()))
            check = time.perf_counter() - checking
            print(f"{kind:>4}: {job['imported']} rows ({len(content) / 1e6:.1f} MB) "
                  f"imported in {elapsed:.1f} s (the upload's check of the limits: "
                  f"{check:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
