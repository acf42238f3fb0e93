"""What other domains (rewards, integrity) may ask of deals: small, stable reads.
Other domains call these, never the deal tables. Listings, below deals, gets its one read
(a demand's open deals) handed over as this module loads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.errors import NotFound
from backend.deals import brokers as broker_rules
from backend.deals.access import load_deal, relation_of
from backend.deals.ledger import ZERO
from backend.deals.models import (
    OPEN_STAGES,
    Acceptance,
    BrokerRole,
    BrokerStatus,
    Contract,
    ContractType,
    Deal,
    EvidenceStatus,
    Payment,
    RegistryStatus,
    Stage,
)
from backend.listings import demands
from backend.listings.models import Demand, Field


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
    confirmed_amount: Decimal | None = None   # None until both parties confirmed it


@dataclass(frozen=True)
class ConfirmedTerms:
    """The contract as its parties last confirmed it: all that money may rest on."""

    version: int
    type: ContractType
    amount: Decimal
    technology_amount: Decimal | None
    signed_on: date
    registration_no: str | None
    registered_on: date | None
    buyer_org_id: int
    seller_org_id: int
    received_amount: Decimal                  # counted payments both parties confirmed


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
    demand_id: int | None            # None on a challenge award's deal
    achievement_id: int | None
    challenge_award_id: int | None
    demand_org_id: int
    achievement_org_id: int
    brokers: tuple[BrokerShare, ...]          # the active brokers; shares sum to 100
    evidence_status: EvidenceStatus = EvidenceStatus.DECLARED
    evidence_version: int = 1
    confirmed: ConfirmedTerms | None = None   # the last confirmed version, if any
    registry_status: RegistryStatus = RegistryStatus.UNCHECKED
    shares_frozen: bool = False

    @property
    def evidence_current(self) -> bool:
        """The current version is confirmed: no change awaits the parties, none disputed."""
        return (self.evidence_status == EvidenceStatus.CONFIRMED and self.confirmed is not None
                and self.confirmed.version == self.evidence_version)


def _confirmed(contract: Contract, lines: tuple[PaymentLine, ...]) -> ConfirmedTerms | None:
    terms = contract.confirmed_terms
    if contract.confirmed_version is None or contract.confirmed_amount is None or not terms:
        return None
    return ConfirmedTerms(
        version=contract.confirmed_version, type=ContractType(terms["type"]),
        amount=contract.confirmed_amount,
        technology_amount=contract.confirmed_technology_amount,
        signed_on=date.fromisoformat(terms["signed_on"]),
        registration_no=terms.get("registration_no"),
        registered_on=(date.fromisoformat(terms["registered_on"])
                       if terms.get("registered_on") else None),
        buyer_org_id=int(terms["buyer_org_id"]), seller_org_id=int(terms["seller_org_id"]),
        received_amount=sum((p.confirmed_amount for p in lines
                             if p.counted and p.confirmed_amount is not None), ZERO))


def contract_for_claim(session: Session, deal_id: int, *, lock: bool = False
                       ) -> ContractSummary:
    """Everything a reward claim on this deal needs; NotFound without a deal or a contract.
    `lock` holds the deal's row, so claims on one deal are decided one after another."""
    deal = load_deal(session, deal_id, lock=lock)
    if deal is None:
        raise NotFound("未找到该撮合项目。No such deal.")
    c = deal.contract
    if c is None:
        raise NotFound("该撮合项目尚未录入合同。This deal has no contract yet.")
    rows = session.execute(select(Payment).where(Payment.contract_id == c.id,
                                                 Payment.voided_at.is_(None))
                           .order_by(Payment.paid_on, Payment.id)).scalars().all()
    lines = tuple(PaymentLine(p.id, p.paid_on, p.amount, p.bank_reference, p.invoice_reference,
                              p.counted, p.confirmed_amount) for p in rows)
    return ContractSummary(
        contract_id=c.id, deal_id=deal.id, name=c.name, type=c.type, amount=c.amount,
        technology_amount=c.technology_amount, signed_on=c.signed_on,
        registration_no=c.registration_no, registered_on=c.registered_on,
        buyer_org_id=c.buyer_org_id, seller_org_id=c.seller_org_id,
        received_amount=sum((p.amount for p in lines if p.counted), ZERO),
        payments=lines, uncounted_payments=tuple(p for p in lines if not p.counted),
        deal_stage=deal.stage, deal_opened_at=deal.opened_at, demand_id=deal.demand_id,
        achievement_id=deal.achievement_id, challenge_award_id=deal.challenge_award_id,
        demand_org_id=deal.demand_org_id,
        achievement_org_id=deal.achievement_org_id,
        brokers=tuple(BrokerShare(b.broker_id, b.role, b.share, b.joined_at)
                      for b in deal.brokers if b.status == BrokerStatus.ACTIVE),
        evidence_status=c.evidence_status, evidence_version=c.evidence_version,
        confirmed=_confirmed(c, lines), registry_status=c.registry_status,
        shares_frozen=deal.shares_frozen_at is not None)


def freeze_shares(session: Session, deal_id: int) -> None:
    """The first claim on the deal freezes its brokers' shares."""
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise NotFound("未找到该撮合项目。No such deal.")
    broker_rules.freeze_shares(session, deal)


def set_clawback_hold(session: Session, deal_id: int, held: bool) -> None:
    """While a claw-back on the deal is open, its demand–achievement pair cannot be reopened."""
    deal = session.get(Deal, deal_id)
    if deal is not None and deal.clawback_hold != held:
        deal.clawback_hold = held
        session.flush()


def deal_is_ended(stage: Stage) -> bool:
    return stage in (Stage.CANCELLED, Stage.LOST)


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


def challenge_field_code(session: Session, award_id: int | None) -> str:
    """The field a challenge award's deal is counted in: its challenge's linked demand's, or
    none ("")."""
    if award_id is None:
        return ""
    # challenges sit above deals (they open deals): read their tables only when a deal is one
    from backend.challenges.models import Award, Challenge

    code = session.execute(select(Field.code).select_from(Award)
                           .join(Challenge, Challenge.id == Award.challenge_id)
                           .join(Demand, Demand.id == Challenge.demand_id)
                           .join(Field, Field.id == Demand.field_id)
                           .where(Award.id == award_id)).scalar_one_or_none()
    return code or ""


def pair_outcomes(session: Session) -> list[PairOutcome]:
    """Every deal's pair and outcome, oldest first. Signed: the deal reached the signed stage
    (or later), or recorded a contract before it was lost or cancelled."""
    contracted = select(Contract.deal_id).where(Contract.deal_id == Deal.id).exists()
    rows = session.execute(select(
        Deal.id, Deal.demand_id, Deal.achievement_id, Deal.stage, Deal.demand_acceptance,
        Deal.achievement_acceptance, contracted).where(Deal.demand_id.is_not(None),
                                                       Deal.achievement_id.is_not(None))
        .order_by(Deal.id))
    return [PairOutcome(i, d, a, Acceptance.ACCEPTED in (da, aa), Acceptance.DECLINED in (da, aa),
                        stage in SIGNED_STAGES or bool(has_contract))
            for i, d, a, stage, da, aa, has_contract in rows if d is not None and a is not None]


def open_deal_ids(session: Session, demand_id: int) -> list[int]:
    """The demand's open deals, oldest first: its owner may not withdraw it from under them."""
    return list(session.execute(select(Deal.id).where(
        Deal.demand_id == demand_id, Deal.stage.in_(OPEN_STAGES)).order_by(Deal.id)).scalars())


demands.install_open_deals(open_deal_ids)


def deals_between(session: Session, org_ids: Sequence[int], other_org_id: int,
                  since: datetime) -> list[tuple[int, int, datetime]]:
    """(deal id, the organisation of `org_ids` on it, opened at) for deals since `since`
    between one of `org_ids` and `other_org_id` that both sides accepted (worked on together)."""
    if not org_ids:
        return []
    rows = session.execute(select(Deal.id, Deal.demand_org_id, Deal.achievement_org_id,
                                  Deal.opened_at).where(
        Deal.opened_at >= since, Deal.demand_acceptance == Acceptance.ACCEPTED,
        Deal.achievement_acceptance == Acceptance.ACCEPTED,
        ((Deal.demand_org_id == other_org_id) & Deal.achievement_org_id.in_(org_ids))
        | ((Deal.achievement_org_id == other_org_id) & Deal.demand_org_id.in_(org_ids)))
        .order_by(Deal.opened_at.desc()))
    return [(deal_id, achievement_org if demand_org == other_org_id else demand_org, opened)
            for deal_id, demand_org, achievement_org, opened in rows]


@dataclass(frozen=True)
class ListingDeal:
    """A deal as the industry-chain map counts it: its pair, when it opened, and the contract
    amount that counts (the market statistics' rule: confirmed by the parties, registered,
    the registration not cancelled, the deal neither lost nor cancelled), else None."""

    deal_id: int
    demand_id: int
    achievement_id: int
    opened_at: datetime
    counted_amount: Decimal | None


def listing_deals(session: Session) -> list[ListingDeal]:
    rows = session.execute(
        select(Deal.id, Deal.demand_id, Deal.achievement_id, Deal.opened_at, Deal.stage,
               Contract.confirmed_amount, Contract.registration_no, Contract.registry_status)
        .outerjoin(Contract, Contract.deal_id == Deal.id)
        .where(Deal.demand_id.is_not(None), Deal.achievement_id.is_not(None))
        .order_by(Deal.id))
    out = []
    for deal_id, demand_id, achievement_id, opened_at, stage, amount, reg_no, reg_status in rows:
        if demand_id is None or achievement_id is None:  # excluded above: a challenge's deal
            continue
        counts = (amount is not None and reg_no is not None
                  and reg_status != RegistryStatus.CANCELLED
                  and stage not in (Stage.CANCELLED, Stage.LOST))
        out.append(ListingDeal(deal_id, demand_id, achievement_id, opened_at,
                               amount if counts else None))
    return out
