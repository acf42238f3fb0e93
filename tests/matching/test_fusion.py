"""Query-adaptive fusion (the shipped gate), soft field boosts and dense feedback."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from matching import Matcher, MatcherConfig, Query, config_for
from matching.config import LEXICAL, SHIPPED_GATE
from matching.encoders import HashEncoder
from matching.fusion import (
    ClauseViews,
    DenseFeedback,
    FieldParams,
    GateParams,
    QueryFeatures,
    field_boost,
    field_votes,
    gated_weights,
    lexical_weight,
    rocchio,
    story_clauses,
    with_clauses,
)

from .conftest import LISTINGS


def _gated(matcher_config: MatcherConfig | None = None) -> Matcher:
    """The hash profile with the shipped gate (no model is loaded)."""
    base = config_for("hash")
    config = dataclasses.replace(
        matcher_config or base, gate={"zh": SHIPPED_GATE, "en": SHIPPED_GATE}
    )
    m = Matcher("achievements", config)
    m.add(LISTINGS)
    return m


def _lexical_weight(m: Matcher, text: str) -> float:
    tokens = m.tokenizer.tokens(text, query=True)
    raw = m.lexical.scores(tokens, m.attributes.size)
    scale = m.lexical.self_score(tokens)
    features = m.query_features(tokens, raw / scale if scale > 0 else raw)
    return m.config.query_weights("zh", features)[LEXICAL]


def test_plain_query_leans_on_dense_technical_query_uses_both() -> None:
    m = _gated()
    technical = _lexical_weight(m, "锂电池隔膜 湿法工艺 聚乙烯")
    plain = _lexical_weight(m, "我们店里卖的充电宝用不了多久就鼓起来了，客人老来退货，怎么办")
    assert plain < 0.1  # mostly dense
    assert technical > 0.3  # both channels count
    assert technical > 3 * plain
    # the weights always sum to one, whatever the gate says
    features = QueryFeatures(top=0.9, rarity=0.5, found=1.0)
    weights = m.config.query_weights("zh", features)
    assert sum(weights.values()) == pytest.approx(1.0)
    assert set(weights) == {LEXICAL, "hash"}


def test_search_parts_follow_the_gate() -> None:
    m = _gated()
    technical = m.search(Query("锂电池隔膜 湿法工艺 聚乙烯", top_k=1))[0]
    assert technical.id == "a:1"
    assert technical.parts[LEXICAL] > 0.1 and technical.parts["hash"] > 0
    plain = m.search(Query("我们店里卖的充电宝用不了多久就鼓起来了，客人老来退货，怎么办", top_k=3))
    # the plain query's words barely count: its best lexical part is a fraction of the
    # technical query's, though it shares 电 and 池-like characters with the battery listings
    assert max(r.parts.get(LEXICAL, 0.0) for r in plain) < technical.parts[LEXICAL] / 3


def test_fixed_profiles_keep_fixed_weights() -> None:
    config = config_for("hash")
    assert config.gate is None
    features = QueryFeatures(top=0.0, rarity=0.0, found=0.0)
    assert config.query_weights("zh", features) == {LEXICAL: 0.6, "hash": 0.4}


def test_lexical_weight_and_gated_weights() -> None:
    gate = GateParams(bias=-2.0, top_slope=10.0, rarity_slope=0.0, ceiling=0.8)
    low = lexical_weight(QueryFeatures(top=0.0, rarity=0.5, found=1.0), gate)
    high = lexical_weight(QueryFeatures(top=1.0, rarity=0.5, found=1.0), gate)
    assert low == pytest.approx(0.8 / (1 + np.exp(2.0)))
    assert high == pytest.approx(0.8 / (1 + np.exp(-8.0)))
    assert gated_weights({LEXICAL: 1.0, "e5": 3.0, "use": 1.0}, LEXICAL, 0.2) == pytest.approx(
        {LEXICAL: 0.2, "e5": 0.6, "use": 0.2}
    )
    assert gated_weights({LEXICAL: 1.0}, LEXICAL, 0.2) == {LEXICAL: 1.0}
    assert gated_weights({"e5": 2.0}, LEXICAL, 0.2) == {"e5": 1.0}


def test_query_features() -> None:
    f = QueryFeatures.of(np.array([0.1, 0.7, 0.3], dtype=np.float32), [2.0, 0.0, 4.0], 8.0, 4)
    assert (f.top, f.rarity, f.found) == (pytest.approx(0.7), 0.375, 0.5)
    assert QueryFeatures.of(None, [], 8.0, 0) == QueryFeatures(0.0, 0.0, 0.0)


def test_field_votes_and_boost() -> None:
    scores = np.array([0.9, 0.88, 0.5, 0.2], dtype=np.float32)
    votes = field_votes(scores, ["a", "b", "a", None], docs=3, temperature=0.05)
    assert list(votes) == ["a", "b"] and sum(votes.values()) == pytest.approx(1.0)
    assert votes["a"] > votes["b"] > 0
    assert field_votes(scores, [None] * 4, docs=3, temperature=0.05) == {}
    params = FieldParams(given=0.05, predicted=0.1)
    boost = field_boost(["a", "b", None], "b", {"a": 0.7, "b": 0.3}, params)
    np.testing.assert_allclose(boost, [0.07, 0.05 + 0.03, 0.0], rtol=1e-5)


def test_a_stated_field_is_a_hint_not_a_wall() -> None:
    m = Matcher("achievements", config_for("hash"))
    m.add(LISTINGS)
    results = m.search(Query("锂电池隔膜", field="agriculture", top_k=3))
    assert results[0].id == "a:1"  # the energy listing still wins on its text
    assert m.predict_fields("锂电池隔膜 正极材料")
    assert next(iter(m.predict_fields("锂电池隔膜 正极材料"))) == "energy"


def test_predicted_fields_boost_listings_of_the_likely_field() -> None:
    base = config_for("hash")
    with_prior = dataclasses.replace(base, fields=FieldParams(given=0.0, predicted=0.2, temperature=0.05))
    m = Matcher("achievements", with_prior)
    m.add(LISTINGS)
    r = m.search(Query("锂电池", top_k=6))
    energy = [x for x in r if x.id in ("a:1", "a:2", "a:6")]
    assert energy and all("boost" in x.parts for x in energy)


def test_rocchio_moves_the_query_towards_its_neighbours() -> None:
    q = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    near = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    sims = np.array([0.5, 0.1], dtype=np.float32)
    moved = rocchio(q, near, sims, DenseFeedback(docs=2, temperature=0.01, weight=1.0))
    assert np.linalg.norm(moved) == pytest.approx(1.0)
    assert moved[1] > moved[2] > -1e-6 and moved[0] > 0
    same = rocchio(q, near, np.array([0.5, 0.1], dtype=np.float32), DenseFeedback(weight=0.0))
    np.testing.assert_array_equal(same, q)


def test_dense_feedback_moves_the_ranking_only_on_its_channel() -> None:
    plain = Matcher("p", config_for("hash"))
    plain.add(LISTINGS)
    ignored = Matcher("i", dataclasses.replace(config_for("hash"), dense_feedback={"e5": DenseFeedback()}))
    ignored.add(LISTINGS)
    q = Query("锂电池", top_k=6)
    assert [r.score for r in ignored.search(q)] == [r.score for r in plain.search(q)]
    moved = Matcher("m", dataclasses.replace(config_for("hash"), dense_feedback={"hash": DenseFeedback()}))
    moved.add(LISTINGS)
    assert [r.parts["hash"] for r in moved.search(q)] != [r.parts["hash"] for r in plain.search(q)]


STORY = ("我们是给人做精密外协件的小厂，早上开机干出来的活儿都没毛病，一到下午就慢慢跑偏，"
         "差个两三丝，客户来抽检老说超差。")


@pytest.mark.parametrize(("text", "expected"), [
    (STORY, ["我们是给人做精密外协件的小厂", "早上开机干出来的活儿都没毛病", "一到下午就慢慢跑偏",
             "差个两三丝", "客户来抽检老说超差"]),
    ("Our workshop builds overhead cranes for steel stockyards. Operators complain that whenever "
     "the trolley stops, the hook keeps swinging for half a minute, so they wait.",
     ["Our workshop builds overhead cranes for steel stockyards",
      "Operators complain that whenever the trolley stops",
      "the hook keeps swinging for half a minute", "so they wait"]),
    # not stories: a keyword list, a title with commas, a short query
    ("修正Rodrigues参数模型；平方和优化；大角度机动；Lyapunov函数；航天器姿态控制方法研究", []),
    ("High Sensitivity, Low Complexity, Multiplexed Diagnostic Devices for Point of Care Use", []),
    ("塑料盖子翘起来，扣不上底座，怎么办？", []),
])
def test_a_story_is_encoded_by_its_clauses_a_title_or_keyword_list_is_not(
        text: str, expected: list[str]) -> None:
    assert story_clauses(text, ClauseViews()) == expected
    assert story_clauses(text, ClauseViews(weight=0.0)) == []
    assert len(story_clauses(STORY, ClauseViews(max_clauses=2))) == 2


def test_the_story_vector_is_the_whole_plus_the_mean_of_its_clauses() -> None:
    whole = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    parts = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    out = with_clauses(whole, parts, ClauseViews(weight=2.0))
    np.testing.assert_allclose(out, np.array([1.0, 1.0, 1.0]) / np.sqrt(3), rtol=1e-6)
    np.testing.assert_array_equal(with_clauses(whole, parts[:0], ClauseViews()), whole)


def test_the_matcher_encodes_a_story_query_with_its_clauses_on_the_configured_channel() -> None:
    plain = Matcher("p", config_for("hash"))
    plain.add(LISTINGS)
    views = Matcher("v", dataclasses.replace(config_for("hash"),
                                             clause_views={"hash": ClauseViews(weight=1.5)}))
    views.add(LISTINGS)
    encoder = HashEncoder()
    vecs = encoder.encode([STORY, *story_clauses(STORY, ClauseViews())])
    expected = with_clauses(vecs[0], vecs[1:], ClauseViews(weight=1.5))
    listing_vectors = encoder.encode([d.text for d in LISTINGS])
    story = views.search(Query(STORY, top_k=3))
    by_id = {d.id: i for i, d in enumerate(LISTINGS)}
    weight = views.config.query_weights("zh", None)["hash"]
    for r in story:
        assert r.parts["hash"] == pytest.approx(
            weight * float(listing_vectors[by_id[r.id]] @ expected), abs=1e-5)
    assert ([r.parts["hash"] for r in story]
            != [r.parts["hash"] for r in plain.search(Query(STORY, top_k=3))])
    title = Query("锂电池隔膜", top_k=3)  # not a story: the same vector as without views
    assert [r.score for r in views.search(title)] == [r.score for r in plain.search(title)]
