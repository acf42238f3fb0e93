"""Brokers' dashboards: open deals by stage, and deals closed this calendar year."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import clock
from backend.core.permissions import Role
from backend.core.types import to_fen
from backend.deals import schemas
from backend.deals.models import OPEN_STAGES, BrokerStatus, Contract, Deal, DealBroker, Stage


def dashboard(session: Session, user: User, year: int | None = None) -> schemas.DashboardOut:
    """A broker's own deals (those they are active on); an administrator's view of all deals.

    "Closed this year" counts deals that reached `closed` in the calendar year, Beijing time,
    with the sum of their contract amounts as the parties confirmed them (a contract nobody
    confirmed adds nothing); a broker also gets their share-weighted part.
    """
    own = user.role != Role.ADMIN
    year = year or clock.today().year
    start, end = clock.year_bounds(year)
    mine = select(DealBroker.deal_id, DealBroker.share).where(
        DealBroker.broker_id == user.id, DealBroker.status == BrokerStatus.ACTIVE)

    by_stage = select(Deal.stage, func.count(Deal.id)).where(Deal.stage.in_(OPEN_STAGES))
    closed = (select(Deal.id, Contract.confirmed_amount)
              .join(Contract, Contract.deal_id == Deal.id)
              .where(Deal.stage == Stage.CLOSED, Deal.ended_at >= start, Deal.ended_at < end))
    if own:
        by_stage = by_stage.where(Deal.id.in_(mine.with_only_columns(DealBroker.deal_id)))
        closed = closed.where(Deal.id.in_(mine.with_only_columns(DealBroker.deal_id)))
    counts = {stage: n for stage, n in session.execute(by_stage.group_by(Deal.stage))}
    rows = [(deal_id, amount if amount is not None else Decimal("0.00"))
            for deal_id, amount in session.execute(closed)]
    amount = sum((a for _, a in rows), Decimal("0.00"))
    my_share = None
    if own:
        shares = {deal_id: share for deal_id, share in session.execute(
            mine.where(DealBroker.deal_id.in_([d for d, _ in rows])))}
        my_share = to_fen(sum((a * shares[d] / 100 for d, a in rows), Decimal("0.00")))
    return schemas.DashboardOut(
        scope="own" if own else "all",
        open_by_stage=[schemas.StageCount(stage=s, count=counts.get(s, 0))
                       for s in Stage if s in OPEN_STAGES],
        open_total=sum(counts.values()),
        closed_this_year=schemas.ClosedThisYear(year=year, count=len(rows), amount=amount),
        my_share_amount=my_share)
