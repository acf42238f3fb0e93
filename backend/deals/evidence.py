"""Evidence before money: what a broker records is a declaration until the parties it binds
confirm it.

The contract's terms and each payment are declared items. Every change to the contract
starts a new version (`evidence_version`); each party — the buyer's and the seller's
organisation — confirms or disputes that version (`EvidenceAnswer`, with who and when, in the
audit log), and a contract amount above `CONTRACT_AMOUNT_CEILING` also needs an
administrator's confirmation. When every side has confirmed the current version its terms
are copied into the confirmed snapshot (`confirmed_amount`, `confirmed_terms`, ...), which is
all that rewards, market figures, statistics and the integrity rules read. A change keeps the
last confirmed snapshot until the new version is confirmed; a dispute of the confirmed
version itself withdraws the snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User
from backend.audit import service as audit
from backend.audit.service import jsonable
from backend.config import get_settings
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.deals.access import DealAccess, Relation, visible_deals
from backend.deals.events import add_event
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
from backend.deals.notifications import audience, deal_title, notify

PARTY_SIDES = (EvidenceSide.BUYER, EvidenceSide.SELLER)
_SIDE_ZH = {EvidenceSide.BUYER: "买方", EvidenceSide.SELLER: "卖方", EvidenceSide.ADMIN: "管理员"}
_KIND_ZH = {EvidenceKind.CONTRACT: "合同信息", EvidenceKind.PAYMENT: "到账记录"}
_ENDED = (Stage.CANCELLED, Stage.LOST)


def ceiling() -> Decimal:
    return get_settings().contract_amount_ceiling


def needs_admin(contract: Contract) -> bool:
    """A contract amount above the ceiling counts only once an administrator confirms it."""
    return contract.amount > ceiling()


def required_sides(kind: EvidenceKind, contract: Contract) -> tuple[EvidenceSide, ...]:
    if kind == EvidenceKind.CONTRACT and needs_admin(contract):
        return (*PARTY_SIDES, EvidenceSide.ADMIN)
    return PARTY_SIDES


def contract_terms(contract: Contract) -> dict[str, Any]:
    """The declared terms of the contract's current version, as JSON."""
    terms: dict[str, Any] = jsonable({
        "name": contract.name, "type": contract.type, "amount": contract.amount,
        "technology_amount": contract.technology_amount, "signed_on": contract.signed_on,
        "buyer_org_id": contract.buyer_org_id, "seller_org_id": contract.seller_org_id,
        "registration_no": contract.registration_no, "registered_on": contract.registered_on})
    return terms


def payment_terms(payment: Payment) -> dict[str, Any]:
    terms: dict[str, Any] = jsonable({
        "paid_on": payment.paid_on, "amount": payment.amount, "invoice_no": payment.invoice_no,
        "invoice_reference": payment.invoice_reference,
        "bank_reference": payment.bank_reference, "payer_account": payment.payer_account,
        "payee_account": payment.payee_account, "evidence_file_id": payment.evidence_file_id})
    return terms


def refuse_milestone_item(payment: Payment) -> None:
    if payment.challenge_milestone_id is not None:
        raise Conflict("这笔到账是揭榜挂帅里程碑的付款，须在榜单的里程碑上由中榜方确认或提出异议。This "
                       "payment is a challenge milestone's payment: the winner confirms or "
                       "disputes it on the challenge's milestone.",
                       reason="milestone_payment")


# --- declaring -----------------------------------------------------------------------------

def declare_contract(session: Session, deal: Deal, contract: Contract, user_id: int, *,
                     new: bool) -> None:
    """The contract was recorded (`new`) or changed: a new version awaits the parties."""
    if not new:
        contract.evidence_version += 1
    contract.evidence_status = EvidenceStatus.DECLARED
    session.flush()
    _ask(session, deal, EvidenceKind.CONTRACT, contract.evidence_version, user_id,
         admin=needs_admin(contract))


def declare_payment(session: Session, deal: Deal, payment: Payment, user_id: int) -> None:
    payment.evidence_status = EvidenceStatus.DECLARED
    session.flush()
    _ask(session, deal, EvidenceKind.PAYMENT, payment.evidence_version, user_id, admin=False)


def _ask(session: Session, deal: Deal, kind: EvidenceKind, version: int, user_id: int, *,
         admin: bool) -> None:
    what = _KIND_ZH[kind]
    notify(session, audience(session, deal, brokers=False), "deal.evidence_declared",
           deal_title(deal, f"{what}待贵方确认 {kind.value} awaits your confirmation"),
           f"第{version}版。Version {version}.", deal_id=deal.id, exclude=user_id)
    if admin:
        admins = session.execute(select(User.id).where(
            User.role == Role.ADMIN, User.is_active.is_(True)).order_by(User.id)).scalars()
        notify(session, admins, "deal.evidence_ceiling",
               deal_title(deal, f"合同金额超过{ceiling()}元，需管理员确认 The contract amount is "
                                "above the ceiling and needs an administrator's confirmation"),
               deal_id=deal.id)


# --- answering -----------------------------------------------------------------------------

def side_of(access: DealAccess, contract: Contract) -> EvidenceSide:
    """The side this user answers for: their organisation's role in the contract."""
    if access.relation == Relation.ADMIN:
        return EvidenceSide.ADMIN
    if access.relation not in (Relation.DEMAND_PARTY, Relation.ACHIEVEMENT_PARTY):
        raise PermissionDenied("只有合同双方可以确认或提出异议。Only the contract's parties confirm "
                               "or dispute its evidence.")
    org = access.user.organisation_id
    if org == contract.buyer_org_id:
        return EvidenceSide.BUYER
    if org == contract.seller_org_id:
        return EvidenceSide.SELLER
    raise PermissionDenied("贵方不是该合同的当事方。Your organisation is not a party to the "
                           "contract.")


def _bureau_side(session: Session, contract: Contract) -> EvidenceSide | None:
    """The side of the contract that is the bureau's organisation (a bureau challenge's
    deal), if either is."""
    rows = session.execute(select(Organisation.id, Organisation.kind).where(
        Organisation.id.in_([contract.buyer_org_id, contract.seller_org_id]))).all()
    kinds = {org_id: kind for org_id, kind in rows}
    if kinds.get(contract.buyer_org_id) == OrgKind.BUREAU:
        return EvidenceSide.BUYER
    if kinds.get(contract.seller_org_id) == OrgKind.BUREAU:
        return EvidenceSide.SELLER
    return None


def _answering_side(session: Session, access: DealAccess, contract: Contract,
                    kind: EvidenceKind, item: Contract | Payment) -> EvidenceSide:
    """The side this user answers for. On a deal whose party is the bureau, administrators
    answer for the bureau's side (they act for it); where a contract above the ceiling also
    needs an administrator's confirmation, that one comes from another administrator once
    the bureau's side has answered (four eyes)."""
    side = side_of(access, contract)
    if side != EvidenceSide.ADMIN:
        return side
    bureau = _bureau_side(session, contract)
    if bureau is None:
        return side
    latest = _latest_answers(session, kind, item.id, item.evidence_version)
    answered = latest.get(bureau)
    if answered is None or EvidenceSide.ADMIN not in required_sides(kind, contract) \
            or EvidenceSide.ADMIN in latest:
        return bureau
    if answered.user_id == access.user.id:
        raise Conflict("您已代表科技主管部门答复；超过金额上限的合同还需另一位管理员确认。You answered "
                       "for the bureau; a contract above the ceiling also needs another "
                       "administrator's confirmation.", reason="another_admin")
    return EvidenceSide.ADMIN


def _item(session: Session, access: DealAccess, kind: EvidenceKind, item_id: int | None
          ) -> tuple[Contract, Contract | Payment]:
    contract = access.deal.contract
    if contract is None:
        raise NotFound("该撮合项目尚未录入合同。This deal has no contract yet.")
    if kind == EvidenceKind.CONTRACT:
        return contract, contract
    payment = session.execute(select(Payment).where(
        Payment.id == item_id, Payment.contract_id == contract.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if payment is None:
        raise NotFound("未找到该到账记录。No such payment.")
    refuse_milestone_item(payment)
    if payment.voided_at is not None:
        raise Conflict("该到账记录已作废，无需确认。This payment has been voided; there is nothing "
                       "to confirm.", reason="payment_voided")
    return contract, payment


def answer(session: Session, actor: audit.Actor, access: DealAccess, kind: EvidenceKind,
           item_id: int | None, version: int, confirm: bool, reason: str | None
           ) -> EvidenceStatus:
    """A party (or, for a contract above the ceiling, an administrator) confirms or disputes
    the version of the item they were shown; a stale version is refused (409)."""
    deal = access.deal
    contract, item = _item(session, access, kind, item_id)
    side = _answering_side(session, access, contract, kind, item)
    if deal.stage in _ENDED:
        raise Conflict(f"该撮合项目已结束（{deal.stage.value}）。This deal has ended "
                       f"({deal.stage.value}).", current_stage=deal.stage.value)
    if side not in required_sides(kind, contract):
        raise Conflict("该项无需管理员确认。This item needs no administrator's confirmation.",
                       reason="not_required")
    if version != item.evidence_version:
        raise Conflict(f"内容已更新为第{item.evidence_version}版，请核对后再确认。The item has "
                       f"changed (now version {item.evidence_version}); review it again.",
                       reason="stale_version", current_version=item.evidence_version)
    if not confirm and not reason:
        raise InvalidInput("reason", "提出异议须说明理由。Say why you dispute it.")
    before = item.evidence_status
    row = EvidenceAnswer(deal_id=deal.id, item_kind=kind, item_id=item.id, version=version,
                         side=side, confirmed=confirm, reason=reason, user_id=access.user.id,
                         at=utcnow())
    session.add(row)
    session.flush()
    status = settle(session, kind, contract, item)
    verb_zh, verb = ("确认", "confirmed") if confirm else ("提出异议", "disputed")
    terms = contract_terms(contract) if kind == EvidenceKind.CONTRACT else payment_terms(item)  # type: ignore[arg-type]
    add_event(session, deal, access.user.id, f"evidence_{verb}",
              text=f"{_SIDE_ZH[side]}{verb_zh}了{_KIND_ZH[kind]}（第{version}版）。The {side.value} "
                   f"{verb} the {kind.value} (version {version})." + (
                       f" {reason}" if reason else ""),
              data={"kind": kind, "item_id": item.id, "version": version, "side": side,
                    "status": status})
    audit.record(session, actor, f"evidence.{'confirm' if confirm else 'dispute'}",
                 kind.value, item.id,
                 before={"status": before, "version": version},
                 after={"status": status, "version": version, "side": side, "reason": reason,
                        "terms": terms})
    notify(session, audience(session, deal), "deal.evidence_answered",
           deal_title(deal, f"{_SIDE_ZH[side]}{verb_zh}了{_KIND_ZH[kind]} The {side.value} "
                            f"{verb} the {kind.value}"),
           reason or "", deal_id=deal.id, exclude=access.user.id)
    return status


def _latest_answers(session: Session, kind: EvidenceKind, item_id: int, version: int
                    ) -> dict[EvidenceSide, EvidenceAnswer]:
    rows = session.execute(select(EvidenceAnswer).where(
        EvidenceAnswer.item_kind == kind, EvidenceAnswer.item_id == item_id,
        EvidenceAnswer.version == version).order_by(EvidenceAnswer.id)).scalars()
    return {row.side: row for row in rows}


def settle(session: Session, kind: EvidenceKind, contract: Contract,
           item: Contract | Payment) -> EvidenceStatus:
    """The item's status from the latest answer of each side to its current version; copy
    the terms into the confirmed snapshot once every required side has confirmed, withdraw
    the snapshot when the confirmed version itself is disputed."""
    latest = _latest_answers(session, kind, item.id, item.evidence_version)
    now = utcnow()
    if any(not a.confirmed for a in latest.values()):
        status = EvidenceStatus.DISPUTED
        if isinstance(item, Contract):
            if item.confirmed_version == item.evidence_version:
                item.confirmed_version = None
                item.confirmed_amount = item.confirmed_technology_amount = None
                item.confirmed_terms = None
                item.confirmed_at = None
        else:
            item.confirmed_amount, item.confirmed_at = None, None
    elif all(side in latest for side in required_sides(kind, contract)):
        status = EvidenceStatus.CONFIRMED
        if isinstance(item, Contract):
            item.confirmed_version = item.evidence_version
            item.confirmed_amount = item.amount
            item.confirmed_technology_amount = item.technology_amount
            item.confirmed_terms = contract_terms(item)
            item.confirmed_at = now
        else:
            item.confirmed_amount, item.confirmed_at = item.amount, now
    else:
        status = EvidenceStatus.DECLARED
    item.evidence_status = status
    session.flush()
    return status


# --- what awaits whom ----------------------------------------------------------------------

@dataclass(frozen=True)
class Awaiting:
    deal_id: int
    kind: EvidenceKind
    item_id: int
    version: int
    side: EvidenceSide
    amount: Decimal
    declared_at: datetime | None


def awaiting(session: Session, user: User) -> list[Awaiting]:
    """What awaits this user's answer: the current versions their organisation (or, for an
    administrator, the ceiling) has not answered yet, on deals still going."""
    if user.role not in (Role.FIRM, Role.INSTITUTE, Role.ADMIN):
        return []
    admin = user.role == Role.ADMIN
    query = (select(Contract).join(Deal, Deal.id == Contract.deal_id)
             .where(Deal.stage.not_in(_ENDED)))
    if admin:
        query = query.where(Contract.amount > ceiling())
    else:
        query = query.where(Deal.id.in_(visible_deals(user).with_only_columns(Deal.id)))
    contracts = session.execute(query.order_by(Contract.id)).scalars().all()
    if not contracts:
        return []

    def side_for(c: Contract) -> EvidenceSide:
        if admin:
            return EvidenceSide.ADMIN
        return EvidenceSide.BUYER if c.buyer_org_id == user.organisation_id \
            else EvidenceSide.SELLER

    payments: Sequence[Payment] = []
    if not admin:
        payments = session.execute(select(Payment).where(
            Payment.contract_id.in_([c.id for c in contracts]), Payment.voided_at.is_(None),
            Payment.challenge_milestone_id.is_(None))  # answered on the challenge
            .order_by(Payment.id)
        ).scalars().all()
    by_id = {c.id: c for c in contracts}
    items: list[tuple[EvidenceKind, int, int, EvidenceSide, Decimal, datetime | None, int]] = [
        (EvidenceKind.CONTRACT, c.id, c.evidence_version, side_for(c), c.amount, c.created_at,
         c.deal_id) for c in contracts]
    items += [(EvidenceKind.PAYMENT, p.id, p.evidence_version, side_for(by_id[p.contract_id]),
               p.amount, p.recorded_at, by_id[p.contract_id].deal_id) for p in payments]
    keys = [(k.value, i, v) for k, i, v, *_ in items]
    answered: set[tuple[str, int, int, str]] = set()
    for chunk in range(0, len(keys), 300):
        rows = session.execute(select(EvidenceAnswer.item_kind, EvidenceAnswer.item_id,
                                      EvidenceAnswer.version, EvidenceAnswer.side).where(
            tuple_(EvidenceAnswer.item_kind, EvidenceAnswer.item_id, EvidenceAnswer.version)
            .in_(keys[chunk:chunk + 300]))).all()
        answered |= {(str(k), i, v, str(s)) for k, i, v, s in rows}
    return [Awaiting(deal_id, kind, item_id, version, side, amount, at)
            for kind, item_id, version, side, amount, at, deal_id in items
            if (kind.value, item_id, version, side.value) not in answered]


def answers_for(session: Session, kind: EvidenceKind, item_ids: Sequence[int]
                ) -> dict[tuple[int, int], list[EvidenceAnswer]]:
    """Every answer to these items, by (item id, version), oldest first."""
    if not item_ids:
        return {}
    rows = session.execute(select(EvidenceAnswer).where(
        EvidenceAnswer.item_kind == kind, EvidenceAnswer.item_id.in_(list(item_ids)))
        .order_by(EvidenceAnswer.id)).scalars()
    out: dict[tuple[int, int], list[EvidenceAnswer]] = {}
    for row in rows:
        out.setdefault((row.item_id, row.version), []).append(row)
    return out
