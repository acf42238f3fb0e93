"""Roadshows (路演): administrators organise them and invite requests and investors; an owner's
consent comes before any investor sees its request there; registered investors record
interest per project after the event and follow it up."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from tests.builders import accounts as b
from tests.builders import capital as c

ROADSHOWS = "/api/v1/roadshows"


def h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def test_an_administrator_organises_a_roadshow_in_beijing_time(client: TestClient,
                                                               db: Session) -> None:
    admin = b.make_admin(db)
    r = client.post(ROADSHOWS, json={"theme": "新材料专场", "starts_at": "2026-12-20T14:00:00",
                                     "online_link": "https://meeting.example.cn/123"},
                    headers=h(db, admin))
    assert r.status_code == 201, r.text
    assert r.json()["starts_at"].startswith("2026-12-20T06:00:00"), "14:00 Beijing is 06:00 UTC"
    assert r.json()["status"] == "planned" and r.json()["investors"] == []
    for bad in ({"theme": "x", "starts_at": "2026-12-20T14:00:00"},
                {"theme": "x", "starts_at": "2026-12-20T14:00:00", "online_link": "ftp://a"},
                {"theme": "", "starts_at": "2026-12-20T14:00:00", "place": "福州"}):
        assert client.post(ROADSHOWS, json=bad, headers=h(db, admin)).status_code == 422
    for user in (b.make_firm_user(db), c.make_investor(db), b.make_broker(db)):
        r = client.post(ROADSHOWS, json={"theme": "x", "starts_at": "2026-12-20T14:00:00",
                                         "place": "福州"}, headers=h(db, user))
        assert r.status_code == 403


def test_a_request_presents_only_after_its_owner_consented(client: TestClient,
                                                           db: Session) -> None:
    admin = b.make_admin(db)
    roadshow = c.make_roadshow(db, admin)
    url = f"{ROADSHOWS}/{roadshow.id}"
    firm, other_firm = b.make_firm_user(db), b.make_firm_user(db)
    consents, silent, declines = (c.make_request(db, firm), c.make_request(db, other_firm),
                                  c.make_request(db, b.make_firm_user(db)))
    draft = c.make_request(db, firm, publish=False)
    investor, uninvited = c.make_investor(db), c.make_investor(db)
    for req in (consents, silent, declines):
        r = client.post(f"{url}/presentations", json={"request_id": req.id},
                        headers=h(db, admin))
        assert r.status_code == 201, r.text
    assert client.post(f"{url}/presentations", json={"request_id": draft.id},
                       headers=h(db, admin)).status_code == 422
    assert client.post(f"{url}/investors", json={"organisation_id": firm.organisation_id},
                       headers=h(db, admin)).status_code == 422, "investors only"
    assert client.post(f"{url}/investors", json={"organisation_id": investor.organisation_id},
                       headers=h(db, admin)).status_code == 201
    # Invited but not registered: the roadshow, no projects. Uninvited: no roadshow at all.
    r = client.get(url, headers=h(db, investor))
    assert r.status_code == 200 and r.json()["presentations"] == []
    assert r.json()["registered"] is False and r.json()["investors"] is None
    assert client.get(url, headers=h(db, uninvited)).status_code == 404
    assert client.post(f"{url}/registration", headers=h(db, uninvited)).status_code == 404
    assert client.post(f"{url}/registration", headers=h(db, investor)).status_code == 200
    assert client.post(f"{url}/registration", headers=h(db, investor)).status_code == 409
    # Registered, but nobody consented yet: nothing to see.
    assert client.get(url, headers=h(db, investor)).json()["presentations"] == []
    # The owners answer; each sees only its own invitation; others cannot answer for them.
    firm_view = client.get(url, headers=h(db, firm)).json()
    assert [p["request_id"] for p in firm_view["presentations"]] == [consents.id]
    consent = f"{url}/presentations/{consents.id}/consent"
    assert client.post(consent, json={"accept": True},
                       headers=h(db, other_firm)).status_code == 403
    assert client.post(consent, json={"accept": True}, headers=h(db, firm)).status_code == 200
    decline_owner = b.login_as(db, db.get(type(firm), declines.created_by_id))
    assert client.post(f"{url}/presentations/{declines.id}/consent", json={"accept": False},
                       headers=decline_owner.headers).status_code == 200
    shown = client.get(url, headers=h(db, investor)).json()["presentations"]
    assert [p["request_id"] for p in shown] == [consents.id]
    assert shown[0]["summary"] == consents.summary
    # The administrator sees every invitation and its answer.
    answers = {p["request_id"]: p["consent"] for p in
               client.get(url, headers=h(db, admin)).json()["presentations"]}
    assert answers == {consents.id: "accepted", silent.id: "invited", declines.id: "declined"}
    # A firm with no invited request does not know the roadshow exists.
    assert client.get(url, headers=h(db, b.make_firm_user(db))).status_code == 404
    assert {x["id"] for x in client.get(ROADSHOWS, headers=h(db, firm)).json()} == {roadshow.id}


def test_interest_is_recorded_after_the_event_and_followed_up(client: TestClient,
                                                              db: Session) -> None:
    admin = b.make_admin(db)
    roadshow = c.make_roadshow(db, admin)
    url = f"{ROADSHOWS}/{roadshow.id}"
    firm = b.make_firm_user(db)
    presented, silent = c.make_request(db, firm), c.make_request(db, firm)
    investor, absent = c.make_investor(db), c.make_investor(db)
    for req in (presented, silent):
        client.post(f"{url}/presentations", json={"request_id": req.id}, headers=h(db, admin))
    for inv in (investor, absent):
        client.post(f"{url}/investors", json={"organisation_id": inv.organisation_id},
                    headers=h(db, admin))
    client.post(f"{url}/registration", headers=h(db, investor))
    client.post(f"{url}/presentations/{presented.id}/consent", json={"accept": True},
                headers=h(db, firm))
    interest = f"{url}/presentations/{presented.id}/interest"
    r = client.put(interest, json={}, headers=h(db, investor))
    assert r.status_code == 409, "after the event"
    assert client.post(f"{url}/hold", headers=h(db, investor)).status_code == 403
    assert client.post(f"{url}/hold", headers=h(db, admin)).status_code == 200
    assert client.post(f"{url}/registration", headers=h(db, absent)).status_code == 409
    assert client.post(f"{url}/presentations/{silent.id}/consent", json={"accept": True},
                       headers=h(db, firm)).status_code == 409, "too late to consent"
    r = client.put(interest, json={"note": "约见团队"}, headers=h(db, investor))
    assert r.status_code == 200 and r.json()["status"] == "interested"
    r = client.put(interest, json={"status": "due_diligence", "note": "尽调中"},
                   headers=h(db, investor))
    assert r.status_code == 200 and r.json()["status"] == "due_diligence"
    # Not for a project that did not present, nor for an investor that did not register.
    assert client.put(f"{url}/presentations/{silent.id}/interest", json={},
                      headers=h(db, investor)).status_code == 404
    assert client.put(interest, json={}, headers=h(db, absent)).status_code == 404
    # Follow-ups: the administrator and the owner see them; the absent investor sees none.
    for user in (admin, firm, investor):
        rows = client.get(f"{url}/interests", headers=h(db, user)).json()
        assert [(x["request_id"], x["status"]) for x in rows] == [
            (presented.id, "due_diligence")], user.role
    assert client.get(f"{url}/interests", headers=h(db, absent)).json() == []
    entries = db.execute(select(AuditEntry).where(AuditEntry.action == "roadshow.interest")
                         ).scalars().all()
    assert [e.before for e in entries] == [None, {"status": "interested", "note": "约见团队"}]
