"""The capital chain through the API: investor organisations and their mandates, financing
requests and who sees them, the investor feed (a request outside the mandate never shows),
interest and outcomes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User
from backend.audit.models import AuditEntry
from backend.core.permissions import Role
from tests.builders import accounts as b
from tests.builders import capital as c
from tests.builders import listings as lb

FEED = "/api/v1/investors/me/feed"
MANDATE = "/api/v1/investors/me/mandate"
REQUESTS = "/api/v1/financing-requests"


def h(db: Session, user: User) -> dict[str, str]:
    return b.login_as(db, user).headers


def _entries(db: Session, action: str) -> list[AuditEntry]:
    return list(db.execute(select(AuditEntry).where(AuditEntry.action == action)
                           .order_by(AuditEntry.seq)).scalars())


# --- investors --------------------------------------------------------------------------------

def test_an_investor_registers_like_any_organisation_and_is_verified(
        client: TestClient, db: Session) -> None:
    org = b.organisation_in(OrgKind.INVESTOR).model_dump(mode="json")
    r = client.post("/api/v1/auth/register/organisation", json={
        "organisation": org, "user": {"username": "fund_one", "password": "Passw0rd1",
                                      "display_name": "投资经理"}})
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "investor"
    user = db.execute(select(User).where(User.username == "fund_one")).scalar_one()
    assert user.role == Role.INVESTOR
    # Unverified: it may describe its mandate, but sees no request and has no feed.
    assert client.put(MANDATE, json=c.mandate_body(db), headers=h(db, user)).status_code == 200
    assert client.get(FEED, headers=h(db, user)).status_code == 409
    admin = b.make_admin(db)
    r = client.post(f"/api/v1/organisations/{user.organisation_id}/verification",
                    json={"status": "verified"}, headers=h(db, admin))
    assert r.status_code == 200, r.text
    assert client.get(FEED, headers=h(db, user)).status_code == 200


def test_the_mandate_is_edited_by_members_and_audited_before_and_after(
        client: TestClient, db: Session) -> None:
    investor = c.make_investor(db)
    colleague = b.make_user(db, Role.INVESTOR, db.get(Organisation, investor.organisation_id))
    assert client.get(MANDATE, headers=h(db, investor)).status_code == 404
    r = client.put(MANDATE, json=c.mandate_body(db, investor_kind="guidance_fund"),
                   headers=h(db, investor))
    assert r.status_code == 200, r.text
    assert r.json()["investor_kind"] == "guidance_fund"
    r = client.put(MANDATE, json=c.mandate_body(db, ticket_max="20000000.00"),
                   headers=h(db, colleague))
    assert r.status_code == 200, r.text
    assert client.get(MANDATE, headers=h(db, investor)).json()["ticket_max"] == "20000000.00"
    [created] = _entries(db, "mandate.create")
    [updated] = _entries(db, "mandate.update")
    assert created.before is None and created.after["investor_kind"] == "guidance_fund"
    assert updated.before["ticket_max"] == "10000000.00"
    assert updated.after["ticket_max"] == "20000000.00"


@pytest.mark.parametrize("override", [
    {"ticket_min": "5000000.00", "ticket_max": "1000000.00"},
    {"ticket_max": "10000000000.01"},
    {"ticket_min": "-1"},
    {"trl_min": 7, "trl_max": 3},
    {"trl_max": 10},
    {"field_ids": []},
    {"field_ids": [999999]},
    {"investor_kind": "pawnshop"},
])
def test_a_mandate_that_makes_no_sense_is_refused(client: TestClient, db: Session,
                                                  override: dict[str, Any]) -> None:
    investor = c.make_investor(db)
    r = client.put(MANDATE, json=c.mandate_body(db, **override), headers=h(db, investor))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_only_investors_keep_mandates(client: TestClient, db: Session) -> None:
    for user in (b.make_firm_user(db), b.make_institute_user(db)):
        assert client.put(MANDATE, json=c.mandate_body(db), headers=h(db, user)).status_code == 403
    assert client.get(FEED, headers=h(db, b.make_firm_user(db))).status_code == 403


# --- financing requests -----------------------------------------------------------------------

def test_an_institute_asks_for_money_for_its_own_achievement_only(
        client: TestClient, db: Session) -> None:
    institute = b.make_institute_user(db)
    mine = lb.make_achievement(db, institute)
    theirs = lb.make_achievement(db, b.make_institute_user(db))
    body = c.request_body(db, subject="achievement", achievement_id=mine.id)
    r = client.post(REQUESTS, json=body, headers=h(db, institute))
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "draft" and r.json()["achievement_id"] == mine.id
    r = client.post(REQUESTS, json={**body, "achievement_id": theirs.id}, headers=h(db, institute))
    assert r.status_code == 422, r.text
    r = client.post(REQUESTS, json=c.request_body(db), headers=h(db, institute))
    assert r.status_code == 422, "an institute's request is for an achievement"
    r = client.post(REQUESTS, json=c.request_body(db), headers=h(db, c.make_investor(db)))
    assert r.status_code == 403


def test_a_firm_asks_for_money_for_its_demand_or_a_project(client: TestClient,
                                                          db: Session) -> None:
    firm = b.make_firm_user(db)
    demand = lb.make_demand(db, firm)
    r = client.post(REQUESTS, json=c.request_body(db, subject="demand", demand_id=demand.id),
                    headers=h(db, firm))
    assert r.status_code == 201, r.text
    r = client.post(REQUESTS, json=c.request_body(db), headers=h(db, firm))
    assert r.status_code == 201, r.text
    other = lb.make_demand(db, b.make_firm_user(db))
    r = client.post(REQUESTS, json=c.request_body(db, subject="demand", demand_id=other.id),
                    headers=h(db, firm))
    assert r.status_code == 422


@pytest.mark.parametrize("override", [
    {"trl_current": 6, "trl_target": 4},
    {"trl_target": 10},
    {"amount": "0"},
    {"amount": "10000000000.01"},
    {"instrument": "crypto"},
    {"subject": "project", "demand_id": 1},
    {"milestones": [{"text": "", "due_on": "2027-01-01"}]},
    {"field_id": 999999},
])
def test_a_request_that_makes_no_sense_is_refused(client: TestClient, db: Session,
                                                  override: dict[str, Any]) -> None:
    r = client.post(REQUESTS, json=c.request_body(db, **override),
                    headers=h(db, b.make_firm_user(db)))
    assert r.status_code == 422, r.text


def test_the_lifecycle_and_only_drafts_are_edited(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    headers = h(db, firm)
    rid = client.post(REQUESTS, json=c.request_body(db), headers=headers).json()["id"]
    r = client.patch(f"{REQUESTS}/{rid}", json={"amount": "4000000.00"}, headers=headers)
    assert r.status_code == 200 and r.json()["amount"] == "4000000.00"
    r = client.patch(f"{REQUESTS}/{rid}", json={"trl_current": 8}, headers=headers)
    assert r.status_code == 422, "current above the stored target"
    assert client.post(f"{REQUESTS}/{rid}/publish", headers=headers).status_code == 200
    assert client.patch(f"{REQUESTS}/{rid}", json={"title": "新标题"},
                        headers=headers).status_code == 409
    assert client.post(f"{REQUESTS}/{rid}/publish", headers=headers).status_code == 409
    assert client.post(f"{REQUESTS}/{rid}/close", headers=headers).status_code == 200
    assert client.post(f"{REQUESTS}/{rid}/withdraw", headers=headers).status_code == 409
    [update] = _entries(db, "financing.update")
    assert update.before["amount"] == "3000000.00" and update.after["amount"] == "4000000.00"
    assert len(_entries(db, "financing.publish")) == len(_entries(db, "financing.close")) == 1


def test_who_sees_a_request(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    request = c.make_request(db, firm, publish=False)
    investor, unverified = c.make_investor(db), c.make_investor(db, verified=False)
    strangers = (b.make_firm_user(db), b.make_institute_user(db), b.make_broker(db), unverified)
    url = f"{REQUESTS}/{request.id}"
    # A draft: its owner and administrators only.
    assert client.get(url, headers=h(db, firm)).status_code == 200
    assert client.get(url, headers=h(db, b.make_admin(db))).status_code == 200
    assert client.get(url, headers=h(db, investor)).status_code == 404
    c.service.publish(db, c.actor(firm), request)
    assert client.get(url, headers=h(db, investor)).status_code == 200
    assert request.id in {x["id"] for x in client.get(REQUESTS, headers=h(db, investor))
                          .json()["items"]}
    for stranger in strangers:
        assert client.get(url, headers=h(db, stranger)).status_code == 404, stranger.role
        assert request.id not in {x["id"] for x in client.get(
            REQUESTS, headers=h(db, stranger)).json()["items"]}
    # The named investors are the owner's business.
    assert client.get(url, headers=h(db, investor)).json()["named_investor_ids"] is None


def test_a_request_for_named_investors_is_seen_by_them_only(client: TestClient,
                                                           db: Session) -> None:
    firm = b.make_firm_user(db)
    named, other = c.make_investor(db), c.make_investor(db)
    rid = client.post(REQUESTS, json=c.request_body(db, audience="named"),
                      headers=h(db, firm)).json()["id"]
    assert client.post(f"{REQUESTS}/{rid}/publish", headers=h(db, firm)).status_code == 409
    r = client.patch(f"{REQUESTS}/{rid}", json={"named_investor_ids": [firm.organisation_id]},
                     headers=h(db, firm))
    assert r.status_code == 422, "only investor organisations can be named"
    r = client.patch(f"{REQUESTS}/{rid}", json={"named_investor_ids": [named.organisation_id]},
                     headers=h(db, firm))
    assert r.json()["named_investor_ids"] == [named.organisation_id]
    assert client.post(f"{REQUESTS}/{rid}/publish", headers=h(db, firm)).status_code == 200
    assert client.get(f"{REQUESTS}/{rid}", headers=h(db, named)).status_code == 200
    assert client.get(f"{REQUESTS}/{rid}", headers=h(db, other)).status_code == 404
    for investor, expected in ((named, 1), (other, 0)):
        c.set_mandate(db, investor)
        assert client.get(FEED, headers=h(db, investor)).json()["total"] == expected


# --- the feed ---------------------------------------------------------------------------------

def test_the_feed_shows_only_requests_inside_the_mandate(client: TestClient,
                                                         db: Session) -> None:
    investor = c.make_investor(db)
    c.set_mandate(db, investor, regions=["福建省"], instruments=["equity", "convertible"])
    firm = b.make_firm_user(db)
    fits = c.make_request(db, firm)
    outside = [
        c.make_request(db, firm, field_id=lb.field_id(db, "biomedicine.drugs")),
        c.make_request(db, firm, trl_current=8, trl_target=9),
        c.make_request(db, firm, trl_current=1, trl_target=2),
        c.make_request(db, firm, amount="500000.00"),
        c.make_request(db, firm, amount="10000000.01"),
        c.make_request(db, firm, region="浙江省杭州市"),
        c.make_request(db, firm, instrument="loan"),
    ]
    c.make_request(db, firm, publish=False)
    body = client.get(FEED, headers=h(db, investor)).json()
    assert [x["request"]["id"] for x in body["items"]] == [fits.id]
    assert body["total"] == 1
    # Every one of them is visible to the investor: the feed, not visibility, leaves them out.
    listed = {x["id"] for x in client.get(REQUESTS, headers=h(db, investor),
                                          params={"page_size": 100}).json()["items"]}
    assert {r.id for r in outside} <= listed


def test_the_feed_ranks_by_text_similarity_and_fit(client: TestClient, db: Session) -> None:
    investor = c.make_investor(db)
    c.set_mandate(db, investor, description="工业机器人视觉检测 智能焊接 柔性产线")
    firm = b.make_firm_user(db)
    near = c.make_request(db, firm, title="工业机器人视觉检测系统产业化",
                          summary="工业机器人视觉检测与智能焊接柔性产线。")
    far = c.make_request(db, firm, title="数控机床主轴热误差补偿",
                         summary="高速主轴热变形建模与补偿软件。",
                         field_id=lb.field_id(db, "equipment.cnc"))
    items = client.get(FEED, headers=h(db, investor)).json()["items"]
    assert [x["request"]["id"] for x in items] == [near.id, far.id]
    assert items[0]["similarity"] > items[1]["similarity"]
    assert all(0 <= x["score"] <= 1 and x["reasons"] for x in items)


def test_no_feed_without_a_mandate(client: TestClient, db: Session) -> None:
    r = client.get(FEED, headers=h(db, c.make_investor(db)))
    assert r.status_code == 409
    assert "mandate" in r.json()["detail"]


# --- interest and outcomes --------------------------------------------------------------------

def test_interest_and_outcomes_are_recorded_and_the_owner_sees_who(client: TestClient,
                                                                   db: Session) -> None:
    firm = b.make_firm_user(db)
    request = c.make_request(db, firm)
    investor, bank = c.make_investor(db), c.make_investor(db)
    c.set_mandate(db, investor)
    url = f"{REQUESTS}/{request.id}"
    r = client.post(f"{url}/outcome", json={"status": "term_sheet", "amount": "3000000.00"},
                    headers=h(db, investor))
    assert r.status_code == 409, "interest comes first"
    r = client.post(f"{url}/interest", json={"note": "请提供财务数据"}, headers=h(db, investor))
    assert r.status_code == 201, r.text
    assert client.post(f"{url}/interest", json={}, headers=h(db, investor)).status_code == 409
    assert client.post(f"{url}/interest", json={}, headers=h(db, bank)).status_code == 201
    [item] = client.get(FEED, headers=h(db, investor)).json()["items"]
    assert item["interest"] == "interested"
    r = client.post(f"{url}/outcome", json={"status": "declined"}, headers=h(db, bank))
    assert r.status_code == 422, "a decline needs its reason"
    r = client.post(f"{url}/outcome", json={"status": "declined", "reason": "估值过高"},
                    headers=h(db, bank))
    assert r.status_code == 200 and r.json()["decline_reason"] == "估值过高"
    r = client.post(f"{url}/outcome", json={"status": "term_sheet", "amount": "3000000.00"},
                    headers=h(db, investor))
    assert r.status_code == 200 and r.json()["status"] == "term_sheet"
    owner_view = client.get(f"{url}/interests", headers=h(db, firm)).json()
    assert {(x["organisation_id"], x["status"]) for x in owner_view} == {
        (investor.organisation_id, "term_sheet"), (bank.organisation_id, "declined")}
    mine = client.get(f"{url}/interests", headers=h(db, investor)).json()
    assert [x["organisation_id"] for x in mine] == [investor.organisation_id]
    assert client.get(f"{url}/interests", headers=h(db, b.make_firm_user(db))).status_code == 404
    # The owner and other firms may not mark interest; closed requests take no new interest.
    assert client.post(f"{url}/interest", json={}, headers=h(db, firm)).status_code == 403
    c.service.end(db, c.actor(firm), request, c.FinancingStatus.CLOSED)
    late = c.make_investor(db)
    assert client.post(f"{url}/interest", json={}, headers=h(db, late)).status_code == 409
    [outcome] = [e for e in _entries(db, "financing.outcome")
                 if e.after["status"] == "term_sheet"]
    assert outcome.before["status"] == "interested"
    assert len(_entries(db, "financing.interest")) == 2
