"""Score aggregation: weighted mean and median per criterion, disagreement, outliers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from backend.experts.scoring import (
    POC_FORM,
    aggregate,
    check_scores,
    lower_median,
    overall,
    passes,
)


def _all(value: int, **overrides: int) -> dict[str, int]:
    return {c.code: overrides.get(c.code, value) for c in POC_FORM}


def test_the_form_weights_sum_to_one() -> None:
    assert sum(c.weight for c in POC_FORM) == Decimal(1)


def test_overall_is_the_weighted_mean() -> None:
    scores = {"technical_maturity": 5, "ip_strength": 4, "market_size": 3, "team": 2,
              "cost_to_pilot": 1}
    # Reference in exact fractions: .3·5 + .2·4 + .2·3 + .15·2 + .15·1 = 3.35
    expected = (Fraction(3, 10) * 5 + Fraction(2, 10) * 4 + Fraction(2, 10) * 3
                + Fraction(15, 100) * 2 + Fraction(15, 100) * 1)
    assert overall(scores) == Decimal(expected.numerator) / Decimal(expected.denominator)
    assert overall(scores) == Decimal("3.35")


def test_scores_are_checked_against_the_scale() -> None:
    assert check_scores(_all(3)) == []
    problems = check_scores({**_all(3), "team": 6, "novelty": 2, "market_size": 0})
    assert [p.split(":")[0] for p in problems] == ["market_size", "team", "novelty"]
    assert check_scores({"team": 3})[0].startswith("technical_maturity: 未评分")


def test_criteria_summaries_mean_median_spread_and_mad() -> None:
    agg = aggregate([_all(4, team=1), _all(4, team=3), _all(5, team=5)])
    assert agg is not None
    team = next(c for c in agg.criteria if c.code == "team")
    assert (team.mean, team.median, team.spread, team.mad) == (Decimal("3.00"), Decimal("3.00"),
                                                               4, Decimal("2.00"))
    assert team.disagreement is True
    maturity = next(c for c in agg.criteria if c.code == "technical_maturity")
    assert (maturity.mean, maturity.median, maturity.spread) == (Decimal("4.33"),
                                                                 Decimal("4.00"), 1)
    assert maturity.disagreement is False


def test_a_reviewer_far_from_the_others_is_an_outlier() -> None:
    agg = aggregate([_all(4), _all(4, team=5), _all(1)])
    assert agg is not None
    assert agg.reviewer_scores == (Decimal("4.00"), Decimal("4.15"), Decimal("1.00"))
    assert agg.overall_median == Decimal("4.00")
    assert agg.outliers == (2,)


def test_ordinary_disagreement_is_no_outlier() -> None:
    agg = aggregate([_all(3), _all(4), _all(5)])
    assert agg is not None and agg.outliers == ()
    assert agg.overall_mad == Decimal("1.00")


def test_two_reviews_have_no_outlier_to_name() -> None:
    agg = aggregate([_all(5), _all(1)])
    assert agg is not None and agg.outliers == ()


def test_nothing_to_aggregate_before_the_first_review() -> None:
    assert aggregate([]) is None


def test_pass_needs_the_median_and_a_majority() -> None:
    agg = aggregate([_all(3), _all(3), _all(4)])
    assert agg is not None
    assert passes(agg, ["pass", "pass", "fail"]) is True
    assert passes(agg, ["pass", "revise", "fail"]) is False
    low = aggregate([_all(2), _all(3), _all(2)])
    assert low is not None and passes(low, ["pass", "pass", "pass"]) is False


def test_reviewed_trl_is_the_lower_median() -> None:
    assert lower_median([6, 4, 5]) == 5
    assert lower_median([4, 7]) == 4
