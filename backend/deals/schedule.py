"""A challenge award's deal is paid by its milestones (揭榜挂帅: the milestones are the
contract's payment schedule). There is one record of the money: once the deal's contract is
registered, a milestone's payment is a `Payment` on that contract naming the milestone
(`challenge_milestone_id`), and the winner's answer on the challenge is the payment's
confirmation.

- The issuer (the firm, or an administrator for the bureau) records the payment on the
  milestone: that is the paying party's declaration, kept as its side's answer.
- The winner confirms receipt (the receiving party's answer: the payment is confirmed and
  counts for the deal's confirmed amount received, the reward basis, and the challenge's paid
  total alike) or disputes it (the answer is kept, the payment is voided with the reason, and
  the milestone may be paid anew).
- A milestone paid before the contract is registered stays on the milestone (the challenge
  counts it once the winner confirms it, as before) and is attached to the contract, with the
  answers it has, when the contract is registered. Nothing is counted twice: the deal counts
  only payments on its contract, the challenge only its milestones, and each milestone
  payment is at most one live `Payment` (its bank reference is unique on the platform).
- On such a deal the brokers record no payments of their own, and nobody corrects, voids or
  answers a milestone's payment on the deal: it is answered on the challenge.

Challenges call this module (a higher domain calls a lower one); it reads nothing of theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput
from backend.core.types import utcnow
from backend.deals import evidence
from backend.deals.access import load_deal
from backend.deals.events import add_event
from backend.deals.ledger import received
from backend.deals.models import (
    Contract,
    Deal,
    EvidenceAnswer,
    EvidenceKind,
    EvidenceSide,
    EvidenceStatus,
    Payment,
    Stage,
)
from backend.deals.pipeline import advance_if_fully_paid
from backend.deals.references import flush_unique, refuse_reused_reference

ATTACHING_STAGES = frozenset({Stage.REGISTERED, Stage.PAID})
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MilestonePayment:
    """A milestone's recorded payment as the challenge holds it."""

    milestone_id: int
    title: str
    amount: Decimal
    paid_on: date
    reference: str
    paid_by_id: int
    # who confirmed receiving it for the winner; None while unanswered
    confirmed_by_id: int | None


def refuse_direct(deal: Deal) -> None:
    """On a challenge award's deal the money comes through the milestones only."""
    if deal.challenge_award_id is not None:
        raise Conflict("揭榜挂帅项目的款项按里程碑支付：请在榜单的里程碑上登记付款（由发榜方登记、中榜方"
                       "确认收款），合同登记后自动计入本项目的到账。A challenge award's deal is paid "
                       "by its milestones: record the payment on the challenge's milestone (the "
                       "issuer records it, the winner confirms receipt); it counts on this deal "
                       "once the contract is registered.", reason="paid_by_milestones")


def _sides(deal: Deal, contract: Contract) -> tuple[EvidenceSide, EvidenceSide]:
    """(the payer's side, the payee's side): the issuer pays, the winner receives."""
    payer = EvidenceSide.BUYER if contract.buyer_org_id == deal.demand_org_id \
        else EvidenceSide.SELLER
    payee = EvidenceSide.SELLER if payer == EvidenceSide.BUYER else EvidenceSide.BUYER
    return payer, payee


def _registered_contract(session: Session, deal_id: int | None) -> tuple[Deal, Contract] | None:
    if deal_id is None:
        return None
    deal = load_deal(session, deal_id)
    if deal is None or deal.contract is None or deal.contract.registration_no is None \
            or deal.stage not in ATTACHING_STAGES:
        return None
    return deal, deal.contract


def check_fits(session: Session, deal_id: int | None, recorded: Decimal, paid_on: date
               ) -> None:
    """Before a milestone payment is recorded: when the deal has a contract, every milestone
    payment recorded (`recorded`, this one included) must fit under the contract's amount, and
    the payment cannot precede the contract's signing."""
    if deal_id is None:
        return
    deal = load_deal(session, deal_id)
    if deal is None or deal.contract is None:
        return
    contract = deal.contract
    check_total(contract, recorded)
    if paid_on < contract.signed_on:
        raise InvalidInput("paid_on", f"本项目的合同于{contract.signed_on}签订，付款日期不能早于它。"
                                      f"The deal's contract was signed on "
                                      f"{contract.signed_on}; a payment cannot precede it.")


def check_total(contract: Contract, recorded: Decimal) -> None:
    """The contract's amount is never below the milestone payments recorded."""
    if recorded > contract.amount:
        raise Conflict(f"里程碑付款合计{recorded}元将超过本项目合同金额{contract.amount}元；请先更正合同"
                       f"金额。The milestone payments ({recorded} yuan) would exceed the deal's "
                       f"contract amount of {contract.amount} yuan; correct the contract first.",
                       reason="contract_amount_below_milestones", recorded=str(recorded))


def _add(session: Session, actor: audit.Actor, deal: Deal, contract: Contract,
         item: MilestonePayment) -> Payment:
    taken = session.execute(select(Payment.id).where(
        Payment.challenge_milestone_id == item.milestone_id,
        Payment.voided_at.is_(None))).first()
    if taken is not None:
        return session.get(Payment, taken[0])  # type: ignore[return-value]
    check_total(contract, received(session, contract.id) + item.amount)
    refuse_reused_reference(session, item.reference)
    payment = Payment(contract_id=contract.id, paid_on=item.paid_on, amount=item.amount,
                      bank_reference=item.reference,
                      invoice_reference=f"揭榜挂帅里程碑：{item.title}"[:200], counted=True,
                      recorded_by_id=item.paid_by_id, challenge_milestone_id=item.milestone_id)
    session.add(payment)
    flush_unique(session, item.reference)
    payer, payee = _sides(deal, contract)
    now = utcnow()
    session.add(EvidenceAnswer(deal_id=deal.id, item_kind=EvidenceKind.PAYMENT, item_id=payment.id,
                               version=payment.evidence_version, side=payer, confirmed=True,
                               user_id=item.paid_by_id, at=now))
    if item.confirmed_by_id is not None:
        session.add(EvidenceAnswer(deal_id=deal.id, item_kind=EvidenceKind.PAYMENT,
                                   item_id=payment.id, version=payment.evidence_version,
                                   side=payee, confirmed=True, user_id=item.confirmed_by_id,
                                   at=now))
    session.flush()
    status = evidence.settle(session, EvidenceKind.PAYMENT, contract, payment)
    add_event(session, deal, item.paid_by_id, "payment_recorded",
              text=f"里程碑“{item.title}”付款{item.amount}元计入本合同到账。The milestone "
                   f"“{item.title}” payment of {item.amount} yuan is recorded on the contract.",
              data={"payment_id": payment.id, "amount": item.amount, "paid_on": item.paid_on,
                    "counted": True, "challenge_milestone_id": item.milestone_id})
    audit.record(session, actor, "payment.record", "payment", payment.id, after={
        "contract_id": contract.id, "paid_on": item.paid_on, "amount": item.amount,
        "bank_reference": item.reference, "challenge_milestone_id": item.milestone_id,
        "counted": True, "evidence_status": status})
    return payment


def record_milestone_payment(session: Session, actor: audit.Actor, deal_id: int | None,
           item: MilestonePayment) -> Payment | None:
    """A milestone's payment was recorded: on a registered contract it is a payment on it."""
    found = _registered_contract(session, deal_id)
    if found is None:
        return None
    deal, contract = found
    payment = _add(session, actor, deal, contract, item)
    advance_if_fully_paid(session, actor, deal)
    return payment


def attach(session: Session, actor: audit.Actor, deal: Deal,
           items: Sequence[MilestonePayment]) -> list[Payment]:
    """The contract was registered: the milestone payments recorded so far become payments
    on it, with the answers they have."""
    found = _registered_contract(session, deal.id)
    if found is None or not items:
        return []
    deal, contract = found
    total = received(session, contract.id) + sum((i.amount for i in items), ZERO)
    check_total(contract, total)
    return [_add(session, actor, deal, contract, item) for item in items]


def _live(session: Session, milestone_id: int) -> Payment | None:
    return session.execute(select(Payment).where(
        Payment.challenge_milestone_id == milestone_id, Payment.voided_at.is_(None))
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()


def answer_milestone_payment(session: Session, actor: audit.Actor, deal_id: int | None, milestone_id: int,
           user_id: int, confirmed: bool, reason: str | None) -> Payment | None:
    """The winner answered the milestone's payment: the payee's answer on the payment; a
    dispute voids the payment (the milestone is paid anew)."""
    found = _registered_contract(session, deal_id)
    payment = _live(session, milestone_id) if found is not None else None
    if found is None or payment is None:
        return None
    deal, contract = found
    _payer, payee = _sides(deal, contract)
    session.add(EvidenceAnswer(deal_id=deal.id, item_kind=EvidenceKind.PAYMENT, item_id=payment.id,
                               version=payment.evidence_version, side=payee,
                               confirmed=confirmed, reason=reason, user_id=user_id, at=utcnow()))
    session.flush()
    status = evidence.settle(session, EvidenceKind.PAYMENT, contract, payment)
    if not confirmed:
        payment.voided_at, payment.voided_by_id = utcnow(), user_id
        payment.void_reason = f"中榜方对里程碑付款提出异议：{reason}"[:1000]
        session.flush()
    add_event(session, deal, user_id, "evidence_confirmed" if confirmed else "payment_voided",
              text=(f"中榜方确认收到里程碑付款{payment.amount}元。The winner confirmed receiving the "
                    f"milestone payment of {payment.amount} yuan." if confirmed else
                    f"中榜方对里程碑付款{payment.amount}元提出异议，该到账记录作废：{reason} The winner "
                    f"disputed the milestone payment of {payment.amount} yuan; it is voided: "
                    f"{reason}"),
              data={"payment_id": payment.id, "challenge_milestone_id": milestone_id,
                    "status": status, "voided": not confirmed})
    audit.record(session, actor, "evidence.confirm" if confirmed else "payment.void",
                 "payment", payment.id, before={"status": EvidenceStatus.DECLARED},
                 after={"status": status, "reason": reason,
                        "challenge_milestone_id": milestone_id,
                        "voided": not confirmed})
    return payment


def payments_for(session: Session, milestone_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """milestone id → (its live payment's id, the deal's id), for the link on the tracker."""
    if not milestone_ids:
        return {}
    rows = session.execute(select(Payment.challenge_milestone_id, Payment.id, Contract.deal_id)
                           .join(Contract, Contract.id == Payment.contract_id).where(
        Payment.challenge_milestone_id.in_(list(milestone_ids)),
        Payment.voided_at.is_(None)))
    return {m: (p, d) for m, p, d in rows if m is not None}
