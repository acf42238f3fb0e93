"""The review form as data, and how a panel's scores are aggregated (pure; no database).

Each criterion has a weight and a scale; a reviewer's overall score is the weighted mean of
their criterion scores. A panel's scores are summarised robustly: per criterion the weighted
panel mean, the median, the spread (max − min) and the median absolute deviation; a reviewer
whose overall score lies far from the others' median is an outlier, which asks the organiser
for a look before an outcome is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

TWO_PLACES = Decimal("0.01")
PASS_SCORE = Decimal(3)          # the panel's median overall score a pass needs (of 5)
DISAGREEMENT_SPREAD = 2          # points between the lowest and highest score of a criterion
OUTLIER_POINTS = Decimal("1.5")  # an outlier is at least this far from the median …
OUTLIER_MADS = Decimal("3.5")    # … and this many (scaled) median absolute deviations
_MAD_TO_SIGMA = Decimal("1.4826")


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    weight: Decimal
    low: int = 1
    high: int = 5


# The proof-of-concept form (概念验证评审表).
POC_FORM: tuple[Criterion, ...] = (
    Criterion("technical_maturity", Decimal("0.30")),   # 技术成熟度
    Criterion("ip_strength", Decimal("0.20")),          # 知识产权强度与自由实施
    Criterion("market_size", Decimal("0.20")),          # 市场规模
    Criterion("team", Decimal("0.15")),                 # 团队
    Criterion("cost_to_pilot", Decimal("0.15")),        # 中试成本（分数越高越省）
)
CRITERIA_CODES = tuple(c.code for c in POC_FORM)


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def check_scores(scores: Mapping[str, int], form: Sequence[Criterion] = POC_FORM) -> list[str]:
    """Problems with a reviewer's scores, as (criterion: message) strings; empty when valid."""
    problems = []
    for c in form:
        value = scores.get(c.code)
        if value is None:
            problems.append(f"{c.code}: 未评分 missing")
        elif not c.low <= value <= c.high:
            problems.append(f"{c.code}: 须在{c.low}–{c.high}之间 must be {c.low}–{c.high}")
    unknown = set(scores) - {c.code for c in form}
    problems += [f"{code}: 无此评审项 no such criterion" for code in sorted(unknown)]
    return problems


def overall(scores: Mapping[str, int], form: Sequence[Criterion] = POC_FORM) -> Decimal:
    """A reviewer's weighted mean score, unrounded."""
    total = sum((c.weight for c in form), Decimal(0))
    return sum((c.weight * scores[c.code] for c in form), Decimal(0)) / total


def _median(values: Sequence[Decimal]) -> Decimal:
    return Decimal(median(values))


def mad(values: Sequence[Decimal]) -> Decimal:
    """Median absolute deviation from the median."""
    centre = _median(values)
    return _median([abs(v - centre) for v in values])


@dataclass(frozen=True, slots=True)
class CriterionSummary:
    code: str
    weight: Decimal
    mean: Decimal
    median: Decimal
    spread: int
    mad: Decimal
    disagreement: bool


@dataclass(frozen=True, slots=True)
class Aggregate:
    reviews: int
    criteria: tuple[CriterionSummary, ...]
    overall_mean: Decimal
    overall_median: Decimal
    overall_mad: Decimal
    reviewer_scores: tuple[Decimal, ...]   # each reviewer's overall score, in input order
    outliers: tuple[int, ...]              # positions of outlying reviewers


def is_outlier(value: Decimal, values: Sequence[Decimal]) -> bool:
    centre = _median(values)
    distance = abs(value - centre)
    return distance >= OUTLIER_POINTS and distance > OUTLIER_MADS * _MAD_TO_SIGMA * mad(values)


def aggregate(reviews: Sequence[Mapping[str, int]],
              form: Sequence[Criterion] = POC_FORM) -> Aggregate | None:
    """The panel's summary; None before any review is in."""
    if not reviews:
        return None
    summaries = []
    for c in form:
        values = [Decimal(r[c.code]) for r in reviews]
        spread = int(max(values) - min(values))
        summaries.append(CriterionSummary(
            c.code, c.weight, _q(sum(values, Decimal(0)) / len(values)), _q(_median(values)),
            spread, _q(mad(values)), spread >= DISAGREEMENT_SPREAD))
    scores = [overall(r, form) for r in reviews]
    outliers = tuple(i for i, s in enumerate(scores) if len(scores) >= 3 and is_outlier(s, scores))
    return Aggregate(len(reviews), tuple(summaries), _q(sum(scores, Decimal(0)) / len(scores)),
                     _q(_median(scores)), _q(mad(scores)), tuple(_q(s) for s in scores),
                     outliers)


def lower_median(values: Sequence[int]) -> int:
    """The reviewed TRL: the panel's median, the lower of the two middle values when even."""
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def passes(agg: Aggregate, recommendations: Sequence[str]) -> bool:
    """A pass: the median overall score reaches PASS_SCORE and most reviewers recommend it."""
    return agg.overall_median >= PASS_SCORE and \
        sum(r == "pass" for r in recommendations) * 2 > len(recommendations)
