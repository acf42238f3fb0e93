"""The rewards API from each role: anonymous 401, roles that may never act 403, brokers see
their own claims only (others' are 404), administrators run the review."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.deals.models import Stage
from backend.rewards.models import ClaimStatus, RewardClaim
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import rewards as r

D = Decimal

# (method, path, body): every endpoint of this issue, with a body that would pass validation
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/reward-policies", None),
    ("POST", "/api/v1/reward-policies", {"key": "x1", "name": "x", "effective_from": "2026-01-01",
                                         "brackets": [{"upper": None, "rate": "0.01"}]}),
    ("GET", "/api/v1/reward-policies/1", None),
    ("PUT", "/api/v1/reward-policies/1", {"name": "x", "effective_from": "2026-01-01",
                                          "brackets": [{"upper": None, "rate": "0.01"}]}),
    ("GET", "/api/v1/reward-policies/1/versions", None),
    ("GET", "/api/v1/reward-policies/in-force?signed_on=2026-01-01", None),
    ("POST", "/api/v1/reward-policies/preview", {"contract_amount": "800000.00"}),
    ("POST", "/api/v1/claims", {"deal_id": 1}),
    ("GET", "/api/v1/claims", None),
    ("GET", "/api/v1/claims/1", None),
    ("POST", "/api/v1/claims/1/review", None),
    ("POST", "/api/v1/claims/1/approve", None),
    ("POST", "/api/v1/claims/1/reject", {"reason": "不符合"}),
    ("POST", "/api/v1/claims/1/pay", {"payment_reference": "BK"}),
    ("POST", "/api/v1/payouts", {}),
    ("GET", "/api/v1/payouts", None),
    ("GET", "/api/v1/payouts/1", None),
    ("POST", "/api/v1/payouts/1/pay", {"bank_reference": "BK"}),
    ("POST", "/api/v1/payouts/1/cancel", None),
    ("GET", "/api/v1/clawbacks", None),
    ("GET", "/api/v1/clawbacks/1", None),
    ("POST", "/api/v1/clawbacks/1/recovered", {"recovery_reference": "R"}),
    ("GET", "/api/v1/integrity/flags", None),
    ("POST", "/api/v1/integrity/flags/1/dismiss", {"reason": "无问题"}),
    ("POST", "/api/v1/integrity/flags/1/confirm", {"reason": "虚假申报"}),
    ("POST", "/api/v1/integrity/scans", None),
    ("GET", "/api/v1/integrity/scans", None),
    ("GET", "/api/v1/integrity/dishonesty", None),
    ("POST", "/api/v1/integrity/dishonesty", {"subject_kind": "org", "subject_key": "X",
                                              "reason": "虚假申报"}),
    ("GET", "/api/v1/integrity/dishonesty/1", None),
    ("POST", "/api/v1/integrity/dishonesty/1/revoke", {"reason": "误列"}),
    ("GET", "/api/v1/exports/claims", None),
    ("GET", "/api/v1/exports/payouts/1", None),
    ("GET", "/api/v1/stats/rewards", None),
    ("GET", "/api/v1/stats/flags", None),
]
IDS = [f"{m} {p}" for m, p, _ in ENDPOINTS]
# Paths everyone logged in may use; brokers may also submit and read their claims.
EVERYONE = {"GET /api/v1/reward-policies", "GET /api/v1/reward-policies/1",
            "GET /api/v1/reward-policies/1/versions",
            "GET /api/v1/reward-policies/in-force?signed_on=2026-01-01",
            "POST /api/v1/reward-policies/preview"}
BROKER = EVERYONE | {"POST /api/v1/claims", "GET /api/v1/claims", "GET /api/v1/claims/1"}


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=IDS)
def test_anonymous_is_401(client: TestClient, db: Session, method: str, path: str,
                          body: dict[str, Any] | None) -> None:
    assert client.request(method, path, json=body).status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=IDS)
def test_roles_that_may_never_act_get_403(client: TestClient, db: Session, method: str,
                                          path: str, body: dict[str, Any] | None) -> None:
    key = f"{method} {path}"
    for role, user in (("firm", b.make_firm_user(db)), ("institute", b.make_institute_user(db)),
                       ("broker", b.make_broker(db))):
        allowed = key in (BROKER if role == "broker" else EVERYONE)
        status = client.request(method, path, json=body,
                                headers=b.login_as(db, user).headers).status_code
        assert (status != 403) == allowed, (role, status)


def test_a_broker_submits_once_and_sees_only_their_own_claims(client: TestClient,
                                                              db: Session) -> None:
    w = r.paid_world(db, amount=D("800000.00"))
    other = r.claim(db)
    headers = b.login_as(db, w.lead).headers
    first = client.post("/api/v1/claims", json={"deal_id": w.id}, headers=headers)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["created"] is True
    claim = body["claim"]
    assert (claim["status"], claim["amount"], claim["breakdown"]["amount"]) == (
        "submitted", "12000.00", "12000.00")
    assert claim["flags"] is None and claim["open_flags"] is None  # administrators only
    again = client.post("/api/v1/claims", json={"deal_id": w.id}, headers=headers)
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["claim"]["id"] == claim["id"]

    listed = client.get("/api/v1/claims", headers=headers).json()
    assert [c["id"] for c in listed["items"]] == [claim["id"]] and listed["total"] == 1
    assert client.get(f"/api/v1/claims/{other.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/claims/{claim['id']}", headers=headers).status_code == 200


def test_a_refusal_is_a_409_with_its_reason(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    response = client.post("/api/v1/claims", json={"deal_id": w.id},
                           headers=b.login_as(db, w.lead).headers)
    assert response.status_code == 409
    problem = response.json()
    assert problem["reason"] == "not_paid"
    assert problem["detail"].startswith("按到账金额计奖的政策要求合同款全部到账")
    assert response.headers["content-type"] == "application/problem+json"


def test_administrators_review_with_four_eyes(client: TestClient, db: Session) -> None:
    admins = r.admins(db)
    claim = r.claim(db, payee=False)
    a = b.login_as(db, admins.a).headers
    bb = b.login_as(db, admins.b).headers
    url = f"/api/v1/claims/{claim.id}"
    assert client.post(f"{url}/approve", headers=a).status_code == 409  # not under review
    assert client.post(f"{url}/review", headers=a).json()["status"] == "under_review"
    shown = client.get(url, headers=a).json()
    assert shown["flags"] == [] and shown["open_flags"] == 0
    assert client.post(f"{url}/approve", headers=a).json()["status"] == "approved"
    refused = client.post(f"{url}/pay", json={"payment_reference": "BK-1"}, headers=a)
    assert refused.status_code == 403 and refused.json()["reason"] == "four_eyes"
    unpayable = client.post(f"{url}/pay", json={"payment_reference": "BK-1"}, headers=bb)
    assert unpayable.status_code == 409 and unpayable.json()["reason"] == "payee_unverified"
    r.payee_account(db, claim.broker_id, admins.a)
    paid = client.post(f"{url}/pay", json={"payment_reference": "BK-1"}, headers=bb)
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    db.expire_all()
    row = db.get(RewardClaim, claim.id)
    assert row is not None and row.status == ClaimStatus.PAID


def test_policies_are_versioned(client: TestClient, db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db)).headers
    created = client.post("/api/v1/reward-policies", headers=admin, json={
        "key": "fuzhou-2027", "name": "福州市2027年奖补政策", "region": "福州市",
        "effective_from": "2027-01-01", "base": "technology_amount",
        "brackets": [{"upper": "500000.00", "rate": "0.02"}, {"upper": None, "rate": "0.01"}],
        "cap_per_claim": "50000.00", "claim_window_days": 180})
    assert created.status_code == 201, created.text
    first = created.json()
    revised = client.put(f"/api/v1/reward-policies/{first['id']}", headers=admin, json={
        "name": "福州市2027年奖补政策（修订）", "region": "福州市", "effective_from": "2027-01-01",
        "base": "technology_amount",
        "brackets": [{"upper": "500000.00", "rate": "0.025"}, {"upper": None, "rate": "0.01"}]})
    assert revised.status_code == 200
    second = revised.json()
    assert (second["key"], second["version"]) == ("fuzhou-2027", 2)
    versions = client.get(f"/api/v1/reward-policies/{second['id']}/versions",
                          headers=admin).json()
    assert [(v["version"], v["superseded_by_id"]) for v in versions] == [
        (1, second["id"]), (2, None)]
    assert client.put(f"/api/v1/reward-policies/{first['id']}", headers=admin, json={
        "name": "x", "effective_from": "2027-01-01",
        "brackets": [{"upper": None, "rate": "0.01"}]}).status_code == 409
    # A new policy looks at the buyer's region (technology absorbed) unless it says otherwise.
    assert second["region_basis"] == "buyer"
    in_force = client.get("/api/v1/reward-policies/in-force", headers=admin,
                          params={"signed_on": "2027-03-01", "buyer_region": "福州市"}).json()
    assert in_force["id"] == second["id"]
    elsewhere = client.get("/api/v1/reward-policies/in-force", headers=admin, params={
        "signed_on": "2027-03-01", "region": "福州市", "buyer_region": "上海市"}).json()
    assert elsewhere["key"] == "default"
    before = client.get("/api/v1/reward-policies/in-force", headers=admin,
                        params={"signed_on": "2026-12-31", "buyer_region": "福州市"}).json()
    assert before["key"] == "default"
    bad = client.post("/api/v1/reward-policies", headers=admin, json={
        "key": "bad", "name": "x", "effective_from": "2027-01-01",
        "brackets": [{"upper": "100.00", "rate": "0.01"}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "brackets"


@pytest.mark.parametrize(("amount", "reward"), [
    ("800000.00", "12000.00"), ("1000000.00", "15000.00"), ("2500000.00", "30000.00"),
    ("3000000.00", "35000.00")])
def test_preview_the_worked_examples(client: TestClient, db: Session, amount: str,
                                     reward: str) -> None:
    headers = b.login_as(db, b.make_broker(db)).headers
    shown = client.post("/api/v1/reward-policies/preview", headers=headers,
                        json={"contract_amount": amount}).json()
    assert shown["amount"] == reward and shown["policy_key"] == "default"
    assert (shown["policy_name"], shown["policy_version"]) == ("技术经纪人奖补默认政策（分段累计）", 1)


def test_the_policy_rate_by_grade_pays_the_brokers_grade_when_claimed(
        client: TestClient, db: Session) -> None:
    from backend.accounts.models import BrokerLevel, BrokerProfile
    from backend.rewards.models import RewardPolicy

    admin = b.login_as(db, b.make_admin(db)).headers
    w = r.paid_world(db, amount=D("800000.00"))
    default = db.query(RewardPolicy).filter_by(key="default", superseded_at=None).one()
    terms = {"name": default.name, "effective_from": default.effective_from.isoformat(),
             "base": str(default.base), "region_basis": str(default.region_basis),
             "registry_grace_days": default.registry_grace_days,
             "brackets": default.brackets, "claim_window_days": default.claim_window_days}
    for bad in ({"senior": "200.01"}, {"master": "120"}, {"senior": "-1"}):
        refused = client.put(f"/api/v1/reward-policies/{default.id}", headers=admin,
                             json=terms | {"grade_percent": bad})
        assert refused.status_code == 422, refused.text
    revised = client.put(f"/api/v1/reward-policies/{default.id}", headers=admin,
                         json=terms | {"grade_percent": {"senior": "120", "junior": "90"}})
    assert revised.status_code == 200, revised.text
    assert revised.json()["grade_percent"] == {"senior": "120.00", "junior": "90.00"}

    profile = db.get(BrokerProfile, w.lead.id)
    assert profile is not None
    profile.level = BrokerLevel.SENIOR
    db.flush()
    headers = b.login_as(db, w.lead).headers
    preview = client.post("/api/v1/reward-policies/preview", headers=headers,
                          json={"contract_amount": "800000.00"}).json()
    assert (preview["grade"], preview["grade_percent"], preview["amount"]) == (
        "senior", "120.00", "14400.00")
    junior = client.post("/api/v1/reward-policies/preview", headers=headers,
                         json={"contract_amount": "800000.00", "grade": "junior"}).json()
    assert junior["amount"] == "10800.00"

    claim = client.post("/api/v1/claims", json={"deal_id": w.id}, headers=headers)
    assert claim.status_code == 201, claim.text
    shown = claim.json()["claim"]
    assert (shown["amount"], shown["breakdown"]["share_amount"], shown["breakdown"]["grade"],
            shown["breakdown"]["graded_amount"]) == ("14400.00", "12000.00", "senior",
                                                     "14400.00")
