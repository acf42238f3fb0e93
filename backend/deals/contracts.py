"""The technology contract a deal leads to, and its registration (技术合同登记)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts import gates
from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput
from backend.deals import evidence, registry, schedule
from backend.deals.access import DealAccess, active_brokers, require_broker
from backend.deals.events import add_event
from backend.deals.ledger import received
from backend.deals.models import Contract, ContractType, Deal, Payment, Stage
from backend.deals.pipeline import advance_if_fully_paid, transition

EDITABLE_STAGES = frozenset({Stage.NEGOTIATING, Stage.SIGNED})
# A registration may be corrected (the office amended or re-issued it) once registered.
AMENDABLE_STAGES = frozenset({Stage.REGISTERED, Stage.PAID})
_DUPLICATE_NO = "该技术合同登记号已被其他合同使用。This registration number belongs to another contract."


def snapshot(contract: Contract) -> dict[str, Any]:
    return {"name": contract.name, "type": contract.type, "amount": contract.amount,
            "signed_on": contract.signed_on, "buyer_org_id": contract.buyer_org_id,
            "seller_org_id": contract.seller_org_id,
            "registration_no": contract.registration_no,
            "registered_on": contract.registered_on,
            "technology_amount": contract.technology_amount}


def record_contract(session: Session, actor: audit.Actor, access: DealAccess, *, name: str,
                    type_: ContractType, amount: Decimal, signed_on: date, buyer_org_id: int,
                    seller_org_id: int) -> Contract:
    """Record or correct the contract while negotiating or signed, before registration.

    Buyer and seller must be the deal's two parties, in either direction: the demand's firm
    usually buys, but in a development contract commissioned by an institute it may sell.
    """
    deal = access.deal
    require_broker(access)
    if deal.stage not in EDITABLE_STAGES:
        raise Conflict(f"只能在洽谈或已签约阶段（登记前）录入合同，当前为{deal.stage.value}。The contract "
                       f"can be recorded only while negotiating or signed (before registration); "
                       f"the deal is {deal.stage.value}.", current_stage=deal.stage.value)
    parties = {deal.demand_org_id, deal.achievement_org_id}
    if buyer_org_id == seller_org_id or {buyer_org_id, seller_org_id} != parties:
        raise InvalidInput("buyer_org_id", "买方和卖方须分别为本项目的两方机构。Buyer and seller must "
                                           "be the deal's two parties.")
    gates.require_for_deal(session, [b.broker_id for b in active_brokers(deal)], amount)
    _check_milestones(session, deal, amount, signed_on)
    contract = deal.contract
    before = snapshot(contract) if contract is not None else None
    if contract is not None and before is not None and before == {
            **before, "name": name, "type": type_, "amount": amount, "signed_on": signed_on,
            "buyer_org_id": buyer_org_id, "seller_org_id": seller_org_id}:
        return contract  # nothing changed: the parties' answers to this version stand
    if contract is not None:
        if contract.registration_no is not None:
            raise Conflict("合同已登记，不能再修改。The contract is registered and can no longer "
                           "change.")
        paid = received(session, contract.id)
        if amount < paid:
            raise Conflict(f"合同金额不能低于已计入的到账金额{paid}元。The amount cannot be below the "
                           f"{paid} yuan already received.")
        earliest = session.execute(select(func.min(Payment.paid_on)).where(
            Payment.contract_id == contract.id, Payment.voided_at.is_(None))).scalar_one()
        if earliest is not None and signed_on > earliest:
            raise InvalidInput("signed_on", f"已有{earliest}的到账记录，签订日期不能晚于它。A payment "
                                            f"dated {earliest} exists; signing cannot be later.")
        contract.name, contract.type, contract.amount = name, type_, amount
        contract.signed_on, contract.buyer_org_id = signed_on, buyer_org_id
        contract.seller_org_id = seller_org_id
    else:
        contract = Contract(deal_id=deal.id, name=name, type=type_, amount=amount,
                            signed_on=signed_on, buyer_org_id=buyer_org_id,
                            seller_org_id=seller_org_id, created_by_id=access.user.id)
        session.add(contract)
        deal.contract = contract
    session.flush()
    evidence.declare_contract(session, deal, contract, access.user.id, new=before is None)
    kind = "contract_updated" if before else "contract_recorded"
    add_event(session, deal, access.user.id, kind,
              text=("合同信息已更新。The contract was updated." if before else
                    "合同已录入。The contract was recorded."),
              data={"contract_id": contract.id, "type": type_, "amount": amount,
                    "signed_on": signed_on})
    audit.record(session, actor, "contract.update" if before else "contract.record", "contract",
                 contract.id, before=before, after={**snapshot(contract),
                                                    "evidence_version": contract.evidence_version})
    return contract


def register_contract(session: Session, actor: audit.Actor, access: DealAccess, *,
                      registration_no: str, registered_on: date,
                      technology_amount: Decimal) -> Contract:
    """Record the registration certificate and move the signed deal to registered — and on to
    paid if the money is already in."""
    deal = access.deal
    require_broker(access)
    contract = deal.contract
    if deal.stage != Stage.SIGNED or contract is None:
        raise Conflict(f"只有已签约的项目可以登记合同，当前为{deal.stage.value}。Only a signed deal's "
                       f"contract can be registered; the deal is {deal.stage.value}.",
                       current_stage=deal.stage.value)
    before = _set_registration(session, contract, registration_no, registered_on,
                               technology_amount)
    evidence.declare_contract(session, deal, contract, access.user.id, new=False)
    registry.rematch(session, contract)
    add_event(session, deal, access.user.id, "contract_registered",
              text=f"合同已登记，登记号{registration_no}。The contract was registered as "
                   f"{registration_no}.",
              data={"registration_no": registration_no, "registered_on": registered_on,
                    "technology_amount": technology_amount})
    audit.record(session, actor, "contract.register", "contract", contract.id, before=before,
                 after={**snapshot(contract), "evidence_version": contract.evidence_version,
                        "registry_status": contract.registry_status})
    transition(session, actor, deal, Stage.REGISTERED,
               f"技术合同已登记（{registration_no}）。The contract was registered ({registration_no}).")
    if deal.challenge_award_id is not None:
        schedule.attach(session, actor, deal, _milestone_payments(session, deal))
    advance_if_fully_paid(session, actor, deal)
    return contract


def _milestone_payments(session: Session, deal: Deal) -> list[schedule.MilestonePayment]:
    """A challenge award's deal: the milestone payments recorded on the challenge so far."""
    if deal.challenge_award_id is None:
        return []
    # Read only when the deal is a challenge award's (deals sit below challenges).
    from backend.challenges.deal import recorded_payments
    return recorded_payments(session, deal.challenge_award_id)


def _check_milestones(session: Session, deal: Deal, amount: Decimal, signed_on: date) -> None:
    """On a challenge award's deal the contract is the milestones' payment schedule: its
    amount is never below the milestone payments recorded, and it is signed no later than the
    first of them."""
    items = _milestone_payments(session, deal)
    if not items:
        return
    recorded = sum((i.amount for i in items), Decimal("0.00"))
    if amount < recorded:
        raise Conflict(f"合同金额不能低于已登记的里程碑付款合计{recorded}元。The contract amount "
                       f"cannot be below the {recorded} yuan of milestone payments recorded.",
                       reason="contract_amount_below_milestones", recorded=str(recorded))
    earliest = min(i.paid_on for i in items)
    if signed_on > earliest:
        raise InvalidInput("signed_on", f"已有{earliest}的里程碑付款，签订日期不能晚于它。A milestone "
                                        f"payment dated {earliest} exists; signing cannot be "
                                        f"later.")


def _set_registration(session: Session, contract: Contract, registration_no: str,
                      registered_on: date, technology_amount: Decimal) -> dict[str, Any]:
    if registered_on < contract.signed_on:
        raise InvalidInput("registered_on", "登记日期不能早于签订日期。Registration cannot precede "
                                            "signing.")
    if technology_amount > contract.amount:
        raise InvalidInput("technology_amount", "技术交易额不能超过合同金额。The technology amount "
                                                "cannot exceed the contract amount.")
    taken = session.execute(select(Contract.id).where(
        Contract.registration_no == registration_no, Contract.id != contract.id)).first()
    if taken is not None:
        raise Conflict(_DUPLICATE_NO)
    before = snapshot(contract)
    contract.registration_no = registration_no
    contract.registered_on = registered_on
    contract.technology_amount = technology_amount
    try:
        session.flush()
    except IntegrityError as exc:
        if "registration_no" in str(exc.orig):
            raise Conflict(_DUPLICATE_NO) from None
        raise
    return before


def amend_registration(session: Session, actor: audit.Actor, access: DealAccess, *,
                       registration_no: str, registered_on: date,
                       technology_amount: Decimal) -> Contract:
    """Correct the registration of a registered contract (the office amended it). The change
    is a new version the parties confirm again; claims are re-computed by the caller."""
    deal = access.deal
    require_broker(access)
    contract = deal.contract
    if deal.stage not in AMENDABLE_STAGES or contract is None or \
            contract.registration_no is None:
        raise Conflict(f"只有已登记的合同可以更正登记信息，当前为{deal.stage.value}。Only a "
                       f"registered contract's registration can be corrected; the deal is "
                       f"{deal.stage.value}.", current_stage=deal.stage.value)
    if (registration_no, registered_on, technology_amount) == (
            contract.registration_no, contract.registered_on, contract.technology_amount):
        raise InvalidInput("registration_no", "登记信息没有变化。The registration is unchanged.")
    before = _set_registration(session, contract, registration_no, registered_on,
                               technology_amount)
    evidence.declare_contract(session, deal, contract, access.user.id, new=False)
    registry.rematch(session, contract)
    add_event(session, deal, access.user.id, "registration_amended",
              text=f"登记信息已更正，登记号{registration_no}，待双方重新确认。The registration was "
                   f"corrected ({registration_no}); the parties confirm it again.",
              data={"registration_no": registration_no, "registered_on": registered_on,
                    "technology_amount": technology_amount})
    audit.record(session, actor, "contract.amend_registration", "contract", contract.id,
                 before=before, after={**snapshot(contract),
                                       "evidence_version": contract.evidence_version,
                                       "registry_status": contract.registry_status})
    return contract
