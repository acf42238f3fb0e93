"""The integrity benchmark at a small scale: every planted case found, the clean control clean."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.bench_integrity import KINDS, main


def test_small_benchmark_finds_every_planted_case(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert main(["--contracts", "1200", "--per-kind", "6", "--json", str(out)]) == 0
    summary = json.loads(out.read_text())
    assert summary["clean_flagged"] == 0
    assert set(summary["rules"]) == set(KINDS)
    assert all(r["recall"] == 1.0 and r["precision"] == 1.0 for r in summary["rules"].values())
