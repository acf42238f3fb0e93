"""The match-endpoint benchmark end to end at a tiny size: it seeds, indexes, times every
endpoint for every role, writes its figures, and leaves the test process as it found it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend.config import get_settings
from backend.matches import index as index_module
from scripts.bench_matches_api import REQUEST_KINDS, main
from tests.conftest import PG_ADMIN_URL, postgres_reachable


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_benchmark_runs_at_a_tiny_size(tmp_path: Path, database: str) -> None:
    if database == "postgresql" and not postgres_reachable():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    var_dir, service = get_settings().var_dir, index_module._service
    out = tmp_path / "bench.json"
    argv = ["--listings", "80", "--requests", "3", "--warmup", "1", "--json", str(out)]
    if database == "postgresql":
        argv += ["--database-url", PG_ADMIN_URL]
    assert main(argv) == 0

    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["database"] == database and summary["profile"] == "hash"
    assert summary["seed"]["demands"] == 40 and summary["seed"]["achievements"] == 40
    assert 0 < summary["index"]["demand"]["documents"] <= 40
    assert set(summary["requests"]) == {*REQUEST_KINDS, "feed_cold"}
    for role in ("firm", "institute", "broker"):
        stats = summary["requests"]["demand_matches"][role]
        assert stats["n"] == 3 and 0 < stats["p50_ms"] <= stats["p95_ms"] <= stats["max_ms"]
    assert set(summary["requests"]["feed"]) == {"broker", "admin"}
    # the test process's settings and index service are back
    assert get_settings().var_dir == var_dir and index_module._service is service
