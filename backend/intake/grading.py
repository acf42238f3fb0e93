"""The promotion rule, as a pure function of the rule (data) and a broker's facts.

A broker may be proposed for a grade when, on the day of evaluation:
  - their training hours (courses, all time) reach `min_training_hours`;
  - within the last `window_months` months (from the same day that many months back,
    inclusive), at least `min_registered_deals` registered deals whose confirmed value
    together reaches `min_deal_value`;
  - if `exam_required`, they passed an exam for that grade;
  - if `no_upheld_finding`, no finding was upheld against them within the window, and they are
    not on the dishonesty list today.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day where it has fewer)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Rule:
    min_training_hours: Decimal
    min_registered_deals: int
    min_deal_value: Decimal
    window_months: int
    exam_required: bool
    no_upheld_finding: bool


@dataclass(frozen=True)
class Facts:
    training_hours: Decimal
    registered: Sequence[tuple[date, Decimal]]  # (registered on, confirmed value)
    exam_passed: bool
    findings: Sequence[date]                    # the days findings were upheld (listed)
    listed_now: bool


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    since: date
    training_hours: Decimal
    deals: int
    value: Decimal
    shortfalls: list[str] = field(default_factory=list)


def evaluate(rule: Rule, facts: Facts, today: date) -> Verdict:
    since = months_before(today, rule.window_months)
    inside = [(d, v) for d, v in facts.registered if since <= d <= today]
    value = sum((v for _, v in inside), Decimal("0.00"))
    short = []
    if facts.training_hours < rule.min_training_hours:
        short.append("training_hours")
    if len(inside) < rule.min_registered_deals:
        short.append("registered_deals")
    if value < rule.min_deal_value:
        short.append("deal_value")
    if rule.exam_required and not facts.exam_passed:
        short.append("exam")
    if rule.no_upheld_finding and (facts.listed_now
                                   or any(since <= d <= today for d in facts.findings)):
        short.append("upheld_finding")
    return Verdict(not short, since, facts.training_hours, len(inside), value, short)
