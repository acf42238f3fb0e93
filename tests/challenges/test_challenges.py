"""Challenges: who issues them, who sees drafts, publishing rules, the state machine."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.challenges.models import ChallengeStatus
from backend.core import clock
from tests.builders import accounts as b
from tests.builders import challenges as c
from tests.builders import listings as ls

URL = "/api/v1/challenges"


def _h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def _actions(db: Session, object_id: int) -> list[str]:
    return list(db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "challenge", AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.seq)).scalars())


def test_a_verified_firm_issues_a_draft_only_it_and_administrators_see(
        client: TestClient, db: Session) -> None:
    firm, other = b.make_firm_user(db), b.make_firm_user(db)
    r = client.post(URL, json=c.challenge_body(), headers=_h(db, firm))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "draft" and body["issuer_org_id"] == firm.organisation_id
    assert body["total"] == "1000000.00" and body["is_issuer"] is True
    cid = body["id"]
    assert client.get(f"{URL}/{cid}", headers=_h(db, other)).status_code == 404
    assert client.get(f"{URL}/{cid}").status_code == 404
    assert client.get(f"{URL}/{cid}", headers=_h(db, b.make_admin(db))).status_code == 200
    assert [x["id"] for x in client.get(URL).json()["items"]] == []
    assert [x["id"] for x in client.get(URL, headers=_h(db, firm)).json()["items"]] == [cid]


def test_only_verified_firms_and_the_bureau_issue(client: TestClient, db: Session) -> None:
    unverified = b.make_firm_user(db, verified=False)
    assert client.post(URL, json=c.challenge_body(), headers=_h(db, unverified)
                       ).status_code == 403
    assert client.post(URL, json=c.challenge_body(),
                       headers=_h(db, b.make_institute_user(db))).status_code == 403
    assert client.post(URL, json=c.challenge_body(),
                       headers=_h(db, b.make_broker(db))).status_code == 403
    r = client.post(URL, json=c.challenge_body(), headers=_h(db, b.make_admin(db)))
    assert r.status_code == 201 and r.json()["bureau"] is True


def test_publishing_needs_the_milestones_to_add_up_to_prize_plus_top_up(
        client: TestClient, db: Session) -> None:
    firm, admin = b.make_firm_user(db), b.make_admin(db)
    cid = client.post(URL, json=c.challenge_body(), headers=_h(db, firm)).json()["id"]
    r = client.put(f"{URL}/{cid}/top-up", json={"top_up": "200000.00"}, headers=_h(db, admin))
    assert r.status_code == 200 and r.json()["total"] == "1200000.00"
    assert client.put(f"{URL}/{cid}/top-up", json={"top_up": "1.00"},
                      headers=_h(db, firm)).status_code == 403
    r = client.post(f"{URL}/{cid}/transitions", json={"to_status": "published"},
                    headers=_h(db, firm))
    assert r.status_code == 422 and "1200000.00" in r.json()["detail"]
    fixed = c.challenge_body()
    fixed["milestones"][1]["amount"] = "800000.00"
    assert client.put(f"{URL}/{cid}", json=fixed, headers=_h(db, firm)).status_code == 200
    r = client.post(f"{URL}/{cid}/transitions", json={"to_status": "published"},
                    headers=_h(db, firm))
    assert r.status_code == 200 and r.json()["status"] == "published"
    # Published: public, no longer editable, no top-up.
    assert client.get(f"{URL}/{cid}").status_code == 200
    assert client.put(f"{URL}/{cid}", json=fixed, headers=_h(db, firm)).status_code == 409
    assert client.put(f"{URL}/{cid}/top-up", json={"top_up": "1.00"},
                      headers=_h(db, admin)).status_code == 409
    assert _actions(db, cid) == ["challenge.create", "challenge.top_up", "challenge.update",
                                 "challenge.transition"]


def test_the_deadline_must_be_after_today_to_publish(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    body = c.challenge_body(deadline=clock.today())
    cid = client.post(URL, json=body, headers=_h(db, firm)).json()["id"]
    r = client.post(f"{URL}/{cid}/transitions", json={"to_status": "published"},
                    headers=_h(db, firm))
    assert r.status_code == 422 and "deadline" in r.json()["detail"]


def test_milestones_fall_due_after_the_deadline(client: TestClient, db: Session) -> None:
    body = c.challenge_body()
    body["milestones"][0]["due_on"] = body["deadline"]
    r = client.post(URL, json=body, headers=_h(db, b.make_firm_user(db)))
    assert r.status_code == 422


def test_money_is_positive_and_bounded(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    for prize in ("0", "-5.00", "1.001", "100000000000000.00"):
        assert client.post(URL, json=c.challenge_body(prize="1.00") | {"prize": prize},
                           headers=_h(db, firm)).status_code == 422, prize


def test_a_linked_demand_must_be_the_issuers_own(client: TestClient, db: Session) -> None:
    firm, other = b.make_firm_user(db), b.make_firm_user(db)
    theirs = ls.make_demand(db, other)
    mine = ls.make_demand(db, firm)
    r = client.post(URL, json=c.challenge_body(demand_id=theirs.id), headers=_h(db, firm))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "demand_id"
    r = client.post(URL, json=c.challenge_body(demand_id=mine.id), headers=_h(db, firm))
    assert r.status_code == 201 and r.json()["demand_id"] == mine.id


def test_illegal_transitions_are_409_with_the_states_named(client: TestClient,
                                                            db: Session) -> None:
    firm = b.make_firm_user(db)
    cid = client.post(URL, json=c.challenge_body(), headers=_h(db, firm)).json()["id"]
    for target in ("closed", "awarded", "in_delivery", "accepted"):
        r = client.post(f"{URL}/{cid}/transitions", json={"to_status": target},
                        headers=_h(db, firm))
        assert r.status_code == 409, target
        assert "draft" in r.json()["detail"] and target in r.json()["detail"]


def test_only_the_issuer_moves_a_challenge(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    ch = c.make_challenge(db, firm, ChallengeStatus.PUBLISHED)
    for who in (b.make_firm_user(db), b.make_admin(db)):
        r = client.post(f"{URL}/{ch.id}/transitions", json={"to_status": "closed"},
                        headers=_h(db, who))
        assert r.status_code == 403


def test_the_full_path_to_not_awarded_and_terminated_is_audited(client: TestClient,
                                                                db: Session) -> None:
    firm = b.make_firm_user(db)
    ch = c.make_challenge(db, firm, ChallengeStatus.PUBLISHED)
    h = _h(db, firm)
    for target in ("closed", "under_review"):
        assert client.post(f"{URL}/{ch.id}/transitions", json={"to_status": target},
                           headers=h).status_code == 200
    r = client.post(f"{URL}/{ch.id}/selection", json={"awards": []}, headers=h)
    assert r.status_code == 422
    r = client.post(f"{URL}/{ch.id}/selection", json={"reason": "无方案达到指标"}, headers=h)
    assert r.status_code == 200
    assert r.json()["status"] == "not_awarded" and r.json()["outcome_reason"] == "无方案达到指标"
    assert _actions(db, ch.id)[-4:] == ["challenge.transition", "challenge.close",
                                        "challenge.transition", "challenge.not_awarded"]
    # Past challenges stay on the public list with their result.
    listed = client.get(URL, params={"status": "not_awarded"}).json()["items"]
    assert [x["id"] for x in listed] == [ch.id]


def test_a_published_challenge_closes_by_itself_after_the_deadline_day(
        client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    ch = c.make_challenge(db, firm, ChallengeStatus.PUBLISHED)
    ch.deadline = clock.today()
    db.flush()
    assert client.get(f"{URL}/{ch.id}").json()["status"] == "published"  # until midnight
    ch.deadline = clock.today() - timedelta(days=1)
    db.flush()
    r = client.get(URL)
    assert [x["status"] for x in r.json()["items"]] == ["closed"]
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "challenge.close")
                       ).scalar_one()
    assert entry.actor_id is None and entry.after["automatic"] is True


def test_a_bureau_challenge_with_a_top_up_is_decided_by_the_administrators(
        client: TestClient, db: Session) -> None:
    admin, other_admin, firm = b.make_admin(db), b.make_admin(db), b.make_firm_user(db)
    b.make_bureau(db)  # the bureau's organisation: its side of the award's deal
    body = c.challenge_body(prize="500000.00")
    body["milestones"][1]["amount"] = "400000.00"       # 200,000 + 400,000 = prize + top-up
    r = client.post(URL, json=body, headers=_h(db, admin))
    cid = r.json()["id"]
    assert client.put(f"{URL}/{cid}/top-up", json={"top_up": "100000.00"},
                      headers=_h(db, admin)).json()["total"] == "600000.00"
    solver = b.make_institute_user(db)
    h = _h(db, other_admin)  # any administrator acts for the bureau
    assert client.post(f"{URL}/{cid}/transitions", json={"to_status": "published"},
                       headers=h).status_code == 200
    pid = client.post(f"{URL}/{cid}/proposals", json=c.proposal_body(),
                      headers=_h(db, solver)).json()["id"]
    assert client.get(f"{URL}/{cid}/proposals/{pid}", headers=_h(db, firm)).status_code == 404
    for target in ("closed", "under_review"):
        assert client.post(f"{URL}/{cid}/transitions", json={"to_status": target},
                           headers=h).status_code == 200
    # A firm may not decide a bureau challenge.
    choice = {"awards": [{"proposal_id": pid, "amount": "600000.00", "reason": "唯一达标方案"}]}
    assert client.post(f"{URL}/{cid}/selection", json=choice,
                       headers=_h(db, firm)).status_code == 403
    r = client.post(f"{URL}/{cid}/selection", json=choice, headers=h)
    assert r.status_code == 200 and r.json()["awards"][0]["amount"] == "600000.00"
    ms = client.get(f"{URL}/{cid}/milestones", headers=_h(db, solver)).json()
    assert [m["amount"] for m in ms] == ["200000.00", "400000.00"]
