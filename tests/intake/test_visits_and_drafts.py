"""The visit log and the demands a broker drafts: nothing is published until a member of the
firm approves it; then the demand is the firm's, with the broker assigned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerLevel
from backend.audit.models import AuditEntry
from backend.core import clock
from backend.deals.models import Notification
from backend.listings.models import Demand, DemandBroker, DemandStatus
from tests.builders import accounts as b
from tests.builders import intake as ib

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HELP = "/api/v1/help-requests"
DRAFTS = "/api/v1/demand-drafts"


def _demands(db: Session) -> int:
    return db.execute(select(func.count()).select_from(Demand)).scalar_one()


# --- visits -------------------------------------------------------------------------------------

def test_the_broker_logs_visits_the_firm_reads_them_nobody_else_does(client: TestClient,
                                                                     db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    request = ib.accepted(db, firm, broker)
    body = {"kind": "visit", "visited_on": (clock.today() - timedelta(days=2)).isoformat(),
            "attendees": "总经理王某、工艺主管", "findings": "焊缝跟踪偏差大，返修率12%。",
            "follow_ups": "下周提供产线数据"}
    r = client.post(f"{HELP}/{request.id}/visits", json=body, headers=b.login_as(db, broker).headers)
    assert r.status_code == 201, r.text
    visit = r.json()
    assert (visit["attendees"], visit["broker"]["id"], visit["files"]) == (
        "总经理王某、工艺主管", broker.id, [])

    up = client.post(f"{HELP}/{request.id}/visits/{visit['id']}/files",
                     files={"file": ("现场照片.jpg", JPEG, "image/jpeg")},
                     headers=b.login_as(db, broker).headers)
    assert up.status_code == 201 and up.json()["content_type"] == "image/jpeg"
    bad = client.post(f"{HELP}/{request.id}/visits/{visit['id']}/files",
                      files={"file": ("x.exe", b"MZ\x90\x00", "image/jpeg")},
                      headers=b.login_as(db, broker).headers)
    assert bad.status_code == 415

    listed = client.get(f"{HELP}/{request.id}/visits", headers=b.login_as(db, firm).headers)
    assert [v["id"] for v in listed.json()] == [visit["id"]]
    assert listed.json()[0]["files"][0]["filename"] == "现场照片.jpg"
    download = client.get(f"{HELP}/{request.id}/visits/{visit['id']}/files/{up.json()['id']}",
                          headers=b.login_as(db, firm).headers)
    assert download.status_code == 200 and download.content == JPEG

    for outsider in (b.make_broker(db), b.make_firm_user(db)):
        h = b.login_as(db, outsider).headers
        assert client.get(f"{HELP}/{request.id}/visits", headers=h).status_code == 404
    assert client.post(f"{HELP}/{request.id}/visits", json=body,
                       headers=b.login_as(db, firm).headers).status_code == 403
    future = {**body, "visited_on": (clock.today() + timedelta(days=1)).isoformat()}
    assert client.post(f"{HELP}/{request.id}/visits", json=future,
                       headers=b.login_as(db, broker).headers).status_code == 422


def test_a_broker_offered_a_request_sees_no_visit_and_may_log_none(client: TestClient,
                                                                   db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    request = ib.ask(db, firm, broker_id=broker.id)  # offered, not accepted
    h = b.login_as(db, broker).headers
    assert client.get(f"{HELP}/{request.id}/visits", headers=h).status_code == 404
    body = {"visited_on": clock.today().isoformat(), "attendees": "甲", "findings": "乙"}
    assert client.post(f"{HELP}/{request.id}/visits", json=body, headers=h).status_code == 404


def test_the_broker_edits_a_visit_and_the_audit_log_keeps_the_change(client: TestClient,
                                                                     db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    request = ib.accepted(db, firm, broker)
    visit = ib.visit(db, request, broker)
    r = client.patch(f"{HELP}/{request.id}/visits/{visit.id}", json={"follow_ups": "已收到数据"},
                     headers=b.login_as(db, broker).headers)
    assert r.json()["follow_ups"] == "已收到数据"
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "visit.update")).scalar_one()
    assert (entry.before, entry.after) == ({"follow_ups": "提供产线数据"},
                                           {"follow_ups": "已收到数据"})


# --- drafts -------------------------------------------------------------------------------------

def test_a_draft_is_no_demand_and_the_broker_cannot_publish_it(client: TestClient, db: Session
                                                               ) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    request = ib.accepted(db, firm, broker)
    r = client.post(f"{HELP}/{request.id}/drafts", json={"demand": ib.demand_content(db)},
                    headers=b.login_as(db, broker).headers)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert (draft["status"], draft["demand_id"], draft["dossier_id"]) == ("draft", None, None)
    assert _demands(db) == 0
    h = b.login_as(db, broker).headers
    assert client.post(f"{DRAFTS}/{draft['id']}/submit", headers=h).json()["status"] == "submitted"
    assert client.post(f"{DRAFTS}/{draft['id']}/approve", headers=h).status_code == 403
    admin = b.login_as(db, b.make_admin(db)).headers
    assert client.post(f"{DRAFTS}/{draft['id']}/approve", headers=admin).status_code == 403
    other_firm = b.login_as(db, b.make_firm_user(db)).headers
    assert client.post(f"{DRAFTS}/{draft['id']}/approve", headers=other_firm).status_code == 404
    assert client.get(f"{DRAFTS}/{draft['id']}", headers=other_firm).status_code == 404
    assert _demands(db) == 0
    assert client.get("/api/v1/demands", params={"q": "焊缝跟踪"}).json()["total"] == 0


def test_the_firm_edits_and_approves_and_the_demand_is_the_firms_with_the_broker(
        client: TestClient, db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    request = ib.accepted(db, firm, broker)
    draft = ib.draft(db, request, broker, submit=True, title="焊缝跟踪精度提升")
    told = db.execute(select(Notification).where(Notification.user_id == firm.id,
                                                 Notification.kind == "draft.submitted")
                      ).scalar_one()
    assert str(draft.id) in told.title
    h = b.login_as(db, firm).headers
    edited = client.patch(f"{DRAFTS}/{draft.id}",
                          json={"demand": {"title": "焊缝跟踪精度提升至0.2毫米", "anonymous": True}},
                          headers=h)
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["demand"]["anonymous"]) == (
        "焊缝跟踪精度提升至0.2毫米", True)
    # the broker may not change what the firm is deciding on
    assert client.patch(f"{DRAFTS}/{draft.id}", json={"demand": {"title": "改"}},
                        headers=b.login_as(db, broker).headers).status_code == 409

    r = client.post(f"{DRAFTS}/{draft.id}/approve", headers=h)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["title"], out["status"], out["anonymous"]) == ("焊缝跟踪精度提升至0.2毫米",
                                                                "published", True)
    demand = db.get(Demand, out["id"])
    assert demand is not None
    assert (demand.organisation_id, demand.created_by_id, demand.status) == (
        firm.organisation_id, firm.id, DemandStatus.PUBLISHED)
    assert db.execute(select(DemandBroker.broker_id).where(
        DemandBroker.demand_id == demand.id)).scalars().all() == [broker.id]
    row = client.get(f"{DRAFTS}/{draft.id}", headers=h).json()
    assert (row["status"], row["demand_id"]) == ("approved", demand.id)
    assert client.post(f"{DRAFTS}/{draft.id}/approve", headers=h).status_code == 409
    actions = db.execute(select(AuditEntry.action).where(AuditEntry.action.in_(
        ["demand.create", "demand.publish", "demand.assign_broker", "demand_draft.approve"]))
        .order_by(AuditEntry.seq)).scalars().all()
    assert actions == ["demand.create", "demand.publish", "demand.assign_broker",
                       "demand_draft.approve"]


def test_the_firm_returns_a_draft_and_the_broker_resubmits(client: TestClient, db: Session
                                                           ) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    draft = ib.draft(db, ib.accepted(db, firm, broker), broker, submit=True)
    r = client.post(f"{DRAFTS}/{draft.id}/return", json={"note": "预算写高了"},
                    headers=b.login_as(db, firm).headers)
    assert (r.json()["status"], r.json()["firm_note"]) == ("returned", "预算写高了")
    hb = b.login_as(db, broker).headers
    assert client.patch(f"{DRAFTS}/{draft.id}", json={"demand": {"budget_max": "400000"}},
                        headers=hb).status_code == 200
    again = client.post(f"{DRAFTS}/{draft.id}/submit", headers=hb)
    assert (again.json()["status"], again.json()["firm_note"]) == ("submitted", None)
    assert again.json()["demand"]["budget_max"] == "400000.00"


def test_an_unverified_firm_cannot_publish_and_nothing_is_half_done(client: TestClient,
                                                                    db: Session) -> None:
    firm, broker = b.make_firm_user(db, verified=False), b.make_broker(db)
    draft = ib.draft(db, ib.accepted(db, firm, broker), broker, submit=True)
    r = client.post(f"{DRAFTS}/{draft.id}/approve", headers=b.login_as(db, firm).headers)
    assert r.status_code == 409
    assert _demands(db) == 0
    assert client.get(f"{DRAFTS}/{draft.id}", headers=b.login_as(db, firm).headers
                      ).json()["status"] == "submitted"


def test_bad_draft_input_is_a_422_naming_the_field(client: TestClient, db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    draft = ib.draft(db, ib.accepted(db, firm, broker), broker)
    hb = b.login_as(db, broker).headers
    r = client.patch(f"{DRAFTS}/{draft.id}", json={"demand": {"budget_min": "900000"}},
                     headers=hb)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "demand.budget_max"
    r = client.patch(f"{DRAFTS}/{draft.id}", json={"demand": {"title": None}}, headers=hb)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "demand.title"


@pytest.mark.parametrize(("level", "expected"), [(BrokerLevel.JUNIOR, 409),
                                                 (BrokerLevel.INTERMEDIATE, 201)])
def test_a_private_draft_needs_the_grade_the_gate_asks_for(client: TestClient, db: Session,
                                                           level: BrokerLevel,
                                                           expected: int) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db, level=level)
    request = ib.accepted(db, firm, broker)
    r = client.post(f"{HELP}/{request.id}/drafts",
                    json={"demand": ib.demand_content(db, visibility="private")},
                    headers=b.login_as(db, broker).headers)
    assert r.status_code == expected
    if expected == 409:
        assert (r.json()["reason"], r.json()["required_level"]) == ("grade_too_low",
                                                                     "intermediate")


def test_lists_of_drafts_follow_who_may_see_them(client: TestClient, db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    mine = ib.draft(db, ib.accepted(db, firm, broker), broker, submit=True)
    other_firm, other_broker = b.make_firm_user(db), b.make_broker(db)
    theirs = ib.draft(db, ib.accepted(db, other_firm, other_broker), other_broker)

    def ids(user: object, **params: object) -> list[int]:
        r = client.get(DRAFTS, params=params, headers=b.login_as(db, user).headers)  # type: ignore[arg-type]
        return [x["id"] for x in r.json()["items"]]

    assert ids(firm) == [mine.id]
    assert ids(firm, status="draft") == []
    assert ids(broker) == [mine.id]
    assert ids(other_broker) == [theirs.id]
    assert sorted(ids(b.make_admin(db))) == sorted([mine.id, theirs.id])


def test_brokers_may_use_the_matchers_drafting_help(client: TestClient, db: Session) -> None:
    broker = b.make_broker(db)
    r = client.post("/api/v1/matches/preview", json={"title": "焊缝跟踪", "text": "焊接机器人视觉"},
                    headers=b.login_as(db, broker).headers)
    assert r.status_code == 200
