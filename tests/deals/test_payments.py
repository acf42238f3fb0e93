"""Payments: partial, full (→ paid), over the contract amount (rejected), not counted."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.core import clock
from backend.core.errors import Conflict
from backend.deals.models import ContractFile, Payment, Stage
from tests.builders import accounts as b
from tests.builders import deals as d

_SEQ = itertools.count(1)  # one bank reference names one payment


def _payment(db: Session, w: d.World, amount: str, **changes: Any) -> dict[str, Any]:
    contract = d.reload_contract(w)
    receipt = db.execute(select(ContractFile).where(ContractFile.contract_id == contract.id)
                         ).scalars().first() or d.evidence_file(db, w)
    body: dict[str, Any] = {"paid_on": d.days_ago(2).isoformat(), "amount": amount,
                            "bank_reference": f"ICBC-20261101-{next(_SEQ):04d}",
                            "invoice_reference": f"增值税发票，合同登记号{contract.registration_no}",
                            "invoice_no": "35002611220012345678",
                            "payer_account": d.PAYER_ACCOUNT, "payee_account": d.PAYEE_ACCOUNT,
                            "evidence_file_id": receipt.id}
    body.update(changes)
    return body


def test_partial_payments_then_the_last_one_makes_the_deal_paid(client: TestClient,
                                                                db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    lead = b.login_as(db, w.lead)
    url = f"/api/v1/deals/{w.id}/payments"
    r = client.post(url, json=_payment(db, w, "100000.00"), headers=lead.headers)
    assert r.status_code == 201
    contract = r.json()["contract"]
    assert (r.json()["stage"], contract["received_amount"], contract["remaining_amount"]) == (
        "registered", "100000.00", "200000.00")
    r = client.post(url, json=_payment(db, w, "200000.00"), headers=lead.headers)
    assert r.status_code == 201
    assert r.json()["stage"] == "paid"
    assert r.json()["contract"]["remaining_amount"] == "0.00"
    assert [p["amount"] for p in r.json()["contract"]["payments"]] == ["100000.00", "200000.00"]
    timeline = client.get(f"/api/v1/deals/{w.id}/timeline", headers=lead.headers).json()
    assert timeline[-1]["to_stage"] == "paid"
    assert timeline[-1]["actor_id"] == w.lead.id


def test_payments_over_the_contract_amount_are_rejected_naming_what_remains(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    lead = b.login_as(db, w.lead)
    url = f"/api/v1/deals/{w.id}/payments"
    assert client.post(url, json=_payment(db, w, "250000.00"), headers=lead.headers).status_code == 201
    r = client.post(url, json=_payment(db, w, "50000.01"), headers=lead.headers)
    assert r.status_code == 409
    assert r.json()["remaining"] == "50000.00"
    assert "50000.00" in r.json()["detail"]
    db.expire_all()
    assert len(db.execute(select(Payment)).scalars().all()) == 1


def test_a_single_payment_over_the_amount_is_rejected(db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    with pytest.raises(Conflict, match=r"300000\.00 yuan remain"):
        d.pay(db, w, d.AMOUNT + Decimal("0.01"))


def test_payments_while_signed_count_but_the_deal_waits_for_registration(db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    d.pay(db, w, d.AMOUNT)
    assert d.reload(db, w.id).stage == Stage.SIGNED


def test_a_payment_whose_invoice_does_not_name_the_contract_is_kept_not_counted(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    lead = b.login_as(db, w.lead)
    url = f"/api/v1/deals/{w.id}/payments"
    r = client.post(url, json=_payment(db, w, "300000.00", invoice_reference="货款 No.778"),
                    headers=lead.headers)
    assert r.status_code == 201
    contract = r.json()["contract"]
    assert r.json()["stage"] == "registered"
    assert (contract["received_amount"], contract["uncounted_amount"]) == ("0.00", "300000.00")
    assert contract["payments"][0]["counted"] is False
    timeline = client.get(f"/api/v1/deals/{w.id}/timeline", headers=lead.headers).json()
    assert timeline[-1]["kind"] == "payment_uncounted"
    # It does not use up the contract amount either.
    r = client.post(url, json=_payment(db, w, "300000.00"), headers=lead.headers)
    assert r.status_code == 201 and r.json()["stage"] == "paid"


def test_the_contract_name_in_the_invoice_counts_before_registration(db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    payment = d.pay(db, w, Decimal("1000.00"), invoice="发票：工业视觉检测技术开发合同 首付款")
    assert payment.counted is True


@pytest.mark.parametrize(("change", "field"), [
    ({"amount": "0"}, "amount"), ({"amount": "-1"}, "amount"),
    ({"bank_reference": ""}, "bank_reference"), ({"bank_reference": "\u2066\u2069"}, "bank_reference"),
    ({"invoice_reference": ""}, "invoice_reference"),
    ({"paid_on": (clock.today() + timedelta(days=1)).isoformat()}, "paid_on"),
    ({"paid_on": d.days_ago(31).isoformat()}, "paid_on"),   # before signing (30 days ago)
])
def test_payment_values_are_checked(client: TestClient, db: Session, change: dict[str, str],
                                    field: str) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    body = _payment(db, w, "1000.00")
    body.update(change)
    r = client.post(f"/api/v1/deals/{w.id}/payments", json=body,
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("stage", [Stage.INTRODUCED, Stage.NEGOTIATING, Stage.CLOSED,
                                   Stage.LOST, Stage.CANCELLED])
def test_payments_only_between_signing_and_the_end(client: TestClient, db: Session,
                                                   stage: Stage) -> None:
    w = d.deal_at(db, stage, ready=stage == Stage.NEGOTIATING)
    body = {"paid_on": d.days_ago(2).isoformat(), "amount": "10.00", "bank_reference": "X1",
            "invoice_reference": "工业视觉检测技术开发合同", "invoice_no": "INV-1",
            "payer_account": d.PAYER_ACCOUNT, "payee_account": d.PAYEE_ACCOUNT,
            "evidence_file_id": 1}
    r = client.post(f"/api/v1/deals/{w.id}/payments", json=body,
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 409


@pytest.mark.parametrize("who", ["firm", "institute", "admin"])
def test_only_brokers_record_payments(client: TestClient, db: Session, who: str) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    user = {"firm": w.firm, "institute": w.institute, "admin": b.make_admin(db)}[who]
    r = client.post(f"/api/v1/deals/{w.id}/payments", json=_payment(db, w, "10.00"),
                    headers=b.login_as(db, user).headers)
    assert r.status_code == 403


def test_a_payment_is_audited(db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    payment = d.pay(db, w, Decimal("10.00"))
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "payment.record")
                       .order_by(AuditEntry.seq.desc())).scalars().first()
    assert entry is not None and entry.object_id == str(payment.id)
    assert entry.after is not None and entry.after["amount"] == "10.00"
