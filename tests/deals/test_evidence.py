"""The parties confirm or dispute what a broker declared: versions, who and when, disputes,
changes after confirmation, the amount ceiling, and what awaits whom."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.config import get_settings
from backend.deals.models import (
    Contract,
    EvidenceAnswer,
    EvidenceKind,
    EvidenceStatus,
    Payment,
    Stage,
)
from tests.builders import accounts as b
from tests.builders import deals as d


def _contract(db: Session, w: d.World) -> Contract:
    db.expire_all()
    return d.reload_contract(d.World(w.firm, w.institute, w.lead, w.demand, w.achievement,
                                     d.reload(db, w.id)))


def test_a_contract_counts_once_both_parties_confirmed_its_version(client: TestClient,
                                                                    db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    d.record_contract(db, w, confirm=False)
    firm = b.login_as(db, w.firm).headers
    shown = client.get(f"/api/v1/deals/{w.id}", headers=firm).json()["contract"]["evidence"]
    assert (shown["version"], shown["status"], shown["my_side"], shown["awaiting_me"]) == (
        1, "declared", "buyer", True)
    assert client.get("/api/v1/deals/confirmations", headers=firm).json()["count"] == 1
    r = client.post(f"/api/v1/deals/{w.id}/contract/confirm", headers=firm, json={"version": 1})
    assert r.status_code == 200
    evidence = r.json()["contract"]["evidence"]
    assert (evidence["status"], evidence["awaiting_me"]) == ("declared", False)
    assert [a["side"] for a in evidence["answers"]] == ["buyer"]
    assert _contract(db, w).confirmed_amount is None
    assert client.get("/api/v1/deals/confirmations", headers=firm).json()["count"] == 0

    institute = b.login_as(db, w.institute).headers
    r = client.post(f"/api/v1/deals/{w.id}/contract/confirm", headers=institute,
                    json={"version": 1})
    assert r.json()["contract"]["evidence"]["status"] == "confirmed"
    contract = _contract(db, w)
    assert (contract.confirmed_version, contract.confirmed_amount) == (1, d.AMOUNT)
    entries = db.execute(select(AuditEntry.action, AuditEntry.actor_id).where(
        AuditEntry.action.like("evidence.%")).order_by(AuditEntry.seq)).all()
    assert [tuple(e) for e in entries] == [("evidence.confirm", w.firm.id),
                                           ("evidence.confirm", w.institute.id)]


def test_a_change_after_confirmation_needs_confirming_again(client: TestClient,
                                                            db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    assert _contract(db, w).evidence_status == EvidenceStatus.CONFIRMED
    r = client.put(f"/api/v1/deals/{w.id}/contract", headers=b.login_as(db, w.lead).headers,
                   json={"name": "工业视觉检测技术开发合同", "type": "development",
                         "amount": "500000.00", "signed_on": d.days_ago(30).isoformat(),
                         "buyer_org_id": w.deal.demand_org_id,
                         "seller_org_id": w.deal.achievement_org_id})
    assert r.json()["contract"]["evidence"]["status"] == "declared"
    contract = _contract(db, w)
    # The last confirmed version still stands; the new amount counts only once confirmed.
    assert (contract.evidence_version, contract.confirmed_version, contract.confirmed_amount) \
        == (2, 1, d.AMOUNT)
    stale = client.post(f"/api/v1/deals/{w.id}/contract/confirm",
                        headers=b.login_as(db, w.firm).headers, json={"version": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    d.confirm_all(db, w)
    assert _contract(db, w).confirmed_amount == D("500000.00")


def test_a_party_disputes_with_a_reason_and_the_confirmation_is_withdrawn(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    payment = d.pay(db, w, D("100000.00"))
    assert payment.confirmed_amount == D("100000.00")
    firm = b.login_as(db, w.firm).headers
    url = f"/api/v1/deals/{w.id}/payments/{payment.id}/dispute"
    assert client.post(url, headers=firm, json={"version": 1, "reason": ""}).status_code == 422
    r = client.post(url, headers=firm, json={"version": 1, "reason": "未收到该笔款项"})
    assert r.status_code == 200
    shown = r.json()["contract"]["payments"][0]
    assert (shown["evidence"]["status"], shown["confirmed_amount"]) == ("disputed", None)
    assert r.json()["contract"]["confirmed_received_amount"] == "0.00"
    # A disputed payment no longer uses up the contract: a corrected one can be recorded.
    assert r.json()["contract"]["remaining_amount"] == "300000.00"
    row = db.execute(select(EvidenceAnswer).where(
        EvidenceAnswer.item_kind == EvidenceKind.PAYMENT, EvidenceAnswer.confirmed.is_(False))
    ).scalar_one()
    assert (row.side, row.user_id, row.reason) == ("buyer", w.firm.id, "未收到该笔款项")


def test_only_the_parties_answer(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    version = _contract(db, w).evidence_version
    url = f"/api/v1/deals/{w.id}/contract/confirm"
    assert client.post(url, headers=b.login_as(db, w.lead).headers,
                       json={"version": version}).status_code == 403
    stranger = b.make_firm_user(db)
    assert client.post(url, headers=b.login_as(db, stranger).headers,
                       json={"version": version}).status_code == 404
    admin = client.post(url, headers=b.login_as(db, b.make_admin(db)).headers,
                        json={"version": version})
    assert admin.status_code == 409 and admin.json()["reason"] == "not_required"


def test_above_the_ceiling_an_administrator_confirms_too(client: TestClient, db: Session,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "contract_amount_ceiling", D("250000"))
    w = d.deal_at(db, Stage.NEGOTIATING)
    d.record_contract(db, w)  # 300,000: both parties confirm
    contract = _contract(db, w)
    assert (contract.evidence_status, contract.confirmed_amount) == (EvidenceStatus.DECLARED,
                                                                     None)
    admin = b.make_admin(db)
    headers = b.login_as(db, admin).headers
    awaiting = client.get("/api/v1/deals/confirmations", headers=headers).json()
    assert [(i["deal_id"], i["side"], i["amount"]) for i in awaiting["items"]] == [
        (w.id, "admin", "300000.00")]
    r = client.post(f"/api/v1/deals/{w.id}/contract/confirm", headers=headers,
                    json={"version": 1})
    assert r.json()["contract"]["evidence"]["status"] == "confirmed"
    assert _contract(db, w).confirmed_amount == D("300000.00")


def test_money_beyond_the_columns_is_a_clear_refusal_never_a_500(client: TestClient,
                                                                db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    r = client.put(f"/api/v1/deals/{w.id}/contract", headers=b.login_as(db, w.lead).headers,
                   json={"name": "工业视觉检测技术开发合同", "type": "development",
                         "amount": "999999999999999999.99", "signed_on": d.days_ago(3).isoformat(),
                         "buyer_org_id": w.deal.demand_org_id,
                         "seller_org_id": w.deal.achievement_org_id})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "amount"


def test_a_payment_carries_its_evidence(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    other = d.deal_at(db, Stage.REGISTERED)
    foreign = d.evidence_file(db, other)
    lead = b.login_as(db, w.lead).headers
    body = {"paid_on": d.days_ago(2).isoformat(), "amount": "1000.00", "bank_reference": "B-1",
            "invoice_reference": "发票", "invoice_no": "INV-9",
            "payer_account": d.PAYER_ACCOUNT, "payee_account": d.PAYEE_ACCOUNT,
            "evidence_file_id": foreign.id}
    r = client.post(f"/api/v1/deals/{w.id}/payments", headers=lead, json=body)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence_file_id"
    body["evidence_file_id"] = d.evidence_file(db, w).id
    r = client.post(f"/api/v1/deals/{w.id}/payments", headers=lead,
                    json={**body, "payee_account": d.PAYER_ACCOUNT})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "payee_account"
    r = client.post(f"/api/v1/deals/{w.id}/payments", headers=lead,
                    json={**body, "payer_account": "12-34"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "payer_account"
    r = client.post(f"/api/v1/deals/{w.id}/payments", headers=lead, json=body)
    assert r.status_code == 201
    payment = r.json()["contract"]["payments"][0]
    assert (payment["invoice_no"], payment["evidence"]["status"]) == ("INV-9", "declared")
    db.expire_all()
    row = db.get(Payment, payment["id"])
    assert row is not None and row.confirmed_amount is None
