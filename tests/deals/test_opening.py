"""Opening a deal: who may, on which listings, and one open deal per pair."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.models import AuditEntry
from backend.core.errors import Conflict
from backend.deals import opening, pipeline
from backend.deals.models import BrokerRole, BrokerStatus, DealBroker, Stage
from backend.listings import lookup
from backend.listings.models import (
    AchievementStatus,
    Demand,
    DemandBroker,
    DemandStatus,
    Visibility,
)
from tests.builders import accounts as b
from tests.builders import deals as d


def _firm_user(db: Session, demand_id: int) -> User:
    return db.execute(select(User).join(Demand, Demand.created_by_id == User.id)
                      .where(Demand.id == demand_id)).scalar_one()


def _pair(db: Session, **demand: object) -> tuple[int, int]:
    firm, institute = b.make_firm_user(db), b.make_institute_user(db)
    return (d.make_demand(db, firm, **demand).id,  # type: ignore[arg-type]
            d.make_achievement(db, institute).id)


def test_a_verified_broker_opens_a_deal_and_leads_it_with_100_percent(
        client: TestClient, db: Session) -> None:
    demand_id, achievement_id = _pair(db)
    broker = b.login_as(db, b.make_broker(db))
    r = client.post("/api/v1/deals", json={"demand_id": demand_id,
                                           "achievement_id": achievement_id},
                    headers=broker.headers)
    assert r.status_code == 201
    body = r.json()
    assert body["stage"] == "introduced"
    assert body["relation"] == "lead"
    assert body["demand"]["acceptance"] == body["achievement"]["acceptance"] == "pending"
    assert [(x["broker_id"], x["role"], x["status"], x["share"]) for x in body["brokers"]] == [
        (broker.user.id, "lead", "active", "100.00")]
    demand = lookup.demand_brief(db, demand_id)
    assert demand.status == DemandStatus.IN_NEGOTIATION
    # Assigned to the demand only once the firm accepts (and until the deal ends).
    assert not lookup.is_assigned_broker(db, demand_id, broker.user.id)
    firm = b.login_as(db, _firm_user(db, demand_id))
    assert client.post(f"/api/v1/deals/{body['id']}/accept", headers=firm.headers).status_code \
        == 200
    assert lookup.is_assigned_broker(db, demand_id, broker.user.id)
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "deal.open")).scalar_one()
    assert entry.after is not None and entry.after["lead_broker_id"] == broker.user.id


@pytest.mark.parametrize("who", ["unverified_broker", "firm", "institute", "admin"])
def test_only_verified_brokers_open_deals(client: TestClient, db: Session, who: str) -> None:
    demand_id, achievement_id = _pair(db)
    user = {"unverified_broker": lambda: b.make_broker(db, verified=False),
            "firm": lambda: b.make_firm_user(db), "institute": lambda: b.make_institute_user(db),
            "admin": lambda: b.make_admin(db)}[who]()
    r = client.post("/api/v1/deals", json={"demand_id": demand_id,
                                           "achievement_id": achievement_id},
                    headers=b.login_as(db, user).headers)
    assert r.status_code == 403


def test_anonymous_cannot_open(client: TestClient, db: Session) -> None:
    demand_id, achievement_id = _pair(db)
    r = client.post("/api/v1/deals", json={"demand_id": demand_id,
                                           "achievement_id": achievement_id})
    assert r.status_code == 401


@pytest.mark.parametrize(("demand", "status"), [
    ({"hidden": True}, 404),
    ({"status": DemandStatus.DRAFT}, 404),
    ({"status": DemandStatus.WITHDRAWN}, 404),
    ({"visibility": Visibility.PRIVATE}, 404),
    ({"status": DemandStatus.FULFILLED}, 409),
    ({"status": DemandStatus.EXPIRED}, 409),
    ({"visibility": Visibility.BROKERS}, 201),
    ({"anonymous": True}, 201),
    ({"status": DemandStatus.IN_NEGOTIATION}, 201),
])
def test_the_demand_must_be_visible_to_the_broker_and_open(
        client: TestClient, db: Session, demand: dict[str, object], status: int) -> None:
    demand_id, achievement_id = _pair(db, **demand)
    broker = b.login_as(db, b.make_broker(db))
    r = client.post("/api/v1/deals", json={"demand_id": demand_id,
                                           "achievement_id": achievement_id},
                    headers=broker.headers)
    assert r.status_code == status


def test_a_private_demand_is_open_to_its_assigned_broker(client: TestClient, db: Session) -> None:
    demand_id, achievement_id = _pair(db, visibility=Visibility.PRIVATE)
    broker = b.login_as(db, b.make_broker(db))
    db.add(DemandBroker(demand_id=demand_id, broker_id=broker.user.id))
    db.flush()
    r = client.post("/api/v1/deals", json={"demand_id": demand_id,
                                           "achievement_id": achievement_id},
                    headers=broker.headers)
    assert r.status_code == 201 and r.json()["stage"] == "requested"


@pytest.mark.parametrize(("achievement", "status"), [
    ({"hidden": True}, 404), ({"status": AchievementStatus.DRAFT}, 404),
    ({"status": AchievementStatus.WITHDRAWN}, 404),
    ({"status": AchievementStatus.TRANSFERRED}, 409)])
def test_the_achievement_must_be_visible_and_published(
        client: TestClient, db: Session, achievement: dict[str, object], status: int) -> None:
    firm, institute = b.make_firm_user(db), b.make_institute_user(db)
    demand = d.make_demand(db, firm)
    item = d.make_achievement(db, institute, **achievement)  # type: ignore[arg-type]
    broker = b.login_as(db, b.make_broker(db))
    r = client.post("/api/v1/deals", json={"demand_id": demand.id, "achievement_id": item.id},
                    headers=broker.headers)
    assert r.status_code == status


def test_missing_listings_are_404(client: TestClient, db: Session) -> None:
    demand_id, achievement_id = _pair(db)
    broker = b.login_as(db, b.make_broker(db))
    for body in ({"demand_id": 999_999, "achievement_id": achievement_id},
                 {"demand_id": demand_id, "achievement_id": 999_999}):
        assert client.post("/api/v1/deals", json=body, headers=broker.headers).status_code == 404


def test_both_listings_must_come_from_different_organisations(client: TestClient,
                                                              db: Session) -> None:
    firm = b.make_firm_user(db)
    demand = d.make_demand(db, firm)
    achievement = d.make_achievement(db, firm)
    broker = b.login_as(db, b.make_broker(db))
    r = client.post("/api/v1/deals", json={"demand_id": demand.id,
                                           "achievement_id": achievement.id},
                    headers=broker.headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "achievement_id"


def test_a_pair_has_one_open_deal_and_a_second_broker_gets_409(client: TestClient,
                                                               db: Session) -> None:
    w = d.open_world(db)
    rival = b.login_as(db, b.make_broker(db))
    body = {"demand_id": w.demand.id, "achievement_id": w.achievement.id}
    r = client.post("/api/v1/deals", json=body, headers=rival.headers)
    assert r.status_code == 409
    assert f"/deals/{w.id}" not in r.text
    d.move(db, w, Stage.LOST, "对方预算不足")
    r = client.post("/api/v1/deals", json=body, headers=rival.headers)
    assert r.status_code == 201


def test_a_race_for_the_same_pair_is_409_not_500(db: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    w = d.open_world(db)
    rival = d.with_profile(db, b.make_broker(db))
    monkeypatch.setattr(opening, "_pair_is_free", lambda session, key: True)
    with pytest.raises(Conflict, match="already have an open deal"):
        opening.open_deal(db, d.actor(rival), rival, w.demand.id, w.achievement.id)


def test_a_demand_in_one_deal_may_get_another_with_a_different_achievement(
        db: Session) -> None:
    w = d.open_world(db)
    other = d.make_achievement(db, b.make_institute_user(db))
    second = opening.open_deal(db, d.actor(w.lead), w.lead, w.demand.id, other.id)
    assert second.stage == Stage.INTRODUCED
    # Ending one of them keeps the demand in negotiation while the other is open.
    d.move(db, w, Stage.CANCELLED, "需求方改选其他成果")
    assert lookup.demand_brief(db, w.demand.id).status == DemandStatus.IN_NEGOTIATION
    pipeline.transition(db, d.actor(w.lead), d.reload(db, second.id), Stage.LOST, "未谈成")
    assert lookup.demand_brief(db, w.demand.id).status == DemandStatus.PUBLISHED


def test_lead_row(db: Session) -> None:
    w = d.open_world(db)
    row = db.execute(select(DealBroker).where(DealBroker.deal_id == w.id)).scalar_one()
    assert (row.broker_id, row.role, row.status, str(row.share)) == (
        w.lead.id, BrokerRole.LEAD, BrokerStatus.ACTIVE, "100.00")
    assert row.joined_at is not None
