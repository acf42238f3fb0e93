"""scripts/halfsplit_matching.py: its numpy replay ranks exactly as the shipped `Matcher` does
(on a tiny task, the hash encoder standing in for E5, USE and MiniLM), and the half-split
verdict keeps the shipped ranking when a variant never beats it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matching import Document, Filters, Matcher, MatcherConfig, Query
from matching.encoders import HashEncoder
from scripts.halfsplit_matching import build_table, halvings, judge, per_query, variant


def _doc(key: str, title: str, text: str, lang: str, field: str) -> dict[str, str]:
    return {"_id": key, "title": title, "text": text, "lang": lang, "field": field}


def _query(key: str, text: str, lang: str, field: str) -> dict[str, str]:
    return {"_id": key, "text": text, "lang": lang, "field": field}


CORPUS = [
    _doc("d1", "锂电池隔膜湿法工艺", "聚乙烯微孔隔膜，孔隙率45%，热收缩小", "zh", "新能源"),
    _doc("d2", "电池热失控预警", "多传感器融合的储能电池热失控早期预警", "zh", "新能源"),
    _doc("d3", "注塑件翘曲控制", "模温分区控制与保压曲线优化，减少薄壁件翘曲", "zh", "新材料"),
    _doc("d4", "Crop disease detection", "drone images and a small neural network", "en", "现代农业"),
    _doc("d5", "Warp-free injection moulding", "conformal cooling channels for thin walls", "en", "新材料"),
    _doc("d6", "污水重金属吸附", "改性生物炭吸附铅镉，再生五次后仍保持八成容量", "zh", "节能环保"),
]
QUERIES = [
    _query("q1", "我们做塑料盖子的，放一晚上就翘起来，客户装的时候扣不上，退了好几批货。", "zh", "新材料"),
    _query("q2", "锂电池隔膜 湿法工艺", "zh", "新能源"),
    _query("q3", "Our plastic lids bend overnight and no longer close.", "en", "新材料"),
]
QRELS = "query-id\tcorpus-id\tscore\nq1\td3\t1\nq2\td1\t1\nq3\td5\t1\n"


def write_task(directory: Path) -> None:
    directory.mkdir(parents=True)
    for name, rows in (("corpus.jsonl", CORPUS), ("queries.jsonl", QUERIES)):
        (directory / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                      encoding="utf-8")
    (directory / "qrels.tsv").write_text(QRELS, encoding="utf-8")


def encoders() -> dict[str, HashEncoder]:
    return {"e5": HashEncoder(), "use": HashEncoder(dim=128), "minilm": HashEncoder(ngrams=(2, 3))}


@pytest.mark.parametrize("use_field", [True, False])
def test_the_replay_ranks_as_the_shipped_matcher(tmp_path: Path, use_field: bool) -> None:
    write_task(tmp_path / "tiny")
    table = build_table(tmp_path / "tiny", None, encoders())
    assert [r.qid for r in table.rows] == ["q1", "q2", "q3"]
    matcher = Matcher("shipped", MatcherConfig(), encoders=encoders())
    matcher.add(Document(id=r["_id"], text=f"{r['title']}\n{r['text']}", lang=r["lang"], field=r["field"])
                for r in CORPUS)
    replay = variant()
    for q, row in zip(QUERIES, table.rows, strict=True):
        query = Query(text=q["text"], lang=q["lang"], field=q["field"] if use_field else None, top_k=10,
                      filters=Filters())
        shipped = matcher.search(query)
        scores = replay(table, row, use_field)
        order = sorted(range(len(table.ids)), key=lambda j: (-float(scores[j]), table.ids[j]))
        assert [table.ids[j] for j in order] == [r.id for r in shipped]
        assert np.allclose(sorted(scores, reverse=True), [r.score for r in shipped], atol=1e-4)


def test_a_variant_that_never_helps_keeps_the_shipped_ranking(tmp_path: Path) -> None:
    write_task(tmp_path / "tiny")
    table = build_table(tmp_path / "tiny", None, encoders())
    base, _, _ = per_query(table, variant())
    worse = base - 0.1
    verdict = judge({"worse": worse}, base, halvings(len(base), 20, seed=1))
    assert verdict["gain"] == 0.0 and verdict["wins"] == 0.0
    assert verdict["chosen"] == {"shipped": 20}
    better = base + 0.1
    verdict = judge({"better": better}, base, halvings(len(base), 20, seed=1))
    assert verdict["gain"] == pytest.approx(0.1) and verdict["wins"] == 1.0
