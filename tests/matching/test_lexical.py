from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from matching.lexical import BM25Params, LexicalIndex

K1, B = 1.2, 0.75


def lucene(tf: int, dl: int, avgdl: float, df: int, n: int) -> float:
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return idf * tf / (tf + K1 * (1 - B + B * dl / avgdl))


def small() -> LexicalIndex:
    index = LexicalIndex(BM25Params(K1, B))
    index.add(0, ["a", "b"])
    index.add(1, ["a", "c", "c"])
    index.add(2, ["d"])
    return index


@pytest.mark.parametrize("merged", [False, True])
def test_bm25_exact_values(merged: bool) -> None:
    index = small()
    if merged:
        index.compact()
    avgdl = 2.0
    scores = index.scores(["a", "c"], 4)
    assert scores.dtype == np.float32
    assert scores[0] == pytest.approx(lucene(1, 2, avgdl, 2, 3), rel=1e-6)
    assert scores[1] == pytest.approx(lucene(1, 3, avgdl, 2, 3) + lucene(2, 3, avgdl, 1, 3), rel=1e-6)
    assert scores[2] == 0.0
    assert scores[3] == 0.0  # an id past the documents


def test_repeated_query_token_counts_twice_and_weights_scale() -> None:
    index = small()
    once = index.scores(["c"], 3)
    assert index.scores(["c", "c"], 3)[1] == pytest.approx(2 * once[1], rel=1e-6)
    assert index.weighted_scores({"c": 0.5}, 3)[1] == pytest.approx(0.5 * once[1], rel=1e-6)


def test_unknown_tokens_score_nothing() -> None:
    assert small().scores(["zzz"], 3).tolist() == [0.0, 0.0, 0.0]
    assert small().scores([], 3).tolist() == [0.0, 0.0, 0.0]


def test_self_score_is_the_score_of_an_identical_document() -> None:
    index = small()
    index.add(3, ["b", "d"])
    index.compact()
    expected = index.scores(["b", "d"], 4)[3]
    assert index.self_score(["b", "d"]) == pytest.approx(float(expected), rel=1e-6)


def test_delete_and_update_in_delta_and_main() -> None:
    index = small()
    index.compact()  # docs 0..2 in the main segment
    index.remove(1)  # dead row in main
    index.add(3, ["c", "e"])  # delta
    scores = index.scores(["c"], 4)
    assert scores[1] == 0.0
    assert scores[3] > 0.0
    index.remove(3)  # removed from the delta
    assert index.scores(["c"], 4).tolist() == [0.0, 0.0, 0.0, 0.0]
    assert len(index) == 2
    assert 1 not in index and 0 in index


def test_delta_scores_equal_merged_scores() -> None:
    rng = np.random.default_rng(3)
    index = LexicalIndex()
    for i in range(200):
        index.add(i, [f"t{w}" for w in rng.integers(0, 40, rng.integers(3, 12))])
    before = index.scores(["t1", "t7", "t7"], 200)
    assert index.merges == 0
    index.compact()
    after = index.scores(["t1", "t7", "t7"], 200)
    np.testing.assert_allclose(before, after, rtol=1e-5)


def test_automatic_merge_when_delta_grows() -> None:
    index = LexicalIndex(merge_fraction=0.5, merge_min=10)
    for i in range(11):
        index.add(i, ["x", f"y{i}"])
    assert index.needs_merge()
    index.scores(["x"], 11)
    assert index.merges == 1
    assert not index.needs_merge()


def test_doc_terms_and_idf() -> None:
    index = small()
    assert index.doc_terms(1) == {"a", "c"}
    index.compact()
    assert index.doc_terms(1) == {"a", "c"}  # now read from the main segment
    assert index.doc_terms(99) == set()
    assert index.idf("c") == pytest.approx(math.log(1 + 2.5 / 1.5))
    assert index.idf("nope") == 0.0


def test_save_load_round_trip(tmp_path: Path) -> None:
    index = small()
    index.compact()
    index.remove(0)
    index.add(3, ["a", "d"])
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    np.testing.assert_array_equal(loaded.scores(["a", "d"], 4), index.scores(["a", "d"], 4))
    assert len(loaded) == 3
    assert loaded.avgdl == index.avgdl


@pytest.mark.parametrize("term", ["rare", "common"])
def test_sparse_scores_are_the_documents_scoring_above_zero(term: str) -> None:
    """Both ways of summing postings (sorting a few, one pass over many) give the exact BM25 of
    every live document the query scores, ids ascending, across the main and delta segments."""
    n = 400
    index = LexicalIndex(BM25Params(K1, B))
    docs = {i: (["common", "filler"] + (["rare"] if i % 97 == 0 else [])) for i in range(n)}
    for i, tokens in docs.items():
        index.add(i, tokens)
    index.compact()
    index.remove(97)  # a dead main row
    del docs[97]
    docs[n] = ["rare", "rare", "common"]  # a delta document
    index.add(n, docs[n])
    ids, scores = index.sparse_scores({term: 1.0})
    avgdl = sum(len(t) for t in docs.values()) / len(docs)
    df = sum(term in t for t in docs.values())
    expected = {i: lucene(t.count(term), len(t), avgdl, df, len(docs)) for i, t in docs.items() if term in t}
    assert ids.tolist() == sorted(expected)
    np.testing.assert_allclose(scores, [expected[i] for i in sorted(expected)], rtol=1e-4)
