"""Consent before disclosure, for deals: opening a deal on an anonymous or private demand is a
request the firm accepts before anyone learns whose demand it is, and a demand assignment
that came from a deal ends with the deal.

Each test here failed on the code before the fix: opening a deal returned the anonymous
demand's organisation to the broker, assigned them to the demand for good (contacts in the
detail and the export, even after cancelling), and the owning firm could not assign brokers.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.audit.models import AuditEntry
from backend.deals.models import Notification
from backend.listings import lookup
from backend.listings.models import DemandStatus, Visibility
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import listings as lb

ANONYMOUS = "匿名企业 Anonymous firm"


def _org_name(db: Session, user: User) -> str:
    org = db.get(Organisation, user.organisation_id)
    assert org is not None
    return org.name


def _open(client: TestClient, broker: b.Login, demand_id: int, achievement_id: int
          ) -> dict[str, Any]:
    r = client.post("/api/v1/deals", json={"demand_id": demand_id,
                                           "achievement_id": achievement_id},
                    headers=broker.headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _status(db: Session, demand_id: int) -> DemandStatus:
    db.expire_all()  # the requests ran in units of work of their own
    return lookup.demand_brief(db, demand_id).status


def _assigned(db: Session, demand_id: int, broker_id: int) -> bool:
    return lookup.is_assigned_broker(db, demand_id, broker_id)


def _kinds(db: Session, user: User) -> list[str]:
    db.flush()
    return list(db.execute(select(Notification.kind).where(Notification.user_id == user.id)
                           .order_by(Notification.id)).scalars())


def _what_the_broker_sees(client: TestClient, broker: b.Login, demand_id: int
                          ) -> tuple[int, str | None, str]:
    """(detail status, poster named in the detail, the export's text)."""
    detail = client.get(f"/api/v1/demands/{demand_id}", headers=broker.headers)
    export = client.get("/api/v1/demands/export", headers=broker.headers)
    assert export.status_code == 200
    name = detail.json()["party"]["name"] if detail.status_code == 200 else None
    return detail.status_code, name, export.content.decode("utf-8-sig")


def _world(db: Session, **demand: Any) -> tuple[User, User, Any, Any, b.Login]:
    firm, institute = b.make_firm_user(db), b.make_institute_user(db)
    d_ = d.make_demand(db, firm, **demand)
    a_ = d.make_achievement(db, institute)
    broker = b.login_as(db, b.make_broker(db))
    return firm, institute, d_, a_, broker


def test_a_deal_on_an_anonymous_demand_is_a_request_that_reveals_nothing(
        client: TestClient, db: Session) -> None:
    firm, institute, demand, achievement, broker = _world(db, anonymous=True)
    firm_name = _org_name(db, firm)

    deal = _open(client, broker, demand.id, achievement.id)

    assert deal["stage"] == "requested"
    assert deal["demand"]["organisation"] is None
    assert deal["allowed_next"] == ["cancelled"]
    [summary] = client.get("/api/v1/deals", headers=broker.headers).json()["items"]
    assert summary["demand_organisation"] is None
    status, shown, export = _what_the_broker_sees(client, broker, demand.id)
    assert (status, shown) == (200, ANONYMOUS)
    assert firm_name not in export
    assert not _assigned(db, demand.id, broker.user.id)
    # The listing is left as it was: no one is negotiating until the firm says so.
    assert _status(db, demand.id) == DemandStatus.PUBLISHED
    # The achievement's side is not involved yet; the firm is asked.
    inst = b.login_as(db, institute)
    assert client.get(f"/api/v1/deals/{deal['id']}", headers=inst.headers).status_code == 404
    assert client.get("/api/v1/deals", headers=inst.headers).json()["total"] == 0
    assert _kinds(db, institute) == []
    assert _kinds(db, firm) == ["deal.requested"]
    seen = client.get(f"/api/v1/deals/{deal['id']}", headers=b.login_as(db, firm).headers).json()
    assert (seen["relation"], seen["stage"], seen["achievement"]["listing_id"]) == (
        "demand_party", "requested", achievement.id)
    assert [x["broker_id"] for x in seen["brokers"]] == [broker.user.id]
    actions = db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "deal", AuditEntry.object_id == str(deal["id"]))
        .order_by(AuditEntry.id)).scalars().all()
    assert actions == ["deal.request"]


def test_the_firm_accepting_the_request_introduces_the_parties_and_admits_the_broker(
        client: TestClient, db: Session) -> None:
    firm, institute, demand, achievement, broker = _world(db, anonymous=True)
    deal = _open(client, broker, demand.id, achievement.id)

    r = client.post(f"/api/v1/deals/{deal['id']}/accept", headers=b.login_as(db, firm).headers)

    assert r.status_code == 200, r.text
    assert (r.json()["stage"], r.json()["demand"]["acceptance"],
            r.json()["achievement"]["acceptance"]) == ("introduced", "accepted", "pending")
    seen = client.get(f"/api/v1/deals/{deal['id']}", headers=broker.headers).json()
    assert seen["demand"]["organisation"]["name"] == _org_name(db, firm)
    assert _what_the_broker_sees(client, broker, demand.id)[1] == _org_name(db, firm)
    assert _status(db, demand.id) == DemandStatus.IN_NEGOTIATION
    # Now the achievement's side is asked, still without learning who the firm is.
    assert _kinds(db, institute) == ["deal.introduced"]
    assert _kinds(db, broker.user) == ["deal.request_accepted"]
    theirs = client.get(f"/api/v1/deals/{deal['id']}", headers=b.login_as(db, institute).headers)
    assert theirs.status_code == 200 and theirs.json()["demand"]["organisation"] is None


def test_declining_the_request_cancels_it_and_admits_no_one(client: TestClient,
                                                            db: Session) -> None:
    firm, institute, demand, achievement, broker = _world(db, anonymous=True)
    deal = _open(client, broker, demand.id, achievement.id)

    r = client.post(f"/api/v1/deals/{deal['id']}/decline", json={"reason": "暂不考虑"},
                    headers=b.login_as(db, firm).headers)

    assert r.status_code == 200 and r.json()["stage"] == "cancelled"
    seen = client.get(f"/api/v1/deals/{deal['id']}", headers=broker.headers).json()
    assert seen["demand"]["organisation"] is None
    assert _what_the_broker_sees(client, broker, demand.id)[1] == ANONYMOUS
    assert not _assigned(db, demand.id, broker.user.id)
    assert _status(db, demand.id) == DemandStatus.PUBLISHED
    assert _kinds(db, institute) == []
    assert _kinds(db, broker.user) == ["deal.stage"]


def test_a_request_on_a_private_demand_waits_for_the_firm_too(client: TestClient,
                                                              db: Session) -> None:
    _, _, demand, achievement, broker = _world(db, visibility=Visibility.PRIVATE)
    lb.assign(db, demand, broker.user)  # the firm let this broker see it
    deal = _open(client, broker, demand.id, achievement.id)
    assert deal["stage"] == "requested"
    r = client.post(f"/api/v1/deals/{deal['id']}/transitions",
                    json={"to_stage": "introduced"}, headers=broker.headers)
    assert r.status_code == 409
    helper = b.make_broker(db)
    r = client.post(f"/api/v1/deals/{deal['id']}/brokers",
                    json={"broker_id": helper.id,
                          "shares": {str(broker.user.id): "50", str(helper.id): "50"}},
                    headers=broker.headers)
    assert r.status_code == 409 and r.json()["current_stage"] == "requested"


def test_a_deal_assignment_ends_with_the_deal(client: TestClient, db: Session) -> None:
    """Before: the broker stayed assigned after cancelling, with the firm's name and contacts
    in the detail and the export."""
    firm, _, demand, achievement, broker = _world(db, anonymous=True)
    deal = _open(client, broker, demand.id, achievement.id)
    client.post(f"/api/v1/deals/{deal['id']}/accept", headers=b.login_as(db, firm).headers)
    assert _assigned(db, demand.id, broker.user.id)

    r = client.post(f"/api/v1/deals/{deal['id']}/transitions",
                    json={"to_stage": "cancelled", "reason": "买方另有安排"},
                    headers=broker.headers)

    assert r.status_code == 200
    assert not _assigned(db, demand.id, broker.user.id)
    status, shown, export = _what_the_broker_sees(client, broker, demand.id)
    assert (status, shown) == (200, ANONYMOUS)
    assert _org_name(db, firm) not in export and firm.username not in export
    actions = db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "demand", AuditEntry.object_id == str(demand.id),
        AuditEntry.action.like("demand.%assign_broker")).order_by(AuditEntry.id)).scalars().all()
    assert actions == ["demand.assign_broker", "demand.unassign_broker"]


def test_a_private_demand_is_hidden_again_when_its_deal_is_lost(client: TestClient,
                                                                db: Session) -> None:
    w = d.deal_at(db, d.Stage.NEGOTIATING)
    demand = w.demand
    demand.visibility = Visibility.PRIVATE
    db.flush()
    lead = b.login_as(db, w.lead)
    assert client.get(f"/api/v1/demands/{demand.id}", headers=lead.headers).status_code == 200
    d.move(db, w, d.Stage.LOST, "客户另选方案")
    assert client.get(f"/api/v1/demands/{demand.id}", headers=lead.headers).status_code == 404


def test_an_assignment_by_the_firm_outlives_the_deal_and_another_open_deal_keeps_its_own(
        client: TestClient, db: Session) -> None:
    firm, institute, demand, achievement, broker = _world(db, anonymous=True)
    other = d.make_achievement(db, institute)
    firm_login = b.login_as(db, firm)
    first = _open(client, broker, demand.id, achievement.id)
    second = _open(client, broker, demand.id, other.id)
    for deal in (first, second):
        client.post(f"/api/v1/deals/{deal['id']}/accept", headers=firm_login.headers)
    client.post(f"/api/v1/deals/{first['id']}/transitions",
                json={"to_stage": "lost", "reason": "未谈成"}, headers=broker.headers)
    assert _assigned(db, demand.id, broker.user.id)  # the second deal holds it
    # The firm makes the assignment its own: it now outlives the second deal too.
    r = client.post(f"/api/v1/demands/{demand.id}/brokers", json={"broker_id": broker.user.id},
                    headers=firm_login.headers)
    assert r.status_code == 200 and r.json()["assigned_broker_ids"] == [broker.user.id]
    client.post(f"/api/v1/deals/{second['id']}/transitions",
                json={"to_stage": "cancelled", "reason": "终止"}, headers=broker.headers)
    assert _assigned(db, demand.id, broker.user.id)


def test_the_owning_firm_assigns_and_unassigns_brokers(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    demand = d.make_demand(db, firm, visibility=Visibility.PRIVATE, anonymous=True)
    broker = b.login_as(db, b.make_broker(db))
    owner = b.login_as(db, firm)
    assert client.get(f"/api/v1/demands/{demand.id}", headers=broker.headers).status_code == 404

    r = client.post(f"/api/v1/demands/{demand.id}/brokers", json={"broker_id": broker.user.id},
                    headers=owner.headers)
    assert r.status_code == 200 and r.json()["assigned_broker_ids"] == [broker.user.id]
    seen = client.get(f"/api/v1/demands/{demand.id}", headers=broker.headers)
    assert seen.status_code == 200 and seen.json()["party"]["name"] == _org_name(db, firm)

    # Another firm does not see the private demand; brokers and institutes may never assign.
    for outsider, refused in ((b.make_firm_user(db), 404), (broker.user, 403),
                              (b.make_institute_user(db), 403)):
        r = client.post(f"/api/v1/demands/{demand.id}/brokers",
                        json={"broker_id": broker.user.id},
                        headers=b.login_as(db, outsider).headers)
        assert r.status_code == refused, outsider.role

    r = client.delete(f"/api/v1/demands/{demand.id}/brokers/{broker.user.id}",
                      headers=owner.headers)
    assert r.status_code == 200 and r.json()["assigned_broker_ids"] == []
    assert client.get(f"/api/v1/demands/{demand.id}", headers=broker.headers).status_code == 404
