"""scripts/load_test.py works end to end: a tiny market, a few users for a few seconds against
a real server on the embedded default, and a clean write audit. (The real runs — 100 users
against SQLite and against PostgreSQL + Redis + worker — are not part of the test suite; see
the README's production section for their figures.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from backend.config import PROJECT_ROOT


def test_a_short_embedded_run_has_no_errors_and_no_lost_or_duplicated_writes(
        tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "DATABASE_", "CELERY_", "VAR_DIR"))}
    done = subprocess.run(
        [sys.executable, "scripts/load_test.py", "--mode", "embedded", "--users", "10",
         "--duration", "5", "--warmup", "2", "--think", "0.05", "--firms", "3",
         "--institutes", "2", "--brokers", "2", "--listings", "4", "--write-weight", "6",
         "--json", str(report)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads(report.read_text())
    assert summary["requests"] > 0 and summary["errors"] == 0
    writes = summary["writes"]
    assert writes["problems"] == []
    assert writes["notes_sent"] + writes["claims_sent"] > 0
    assert {"browse", "search", "match"} <= set(summary["by_kind"])
    # /metrics (multiprocess mode) counted every request the users sent, warm-up included.
    assert summary["metrics_api_requests"] == summary["requests_sent"]
