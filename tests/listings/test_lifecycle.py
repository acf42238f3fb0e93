"""Posting, editing, publishing, withdrawing, closing, hiding and assigning — who may, in
which status, and that every change is audited and sent to the matcher."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.audit.models import AuditEntry
from backend.core import clock, jobs
from backend.listings import lookup
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandStatus,
    Visibility,
)
from tests.builders import accounts as b
from tests.builders import listings as lb


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """The jobs sent after each commit (instead of running them)."""
    calls: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(jobs, "send", lambda pending: calls.extend((n, a) for n, a, _ in pending))
    yield calls


def _actions(db: Session, object_type: str, object_id: int) -> list[str]:
    return list(db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.seq)).scalars())


# --- demands -------------------------------------------------------------------------------

def test_a_demand_from_draft_to_withdrawn_is_audited_and_indexed(
        client: TestClient, db: Session, sent: list[tuple[str, tuple[Any, ...]]]) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    admin = b.login_as(db, b.make_admin(db))
    r = client.post("/api/v1/demands", json=lb.demand_body(db), headers=firm.headers)
    assert r.status_code == 201
    body = r.json()
    demand_id = body["id"]
    assert body["status"] == "draft" and body["published_at"] is None and body["mine"] is True
    assert body["modes"] == ["development", "joint_rd"]
    assert body["budget_min"] == "200000.00"
    assert body["field"]["code"] == "new_energy.storage"
    assert client.get(f"/api/v1/demands/{demand_id}").status_code == 404  # drafts are private

    r = client.patch(f"/api/v1/demands/{demand_id}", json={"budget_max": "900000", "min_trl": None},
                     headers=firm.headers)
    assert r.status_code == 200
    assert r.json()["budget_max"] == "900000.00" and r.json()["min_trl"] is None
    r = client.post(f"/api/v1/demands/{demand_id}/publish", headers=firm.headers)
    assert r.status_code == 200
    assert r.json()["status"] == "published" and r.json()["published_at"] is not None
    assert client.get(f"/api/v1/demands/{demand_id}").status_code == 200

    r = client.post(f"/api/v1/demands/{demand_id}/hide", json={"reason": "含联系方式广告"},
                    headers=admin.headers)
    assert r.status_code == 200 and r.json()["hidden"] is True
    assert client.get(f"/api/v1/demands/{demand_id}").status_code == 404
    mine = client.get(f"/api/v1/demands/{demand_id}", headers=firm.headers).json()
    assert mine["hidden_reason"] == "含联系方式广告"
    assert client.post(f"/api/v1/demands/{demand_id}/unhide", headers=admin.headers
                       ).status_code == 200
    assert client.get(f"/api/v1/demands/{demand_id}").status_code == 200

    r = client.post(f"/api/v1/demands/{demand_id}/withdraw", headers=firm.headers)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/demands/{demand_id}").status_code == 404

    assert _actions(db, "demand", demand_id) == [
        "demand.create", "demand.update", "demand.publish", "demand.hide", "demand.unhide",
        "demand.withdraw"]
    update = db.execute(select(AuditEntry).where(AuditEntry.action == "demand.update",
                                                 AuditEntry.object_id == str(demand_id))
                        ).scalar_one()
    assert update.before == {"budget_max": "800000.00", "min_trl": 4}
    assert update.after == {"budget_max": "900000.00", "min_trl": None}
    assert sent == [("matching.index_listing", ("demand", demand_id))] * 6
    assert audit.verify(db).ok


def test_a_transition_the_lifecycle_does_not_allow_is_409_naming_what_is(
        client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    demand = lb.make_demand(db, firm.user, status=DemandStatus.PUBLISHED)
    r = client.post(f"/api/v1/demands/{demand.id}/publish", headers=firm.headers)
    assert r.status_code == 409
    assert r.json()["current_status"] == "published"
    assert r.json()["allowed_next"] == ["in_negotiation", "fulfilled", "closed", "expired",
                                        "withdrawn"]
    assert "已发布 published" in r.json()["detail"]
    assert client.post(f"/api/v1/demands/{demand.id}/close", headers=firm.headers
                       ).json()["status"] == "closed"
    r = client.post(f"/api/v1/demands/{demand.id}/withdraw", headers=firm.headers)
    assert r.status_code == 409
    assert r.json()["current_status"] == "closed" and r.json()["allowed_next"] == []
    r = client.patch(f"/api/v1/demands/{demand.id}", json={"title": "新标题"}, headers=firm.headers)
    assert r.status_code == 409
    assert r.json()["current_status"] == "closed"
    draft = lb.make_demand(db, firm.user, status=DemandStatus.DRAFT)
    r = client.post(f"/api/v1/demands/{draft.id}/close", headers=firm.headers)
    assert r.status_code == 409
    assert r.json()["allowed_next"] == ["published", "withdrawn"]


def test_an_unverified_firm_saves_drafts_but_cannot_publish(client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db, verified=False))
    r = client.post("/api/v1/demands", json=lb.demand_body(db), headers=firm.headers)
    assert r.status_code == 201
    r = client.post(f"/api/v1/demands/{r.json()['id']}/publish", headers=firm.headers)
    assert r.status_code == 409
    assert "认证" in r.json()["detail"] and r.json()["verification_status"] == "pending"
    before = db.execute(select(func.count()).select_from(Demand)).scalar_one()
    r = client.post("/api/v1/demands", json=lb.demand_body(db, publish=True), headers=firm.headers)
    assert r.status_code == 409
    assert db.execute(select(func.count()).select_from(Demand)).scalar_one() == before


def test_a_verified_firm_may_post_and_publish_at_once(client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    r = client.post("/api/v1/demands", json=lb.demand_body(db, publish=True), headers=firm.headers)
    assert r.status_code == 201 and r.json()["status"] == "published"
    assert _actions(db, "demand", r.json()["id"]) == ["demand.create", "demand.publish"]


def test_who_may_post_a_demand(client: TestClient, db: Session) -> None:
    body = lb.demand_body(db)
    assert client.post("/api/v1/demands", json=body).status_code == 401
    for user in (b.make_institute_user(db), b.make_broker(db), b.make_admin(db)):
        r = client.post("/api/v1/demands", json=body, headers=b.login_as(db, user).headers)
        assert r.status_code == 403, user.role


def test_only_the_owner_changes_a_demand(client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    public = lb.make_demand(db, owner)
    draft = lb.make_demand(db, owner, status=DemandStatus.DRAFT)
    other = b.login_as(db, b.make_firm_user(db))
    admin = b.login_as(db, b.make_admin(db))
    institute = b.login_as(db, b.make_institute_user(db))
    change = {"title": "改掉别人的需求"}
    for verb in ("publish", "withdraw", "close"):
        assert client.post(f"/api/v1/demands/{public.id}/{verb}").status_code == 401
        assert client.post(f"/api/v1/demands/{draft.id}/{verb}",
                           headers=other.headers).status_code == 404
        assert client.post(f"/api/v1/demands/{public.id}/{verb}",
                           headers=other.headers).status_code == 403
        assert client.post(f"/api/v1/demands/{public.id}/{verb}",
                           headers=admin.headers).status_code == 403
    assert client.patch(f"/api/v1/demands/{public.id}", json=change).status_code == 401
    assert client.patch(f"/api/v1/demands/{draft.id}", json=change,
                        headers=other.headers).status_code == 404  # cannot see it at all
    assert client.patch(f"/api/v1/demands/{public.id}", json=change,
                        headers=other.headers).status_code == 403  # sees it, not theirs
    assert client.patch(f"/api/v1/demands/{public.id}", json=change,
                        headers=admin.headers).status_code == 403
    assert client.patch(f"/api/v1/demands/{public.id}", json=change,
                        headers=institute.headers).status_code == 403
    assert client.patch("/api/v1/demands/999999", json=change,
                        headers=b.login_as(db, owner).headers).status_code == 404
    db.refresh(public)
    assert public.title != change["title"] and public.status == DemandStatus.PUBLISHED


def test_an_expired_demand_is_published_again_after_moving_its_deadline(
        client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    demand = lb.make_demand(db, firm.user, status=DemandStatus.EXPIRED)
    demand.deadline = clock.today() - timedelta(days=3)
    db.flush()
    r = client.post(f"/api/v1/demands/{demand.id}/publish", headers=firm.headers)
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "deadline"
    new_deadline = (clock.today() + timedelta(days=30)).isoformat()
    r = client.patch(f"/api/v1/demands/{demand.id}", json={"deadline": new_deadline},
                     headers=firm.headers)
    assert r.status_code == 200 and r.json()["status"] == "expired"
    r = client.post(f"/api/v1/demands/{demand.id}/publish", headers=firm.headers)
    assert r.status_code == 200 and r.json()["status"] == "published"


def test_only_administrators_hide_and_a_reason_is_required(client: TestClient, db: Session) -> None:
    owner = b.login_as(db, b.make_firm_user(db))
    demand = lb.make_demand(db, owner.user)
    admin = b.login_as(db, b.make_admin(db))
    url = f"/api/v1/demands/{demand.id}/hide"
    assert client.post(url, json={"reason": "违规"}).status_code == 401
    for who in (owner, b.login_as(db, b.make_broker(db))):
        assert client.post(url, json={"reason": "违规"}, headers=who.headers).status_code == 403
    assert client.post(url, json={}, headers=admin.headers).status_code == 422
    r = client.post(url, json={"reason": "  "}, headers=admin.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    assert client.post(url, json={"reason": "虚假信息"}, headers=admin.headers).status_code == 200
    assert client.post(url, json={"reason": "虚假信息"}, headers=admin.headers).status_code == 409
    assert client.post(f"/api/v1/demands/{demand.id}/unhide", headers=owner.headers
                       ).status_code == 403
    assert client.post("/api/v1/demands/999999/hide", json={"reason": "x"},
                       headers=admin.headers).status_code == 404
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "demand.hide")).scalar_one()
    assert entry.after == {"hidden": True, "reason": "虚假信息"}
    assert entry.actor_id == admin.user.id


def test_an_assigned_broker_sees_a_private_anonymous_demand(client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    demand = lb.make_demand(db, owner, visibility=Visibility.PRIVATE, anonymous=True)
    broker = b.login_as(db, b.make_broker(db))
    admin = b.login_as(db, b.make_admin(db))
    url = f"/api/v1/demands/{demand.id}/brokers"
    assert client.get(f"/api/v1/demands/{demand.id}", headers=broker.headers).status_code == 404
    assert client.post(url, json={"broker_id": broker.user.id}).status_code == 401
    assert client.post(url, json={"broker_id": broker.user.id},
                       headers=broker.headers).status_code == 403
    r = client.post(url, json={"broker_id": broker.user.id}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["assigned_broker_ids"] == [broker.user.id]
    r = client.post(url, json={"broker_id": broker.user.id}, headers=admin.headers)
    assert r.json()["assigned_broker_ids"] == [broker.user.id]  # assigning twice is harmless
    r = client.get(f"/api/v1/demands/{demand.id}", headers=broker.headers)
    assert r.status_code == 200
    assert r.json()["party"]["organisation_id"] == owner.organisation_id
    assert r.json()["assigned_broker_ids"] is None  # only for the owner and administrators
    unverified = b.make_broker(db, verified=False)
    r = client.post(url, json={"broker_id": unverified.id}, headers=admin.headers)
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "broker_id"
    r = client.post(url, json={"broker_id": owner.id}, headers=admin.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "broker_id"
    r = client.delete(f"{url}/{broker.user.id}", headers=admin.headers)
    assert r.status_code == 200 and r.json()["assigned_broker_ids"] == []
    assert client.get(f"/api/v1/demands/{demand.id}", headers=broker.headers).status_code == 404
    assert client.delete(f"{url}/{broker.user.id}", headers=admin.headers).status_code == 404
    assert _actions(db, "demand", demand.id) == ["demand.assign_broker",
                                                 "demand.unassign_broker"]


def test_deal_hooks_move_a_demand_and_audit_it(db: Session,
                                               sent: list[tuple[str, tuple[Any, ...]]]) -> None:
    owner = b.make_firm_user(db)
    demand = lb.make_demand(db, owner)
    lookup.mark_demand_in_negotiation(db, demand.id)
    assert demand.status == DemandStatus.IN_NEGOTIATION
    lookup.release_demand(db, demand.id)
    assert demand.status == DemandStatus.PUBLISHED
    lookup.mark_demand_fulfilled(db, demand.id)
    assert demand.status == DemandStatus.FULFILLED
    lookup.release_demand(db, demand.id)  # not negotiating: nothing happens
    assert demand.status == DemandStatus.FULFILLED
    assert _actions(db, "demand", demand.id) == ["demand.negotiate", "demand.release",
                                                 "demand.fulfil"]
    achievement = lb.make_achievement(db, b.make_institute_user(db))
    lookup.mark_achievement_transferred(db, achievement.id)
    assert achievement.status == AchievementStatus.TRANSFERRED
    assert _actions(db, "achievement", achievement.id) == ["achievement.transfer"]


# --- achievements --------------------------------------------------------------------------

def test_an_achievement_from_draft_to_withdrawn(client: TestClient, db: Session,
                                                sent: list[tuple[str, tuple[Any, ...]]]) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    r = client.post("/api/v1/achievements", json=lb.achievement_body(db),
                    headers=institute.headers)
    assert r.status_code == 201
    body = r.json()
    achievement_id = body["id"]
    assert body["status"] == "draft"
    assert body["ip_items"] == [
        {"kind": "invention_patent", "number": lb.VALID_PATENT, "title": "一种正极材料包覆方法"},
        {"kind": "know_how", "number": None, "title": "包覆工艺参数"}]
    assert body["price"] == "1500000.00" and body["negotiable"] is True
    r = client.patch(f"/api/v1/achievements/{achievement_id}",
                     json={"trl": 7, "ip_items": [{"kind": "software_copyright",
                                                   "number": "2019SR1234567",
                                                   "title": "包覆过程控制软件"}]},
                     headers=institute.headers)
    assert r.status_code == 200
    assert r.json()["trl"] == 7 and [i["kind"] for i in r.json()["ip_items"]] == [
        "software_copyright"]
    r = client.post(f"/api/v1/achievements/{achievement_id}/publish", headers=institute.headers)
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert client.get(f"/api/v1/achievements/{achievement_id}").status_code == 200
    r = client.post(f"/api/v1/achievements/{achievement_id}/withdraw", headers=institute.headers)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = client.post(f"/api/v1/achievements/{achievement_id}/publish", headers=institute.headers)
    assert r.status_code == 409 and r.json()["current_status"] == "withdrawn"
    assert _actions(db, "achievement", achievement_id) == [
        "achievement.create", "achievement.update", "achievement.publish",
        "achievement.withdraw"]
    assert sent == [("matching.index_listing", ("achievement", achievement_id))] * 4
    row = db.get(Achievement, achievement_id)
    assert row is not None and "包覆" in row.search_text


def test_a_transferred_achievement_can_no_longer_be_edited(client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    achievement = lb.make_achievement(db, institute.user, status=AchievementStatus.TRANSFERRED)
    r = client.patch(f"/api/v1/achievements/{achievement.id}", json={"trl": 9},
                     headers=institute.headers)
    assert r.status_code == 409 and r.json()["editable_statuses"] == ["draft", "published"]
    r = client.post(f"/api/v1/achievements/{achievement.id}/withdraw", headers=institute.headers)
    assert r.status_code == 409 and r.json()["allowed_next"] == []


def test_who_may_post_and_change_an_achievement(client: TestClient, db: Session) -> None:
    body = lb.achievement_body(db)
    assert client.post("/api/v1/achievements", json=body).status_code == 401
    for user in (b.make_firm_user(db), b.make_broker(db), b.make_admin(db)):
        r = client.post("/api/v1/achievements", json=body, headers=b.login_as(db, user).headers)
        assert r.status_code == 403, user.role
    owner = b.make_institute_user(db)
    published = lb.make_achievement(db, owner)
    draft = lb.make_achievement(db, owner, status=AchievementStatus.DRAFT)
    other = b.login_as(db, b.make_institute_user(db))
    assert client.patch(f"/api/v1/achievements/{published.id}", json={"trl": 1}).status_code == 401
    assert client.patch(f"/api/v1/achievements/{draft.id}", json={"trl": 1},
                        headers=other.headers).status_code == 404
    assert client.patch(f"/api/v1/achievements/{published.id}", json={"trl": 1},
                        headers=other.headers).status_code == 403
    assert client.post(f"/api/v1/achievements/{published.id}/withdraw",
                       headers=other.headers).status_code == 403
    admin = b.login_as(db, b.make_admin(db))
    r = client.post(f"/api/v1/achievements/{published.id}/hide", json={"reason": "专利已失效"},
                    headers=admin.headers)
    assert r.status_code == 200 and r.json()["hidden_reason"] == "专利已失效"
    assert client.get(f"/api/v1/achievements/{published.id}").status_code == 404
    assert client.post(f"/api/v1/achievements/{published.id}/hide", json={"reason": "x"},
                       headers=other.headers).status_code == 403
    assert client.post(f"/api/v1/achievements/{published.id}/unhide",
                       headers=admin.headers).status_code == 200


def test_an_unverified_institute_cannot_publish(client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db, verified=False))
    r = client.post("/api/v1/achievements", json=lb.achievement_body(db, publish=True),
                    headers=institute.headers)
    assert r.status_code == 409
    r = client.post("/api/v1/achievements", json=lb.achievement_body(db),
                    headers=institute.headers)
    assert r.status_code == 201
    r = client.post(f"/api/v1/achievements/{r.json()['id']}/publish", headers=institute.headers)
    assert r.status_code == 409 and "认证" in r.json()["detail"]


def test_anonymous_visitors_may_not_change_anything(client: TestClient, db: Session) -> None:
    demand = lb.make_demand(db, b.make_firm_user(db))
    achievement = lb.make_achievement(db, b.make_institute_user(db))
    d, a = f"/api/v1/demands/{demand.id}", f"/api/v1/achievements/{achievement.id}"
    calls = [("POST", "/api/v1/demands"), ("PATCH", d), ("POST", f"{d}/publish"),
             ("POST", f"{d}/withdraw"), ("POST", f"{d}/close"), ("POST", f"{d}/hide"),
             ("POST", f"{d}/unhide"), ("POST", f"{d}/brokers"), ("DELETE", f"{d}/brokers/1"),
             ("GET", "/api/v1/demands/export"), ("POST", "/api/v1/achievements"), ("PATCH", a),
             ("POST", f"{a}/publish"), ("POST", f"{a}/withdraw"), ("POST", f"{a}/hide"),
             ("POST", f"{a}/unhide"), ("GET", "/api/v1/achievements/export"),
             ("POST", "/api/v1/achievements/import"),
             ("GET", "/api/v1/achievements/import/template"), ("POST", "/api/v1/fields"),
             ("PATCH", "/api/v1/fields/1")]
    for method, url in calls:
        assert client.request(method, url, json={}).status_code == 401, (method, url)
    db.refresh(demand)
    db.refresh(achievement)
    assert demand.status == DemandStatus.PUBLISHED and not demand.hidden
    assert achievement.status == AchievementStatus.PUBLISHED and not achievement.hidden
