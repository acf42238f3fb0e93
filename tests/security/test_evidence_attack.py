"""The dishonest broker's attack, step by step, through the API — each step stopped.

As reported: after both parties accepted an introduction, one broker alone recorded a
contract of 99,999,999,999,999.99 yuan, a registration number and a payment of the same
amount, and claimed a reward of 1,000,000,005,000.00; the public figures at once showed a
contract total of 100 trillion yuan. A second broker added by the first claimed 99.99% of a
deal already claimed at 100%; once the flags were dismissed both claims were paid, and when
the broker then cancelled the paid deal no claw-back arose and the same pair could be
reopened at once.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.deals.models import Deal, DealBroker, Stage
from backend.integrity.models import FlagStatus, IntegrityFlag
from backend.rewards.models import ClaimStatus, ClawBack, RewardClaim
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import rewards as r

HUGE = "99999999999999.99"


def _figures(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/api/v1/market/figures").json()
    return body


def _pay_body(w: d.World, db: Session, amount: str, reference: str = "B-1") -> dict[str, Any]:
    receipt = d.evidence_file(db, w)
    contract = d.reload_contract(d.World(w.firm, w.institute, w.lead, w.demand, w.achievement,
                                         d.reload(db, w.id)))
    return {"paid_on": d.days_ago(1).isoformat(), "amount": amount, "bank_reference": reference,
            "invoice_reference": f"发票：{contract.registration_no}", "invoice_no": "INV-1",
            "payer_account": d.PAYER_ACCOUNT, "payee_account": d.PAYEE_ACCOUNT,
            "evidence_file_id": receipt.id}


def test_one_broker_alone_moves_no_money_and_no_figure(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    r.backdate_deal(db, w.id)
    r.verified_payee(db, w.lead.id)
    broker = b.login_as(db, w.lead).headers
    url = f"/api/v1/deals/{w.id}"
    before = _figures(client)["contract_amount"]

    # The broker alone records the contract, its registration and a payment of it all.
    recorded = client.put(f"{url}/contract", headers=broker, json={
        "name": "虚构的技术开发合同", "type": "development", "amount": HUGE,
        "signed_on": d.days_ago(20).isoformat(), "buyer_org_id": w.deal.demand_org_id,
        "seller_org_id": w.deal.achievement_org_id})
    assert recorded.status_code == 200, recorded.text
    contract = recorded.json()["contract"]
    assert contract["evidence"]["status"] == "declared"
    # Above the ceiling the parties' word is not enough either: an administrator must confirm.
    assert contract["evidence"]["required"] == ["buyer", "seller", "admin"]
    assert client.post(f"{url}/transitions", headers=broker,
                       json={"to_stage": "signed"}).status_code == 200
    registered = client.post(f"{url}/contract/registration", headers=broker, json={
        "registration_no": d.new_registration_no(), "registered_on": d.days_ago(10).isoformat(),
        "technology_amount": HUGE})
    assert registered.status_code == 200, registered.text
    paid = client.post(f"{url}/payments", headers=broker, json=_pay_body(w, db, HUGE))
    assert paid.status_code == 201, paid.text
    assert paid.json()["stage"] == "paid"          # the broker's pipeline may say so ...
    # ... but a payment larger than what remains is refused outright,
    more = client.post(f"{url}/payments", headers=broker, json=_pay_body(w, db, "0.01", "B-2"))
    assert more.status_code == 409 and more.json()["remaining"] == "0.00"

    # the unconfirmed contract counts nowhere: not in the public figures,
    assert _figures(client)["contract_amount"] == before
    # and no claim can rest on it.
    claim = client.post("/api/v1/claims", headers=broker, json={"deal_id": w.id})
    assert claim.status_code == 409 and claim.json()["reason"] == "evidence_unconfirmed"
    assert db.execute(select(RewardClaim.id)).first() is None

    # Colluding parties confirming is still not enough above the ceiling ...
    d.confirm_all(db, w)
    claim = client.post("/api/v1/claims", headers=broker, json={"deal_id": w.id})
    assert claim.status_code == 409 and claim.json()["reason"] == "evidence_unconfirmed"
    assert _figures(client)["contract_amount"] == before
    # ... and once an administrator confirms the amount, the registry has no such contract.
    admin = b.make_admin(db)
    awaiting = client.get("/api/v1/deals/confirmations",
                          headers=b.login_as(db, admin).headers).json()
    assert [(i["deal_id"], i["kind"], i["side"]) for i in awaiting["items"]] == [
        (w.id, "contract", "admin")]
    version = d.reload_contract(d.World(w.firm, w.institute, w.lead, w.demand, w.achievement,
                                        d.reload(db, w.id))).evidence_version
    confirmed = client.post(f"{url}/contract/confirm", headers=b.login_as(db, admin).headers,
                            json={"version": version})
    assert confirmed.json()["contract"]["evidence"]["status"] == "confirmed"
    claim = client.post("/api/v1/claims", headers=broker, json={"deal_id": w.id})
    assert claim.status_code == 409 and claim.json()["reason"] == "registry_unverified"
    assert db.execute(select(RewardClaim.id)).first() is None


def test_claims_never_add_up_to_more_than_the_deal(client: TestClient, db: Session) -> None:
    w = r.paid_world(db)
    first = r.claim(db, w)
    assert first.share_percent == D("100.00")
    second = d.with_profile(db, b.make_broker(db))
    broker = b.login_as(db, w.lead).headers
    # The lead tries to bring in a second broker at 99.99% after claiming 100%: refused.
    invited = client.post(f"/api/v1/deals/{w.id}/brokers", headers=broker, json={
        "broker_id": second.id, "shares": {str(w.lead.id): "0.01", str(second.id): "99.99"}})
    assert invited.status_code == 409 and invited.json()["reason"] == "shares_frozen"
    resplit = client.put(f"/api/v1/deals/{w.id}/shares", headers=broker,
                         json={"shares": {str(w.lead.id): "100.00"}})
    assert resplit.status_code == 409

    # Even with shares written behind the rules' back, a claim beyond 100% is refused outright.
    deal = db.get(Deal, w.id)
    assert deal is not None
    db.add(DealBroker(deal_id=w.id, broker_id=second.id, role="invited", status="active",
                      share=D("99.99"), invited_by_id=w.lead.id))
    db.execute(DealBroker.__table__.update().where(
        DealBroker.deal_id == w.id, DealBroker.broker_id == w.lead.id).values(share=D("0.01")))
    db.flush()
    r.verified_payee(db, second.id)
    refused = client.post("/api/v1/claims", headers=b.login_as(db, second).headers,
                          json={"deal_id": w.id})
    assert refused.status_code == 409 and refused.json()["reason"] == "shares_exceeded"
    assert refused.json()["claimed_share"] == "100.00"
    assert db.execute(select(RewardClaim.id).where(RewardClaim.broker_id == second.id)
                      ).first() is None


def test_a_critical_flag_takes_two_administrators_to_dismiss(client: TestClient,
                                                             db: Session) -> None:
    admins = r.admins(db)
    w = r.paid_world(db)
    claim = r.claim(db, w)
    critical = IntegrityFlag(claim_id=claim.id, rule="related_party", severity="critical",
                             blocking=False, message_zh="买卖双方法定代表人相同。",
                             message_en="Same legal representative.", evidence={"k": 1},
                             fingerprint="c" * 64)
    info = IntegrityFlag(claim_id=claim.id, rule="same_submitter", severity="info",
                         blocking=False, message_zh="同一IP。", message_en="Same IP.",
                         evidence={"k": 2}, fingerprint="i" * 64)
    db.add_all([critical, info])
    db.flush()
    a, bb = b.login_as(db, admins.a).headers, b.login_as(db, admins.b).headers
    url = f"/api/v1/claims/{claim.id}"
    assert client.post(f"{url}/review", headers=a).status_code == 200
    asked = client.post(f"/api/v1/integrity/flags/{critical.id}/dismiss", headers=a,
                        json={"reason": "经核实为正常交易"})
    assert asked.status_code == 200 and asked.json()["status"] == "open"
    assert asked.json()["dismissal_requested_by_id"] == admins.a.id
    again = client.post(f"/api/v1/integrity/flags/{critical.id}/dismiss", headers=a,
                        json={"reason": "经核实为正常交易"})
    assert again.status_code == 403 and again.json()["reason"] == "four_eyes"
    blocked = client.post(f"{url}/approve", headers=a)
    assert blocked.status_code == 409 and blocked.json()["open_flags"] == 1  # info does not count
    agreed = client.post(f"/api/v1/integrity/flags/{critical.id}/dismiss", headers=bb,
                         json={"reason": "同意排除"})
    assert agreed.json()["status"] == "dismissed"
    approved = client.post(f"{url}/approve", headers=a)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    db.expire_all()
    assert db.get(IntegrityFlag, info.id).status == FlagStatus.OPEN  # type: ignore[union-attr]


def test_cancelling_a_paid_deal_claws_back_and_holds_the_pair(client: TestClient,
                                                              db: Session) -> None:
    admins = r.admins(db)
    w = r.paid_world(db)
    claim = r.claim(db, w)
    r.paid(db, claim.id, admins.a, admins.b)
    assert _figures(client)["contract_amount"] == "300000.00"
    assert _figures(client)["rewards_paid"] == "4500.00"
    broker = b.login_as(db, w.lead).headers

    cancelled = client.post(f"/api/v1/deals/{w.id}/transitions", headers=broker,
                            json={"to_stage": "cancelled", "reason": "买方放弃"})
    assert cancelled.status_code == 200
    db.expire_all()
    [back] = db.execute(select(ClawBack).where(ClawBack.claim_id == claim.id)).scalars().all()
    assert (back.kind, back.status, back.amount, back.to_recover) == (
        "recompute", "pending_review", D("4500.00"), D("4500.00"))
    assert db.get(RewardClaim, claim.id).status == ClaimStatus.PAID  # type: ignore[union-attr]
    # Cancelled deals count in no figure; the clawed-back reward is no longer "paid".
    assert _figures(client)["contract_amount"] == "0.00"
    assert _figures(client)["rewards_paid"] == "0.00"

    # The same pair cannot be reopened while the claw-back is open.
    reopen = {"demand_id": w.demand.id, "achievement_id": w.achievement.id}
    held = client.post("/api/v1/deals", headers=broker, json=reopen)
    assert held.status_code == 409 and held.json()["reason"] == "clawback_open"

    a = b.login_as(db, admins.a).headers
    due = client.post(f"/api/v1/clawbacks/{back.id}/review", headers=a,
                      json={"decision": "due", "note": "项目已取消，应退回奖补"})
    assert due.status_code == 200 and due.json()["status"] == "due"
    assert client.post("/api/v1/deals", headers=broker, json=reopen).status_code == 409
    recovered = client.post(f"/api/v1/clawbacks/{back.id}/recovered", headers=a,
                            json={"recovery_reference": "BANK-BACK-1"})
    assert recovered.json()["status"] == "recovered"
    assert client.post("/api/v1/deals", headers=broker, json=reopen).status_code == 201
