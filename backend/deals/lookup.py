"""What other domains (rewards, integrity) may ask of deals: small, stable reads.
Other domains call these, never the deal tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.errors import NotFound
from backend.deals.access import load_deal, relation_of
from backend.deals.ledger import ZERO
from backend.deals.models import (
    Acceptance,
    BrokerRole,
    BrokerStatus,
    Contract,
    ContractType,
    Deal,
    Payment,
    Stage,
)


@dataclass(frozen=True)
class BrokerShare:
    broker_id: int
    role: BrokerRole
    share: Decimal
    joined_at: datetime | None


@dataclass(frozen=True)
class PaymentLine:
    payment_id: int
    paid_on: date
    amount: Decimal
    bank_reference: str
    invoice_reference: str
    counted: bool


@dataclass(frozen=True)
class ContractSummary:
    contract_id: int
    deal_id: int
    name: str
    type: ContractType
    amount: Decimal
    technology_amount: Decimal | None
    signed_on: date
    registration_no: str | None
    registered_on: date | None
    buyer_org_id: int
    seller_org_id: int
    received_amount: Decimal                  # sum of counted payments (到账金额)
    payments: tuple[PaymentLine, ...]         # all of them, counted and not
    uncounted_payments: tuple[PaymentLine, ...]
    deal_stage: Stage
    deal_opened_at: datetime
    demand_id: int
    achievement_id: int
    demand_org_id: int
    achievement_org_id: int
    brokers: tuple[BrokerShare, ...]          # the active brokers; shares sum to 100


def contract_for_claim(session: Session, deal_id: int) -> ContractSummary:
    """Everything a reward claim on this deal needs; NotFound without a deal or a contract."""
    deal = load_deal(session, deal_id)
    if deal is None:
        raise NotFound("未找到该撮合项目。No such deal.")
    c = deal.contract
    if c is None:
        raise NotFound("该撮合项目尚未录入合同。This deal has no contract yet.")
    rows = session.execute(select(Payment).where(Payment.contract_id == c.id)
                           .order_by(Payment.paid_on, Payment.id)).scalars().all()
    lines = tuple(PaymentLine(p.id, p.paid_on, p.amount, p.bank_reference, p.invoice_reference,
                              p.counted) for p in rows)
    return ContractSummary(
        contract_id=c.id, deal_id=deal.id, name=c.name, type=c.type, amount=c.amount,
        technology_amount=c.technology_amount, signed_on=c.signed_on,
        registration_no=c.registration_no, registered_on=c.registered_on,
        buyer_org_id=c.buyer_org_id, seller_org_id=c.seller_org_id,
        received_amount=sum((p.amount for p in lines if p.counted), ZERO),
        payments=lines, uncounted_payments=tuple(p for p in lines if not p.counted),
        deal_stage=deal.stage, deal_opened_at=deal.opened_at, demand_id=deal.demand_id,
        achievement_id=deal.achievement_id, demand_org_id=deal.demand_org_id,
        achievement_org_id=deal.achievement_org_id,
        brokers=tuple(BrokerShare(b.broker_id, b.role, b.share, b.joined_at)
                      for b in deal.brokers if b.status == BrokerStatus.ACTIVE))


def deal_is_visible(session: Session, user: User, deal_id: int) -> bool:
    """Whether this user may see the deal (its brokers, invitee, parties, administrators)."""
    deal = load_deal(session, deal_id, user=user)
    return deal is not None and relation_of(user, deal) is not None


@dataclass(frozen=True)
class PairOutcome:
    """How far the introduction of one demand–achievement pair got (the matcher learns from
    it): a party accepted or declined it, and whether it reached a signed contract."""

    deal_id: int
    demand_id: int
    achievement_id: int
    accepted: bool
    declined: bool
    signed: bool


SIGNED_STAGES = frozenset({Stage.SIGNED, Stage.REGISTERED, Stage.PAID, Stage.CLOSED})


def pair_outcomes(session: Session) -> list[PairOutcome]:
    """Every deal's pair and outcome, oldest first. Signed: the deal reached the signed stage
    (or later), or recorded a contract before it was lost or cancelled."""
    contracted = select(Contract.deal_id).where(Contract.deal_id == Deal.id).exists()
    rows = session.execute(select(
        Deal.id, Deal.demand_id, Deal.achievement_id, Deal.stage, Deal.demand_acceptance,
        Deal.achievement_acceptance, contracted).order_by(Deal.id))
    return [PairOutcome(i, d, a, Acceptance.ACCEPTED in (da, aa), Acceptance.DECLINED in (da, aa),
                        stage in SIGNED_STAGES or bool(has_contract))
            for i, d, a, stage, da, aa, has_contract in rows]
