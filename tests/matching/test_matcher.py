from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from matching import (
    LEXICAL,
    Document,
    Filters,
    Matcher,
    MatcherConfig,
    Query,
    Reason,
    ReasonCode,
    config_for,
)
from matching.vector import VectorParams

from .conftest import LISTINGS, CountingEncoder


def ids(results: list) -> list[str]:  # type: ignore[type-arg]
    return [r.id for r in results]


def test_lexical_and_semantic_match(matcher: Matcher) -> None:
    assert ids(matcher.search(Query("锂电池隔膜", top_k=1))) == ["a:1"]
    assert ids(matcher.search(Query("crop disease detection", top_k=1))) == ["a:3"]
    assert ids(matcher.search(Query("lithium battery electrolyte", top_k=1))) == ["a:6"]


def test_parts_add_up_to_the_score_with_language_weights(matcher: Matcher) -> None:
    result = matcher.search(Query("锂电池隔膜", top_k=1))[0]
    assert set(result.parts) == {LEXICAL, "hash"}
    assert result.score == pytest.approx(sum(result.parts.values()), abs=1e-5)
    weights = {LEXICAL: 0.7, "hash": 0.3}
    custom = Matcher("x", replace(config_for("hash"), weights={"zh": weights, "en": {LEXICAL: 1.0}}))
    custom.add(LISTINGS)
    zh = custom.search(Query("锂电池隔膜", top_k=1))[0]
    assert zh.parts[LEXICAL] == pytest.approx(0.7 / 0.6 * result.parts[LEXICAL], rel=1e-5)
    en = custom.search(Query("crop disease", top_k=1))[0]
    assert set(en.parts) == {LEXICAL}


def test_filters(matcher: Matcher) -> None:
    def found(f: Filters, text: str = "材料 电池 detection") -> set[str]:
        return set(ids(matcher.search(Query(text, filters=f, top_k=10))))

    assert found(Filters()) == {"a:1", "a:2", "a:3", "a:4", "a:5", "a:6"}
    assert found(Filters(fields=frozenset({"energy"}))) == {"a:1", "a:2", "a:6"}
    assert found(Filters(regions=frozenset({"江苏"}))) == {"a:1", "a:3", "a:5"}
    assert found(Filters(mode="licensing")) == {"a:2", "a:4"}
    assert found(Filters(mode="no-such-mode")) == set()
    assert found(Filters(min_trl=5)) == {"a:1", "a:3", "a:4", "a:5"}  # a:4 has no TRL: kept by default
    assert found(Filters(min_trl=5, keep_unknown=False)) == {"a:1", "a:3", "a:5"}
    assert found(Filters(max_price=Decimal("500000"))) == {"a:1", "a:3", "a:4", "a:5"}
    assert found(Filters(max_price=Decimal("499999.99"), keep_unknown=False)) == {"a:5"}
    assert found(Filters(statuses=frozenset({"draft"}))) == {"a:5"}
    assert found(Filters(visible_ids=frozenset({"a:2", "a:6", "a:404"}))) == {"a:2", "a:6"}
    assert found(Filters(visible=lambda i: i in {"a:1", "a:3"})) == {"a:1", "a:3"}
    assert found(Filters(exclude_ids=frozenset({"a:1", "a:2"}))) == {"a:3", "a:4", "a:5", "a:6"}
    assert found(Filters(fields=frozenset({"energy"}), regions=frozenset({"江苏"}), min_trl=6)) == {"a:1"}


def test_selective_filter_does_not_lose_recall() -> None:
    """300 listings in an HNSW index; the filter allows three that share no word with the query."""
    config = replace(config_for("hash"), vector=VectorParams(exact_max=50), candidates=5)
    matcher = Matcher("big", config)
    docs = [Document(f"d:{i}", f"锂电池隔膜 湿法工艺 第{i}号", region="江苏") for i in range(297)]
    docs += [
        Document(f"r:{i}", text, region="西藏") for i, text in enumerate(["青稞加工", "牦牛养殖", "藏药制剂"])
    ]
    matcher.add(docs)
    assert matcher.vectors["hash"].kind == "pca-hnsw"
    results = matcher.search(Query("锂电池隔膜", filters=Filters(regions=frozenset({"西藏"}))))
    assert sorted(ids(results)) == ["r:0", "r:1", "r:2"]


def test_visible_predicate_grows_the_candidate_pool() -> None:
    matcher = Matcher("pool", replace(config_for("hash"), candidates=3))
    matcher.add(Document(f"d:{i}", f"锂电池 隔膜 {i}") for i in range(40))
    results = matcher.search(Query("锂电池", filters=Filters(visible=lambda i: i.endswith("7")), top_k=10))
    assert sorted(ids(results)) == ["d:17", "d:27", "d:37", "d:7"]


def test_boosts_for_same_field_and_region(matcher: Matcher) -> None:
    plain = {r.id: r for r in matcher.search(Query("电池 材料"))}
    boosted = {r.id: r for r in matcher.search(Query("电池 材料", field="energy", region="浙江"))}
    assert boosted["a:2"].parts["boost"] == pytest.approx(0.08)
    assert boosted["a:1"].parts["boost"] == pytest.approx(0.05)
    assert "boost" not in boosted["a:5"].parts
    assert boosted["a:2"].score == pytest.approx(plain["a:2"].score + 0.08, abs=1e-5)
    off = {r.id: r for r in matcher.search(Query("电池 材料", field="energy", boosts=False))}
    assert "boost" not in off["a:2"].parts


def test_explanations(matcher: Matcher) -> None:
    query = Query(
        "锂电池隔膜的湿法制备",
        field="energy",
        region="江苏",
        filters=Filters(min_trl=5, max_price=Decimal("600000")),
    )
    top = matcher.search(query)[0]
    assert top.id == "a:1"
    assert top.reasons[0] == Reason(ReasonCode.SHARED_TERMS, {"terms": ("锂电池", "隔膜", "湿法")})
    codes = [r.code for r in top.reasons]
    assert codes == [
        ReasonCode.SHARED_TERMS,
        ReasonCode.SEMANTIC,
        ReasonCode.SAME_FIELD,
        ReasonCode.SAME_REGION,
        ReasonCode.TRL_FIT,
        ReasonCode.PRICE_FIT,
    ]
    assert top.reasons[2].params == {"field": "energy"}
    assert top.reasons[3].params == {"region": "江苏"}
    assert top.reasons[4].params == {"trl": 6, "min_trl": 5}
    assert top.reasons[5].params == {"price": "500000.00", "budget": "600000"}
    assert top.reasons[1].params["encoder"] == "hash"


def test_shared_terms_rarest_first_without_contained_words(matcher: Matcher) -> None:
    assert matcher.shared_terms(["锂电池", "电池", "制备"], matcher._int_of["a:1"]) == ["锂电池", "制备"]


def test_deleted_listing_never_comes_back(matcher: Matcher) -> None:
    assert matcher.remove(["a:1", "a:404"]) == 1
    assert "a:1" not in matcher and len(matcher) == 5
    for text in ("锂电池隔膜", "湿法工艺制备高孔隙率聚乙烯隔膜"):
        assert "a:1" not in ids(matcher.search(Query(text, top_k=10)))
    matcher.compact()
    assert "a:1" not in ids(matcher.search(Query("锂电池隔膜", top_k=10)))


def test_updated_listing_matches_its_new_text(matcher: Matcher) -> None:
    matcher.update([replace(LISTINGS[0], text="高速列车转向架的轻量化设计", field="transport")])
    assert len(matcher) == 6
    assert ids(matcher.search(Query("转向架轻量化", top_k=1))) == ["a:1"]
    old = matcher.search(Query("聚乙烯隔膜", top_k=6))
    assert all(LEXICAL not in r.parts or r.parts[LEXICAL] == 0.0 for r in old if r.id == "a:1")
    energy = matcher.search(Query("转向架", filters=Filters(fields=frozenset({"energy"}))))
    assert sorted(ids(energy)) == ["a:2", "a:6"]  # the new field replaced the old one


def test_add_is_idempotent(matcher: Matcher) -> None:
    matcher.add(LISTINGS[:2])
    assert len(matcher) == 6
    assert ids(matcher.search(Query("锂电池隔膜", top_k=1))) == ["a:1"]


def test_precomputed_vectors_skip_the_encoder() -> None:
    enc = CountingEncoder(dim=8)
    config = MatcherConfig(
        encoders=("c",), weights={"zh": {LEXICAL: 0.5, "c": 0.5}, "en": {LEXICAL: 0.5, "c": 0.5}}
    )
    matcher = Matcher("pre", config, encoders={"c": enc})
    vecs = np.eye(8, dtype=np.float32)[:2]
    matcher.add([Document("x", "alpha"), Document("y", "beta")], vectors={"c": vecs})
    assert enc.calls == []
    np.testing.assert_array_equal(matcher.vectors["c"].vectors(np.array([0, 1])), vecs)
    with pytest.raises(ValueError, match="one to one"):
        matcher.add([Document("z", "gamma")], vectors={"c": vecs})


def test_empty_matcher_and_zero_k(matcher: Matcher) -> None:
    assert Matcher("empty", config_for("hash")).search(Query("锂电池")) == []
    assert matcher.search(Query("锂电池", top_k=0)) == []


def test_config_validation() -> None:
    with pytest.raises(ValueError, match="not among the encoders"):
        Matcher("bad", MatcherConfig(encoders=(), weights={"zh": {"use": 1.0}, "en": {LEXICAL: 1.0}}))
    with pytest.raises(ValueError, match="unknown matcher profile"):
        config_for("bert")
    # the shipped default (issue 17): BM25 and E5 under the lexical gate, USE kept for the
    # explanations; the other profiles keep fixed weights
    shipped = MatcherConfig()
    assert LEXICAL in shipped.channel_weights("zh") and "e5" in shipped.channel_weights("zh")
    assert {"e5", "use"} <= set(shipped.encoders)
    assert shipped.gate_for("zh") is not None and shipped.gate_for("en") is not None
    assert config_for("default") == shipped
    assert config_for("use").channel_weights("zh") == {LEXICAL: 0.6, "use": 0.4}
    assert config_for("use").gate is None
