"""The re-encoding benchmark at a tiny size: a killed run's work is not encoded again."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.bench_reindex import main


def test_the_benchmark_runs_and_a_resumed_run_encodes_only_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert main(["--listings", "60", "--profile", "hash", "--batch", "10",
                 "--json", str(out)]) == 0
    runs = {r["run"]: r for r in json.loads(out.read_text(encoding="utf-8"))["runs"]}
    assert [runs[r]["texts_encoded"] for r in ("cold", "killed", "resumed", "warm")] == [
        60, 30, 30, 0]
    assert runs["killed"]["killed"] and runs["killed"]["cached"] == 30
    assert runs["resumed"]["documents"] == runs["warm"]["documents"] == 60
    assert all(r["peak_rss_mb"] > 0 for r in runs.values())
