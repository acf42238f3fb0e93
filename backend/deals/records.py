"""What the broker directory and the grade rules (backend/intake) may ask of deals: each active
broker's deals with their contract, and how many deals each broker has open. Small, stable
reads; other domains call these, never the deal tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.deals.models import OPEN_STAGES, BrokerStatus, Contract, Deal, DealBroker, Stage


@dataclass(frozen=True)
class BrokerDeal:
    """One deal a broker is active on (lead, or invited and joined)."""

    deal_id: int
    broker_id: int
    opened_at: datetime
    stage: Stage
    contract_amount: Decimal | None
    signed_on: date | None
    registration_no: str | None
    registered_on: date | None


def broker_deals(session: Session, broker_ids: Iterable[int] | None = None) -> list[BrokerDeal]:
    """Every deal of these brokers (all brokers: None), oldest first."""
    query = (select(DealBroker.broker_id, Deal.id, Deal.opened_at, Deal.stage, Contract.amount,
                    Contract.signed_on, Contract.registration_no, Contract.registered_on)
             .join(Deal, Deal.id == DealBroker.deal_id)
             .outerjoin(Contract, Contract.deal_id == Deal.id)
             .where(DealBroker.status == BrokerStatus.ACTIVE)
             .order_by(Deal.opened_at, Deal.id, DealBroker.broker_id))
    if broker_ids is not None:
        ids = list(dict.fromkeys(broker_ids))
        if not ids:
            return []
        query = query.where(DealBroker.broker_id.in_(ids))
    return [BrokerDeal(deal_id=deal_id, broker_id=broker_id, opened_at=opened_at, stage=stage,
                       contract_amount=amount, signed_on=signed_on, registration_no=number,
                       registered_on=registered_on)
            for broker_id, deal_id, opened_at, stage, amount, signed_on, number, registered_on
            in session.execute(query).all()]


def open_deal_counts(session: Session, broker_ids: Iterable[int]) -> dict[int, int]:
    """How many open deals each broker is active on (brokers with none are left out)."""
    ids = list(dict.fromkeys(broker_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(DealBroker.broker_id, func.count()).join(Deal, Deal.id == DealBroker.deal_id)
        .where(DealBroker.broker_id.in_(ids), DealBroker.status == BrokerStatus.ACTIVE,
               Deal.stage.in_(OPEN_STAGES))
        .group_by(DealBroker.broker_id)).all()
    return {broker_id: int(n) for broker_id, n in rows}
