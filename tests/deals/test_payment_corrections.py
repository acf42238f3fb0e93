"""Correcting a payment the parties have not confirmed: edit (a new version they confirm
again) or void (with a reason); a confirmed payment is neither. One bank reference names one
payment on the platform, a voided payment's reference may be used again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.deals import evidence
from backend.deals.ledger import confirmed_received, received
from backend.deals.lookup import contract_for_claim
from backend.deals.models import (
    EvidenceKind,
    EvidenceStatus,
    Notification,
    Payment,
    Stage,
)
from backend.integrity.gather import _payments
from tests.builders import accounts as b
from tests.builders import deals as d


def _body(db: Session, w: d.World, amount: str, reference: str, **changes: Any
          ) -> dict[str, Any]:
    contract = d.reload_contract(w)
    body: dict[str, Any] = {
        "paid_on": d.days_ago(3).isoformat(), "amount": amount, "bank_reference": reference,
        "invoice_reference": f"增值税发票，合同登记号{contract.registration_no}",
        "invoice_no": "35002611220012345678", "payer_account": d.PAYER_ACCOUNT,
        "payee_account": d.PAYEE_ACCOUNT, "evidence_file_id": d.evidence_file(db, w).id}
    return {**body, **changes}


def _record(client: TestClient, db: Session, w: d.World, amount: str, reference: str,
            **changes: Any) -> dict[str, Any]:
    r = client.post(f"/api/v1/deals/{w.id}/payments", json=_body(db, w, amount, reference,
                                                                 **changes),
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 201, r.json()
    payment: dict[str, Any] = r.json()["contract"]["payments"][-1]
    return payment


def _url(w: d.World, payment_id: int, tail: str = "") -> str:
    return f"/api/v1/deals/{w.id}/payments/{payment_id}{tail}"


def test_a_declared_payment_is_corrected_and_the_parties_confirm_it_again(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    paid = _record(client, db, w, "100000.00", "ICBC-0001")
    d.answer(db, w, w.firm, EvidenceKind.PAYMENT, paid["id"])  # one side confirmed version 1
    lead = b.login_as(db, w.lead).headers
    r = client.patch(_url(w, paid["id"]), headers=lead, json={
        "amount": "90000.00", "paid_on": d.days_ago(4).isoformat(),
        "bank_reference": "ICBC-0002", "note": "金额按回单更正"})
    assert r.status_code == 200, r.json()
    out = r.json()["contract"]["payments"][0]
    assert (out["amount"], out["bank_reference"], out["note"]) == (
        "90000.00", "ICBC-0002", "金额按回单更正")
    assert (out["evidence"]["version"], out["evidence"]["status"],
            out["evidence"]["answers"]) == (2, "declared", [])
    assert out["correctable"] is True and r.json()["contract"]["received_amount"] == "90000.00"
    # Both sides are asked again: the firm's answer was to version 1.
    db.expire_all()
    for party in d.parties(w):
        waiting = evidence.awaiting(db, d.with_profile(db, party))
        assert [(a.item_id, a.version) for a in waiting if a.kind == EvidenceKind.PAYMENT] == [
            (paid["id"], 2)]
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "payment.correct")
                       ).scalar_one()
    assert (entry.before["amount"], entry.after["amount"]) == ("100000.00", "90000.00")
    assert (entry.before["bank_reference"], entry.after["bank_reference"]) == (
        "ICBC-0001", "ICBC-0002")
    assert (entry.before["evidence_version"], entry.after["evidence_version"]) == (1, 2)
    timeline = client.get(f"/api/v1/deals/{w.id}/timeline", headers=lead).json()
    assert timeline[-1]["kind"] == "payment_corrected"
    assert timeline[-1]["data"]["before"]["amount"] == "100000.00"
    kinds = db.execute(select(Notification.user_id).where(
        Notification.kind == "deal.payment_corrected")).scalars().all()
    assert {w.firm.id, w.institute.id} <= set(kinds) and w.lead.id not in kinds
    # Confirmed by both, it counts, and can no longer be corrected.
    d.confirm_all(db, w)
    db.expire_all()
    contract = d.reload(db, w.id).contract
    assert contract is not None
    assert confirmed_received(db, contract.id) == Decimal("90000.00")


def test_a_disputed_payment_is_corrected_and_counts_again(client: TestClient,
                                                           db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    paid = _record(client, db, w, "100000.00", "ICBC-0101")
    d.answer(db, w, w.firm, EvidenceKind.PAYMENT, paid["id"], confirm=False, reason="金额不对")
    assert received(db, d.reload_contract(w).id) == Decimal("0.00")
    r = client.patch(_url(w, paid["id"]), headers=b.login_as(db, w.lead).headers,
                     json={"amount": "80000.00"})
    assert r.status_code == 200
    assert r.json()["contract"]["payments"][0]["evidence"]["status"] == "declared"
    assert r.json()["contract"]["received_amount"] == "80000.00"


def test_a_confirmed_payment_can_be_neither_corrected_nor_voided(client: TestClient,
                                                                 db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    paid = _record(client, db, w, "100000.00", "ICBC-0201")
    d.confirm_all(db, w)
    lead = b.login_as(db, w.lead).headers
    r = client.patch(_url(w, paid["id"]), headers=lead, json={"amount": "1.00"})
    assert r.status_code == 409 and r.json()["reason"] == "payment_counted"
    assert "确认" in r.json()["detail"] and "claw-back" in r.json()["detail"]
    r = client.post(_url(w, paid["id"], "/void"), headers=lead, json={"reason": "录错了"})
    assert r.status_code == 409 and r.json()["reason"] == "payment_counted"
    db.expire_all()
    row = db.get(Payment, paid["id"])
    assert row is not None and (row.amount, row.voided_at) == (Decimal("100000.00"), None)
    assert not db.execute(select(AuditEntry).where(
        AuditEntry.action.in_(["payment.correct", "payment.void"]))).first()


def test_a_voided_payment_is_kept_struck_through_and_counts_for_nothing(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    paid = _record(client, db, w, "100000.00", "ICBC-0301")
    lead = b.login_as(db, w.lead).headers
    r = client.post(_url(w, paid["id"], "/void"), headers=lead, json={})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = client.post(_url(w, paid["id"], "/void"), headers=lead,
                    json={"reason": "重复登记，银行回单是另一笔"})
    assert r.status_code == 200
    out = r.json()["contract"]["payments"][0]
    assert out["voided_at"] is not None and out["void_reason"] == "重复登记，银行回单是另一笔"
    assert out["correctable"] is False and out["evidence"]["awaiting_me"] is False
    assert r.json()["contract"]["received_amount"] == "0.00"
    assert r.json()["contract"]["remaining_amount"] == "300000.00"
    contract_id = d.reload_contract(w).id
    db.expire_all()
    assert contract_for_claim(db, w.id).payments == ()
    assert _payments(db, [contract_id]) == {}
    # Nobody is asked to confirm it, and a confirmation is refused.
    for party in d.parties(w):
        assert not [a for a in evidence.awaiting(db, d.with_profile(db, party))
                    if a.kind == EvidenceKind.PAYMENT]
    r = client.post(_url(w, paid["id"], "/confirm"), headers=b.login_as(db, w.firm).headers,
                    json={"version": 1})
    assert r.status_code == 409 and r.json()["reason"] == "payment_voided"
    # Voided twice, or corrected after: refused.
    r = client.post(_url(w, paid["id"], "/void"), headers=lead, json={"reason": "再作废"})
    assert r.status_code == 409 and r.json()["reason"] == "payment_voided"
    r = client.patch(_url(w, paid["id"]), headers=lead, json={"amount": "1.00"})
    assert r.status_code == 409
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "payment.void")
                       ).scalar_one()
    assert entry.before["voided_at"] is None and entry.after["void_reason"] == (
        "重复登记，银行回单是另一笔")
    timeline = client.get(f"/api/v1/deals/{w.id}/timeline", headers=lead).json()
    assert timeline[-1]["kind"] == "payment_voided"
    notified = db.execute(select(Notification.user_id).where(
        Notification.kind == "deal.payment_voided")).scalars().all()
    assert {w.firm.id, w.institute.id} <= set(notified)
    # Its reference may be used again, and the whole amount is open again.
    again = _record(client, db, w, "300000.00", "icbc 0301")
    assert again["bank_reference"] == "icbc 0301"
    db.expire_all()
    assert d.reload(db, w.id).stage == Stage.PAID


def test_one_bank_reference_names_one_payment_on_the_platform(client: TestClient,
                                                              db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    other = d.deal_at(db, Stage.REGISTERED)
    _record(client, db, w, "1000.00", "ICBC-2026-0001")
    for deal, reference in ((w, "ICBC-2026-0001"), (other, "icbc-2026-0001"),
                            (other, " ICBC-2026 -0001")):
        r = client.post(f"/api/v1/deals/{deal.id}/payments",
                        json=_body(db, deal, "1000.00", reference),
                        headers=b.login_as(db, deal.lead).headers)
        assert r.status_code == 409, reference
        assert r.json()["reason"] == "bank_reference_taken"
        assert reference.strip() in r.json()["detail"]
    # A correction to a reference in use is refused too.
    mine = _record(client, db, other, "1000.00", "ICBC-2026-0002")
    r = client.patch(_url(other, mine["id"]), headers=b.login_as(db, other.lead).headers,
                     json={"bank_reference": "ICBC-2026-0001"})
    assert r.status_code == 409 and "ICBC-2026-0001" in r.json()["detail"]
    db.expire_all()
    assert len(db.execute(select(Payment)).scalars().all()) == 2


def test_a_correction_may_not_take_more_than_the_contract_leaves(client: TestClient,
                                                                 db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    _record(client, db, w, "200000.00", "ICBC-0401")
    second = _record(client, db, w, "50000.00", "ICBC-0402")
    lead = b.login_as(db, w.lead).headers
    r = client.patch(_url(w, second["id"]), headers=lead, json={"amount": "100000.01"})
    assert r.status_code == 409 and r.json()["remaining"] == "100000.00"
    r = client.patch(_url(w, second["id"]), headers=lead, json={"amount": "100000.00"})
    assert r.status_code == 200 and r.json()["stage"] == "paid"
    r = client.patch(_url(w, second["id"]), headers=lead, json={})
    assert r.status_code == 422


def test_only_the_deals_brokers_correct_or_void(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    paid = _record(client, db, w, "1000.00", "ICBC-0501")
    for who in (w.firm, w.institute):
        headers = b.login_as(db, who).headers
        assert client.patch(_url(w, paid["id"]), headers=headers,
                            json={"amount": "2.00"}).status_code == 403
        assert client.post(_url(w, paid["id"], "/void"), headers=headers,
                           json={"reason": "不对"}).status_code == 403
    assert client.patch(f"/api/v1/deals/{w.id}/payments/999999",
                        headers=b.login_as(db, w.lead).headers,
                        json={"amount": "2.00"}).status_code == 404
    db.expire_all()
    row = db.get(Payment, paid["id"])
    assert row is not None and row.evidence_status == EvidenceStatus.DECLARED
    assert row.amount == Decimal("1000.00")
