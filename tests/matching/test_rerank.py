"""The learned re-ranker (`matching.rerank`): its features, its training on a small labelled
log, the blend and its fallback to the unlearned order when labels are few or do not help,
and the model's JSON form."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import numpy as np
import pytest

from matching import Result
from matching.rerank import (
    PAIR_FEATURES,
    Candidate,
    LabelledList,
    Model,
    ModelError,
    QueryContext,
    Terms,
    Thresholds,
    blend,
    dump_models,
    feature_names,
    features,
    load_models,
    ndcg,
    part_names,
    rerank,
    train,
)

PARTS = ["bm25", "use"]


def test_features_of_a_small_list_are_exact() -> None:
    cands = [
        Candidate(Result("1", 0.9, {"bm25": 0.6, "use": 0.3}), "energy.storage",
                  Terms(min_trl=4, budget=Decimal("1000"), trl=6, price=Decimal("500")),
                  useful=3, not_relevant=0),
        Candidate(Result("2", 0.5, {"bm25": 0.1, "use": 0.4}), "energy.solar",
                  Terms(min_trl=7, budget=Decimal("1000"), trl=5, price=Decimal("2000"))),
        Candidate(Result("3", 0.2, {"use": 0.2}), None),
    ]
    x = features(QueryContext("energy.storage"), cands, PARTS)
    names = feature_names(PARTS)
    assert names[:4] == ["bm25", "use", "bm25_gap", "use_gap"]
    assert names[4:] == list(PAIR_FEATURES)
    row = dict(zip(names, x[0].tolist(), strict=True))
    assert row == pytest.approx({
        "bm25": 0.6, "use": 0.3, "bm25_gap": 0.0, "use_gap": -0.1, "score": 0.9,
        "score_gap": 0.0, "reciprocal_rank": 1.0, "field_same": 1.0, "field_parent_same": 1.0,
        "field_predicted": 0.0, "trl_fit": 1.0, "trl_margin": 2 / 3, "price_fit": 1.0,
        "price_ratio": math.log(0.5), "marked_useful": math.log(4), "marked_not_relevant": 0.0,
        "poc_passed": 0.0})
    second = dict(zip(names, x[1].tolist(), strict=True))
    assert second["field_same"] == 0.0 and second["field_parent_same"] == 1.0
    assert (second["trl_fit"], second["trl_margin"]) == (-1.0, pytest.approx(-2 / 3))
    assert (second["price_fit"], second["price_ratio"]) == (-1.0, pytest.approx(math.log(2)))
    assert second["reciprocal_rank"] == 0.5 and second["score_gap"] == pytest.approx(-0.4)
    third = dict(zip(names, x[2].tolist(), strict=True))
    assert third["bm25"] == 0.0 and third["bm25_gap"] == pytest.approx(-0.6)
    assert third["field_same"] == third["trl_fit"] == third["price_fit"] == 0.0
    # No field given: the predicted probability of the candidate's field instead.
    y = features(QueryContext(None, {"energy.solar": 0.7}), cands, PARTS)
    at = names.index("field_predicted")
    assert y[:, at].tolist() == [0.0, 0.7, 0.0]
    assert y[:, names.index("field_same")].tolist() == [0.0, 0.0, 0.0]
    assert part_names([cands]) == PARTS


def _log(queries: int, seed: int, signal: bool = True, shown: int = 10, depth: int = 20
         ) -> list[tuple[list[Candidate], set[str]]]:
    """Queries whose unlearned order follows bm25, while relevance follows `use` (with
    `signal`) or nothing at all: one or two relevant candidates per query."""
    rng = random.Random(seed)
    out = []
    for q in range(queries):
        rows = []
        relevant: set[str] = set()
        for i in range(depth):
            cid = f"{q}:{i}"
            is_rel = rng.random() < 0.1
            use = rng.uniform(0.5, 0.9) if (is_rel and signal) else rng.uniform(0.1, 0.5)
            bm25 = rng.uniform(0.0, 0.6)
            if is_rel:
                relevant.add(cid)
            rows.append(Candidate(Result(cid, round(0.6 * bm25 + 0.4 * use, 6),
                                         {"bm25": bm25, "use": use})))
        rows.sort(key=lambda c: -c.result.score)
        out.append((rows, relevant))
    return out


def _lists(log: list[tuple[list[Candidate], set[str]]], shown: int = 10) -> list[LabelledList]:
    lists = []
    for n, (cands, relevant) in enumerate(log):
        labels = np.array([int(c.result.id in relevant) if i < shown else -1
                           for i, c in enumerate(cands)], dtype=np.int64)
        lists.append(LabelledList(str(n), features(QueryContext(), cands, PARTS),
                                  np.array([c.result.score for c in cands]), labels))
    return lists


def _mean_ndcg(model: Model | None, log: list[tuple[list[Candidate], set[str]]]) -> float:
    values = []
    for cands, relevant in log:
        order = rerank(model, QueryContext(), cands)
        labels = np.array([int(c.result.id in relevant) for c in cands], dtype=np.int64)
        value = ndcg(order, labels)
        if value is not None:
            values.append(value)
    return sum(values) / len(values)


def test_a_small_labelled_log_trains_a_model_that_ranks_held_out_queries_better() -> None:
    model = train(_lists(_log(60, seed=1)), feature_names(PARTS), meta={"profile": "hash"})
    assert model.labels == 600 and 0 < model.positives < 600
    assert model.weight > 0.5  # 600 labels: the cap is 1; cross-validation chose the blend
    assert model.cv[f"{model.weight:.4f}"] >= model.cv["0.0000"] + Thresholds().min_gain
    coef = dict(zip(model.features, model.coef, strict=True))
    assert coef["use"] > 0 and coef["use"] > coef["bm25"]
    held_out = _log(60, seed=2)
    assert _mean_ndcg(model, held_out) > _mean_ndcg(None, held_out) + 0.1

    again = load_models(dump_models({"demand": model}))["demand"]
    assert again == model
    cands = held_out[0][0]
    assert rerank(again, QueryContext(), cands) == rerank(model, QueryContext(), cands)


@pytest.mark.parametrize("queries", [1, 3, 4])
def _reviewed_log(queries: int, seed: int, preferred: bool) -> list[tuple[list[Candidate], set[str]]]:
    """Lists whose unlearned order follows the scores alone; a quarter of the candidates passed
    a proof-of-concept review, and (`preferred`) a reviewed candidate is four times as likely
    to be relevant as another, or (not `preferred`) exactly as likely."""
    rng = random.Random(seed)
    out = []
    for q in range(queries):
        rows, relevant = [], set()
        for i in range(20):
            cid = f"{q}:{i}"
            passed = rng.random() < 0.25
            p = (0.32 if passed else 0.08) if preferred else 0.14
            if rng.random() < p:
                relevant.add(cid)
            bm25, use = rng.uniform(0.0, 0.6), rng.uniform(0.1, 0.6)
            rows.append(Candidate(Result(cid, round(0.6 * bm25 + 0.4 * use, 6),
                                         {"bm25": bm25, "use": use}), poc_passed=passed))
        rows.sort(key=lambda c: -c.result.score)
        out.append((rows, relevant))
    return out


def _reviewed_share_of_top(model: Model | None, log: list[tuple[list[Candidate], set[str]]]
                           ) -> float:
    top = [log_cands[i] for log_cands, _ in log
           for i in rerank(model, QueryContext(), log_cands)[:5]]
    return sum(c.poc_passed for c in top) / len(top)


def test_a_passed_review_lifts_a_candidate_as_far_as_the_labels_prefer_reviewed_ones() -> None:
    names = feature_names(PARTS)
    assert names[-1] == "poc_passed"
    preferred = train(_lists(_reviewed_log(120, seed=21, preferred=True)), names)
    coef = dict(zip(preferred.features, preferred.coef, strict=True))
    assert preferred.weight > 0 and coef["poc_passed"] > 0.3
    held_out = _reviewed_log(80, seed=12, preferred=True)
    assert _mean_ndcg(preferred, held_out) > _mean_ndcg(None, held_out) + 0.05
    assert _reviewed_share_of_top(preferred, held_out) > _reviewed_share_of_top(None, held_out) + 0.2
    # No preference in the labels: no lift (the model is not used at all here).
    indifferent = train(_lists(_reviewed_log(80, seed=13, preferred=False)), names)
    assert indifferent.weight == 0.0
    same = _reviewed_log(20, seed=14, preferred=False)
    assert _reviewed_share_of_top(indifferent, same) == _reviewed_share_of_top(None, same)


def test_a_model_from_before_the_review_feature_is_not_used() -> None:
    model = train(_lists(_log(60, seed=1)), feature_names(PARTS))
    old = model.to_dict() | {"features": list(model.features[:-1]), "mean": list(model.mean[:-1]),
                             "scale": list(model.scale[:-1]), "coef": list(model.coef[:-1])}
    with pytest.raises(ModelError):
        Model.from_dict(old)
    with pytest.raises(ModelError):
        load_models(dump_models({"demand": model}).replace('"format": 2', '"format": 1'))


@pytest.mark.parametrize("queries", [1, 3, 4])
def test_too_few_labels_leave_the_unlearned_order(queries: int) -> None:
    model = train(_lists(_log(queries, seed=3)), feature_names(PARTS))
    assert model.weight == 0.0 and model.labels == 10 * queries
    cands = _log(1, seed=4)[0][0]
    assert rerank(model, QueryContext(), cands) == list(range(len(cands)))


def test_labels_that_do_not_help_held_out_queries_leave_the_unlearned_order() -> None:
    model = train(_lists(_log(60, seed=5, signal=False)), feature_names(PARTS))
    assert model.labels == 600 and model.weight == 0.0


def test_the_weight_is_capped_by_the_number_of_labels() -> None:
    t = Thresholds(min_labels=20, min_positives=2, min_negatives=2, min_lists=2,
                   full_labels=1000)
    model = train(_lists(_log(60, seed=1)), feature_names(PARTS), t)
    assert 0 < model.weight <= 0.6  # 600 of the 1,000 labels that would allow 1


def test_one_class_only_is_no_model() -> None:
    cands = _log(1, seed=6)[0][0][:3]
    lists = [LabelledList("q", features(QueryContext(), cands, PARTS),
                          np.array([c.result.score for c in cands]),
                          np.array([0, 0, 0], dtype=np.int64))]
    model = train(lists, feature_names(PARTS))
    assert (model.weight, model.labels, model.positives) == (0.0, 3, 0)


def test_the_blend_keeps_ties_and_weight_zero_in_the_unlearned_order() -> None:
    base = np.array([3.0, 2.0, 1.0])
    assert blend(base, np.array([0.0, 5.0, 9.0]), 0.0).tolist() == [3.0, 2.0, 1.0]
    assert blend(base, np.array([0.0, 5.0, 9.0]), 1.0).argsort().tolist() == [0, 1, 2]
    assert blend(np.array([1.0, 1.0]), np.array([2.0, 2.0]), 0.5).tolist() == [0.0, 0.0]
    assert ndcg([0, 1], np.array([-1, -1])) is None
    assert ndcg([1, 0], np.array([1, 0])) == pytest.approx(1 / math.log2(3))
    # an unjudged candidate lifted to the top counts as not relevant
    assert ndcg([2, 0, 1], np.array([1, 0, -1])) == pytest.approx(1 / math.log2(3))


@pytest.mark.parametrize("change", [
    {"weight": 1.5},
    {"coef": "nan"},
    {"scale": 0.0},
    {"features": ["x"]},
    {"intercept": "a lot"},
    {"mean": None},
])
def test_a_broken_model_is_refused(change: dict[str, object]) -> None:
    names = feature_names(["bm25"])
    good = Model(tuple(names), (0.0,) * len(names), (1.0,) * len(names), (0.1,) * len(names),
                 0.0, 0.5)
    assert Model.from_dict(good.to_dict()) == good
    data = good.to_dict()
    for key, value in change.items():
        data[key] = [float(value)] * len(names) if key in ("coef", "scale") else value
    with pytest.raises(ModelError):
        Model.from_dict(data)


def test_a_broken_model_file_is_refused() -> None:
    names = feature_names(["bm25"])
    good = Model(tuple(names), (0.0,) * len(names), (1.0,) * len(names), (0.1,) * len(names),
                 0.0, 0.5)
    text = dump_models({"demand": good})
    assert load_models(text) == {"demand": good}
    for broken in ("not json", "[]", text.replace('"format": 2', '"format": 3'),
                   '{"format": 2, "models": []}'):
        with pytest.raises(ModelError):
            load_models(broken)
