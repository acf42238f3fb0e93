"""The right policy, paid to the right person: the policy's region basis, the broker's own
verified account as payee (with the agency's declared share), per-person year caps, and
re-computation after a registration change."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User
from backend.core.errors import Conflict
from backend.deals.models import Stage
from backend.rewards import payees, payouts, policies, schemas
from backend.rewards.exports import agency_part
from backend.rewards.models import ClaimStatus, ClawBack, RegionBasis, RewardClaim
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import rewards as r


def _regions(db: Session, w: d.World, buyer: str, seller: str) -> None:
    for org_id, region in ((w.deal.demand_org_id, buyer), (w.deal.achievement_org_id, seller)):
        org = db.get(Organisation, org_id)
        assert org is not None
        org.region = region
    db.flush()


@pytest.mark.parametrize(("basis", "buyer", "seller", "applies"), [
    (RegionBasis.BUYER, "温州市", "杭州市", True),     # technology absorbed into Wenzhou
    (RegionBasis.BUYER, "杭州市", "温州市", False),
    (RegionBasis.SELLER, "杭州市", "温州市", True),    # technology output from Wenzhou
    (RegionBasis.SELLER, "温州市", "杭州市", False),
    (RegionBasis.EITHER, "杭州市", "温州市", True),
    (RegionBasis.BOTH, "杭州市", "温州市", False),
    (RegionBasis.BOTH, "温州市", "温州市", True),
])
def test_the_policy_looks_at_the_region_its_basis_names(
        db: Session, basis: RegionBasis, buyer: str, seller: str, applies: bool) -> None:
    admin = b.make_admin(db)
    policy = policies.create_policy(db, r.actor(admin), schemas.PolicyCreate(
        key="wenzhou", name="温州市技术经纪人奖补", region="温州市", region_basis=basis,
        effective_from=date(2020, 1, 1),
        brackets=[schemas.BracketIn(upper=None, rate=D("0.02"))]))
    picked = policies.select_policy(db, date(2026, 6, 1), seller, buyer)
    assert (picked is not None and picked.id == policy.id) is applies
    if not applies:
        assert picked is not None and picked.key == "default"


def test_a_claim_on_technology_absorbed_into_the_city_gets_its_policy(db: Session) -> None:
    admin = b.make_admin(db)
    policies.create_policy(db, r.actor(admin), schemas.PolicyCreate(
        key="wenzhou", name="温州市技术经纪人奖补（吸纳）", region="温州市",
        effective_from=date(2020, 1, 1), brackets=[schemas.BracketIn(upper=None,
                                                                     rate=D("0.02"))]))
    w = r.paid_world(db)
    _regions(db, w, buyer="温州市", seller="北京市")
    claim = r.claim(db, w)
    assert (claim.region, claim.amount) == ("温州市", D("6000.00"))


def test_the_broker_is_paid_to_their_own_verified_account(client: TestClient,
                                                          db: Session) -> None:
    admins = r.admins(db)
    w = r.paid_world(db)
    claim = r.claim(db, w, payee=False)
    r.approved(db, claim.id, admins.a)
    with pytest.raises(Conflict, match="verified bank account"):
        payouts.create_batch(db, r.actor(admins.a), [claim.id], None)
    broker = b.login_as(db, w.lead).headers
    put = client.put("/api/v1/payee-accounts/mine", headers=broker, json={
        "holder_name": "王经纪", "bank_name": "中国建设银行温州分行",
        "account": "6217 0012 3456 7890 123"})
    assert put.status_code == 200
    assert (put.json()["account"], put.json()["status"]) == ("****0123", "pending")
    admin = b.login_as(db, admins.a).headers
    listed = client.get("/api/v1/payee-accounts", headers=admin, params={"status": "pending"})
    assert [(i["broker_id"], i["account"]) for i in listed.json()["items"]] == [
        (w.lead.id, "6217001234567890123")]
    verified = client.post(f"/api/v1/payee-accounts/{w.lead.id}/verification", headers=admin,
                           json={"status": "verified"})
    assert verified.json()["status"] == "verified"
    batch = payouts.create_batch(db, r.actor(admins.a), [claim.id], None)
    response = client.get(f"/api/v1/exports/payouts/{batch.id}", headers=admin,
                          params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号 No.", "收款人户名 Payee name", "收款人账号 Payee account",
                           "收款银行 Payee bank", "金额 Amount", "用途 Purpose")
    assert [row[:5] for row in rows[1:]] == [
        (1, "王经纪", "6217001234567890123", "中国建设银行温州分行", 4500)]
    # Changing the account sends it back to pending: not payable until checked again.
    client.put("/api/v1/payee-accounts/mine", headers=broker, json={
        "holder_name": "王经纪", "bank_name": "中国建设银行温州分行", "account": "6217001234567890999"})
    assert payees.get_account(db, w.lead.id).status == "pending"  # type: ignore[union-attr]


def test_an_agency_share_declared_in_the_policy_is_its_own_payout_line(
        client: TestClient, db: Session) -> None:
    admins = r.admins(db)
    policy = policies.get_policy(db, policies.select_policy(db, date(2026, 6, 1), None).id)  # type: ignore[union-attr]
    policy.agency_share_percent = D("33.33")
    db.flush()
    agency = b.make_org(db, OrgKind.AGENCY)
    w = r.paid_world(db)
    profile_user = d.with_profile(db, w.lead)
    assert profile_user.broker is not None
    profile_user.broker.agency_id = agency.id
    db.flush()
    claim = r.claim(db, w)
    r.approved(db, claim.id, admins.a)
    batch = payouts.create_batch(db, r.actor(admins.a), [claim.id], None)
    response = client.get(f"/api/v1/exports/payouts/{batch.id}",
                          headers=b.login_as(db, admins.a).headers, params={"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()[1:]
    parts = [(line.split(",")[4], line.split(",")[6]) for line in lines]
    assert parts == [("3000.15", "经纪人 broker"), ("1499.85", "经纪机构 agency")]
    # rounded half up once, the broker taking the rest: the two always add up
    assert agency_part(D("1234.55"), D("10")) == D("123.46")


def test_the_year_cap_counts_the_persons_claims_under_every_agency(db: Session) -> None:
    admin = b.make_admin(db)
    r.policy(db, admin, key="capped", effective_from=date(2020, 1, 1),
             cap_per_broker_year=D("6000.00"))
    first = d.with_profile(db, b.make_broker(db))
    second = d.with_profile(db, b.make_broker(db))  # the same person, another agency's account
    second_row = db.get(User, second.id)
    assert second_row is not None
    second_row.person_id = first.person_id
    db.flush()
    one = r.claim(db, r.world_for(db, first))
    two = r.claim(db, r.world_for(db, d.with_profile(db, second)))
    assert (one.amount, two.amount) == (D("4500.00"), D("1500.00"))
    assert two.broker_person_id == first.person_id


def test_a_lower_confirmed_technology_amount_lowers_the_claim_or_claws_back(
        client: TestClient, db: Session) -> None:
    admins = r.admins(db)
    unpaid_w, paid_w = r.paid_world(db), r.paid_world(db)
    unpaid = r.claim(db, unpaid_w)
    paid = r.claim(db, paid_w)
    r.paid(db, paid.id, admins.a, admins.b)
    for w in (unpaid_w, paid_w):
        contract = d.reload_contract(d.World(w.firm, w.institute, w.lead, w.demand,
                                             w.achievement, d.reload(db, w.id)))
        r_ = client.put(f"/api/v1/deals/{w.id}/contract/registration",
                        headers=b.login_as(db, w.lead).headers,
                        json={"registration_no": contract.registration_no,
                              "registered_on": str(contract.registered_on),
                              "technology_amount": "100000.00"})
        assert r_.status_code == 200 and r_.json()["contract"]["evidence"]["status"] == \
            "declared"
        db.expire_all()
        # Declared, not confirmed: nothing moves yet.
        assert db.execute(select(ClawBack)).first() is None
        for party in (w.firm, w.institute):
            version = r_.json()["contract"]["evidence"]["version"]
            client.post(f"/api/v1/deals/{w.id}/contract/confirm",
                        headers=b.login_as(db, party).headers, json={"version": version})
    db.expire_all()
    assert db.get(RewardClaim, unpaid.id).amount == D("1500.00")  # type: ignore[union-attr]
    [back] = db.execute(select(ClawBack).where(ClawBack.claim_id == paid.id)).scalars().all()
    assert (back.amount, back.status) == (D("3000.00"), "pending_review")
    waived = client.post(f"/api/v1/clawbacks/{back.id}/review",
                         headers=b.login_as(db, admins.a).headers,
                         json={"decision": "waived", "note": "登记机构更正有误，已核实原金额"})
    assert (waived.json()["status"], waived.json()["to_recover"]) == ("waived", "0.00")
    assert db.get(RewardClaim, paid.id).status == ClaimStatus.PAID  # type: ignore[union-attr]
    assert d.reload(db, paid_w.id).clawback_hold is False
    assert d.reload(db, paid_w.id).stage == Stage.PAID
