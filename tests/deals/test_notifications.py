"""In-app notifications to the parties and brokers on each stage change."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.core.permissions import Role
from backend.deals.models import Notification, Stage
from tests.builders import accounts as b
from tests.builders import deals as d


def _kinds(db: Session, user: User) -> list[str]:
    return list(db.execute(select(Notification.kind).where(Notification.user_id == user.id)
                           .order_by(Notification.id)).scalars())


def test_opening_notifies_both_parties_not_the_broker(db: Session) -> None:
    w = d.open_world(db)
    assert _kinds(db, w.firm) == ["deal.introduced"]
    assert _kinds(db, w.institute) == ["deal.introduced"]
    assert _kinds(db, w.lead) == []


def test_every_stage_change_reaches_the_parties_and_the_other_brokers(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.INTRODUCED, ready=True)
    helper = b.make_broker(db)
    lead = b.login_as(db, w.lead)
    client.post(f"/api/v1/deals/{w.id}/brokers",
                json={"broker_id": helper.id, "shares": {str(w.lead.id): "50",
                                                         str(helper.id): "50"}},
                headers=lead.headers)
    client.post(f"/api/v1/deals/{w.id}/invitation/accept", headers=b.login_as(db, helper).headers)
    colleague = b.make_user(db, Role.FIRM, db.get(Organisation, w.firm.organisation_id))
    retired = b.make_user(db, Role.FIRM, db.get(Organisation, w.firm.organisation_id))
    retired.is_active = False
    db.flush()
    r = client.post(f"/api/v1/deals/{w.id}/transitions",
                    json={"to_stage": "negotiating", "reason": "约定面谈"}, headers=lead.headers)
    assert r.status_code == 200
    db.expire_all()
    stage = {u: db.execute(select(Notification).where(
        Notification.user_id == u.id, Notification.kind == "deal.stage")).scalars().all()
        for u in (w.firm, colleague, retired, w.institute, helper, w.lead)}
    assert [len(stage[u]) for u in (w.firm, colleague, retired, w.institute, helper, w.lead)] == [
        1, 1, 0, 1, 1, 0]
    note = stage[w.institute][0]
    assert note.deal_id == w.id
    assert note.title == f"撮合项目 #{w.id}：进入「洽谈中」阶段 moved to negotiating"
    assert note.body == "约定面谈"


def test_notifications_never_name_an_anonymous_demands_organisation(db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING, anonymous=True)
    org = db.get(Organisation, w.firm.organisation_id)
    assert org is not None
    rows = db.execute(select(Notification).where(Notification.user_id == w.institute.id)
                      ).scalars().all()
    # introduced (once the firm accepted the request, before which the institute is not
    # involved), negotiating
    assert [n.kind for n in rows] == ["deal.introduced", "deal.stage"]
    assert all(org.name not in n.title + n.body for n in rows)


def test_a_user_lists_their_own_unread_first_and_marks_them_read(client: TestClient,
                                                                 db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    firm = b.login_as(db, w.firm)
    r = client.get("/api/v1/notifications", headers=firm.headers)
    assert r.status_code == 200
    body = r.json()
    # introduced, institute accepted, negotiating, the contract awaits confirmation, the
    # institute confirmed it, signed
    assert (body["total"], body["unread"]) == (6, 6)
    oldest = body["items"][-1]
    assert oldest["kind"] == "deal.introduced"
    r = client.post(f"/api/v1/notifications/{oldest['id']}/read", headers=firm.headers)
    assert r.status_code == 200 and r.json()["read_at"] is not None
    r = client.post(f"/api/v1/notifications/{oldest['id']}/read", headers=firm.headers)
    assert r.status_code == 200  # idempotent
    body = client.get("/api/v1/notifications", headers=firm.headers).json()
    assert body["unread"] == 5
    assert [n["read_at"] is None for n in body["items"]] == [True] * 5 + [False]
    page = client.get("/api/v1/notifications", params={"page": 2, "page_size": 5},
                      headers=firm.headers).json()
    assert [n["id"] for n in page["items"]] == [oldest["id"]]
    unread = client.get("/api/v1/notifications", params={"unread_only": True},
                        headers=firm.headers).json()
    assert unread["total"] == 5
    r = client.post("/api/v1/notifications/read-all", headers=firm.headers)
    assert r.json() == {"marked": 5}
    assert client.get("/api/v1/notifications", headers=firm.headers).json()["unread"] == 0


def test_someone_elses_notification_is_not_found(client: TestClient, db: Session) -> None:
    w = d.open_world(db)
    theirs = db.execute(select(Notification.id).where(Notification.user_id == w.firm.id)
                        ).scalar_one()
    for user in (w.institute, w.lead, b.make_admin(db)):
        r = client.post(f"/api/v1/notifications/{theirs}/read",
                        headers=b.login_as(db, user).headers)
        assert r.status_code == 404
    listed = client.get("/api/v1/notifications", headers=b.login_as(db, w.lead).headers).json()
    assert listed["total"] == 0


def test_anonymous_is_401(client: TestClient, db: Session) -> None:
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/1/read").status_code == 401
    assert client.post("/api/v1/notifications/read-all").status_code == 401


def test_an_invitation_notifies_the_invitee(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper = b.make_broker(db)
    client.post(f"/api/v1/deals/{w.id}/brokers",
                json={"broker_id": helper.id, "shares": {str(w.lead.id): "80",
                                                         str(helper.id): "20"}},
                headers=b.login_as(db, w.lead).headers)
    db.expire_all()
    assert _kinds(db, helper) == ["deal.invitation"]
    client.post(f"/api/v1/deals/{w.id}/invitation/decline", headers=b.login_as(db, helper).headers)
    db.expire_all()
    assert _kinds(db, w.lead)[-1] == "deal.invitation_declined"
