"""The integrity API: flags beside a claim, decisions, scans on demand, the dishonesty list."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.integrity.models import IntegrityScan, ScanTrigger
from backend.rewards.models import RewardClaim
from tests.builders import accounts as b
from tests.builders import rewards as r


def _flagged_claim(db: Session) -> RewardClaim:
    w = r.paid_world(db)
    buyer = db.get(Organisation, w.deal.demand_org_id)
    seller = db.get(Organisation, w.deal.achievement_org_id)
    assert buyer is not None and seller is not None
    seller.legal_rep_id = buyer.legal_rep_id  # one legal representative for both
    db.flush()
    return r.claim(db, w)


def test_flags_are_shown_beside_the_claim_and_decided(client: TestClient, db: Session) -> None:
    claim = _flagged_claim(db)
    admin = b.make_admin(db)
    headers = b.login_as(db, admin).headers
    shown = client.get(f"/api/v1/claims/{claim.id}", headers=headers).json()
    [flag] = shown["flags"]
    assert (flag["rule"], flag["severity"], flag["status"], shown["open_flags"]) == (
        "related_party", "critical", "open", 1)
    assert flag["evidence"]["links"][0]["attribute"] == "legal_representative"
    assert flag["message_zh"] == "买方与卖方存在关联关系：法定代表人相同。"
    listed = client.get("/api/v1/integrity/flags", headers=headers,
                        params={"claim_id": claim.id, "status": "open"}).json()
    assert [f["id"] for f in listed["items"]] == [flag["id"]]

    too_short = client.post(f"/api/v1/integrity/flags/{flag['id']}/dismiss", headers=headers,
                            json={"reason": ""})
    assert too_short.status_code == 422
    confirmed = client.post(f"/api/v1/integrity/flags/{flag['id']}/confirm", headers=headers,
                            json={"reason": "买卖双方为同一法定代表人控制的关联企业",
                                  "colluding": ["buyer", "seller"]})
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["flag"]["status"] == "confirmed"
    assert sorted(e["role"] for e in body["listings"]) == ["broker", "broker", "buyer", "seller"]
    assert all(e["active"] for e in body["listings"])
    after = client.get(f"/api/v1/claims/{claim.id}", headers=headers).json()
    assert after["status"] == "clawed_back" and after["claw_back"]["to_recover"] == "0.00"
    broker_view = client.get(f"/api/v1/claims/{claim.id}",
                             headers=b.login_as(db, r.db_user(db, claim.broker_id)).headers)
    assert broker_view.json()["status"] == "clawed_back" and broker_view.json()["flags"] is None
    listing = body["listings"][0]
    revoked = client.post(f"/api/v1/integrity/dishonesty/{listing['id']}/revoke",
                          headers=headers, json={"reason": "复核后撤销"})
    assert revoked.json()["active"] is False
    active = client.get("/api/v1/integrity/dishonesty", headers=headers,
                        params={"active_on": r.today().isoformat()}).json()
    assert active["total"] == 3


def test_a_scan_on_demand_runs_after_the_request_commits(client: TestClient, db: Session
                                                         ) -> None:
    r.claim(db)
    headers = b.login_as(db, b.make_admin(db)).headers
    queued = client.post("/api/v1/integrity/scans", headers=headers)
    assert queued.status_code == 202 and queued.json()["task"] == "integrity.scan_open_claims"
    scans = client.get("/api/v1/integrity/scans", headers=headers).json()
    on_demand = [s for s in scans["items"] if s["trigger"] == ScanTrigger.ON_DEMAND]
    assert len(on_demand) == 1 and on_demand[0]["claims_scanned"] == 1
    assert db.execute(select(IntegrityScan).where(
        IntegrityScan.trigger == ScanTrigger.SUBMISSION)).scalars().all() != []


def test_a_manual_listing_bars_the_broker(client: TestClient, db: Session) -> None:
    w = r.paid_world(db)
    headers = b.login_as(db, b.make_admin(db)).headers
    added = client.post("/api/v1/integrity/dishonesty", headers=headers, json={
        "subject_kind": "broker", "subject_key": str(w.lead.id), "reason": "外地虚假申报通报"})
    assert added.status_code == 201, added.text
    assert added.json()["listed_until"] == r.five_years_less_a_day().isoformat()
    refused = client.post("/api/v1/claims", json={"deal_id": w.id},
                          headers=b.login_as(db, w.lead).headers)
    assert refused.status_code == 409 and refused.json()["reason"] == "dishonesty_listed"
    assert db.execute(select(RewardClaim)).first() is None
    unknown = client.post("/api/v1/integrity/dishonesty", headers=headers, json={
        "subject_kind": "person", "subject_key": "abc", "reason": "格式错误"})
    assert unknown.status_code == 422
