"""Public market figures: what a visitor may see, counted, and what the market has done.

Counts of listings use the listings domain's visibility clause for a visitor who is not
logged in, so the landing page's figure is the number the public listings page shows.
Deal figures are aggregates only (no deal is identifiable from them), so they count all
deals, not just those a visitor could open. The contract total counts only registered
contracts whose amount both parties confirmed (and, above the ceiling, an administrator), on
deals that were not cancelled or lost and whose registration was not cancelled: one broker's
declaration moves no public figure. Rewards paid come from the rewards domain (paid, less
what was clawed back). "Completed" counts deals fully paid: at stage paid or closed, with a
confirmed contract amount that the confirmed, counted, not voided payments reach. Months are
calendar months in Beijing time.

The figures are cached per process for a minute, keyed by the audit log's last sequence
number: every change that can move a figure (a listing published, withdrawn, closed or
hidden, a deal moved on, evidence confirmed, a claim paid) writes an audit entry in its own
transaction, so the next request after it, in any process, computes the figures afresh.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.core.clock import CHINA_TZ
from backend.deals.models import Contract, Deal, Payment, RegistryStatus, Stage
from backend.listings.models import Achievement, Demand
from backend.listings.visibility import achievement_visibility_clause, demand_visibility_clause
from backend.market import schemas
from backend.rewards.lookup import total_rewards_paid

MONTHS = 12
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Month:
    label: str
    start: datetime
    end: datetime


def last_months(today: date, count: int = MONTHS) -> list[Month]:
    """The `count` calendar months up to and including today's, oldest first."""
    months: list[Month] = []
    year, month = today.year, today.month
    for _ in range(count):
        start = datetime(year, month, 1, tzinfo=CHINA_TZ)
        end_year, end_month = (year + 1, 1) if month == 12 else (year, month + 1)
        months.append(Month(f"{year:04d}-{month:02d}", start,
                            datetime(end_year, end_month, 1, tzinfo=CHINA_TZ)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _per_month(column: Any, months: list[Month]) -> list[ColumnElement[Any]]:
    return [func.coalesce(func.sum(case((and_(column >= m.start, column < m.end), 1), else_=0)), 0)
            for m in months]


def _monthly_counts(session: Session, months: list[Month], column: Any,
                    where: ColumnElement[bool] | None) -> list[int]:
    query = select(*_per_month(column, months))
    if where is not None:
        query = query.where(where)
    row = session.execute(query.where(column >= months[0].start)).one()
    return [int(n) for n in row]


def confirmed_contract_total(session: Session) -> Decimal:
    """Registered contracts' confirmed amounts, on deals still standing."""
    where = and_(Contract.confirmed_amount.is_not(None), Contract.registration_no.is_not(None),
                 Contract.registry_status != RegistryStatus.CANCELLED,
                 Deal.stage.not_in([Stage.CANCELLED, Stage.LOST]))
    query = select(func.sum(Contract.confirmed_amount)).join(Deal, Deal.id == Contract.deal_id)
    try:
        with session.begin_nested():
            total = session.execute(query.where(where)).scalar_one()
    except OperationalError:
        # SQLite keeps money as integer fen and its SUM refuses to overflow 64 bits: add up
        # in Python instead, exactly (the figure must never fail the landing page).
        amounts = session.execute(select(Contract.confirmed_amount).join(
            Deal, Deal.id == Contract.deal_id).where(where)).scalars()
        return sum((a for a in amounts if a is not None), ZERO)
    return Decimal(total) if total is not None else ZERO


def completed_deals(session: Session) -> int:
    """Deals fully paid as their parties confirmed it: at stage paid or closed, the
    contract's confirmed amount reached by its confirmed, counted payments (none voided)."""
    paid = (select(func.coalesce(func.sum(Payment.confirmed_amount), 0))
            .where(Payment.contract_id == Contract.id, Payment.counted.is_(True),
                   Payment.voided_at.is_(None), Payment.confirmed_amount.is_not(None))
            .correlate(Contract).scalar_subquery())
    query = (select(func.count(Deal.id)).join(Contract, Contract.deal_id == Deal.id)
             .where(Deal.stage.in_([Stage.PAID, Stage.CLOSED]),
                    Contract.confirmed_amount.is_not(None), paid >= Contract.confirmed_amount))
    return int(session.execute(query).scalar_one())


def market_figures(session: Session, today: date) -> schemas.MarketFigures:
    public_demands = demand_visibility_clause(None)
    public_achievements = achievement_visibility_clause(None)
    demands = session.execute(select(func.count(Demand.id)).where(public_demands)).scalar_one()
    achievements = session.execute(
        select(func.count(Achievement.id)).where(public_achievements)).scalar_one()
    deals = session.execute(select(func.count(Deal.id))).scalar_one()

    months = last_months(today)
    demand_months = _monthly_counts(session, months, Demand.published_at, public_demands)
    achievement_months = _monthly_counts(session, months, Achievement.published_at,
                                         public_achievements)
    deal_months = _monthly_counts(session, months, Deal.opened_at, None)
    return schemas.MarketFigures(
        demands=demands, achievements=achievements, deals=deals,
        completed=completed_deals(session),
        contract_amount=confirmed_contract_total(session),
        rewards_paid=total_rewards_paid(session),
        monthly=[schemas.MonthFigures(month=m.label, demands=d, achievements=a, deals=n)
                 for m, d, a, n in zip(months, demand_months, achievement_months, deal_months,
                                       strict=True)])


class FiguresCache:
    """The figures last computed, reused for `max_age` seconds (per process and database)
    while nothing was audited since: the key holds the audit log's last sequence number, one
    indexed look-up, so a listing published or a deal paid shows at once, in every process.

    Every visitor's landing page asks for them, and they take nine aggregate queries."""

    def __init__(self) -> None:
        # (database URL, day, audit sequence, when computed, figures): one entry, replaced
        # as a whole, so readers in other threads see the old entry or the new one
        self._last: tuple[str, date, int, float, schemas.MarketFigures] | None = None

    def get(self, session: Session, today: date, max_age: float) -> schemas.MarketFigures:
        if max_age <= 0:
            return market_figures(session, today)
        url, now, last = str(session.get_bind().engine.url), time.monotonic(), self._last
        version = audit_version(session)
        if last is not None and last[:3] == (url, today, version) and now - last[3] < max_age:
            return last[4]
        figures = market_figures(session, today)
        self._last = (url, today, version, now, figures)
        return figures

    def clear(self) -> None:
        self._last = None


def audit_version(session: Session) -> int:
    """The audit log's last sequence number: it moves with every audited change."""
    seq = session.execute(select(func.max(AuditEntry.seq))).scalar_one()
    return int(seq) if seq is not None else 0


figures_cache = FiguresCache()
