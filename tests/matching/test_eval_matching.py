"""scripts/eval_matching.py: the metrics, task discovery (`--data`) and an end-to-end run on a
tiny BEIR-format task (lexical and hash systems only: no models)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from scripts.eval_matching import find_splits, main, metrics, read_qrels

CORPUS = [
    {"_id": "d1", "title": "Lithium battery separator", "text": ""},
    {"_id": "d2", "title": "Crop disease detection", "text": "from drone images"},
    {"_id": "d3", "title": "Lithium battery separator", "text": "wet process membrane"},
    {"_id": "d4", "title": "Wastewater heavy metal adsorption", "text": ""},
]
QUERIES = [
    # d1 is the query's own document: excluded, so d3 must come first
    {"_id": "q1", "text": "lithium battery separator", "exclude": "d1"},
    {"_id": "q2", "text": "crop disease detection"},
    {"_id": "q3", "text": "heavy metal adsorption"},  # judged 0 only: not counted
]
QRELS = "query-id\tcorpus-id\tscore\nq1\td3\t1\nq2\td2\t1\nq3\td4\t0\n"


def write_task(directory: Path) -> None:
    directory.mkdir(parents=True)
    for name, rows in (("corpus.jsonl", CORPUS), ("queries.jsonl", QUERIES)):
        (directory / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (directory / "qrels.tsv").write_text(QRELS, encoding="utf-8")


def test_metrics_binary_relevance() -> None:
    got = metrics(["x", "r1", "y", "r2"], {"r1", "r2", "r3"})
    assert got["recall@10"] == pytest.approx(2 / 3)
    assert got["mrr@10"] == pytest.approx(1 / 2)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert got["ndcg@10"] == pytest.approx(dcg / idcg)
    # only the first ten count
    assert metrics([f"x{i}" for i in range(10)] + ["r"], {"r"}) == {
        "recall@10": 0.0,
        "mrr@10": 0.0,
        "ndcg@10": 0.0,
    }


def test_qrels_skip_header_and_zero_scores(tmp_path: Path) -> None:
    path = tmp_path / "qrels.tsv"
    path.write_text(QRELS, encoding="utf-8")
    assert read_qrels(path) == {"q1": {"d3"}, "q2": {"d2"}}


def test_find_splits_direct_and_per_split(tmp_path: Path) -> None:
    write_task(tmp_path / "flat")
    write_task(tmp_path / "split" / "dev")
    write_task(tmp_path / "split" / "test")
    (tmp_path / "not-a-task").mkdir()
    found = [(s.task, s.split) for s in find_splits(tmp_path, None, ["dev", "test"])]
    assert found == [("flat", "all"), ("split", "dev"), ("split", "test")]
    assert [(s.task, s.split) for s in find_splits(tmp_path, ["split"], ["test"])] == [("split", "test")]


@pytest.mark.parametrize("system", ["bm25", "hash"])
def test_end_to_end_on_a_data_folder(tmp_path: Path, system: str, capsys: pytest.CaptureFixture[str]) -> None:
    write_task(tmp_path / "data" / "tiny" / "dev")
    out = tmp_path / "out.json"
    argv = ["--data", str(tmp_path / "data"), "--systems", system, "--no-cache", "--json", str(out)]
    assert main(argv) == 0
    assert "tiny" in capsys.readouterr().out
    rows = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert len(rows) == 1
    row = rows[0]
    got = (row["task"], row["split"], row["system"], row["queries"], row["docs"])
    assert got == ("tiny", "dev", system, 2, 4)
    # the excluded own document never takes the first place
    assert row["mrr@10"] == 1.0
    assert row["recall@10"] == 1.0


def test_unknown_system_fails_fast(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown system"):
        main(["--data", str(tmp_path), "--systems", "bert"])
