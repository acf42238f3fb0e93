"""The capital chain's third slice: who is notified of what, the investor's feed filters, a
roadshow's edit, and a dishonest user's attempts (another's achievement, a request addressed
to another investor, a withdrawn request at a roadshow, amounts out of bounds)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.audit.models import AuditEntry
from backend.deals.models import Notification
from tests.builders import accounts as b
from tests.builders import capital as c
from tests.builders import listings as lb

FEED = "/api/v1/investors/me/feed"
REQUESTS = "/api/v1/financing-requests"
ROADSHOWS = "/api/v1/roadshows"


def h(db: Session, user: User) -> dict[str, str]:
    return b.login_as(db, user).headers


def kinds(db: Session, user: User) -> list[str]:
    return list(db.execute(select(Notification.kind).where(Notification.user_id == user.id)
                           .order_by(Notification.id)).scalars())


# --- notifications ----------------------------------------------------------------------------

def test_a_published_request_is_announced_to_the_investors_it_fits_only(
        client: TestClient, db: Session) -> None:
    fits, outside, no_mandate = c.make_investor(db), c.make_investor(db), c.make_investor(db)
    unverified = c.make_investor(db, verified=False)
    c.set_mandate(db, fits)
    c.set_mandate(db, outside, instruments=["loan"])
    c.set_mandate(db, unverified)
    firm = b.make_firm_user(db)
    rid = client.post(REQUESTS, json=c.request_body(db), headers=h(db, firm)).json()["id"]
    assert kinds(db, fits) == [], "a draft is nobody's news"
    assert client.post(f"{REQUESTS}/{rid}/publish", headers=h(db, firm)).status_code == 200
    assert kinds(db, fits) == ["financing.fits_mandate"]
    for other in (outside, no_mandate, unverified):
        assert kinds(db, other) == []
    note = db.execute(select(Notification).where(Notification.user_id == fits.id)).scalar_one()
    owner = db.get(Organisation, firm.organisation_id)
    assert owner is not None and owner.name not in note.title + note.body


def test_a_request_addressed_to_named_investors_tells_them_and_nobody_else(
        client: TestClient, db: Session) -> None:
    named, other = c.make_investor(db), c.make_investor(db)
    c.set_mandate(db, other)  # its mandate fits, but the request is not addressed to it
    firm = b.make_firm_user(db)
    body = c.request_body(db, audience="named", named_investor_ids=[named.organisation_id])
    rid = client.post(REQUESTS, json=body, headers=h(db, firm)).json()["id"]
    assert client.post(f"{REQUESTS}/{rid}/publish", headers=h(db, firm)).status_code == 200
    assert kinds(db, named) == ["financing.addressed"]
    assert kinds(db, other) == []
    # The other investor learns nothing of it: not by id, not in a list, not in its feed.
    assert client.get(f"{REQUESTS}/{rid}", headers=h(db, other)).status_code == 404
    assert client.get(f"{REQUESTS}/{rid}/threads", headers=h(db, other)).status_code == 404
    assert client.post(f"{REQUESTS}/{rid}/interest", json={},
                       headers=h(db, other)).status_code == 404
    assert rid not in {x["request"]["id"] for x in client.get(
        FEED, headers=h(db, other)).json()["items"]}


def test_questions_outcomes_and_answers_reach_the_other_side(client: TestClient,
                                                             db: Session) -> None:
    firm = b.make_firm_user(db)
    colleague = b.make_user(db, firm.role, db.get(Organisation, firm.organisation_id))
    investor = c.make_investor(db)
    request = c.make_request(db, firm)
    url = f"{REQUESTS}/{request.id}"
    assert client.post(f"{url}/threads", json={"body": "团队规模？"},
                       headers=h(db, investor)).status_code == 201
    assert kinds(db, firm) == kinds(db, colleague) == ["financing.question"]
    assert client.post(f"{url}/threads/{investor.organisation_id}", json={"body": "12人。"},
                       headers=h(db, firm)).status_code == 201
    assert kinds(db, investor) == ["financing.answered"]
    assert kinds(db, firm) == ["financing.question"], "not told of its own answer"
    assert client.post(f"{url}/interest", json={}, headers=h(db, investor)).status_code == 201
    r = client.post(f"{url}/outcome", json={"status": "term_sheet", "amount": "2000000.00"},
                    headers=h(db, investor))
    assert r.status_code == 200, r.text
    assert kinds(db, colleague)[-1] == "financing.outcome"
    r = client.post(f"{url}/interests/{r.json()['id']}/dispute", json={"reason": "金额不符"},
                    headers=h(db, firm))
    assert r.status_code == 200
    assert kinds(db, investor)[-1] == "financing.outcome_disputed"
    r = client.post(f"{url}/outcome", json={"status": "term_sheet", "amount": "1500000.00"},
                    headers=h(db, investor))
    assert client.post(f"{url}/interests/{r.json()['id']}/confirm",
                       headers=h(db, colleague)).status_code == 200
    assert kinds(db, investor)[-1] == "financing.outcome_confirmed"


def test_roadshow_invitations_and_registrations_are_announced(client: TestClient,
                                                              db: Session) -> None:
    admin, firm, investor = b.make_admin(db), b.make_firm_user(db), c.make_investor(db)
    request = c.make_request(db, firm)
    roadshow = c.make_roadshow(db, admin)
    url = f"{ROADSHOWS}/{roadshow.id}"
    assert client.post(f"{url}/presentations", json={"request_id": request.id},
                       headers=h(db, admin)).status_code == 201
    assert kinds(db, firm) == ["roadshow.request_invited"]
    assert client.post(f"{url}/investors", json={"organisation_id": investor.organisation_id},
                       headers=h(db, admin)).status_code == 201
    assert kinds(db, investor) == ["roadshow.investor_invited"]
    assert client.post(f"{url}/registration", headers=h(db, investor)).status_code == 200
    assert kinds(db, admin) == ["roadshow.registered"]


# --- the feed's filters -----------------------------------------------------------------------

def test_the_investor_narrows_its_feed(client: TestClient, db: Session) -> None:
    investor = c.make_investor(db)
    c.set_mandate(db, investor, trl_min=1, trl_max=9)
    firm = b.make_firm_user(db)
    robot = c.make_request(db, firm)
    cnc = c.make_request(db, firm, field_id=lb.field_id(db, "equipment.cnc"),
                         instrument="loan", amount="8000000.00", region="浙江省宁波市",
                         trl_current=7, trl_target=8)
    headers = h(db, investor)

    def ids(**params: Any) -> set[int]:
        r = client.get(FEED, params=params, headers=headers)
        assert r.status_code == 200, r.text
        return {x["request"]["id"] for x in r.json()["items"]}

    assert ids() == {robot.id, cnc.id}
    assert ids(field_id=lb.field_id(db, "equipment.cnc")) == {cnc.id}
    assert ids(field_id=lb.field_id(db, "equipment")) == {robot.id, cnc.id}, "a parent field"
    assert ids(instrument="equity") == {robot.id}
    assert ids(stage="industrialisation") == {cnc.id}
    assert ids(stage="development") == {robot.id}
    assert ids(amount_min="5000000") == {cnc.id}
    assert ids(amount_max="5000000") == {robot.id}
    assert ids(region="福建") == {robot.id}
    assert ids(poc_passed="false") == {robot.id, cnc.id}
    assert ids(poc_passed="true") == set()
    for bad in ({"amount_min": "5", "amount_max": "1"}, {"stage": "seed"},
                {"instrument": "crypto"}, {"amount_max": "10000000000.01"}):
        assert client.get(FEED, params=bad, headers=headers).status_code == 422, bad


# --- roadshows: edit, and what may not be invited ---------------------------------------------

def test_a_planned_roadshow_is_edited_in_beijing_time_and_audited(client: TestClient,
                                                                  db: Session) -> None:
    admin = b.make_admin(db)
    roadshow = c.make_roadshow(db, admin)
    url = f"{ROADSHOWS}/{roadshow.id}"
    body = {"theme": "新材料专场", "starts_at": "2026-12-21T09:30:00",
            "online_link": "https://meeting.example.cn/9"}
    r = client.put(url, json=body, headers=h(db, admin))
    assert r.status_code == 200, r.text
    assert r.json()["starts_at"].startswith("2026-12-21T01:30:00")
    assert r.json()["place"] is None and r.json()["theme"] == "新材料专场"
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "roadshow.update")
                       ).scalar_one()
    assert entry.before["theme"] == "智能制造专场路演" and entry.after["theme"] == "新材料专场"
    assert client.put(url, json={**body, "online_link": "javascript:alert(1)"},
                      headers=h(db, admin)).status_code == 422
    assert client.put(url, json=body, headers=h(db, b.make_firm_user(db))).status_code == 403
    assert client.post(f"{url}/hold", headers=h(db, admin)).status_code == 200
    assert client.put(url, json=body, headers=h(db, admin)).status_code == 409


def test_a_withdrawn_or_draft_request_is_not_invited_to_a_roadshow(client: TestClient,
                                                                   db: Session) -> None:
    admin, firm = b.make_admin(db), b.make_firm_user(db)
    roadshow = c.make_roadshow(db, admin)
    withdrawn = c.make_request(db, firm)
    c.service.end(db, c.actor(firm), withdrawn, c.FinancingStatus.WITHDRAWN)
    for request in (withdrawn, c.make_request(db, firm, publish=False)):
        r = client.post(f"{ROADSHOWS}/{roadshow.id}/presentations",
                        json={"request_id": request.id}, headers=h(db, admin))
        assert r.status_code == 422, r.text
    assert kinds(db, firm) == []


def test_a_request_withdrawn_after_its_invitation_leaves_the_roadshow(client: TestClient,
                                                                     db: Session) -> None:
    admin, firm, investor = b.make_admin(db), b.make_firm_user(db), c.make_investor(db)
    request = c.make_request(db, firm)
    roadshow = c.make_roadshow(db, admin)
    url = f"{ROADSHOWS}/{roadshow.id}"
    for path, body in (("presentations", {"request_id": request.id}),
                       ("investors", {"organisation_id": investor.organisation_id})):
        assert client.post(f"{url}/{path}", json=body, headers=h(db, admin)).status_code == 201
    assert client.post(f"{url}/presentations/{request.id}/consent", json={"accept": True},
                       headers=h(db, firm)).status_code == 200
    assert client.post(f"{url}/registration", headers=h(db, investor)).status_code == 200

    def titles() -> list[str]:
        return [p["title"] for p in client.get(url, headers=h(db, investor))
                .json()["presentations"]]

    assert titles() == [request.title]
    assert client.post(f"{REQUESTS}/{request.id}/withdraw", headers=h(db, firm)).status_code == 200
    assert titles() == [], "withdrawn: the investor no longer sees it there"
    assert client.post(f"{url}/hold", headers=h(db, admin)).status_code == 200
    r = client.put(f"{url}/presentations/{request.id}/interest", json={"status": "interested"},
                   headers=h(db, investor))
    assert r.status_code == 404
    # Its owner and the organiser still see it, with its state.
    assert [p["title"] for p in client.get(url, headers=h(db, firm)).json()["presentations"]] \
        == [request.title]


# --- a dishonest owner ------------------------------------------------------------------------

def test_a_firm_cannot_ask_for_money_for_an_institutes_achievement(client: TestClient,
                                                                   db: Session) -> None:
    achievement = lb.make_achievement(db, b.make_institute_user(db))
    firm = b.make_firm_user(db)
    r = client.post(REQUESTS, json=c.request_body(db, subject="achievement",
                                                  achievement_id=achievement.id),
                    headers=h(db, firm))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "subject"


@pytest.mark.parametrize("amount", ["-1", "0", "0.001", "10000000000.01", "1e20"])
def test_an_amount_out_of_bounds_is_refused_on_create_and_edit(client: TestClient, db: Session,
                                                               amount: str) -> None:
    firm = b.make_firm_user(db)
    headers = h(db, firm)
    assert client.post(REQUESTS, json=c.request_body(db, amount=amount),
                       headers=headers).status_code == 422
    rid = client.post(REQUESTS, json=c.request_body(db), headers=headers).json()["id"]
    r = client.patch(f"{REQUESTS}/{rid}", json={"amount": amount}, headers=headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "amount"
