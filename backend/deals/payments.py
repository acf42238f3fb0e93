"""Money received under the contract (到账). A payment carries its evidence (the receipt or
invoice file, the invoice number, the paying and receiving accounts); no payment may be
larger than what remains of the contract, and counted payments may never exceed the contract
amount; when they reach it on a registered deal, the deal becomes paid. Each payment is a
declaration the parties confirm (`backend.deals.evidence`).

Until the parties have confirmed it, a payment may be corrected (amount, date, bank
reference, note: a new version the parties confirm again) or voided with a reason by whoever
may record payments on the deal; a confirmed payment is neither (a correction of money that
counts is a claw-back). A voided payment stays on file and counts towards nothing. One bank
reference names one payment on the whole platform (compared without spaces, in upper case);
a voided payment's reference may be used again. A partial unique index backs the check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.types import utcnow
from backend.deals import evidence
from backend.deals.access import DealAccess, require_broker
from backend.deals.events import add_event
from backend.deals.evidence import refuse_milestone_item
from backend.deals.ledger import received
from backend.deals.models import (
    Contract,
    ContractFile,
    EvidenceStatus,
    Payment,
    Stage,
)
from backend.deals.notifications import audience, deal_title, notify
from backend.deals.pipeline import advance_if_fully_paid
from backend.deals.references import flush_unique as _flush_unique
from backend.deals.references import refuse_reused_reference as _refuse_reused_reference
from backend.deals.registration import invoice_names_contract
from backend.deals.schedule import refuse_direct

PAYABLE_STAGES = frozenset({Stage.SIGNED, Stage.REGISTERED, Stage.PAID})


def record_payment(session: Session, actor: audit.Actor, access: DealAccess, *, paid_on: date,
                   amount: Decimal, bank_reference: str, invoice_reference: str,
                   invoice_no: str, payer_account: str, payee_account: str,
                   evidence_file_id: int, note: str | None = None) -> Payment:
    """Record a payment with its evidence. One whose invoice does not name the contract (its
    registration number or its name) is kept but not counted, and flagged on the timeline."""
    deal = access.deal
    contract = _payable_contract(session, access)
    refuse_direct(deal)
    _check_date(contract, paid_on)
    _refuse_reused_reference(session, bank_reference)
    file_ok = session.execute(select(ContractFile.id).where(
        ContractFile.id == evidence_file_id, ContractFile.contract_id == contract.id)).first()
    if file_ok is None:
        raise InvalidInput("evidence_file_id", "请选择本合同已上传的银行回单或发票文件。Choose the "
                                               "bank receipt or invoice file uploaded to this "
                                               "contract.")
    if payer_account == payee_account:
        raise InvalidInput("payee_account", "付款账户与收款账户不能相同。The paying and receiving "
                                            "accounts must differ.")
    counted = invoice_names_contract(invoice_reference, contract.name, contract.registration_no)
    so_far = received(session, contract.id)
    if so_far + amount > contract.amount:
        remaining = contract.amount - so_far
        raise Conflict(f"到账合计不能超过合同金额{contract.amount}元，尚可登记{remaining}元。Payments "
                       f"may not exceed the contract amount of {contract.amount} yuan; "
                       f"{remaining} yuan remain.", remaining=str(remaining))
    payment = Payment(contract_id=contract.id, paid_on=paid_on, amount=amount,
                      bank_reference=bank_reference, invoice_reference=invoice_reference,
                      counted=counted, recorded_by_id=access.user.id, invoice_no=invoice_no,
                      payer_account=payer_account, payee_account=payee_account,
                      evidence_file_id=evidence_file_id, note=note)
    session.add(payment)
    _flush_unique(session, bank_reference)
    evidence.declare_payment(session, deal, payment, access.user.id)
    if counted:
        text = f"登记到账{amount}元。Recorded a payment of {amount} yuan."
    else:
        text = (f"登记到账{amount}元，但发票未注明本合同（登记号或合同名称），不计入到账金额。Recorded "
                f"{amount} yuan, but the invoice does not name this contract (registration number "
                "or name): not counted towards the amount received.")
    add_event(session, deal, access.user.id, "payment_recorded" if counted else "payment_uncounted",
              text=text, data={"payment_id": payment.id, "amount": amount, "paid_on": paid_on,
                               "counted": counted})
    audit.record(session, actor, "payment.record", "payment", payment.id, after={
        "contract_id": contract.id, "paid_on": paid_on, "amount": amount,
        "bank_reference": bank_reference, "invoice_reference": invoice_reference,
        "invoice_no": invoice_no, "payer_account": payer_account,
        "payee_account": payee_account, "evidence_file_id": evidence_file_id,
        "counted": counted, "note": note})
    if counted:
        advance_if_fully_paid(session, actor, deal)
    return payment


def _payable_contract(session: Session, access: DealAccess) -> Contract:
    """The deal's contract, locked, when this user may record payments on the deal now."""
    deal = access.deal
    require_broker(access)
    if deal.stage not in PAYABLE_STAGES or deal.contract is None:
        raise Conflict(f"签约后、项目结束前才能登记或更正到账，当前为{deal.stage.value}。Payments "
                       f"can be recorded or corrected from signing until the deal ends; the "
                       f"deal is {deal.stage.value}.", current_stage=deal.stage.value)
    # Lock the contract row before summing, so two concurrent payments cannot both fit.
    return session.execute(
        select(Contract).where(Contract.id == deal.contract.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


def _check_date(contract: Contract, paid_on: date) -> None:
    if paid_on < contract.signed_on:
        raise InvalidInput("paid_on", "到账日期不能早于合同签订日期。A payment cannot precede the "
                                      "contract's signing.")


def _correctable(session: Session, contract: Contract, payment_id: int) -> Payment:
    payment = session.execute(select(Payment).where(
        Payment.id == payment_id, Payment.contract_id == contract.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if payment is None:
        raise NotFound("未找到该到账记录。No such payment.")
    refuse_milestone_item(payment)
    if payment.voided_at is not None:
        raise Conflict("该到账记录已作废，不能再修改或作废。This payment has been voided; it can "
                       "no longer be changed.", reason="payment_voided")
    if payment.evidence_status == EvidenceStatus.CONFIRMED:
        raise Conflict("该到账记录已经买卖双方确认、计入到账金额，不能修改或作废；如需更正已计入的款项，"
                       "请走追回（冲销）流程。This payment has been confirmed by both parties and "
                       "counts: it can be neither changed nor voided (a correction of counted "
                       "money is a claw-back).", reason="payment_counted")
    return payment


def _fields(payment: Payment) -> dict[str, object]:
    return {"paid_on": payment.paid_on, "amount": payment.amount,
            "bank_reference": payment.bank_reference, "note": payment.note,
            "evidence_version": payment.evidence_version,
            "evidence_status": payment.evidence_status,
            "voided_at": payment.voided_at, "void_reason": payment.void_reason}


_UNSET: object = object()


def correct_payment(session: Session, actor: audit.Actor, access: DealAccess, payment_id: int,
                    *, paid_on: date | None = None, amount: Decimal | None = None,
                    bank_reference: str | None = None, note: object = _UNSET) -> Payment:
    """Correct a payment that counts for nothing yet. The correction is a new version: the
    parties' earlier answers no longer apply and both are asked to confirm it."""
    deal = access.deal
    contract = _payable_contract(session, access)
    payment = _correctable(session, contract, payment_id)
    before = _fields(payment)
    if paid_on is not None:
        _check_date(contract, paid_on)
    if bank_reference is not None and bank_reference != payment.bank_reference:
        _refuse_reused_reference(session, bank_reference, exclude=payment.id)
    new_amount = amount if amount is not None else payment.amount
    if payment.counted:
        # What the others leave of the contract (a disputed payment uses none of it now, but
        # counts again once corrected).
        others = received(session, contract.id) - (
            payment.amount if payment.evidence_status != EvidenceStatus.DISPUTED
            else Decimal("0.00"))
        if others + new_amount > contract.amount:
            remaining = contract.amount - others
            raise Conflict(f"到账合计不能超过合同金额{contract.amount}元，本笔最多可登记{remaining}元。"
                           f"Payments may not exceed the contract amount of {contract.amount} "
                           f"yuan; this payment may be at most {remaining} yuan.",
                           remaining=str(remaining))
    changes: dict[str, object] = {"paid_on": paid_on, "amount": amount,
                                  "bank_reference": bank_reference}
    changed = {k: v for k, v in changes.items()
               if v is not None and v != getattr(payment, k)}
    if note is not _UNSET and note != payment.note:
        changed["note"] = note
    if not changed:
        raise InvalidInput("amount", "没有需要修改的内容。Nothing to change.")
    for key, value in changed.items():
        setattr(payment, key, value)
    payment.evidence_version += 1
    payment.evidence_status = EvidenceStatus.DECLARED
    payment.confirmed_amount, payment.confirmed_at = None, None
    _flush_unique(session, payment.bank_reference)
    after = _fields(payment)
    add_event(session, deal, access.user.id, "payment_corrected",
              text=f"修改了到账记录（现为{payment.amount}元，第{payment.evidence_version}版），"
                   f"请双方重新确认。Corrected a payment (now {payment.amount} yuan, version "
                   f"{payment.evidence_version}); the parties confirm it again.",
              data={"payment_id": payment.id, "version": payment.evidence_version,
                    "before": {k: before[k] for k in changed},
                    "after": {k: after[k] for k in changed}})
    audit.record(session, actor, "payment.correct", "payment", payment.id,
                 before=before, after=after)
    notify(session, audience(session, deal), "deal.payment_corrected",
           deal_title(deal, "到账记录已修改，请重新确认 A payment was corrected; confirm it "
                            "again"),
           f"第{payment.evidence_version}版，{payment.amount}元。Version "
           f"{payment.evidence_version}, {payment.amount} yuan.", deal_id=deal.id,
           exclude=access.user.id)
    if payment.counted:
        advance_if_fully_paid(session, actor, deal)
    return payment


def void_payment(session: Session, actor: audit.Actor, access: DealAccess, payment_id: int,
                 reason: str) -> Payment:
    """Void a payment that counts for nothing yet, with the reason: it stays on file, struck
    through, and counts towards nothing; its bank reference may be used again."""
    deal = access.deal
    contract = _payable_contract(session, access)
    payment = _correctable(session, contract, payment_id)
    if not reason.strip():
        raise InvalidInput("reason", "作废到账记录须说明理由。Say why the payment is voided.")
    before = _fields(payment)
    payment.voided_at, payment.voided_by_id, payment.void_reason = utcnow(), access.user.id, reason
    session.flush()
    add_event(session, deal, access.user.id, "payment_voided",
              text=f"作废了{payment.amount}元的到账记录：{reason} Voided the payment of "
                   f"{payment.amount} yuan: {reason}",
              data={"payment_id": payment.id, "amount": payment.amount, "reason": reason})
    audit.record(session, actor, "payment.void", "payment", payment.id,
                 before=before, after=_fields(payment))
    notify(session, audience(session, deal), "deal.payment_voided",
           deal_title(deal, "到账记录已作废 A payment was voided"),
           f"{payment.amount}元：{reason} {payment.amount} yuan: {reason}", deal_id=deal.id,
           exclude=access.user.id)
    return payment
