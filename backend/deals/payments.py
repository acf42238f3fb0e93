"""Money received under the contract (到账). A payment carries its evidence (the receipt or
invoice file, the invoice number, the paying and receiving accounts); no payment may be
larger than what remains of the contract, and counted payments may never exceed the contract
amount; when they reach it on a registered deal, the deal becomes paid. Each payment is a
declaration the parties confirm (`backend.deals.evidence`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput
from backend.deals import evidence
from backend.deals.access import DealAccess, require_broker
from backend.deals.events import add_event
from backend.deals.ledger import received
from backend.deals.models import Contract, ContractFile, Payment, Stage
from backend.deals.pipeline import advance_if_fully_paid
from backend.deals.registration import invoice_names_contract

PAYABLE_STAGES = frozenset({Stage.SIGNED, Stage.REGISTERED, Stage.PAID})


def record_payment(session: Session, actor: audit.Actor, access: DealAccess, *, paid_on: date,
                   amount: Decimal, bank_reference: str, invoice_reference: str,
                   invoice_no: str, payer_account: str, payee_account: str,
                   evidence_file_id: int) -> Payment:
    """Record a payment with its evidence. One whose invoice does not name the contract (its
    registration number or its name) is kept but not counted, and flagged on the timeline."""
    deal = access.deal
    require_broker(access)
    if deal.stage not in PAYABLE_STAGES or deal.contract is None:
        raise Conflict(f"签约后、项目结束前才能登记到账，当前为{deal.stage.value}。Payments can be "
                       f"recorded from signing until the deal ends; the deal is "
                       f"{deal.stage.value}.", current_stage=deal.stage.value)
    # Lock the contract row before summing, so two concurrent payments cannot both fit.
    contract = session.execute(
        select(Contract).where(Contract.id == deal.contract.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    if paid_on < contract.signed_on:
        raise InvalidInput("paid_on", "到账日期不能早于合同签订日期。A payment cannot precede the "
                                      "contract's signing.")
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
                      evidence_file_id=evidence_file_id)
    session.add(payment)
    session.flush()
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
        "counted": counted})
    if counted:
        advance_if_fully_paid(session, actor, deal)
    return payment
