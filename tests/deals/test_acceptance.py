"""Both parties must accept the introduction; a party that declines ends the deal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.audit.models import AuditEntry
from backend.core.permissions import Role
from backend.deals.models import Acceptance, Stage
from backend.listings import lookup
from backend.listings.models import DemandStatus
from tests.builders import accounts as b
from tests.builders import deals as d


def test_each_party_accepts_for_its_own_side_then_brokers_may_negotiate(
        client: TestClient, db: Session) -> None:
    w = d.open_world(db)
    firm, institute = b.login_as(db, w.firm), b.login_as(db, w.institute)
    r = client.post(f"/api/v1/deals/{w.id}/accept", headers=firm.headers)
    assert r.status_code == 200
    assert (r.json()["demand"]["acceptance"], r.json()["achievement"]["acceptance"]) == (
        "accepted", "pending")
    assert r.json()["both_accepted"] is False
    r = client.post(f"/api/v1/deals/{w.id}/accept", headers=institute.headers)
    assert r.status_code == 200
    assert r.json()["both_accepted"] is True
    assert r.json()["stage"] == "introduced"  # the brokers move it on
    r = client.post(f"/api/v1/deals/{w.id}/transitions", json={"to_stage": "negotiating"},
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 200 and r.json()["stage"] == "negotiating"
    actions = db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "deal", AuditEntry.object_id == str(w.id))
        .order_by(AuditEntry.seq)).scalars().all()
    assert actions == ["deal.open", "deal.accept", "deal.accept", "deal.transition"]


def test_a_decline_cancels_the_deal_and_releases_the_demand(client: TestClient,
                                                            db: Session) -> None:
    w = d.open_world(db)
    institute = b.login_as(db, w.institute)
    r = client.post(f"/api/v1/deals/{w.id}/decline", json={"reason": "方向不符"},
                    headers=institute.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["stage"] == "cancelled"
    assert body["achievement"]["acceptance"] == "declined"
    assert body["ended_at"] is not None
    db.expire_all()  # the request changed rows this session had loaded
    deal = d.reload(db, w.id)
    assert deal.open_pair_key is None
    assert lookup.demand_brief(db, w.demand.id).status == DemandStatus.PUBLISHED
    timeline = client.get(f"/api/v1/deals/{w.id}/timeline", headers=institute.headers).json()
    assert [e["kind"] for e in timeline] == ["opened", "declined", "stage_changed"]
    assert timeline[-1]["to_stage"] == "cancelled"
    assert "方向不符" in timeline[-1]["text"]


def test_decline_without_a_body_is_fine(client: TestClient, db: Session) -> None:
    w = d.open_world(db)
    r = client.post(f"/api/v1/deals/{w.id}/decline", headers=b.login_as(db, w.firm).headers)
    assert r.status_code == 200
    assert r.json()["stage"] == "cancelled"


def test_a_side_answers_once(client: TestClient, db: Session) -> None:
    w = d.open_world(db)
    firm = b.login_as(db, w.firm)
    assert client.post(f"/api/v1/deals/{w.id}/accept", headers=firm.headers).status_code == 200
    assert client.post(f"/api/v1/deals/{w.id}/accept", headers=firm.headers).status_code == 409
    assert client.post(f"/api/v1/deals/{w.id}/decline", headers=firm.headers).status_code == 409
    assert d.reload(db, w.id).demand_acceptance == Acceptance.ACCEPTED


def test_another_user_of_the_same_organisation_answers_for_it(client: TestClient,
                                                              db: Session) -> None:
    w = d.open_world(db)
    org = db.get(Organisation, w.firm.organisation_id)
    colleague = b.make_user(db, Role.FIRM, org)
    r = client.post(f"/api/v1/deals/{w.id}/accept", headers=b.login_as(db, colleague).headers)
    assert r.status_code == 200
    assert r.json()["relation"] == "demand_party"


def test_answers_only_at_the_introduction_stage(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.LOST)
    r = client.post(f"/api/v1/deals/{w.id}/accept", headers=b.login_as(db, w.firm).headers)
    assert r.status_code == 409
    assert r.json()["current_stage"] == "lost"


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_brokers_and_admins_do_not_answer_for_the_parties(client: TestClient, db: Session,
                                                          who: str) -> None:
    w = d.open_world(db)
    user = w.lead if who == "lead" else b.make_admin(db)
    r = client.post(f"/api/v1/deals/{w.id}/accept", headers=b.login_as(db, user).headers)
    assert r.status_code == 403


@pytest.mark.parametrize("path", ["accept", "decline"])
def test_unrelated_parties_get_404_and_anonymous_401(client: TestClient, db: Session,
                                                     path: str) -> None:
    w = d.open_world(db)
    for user in (b.make_firm_user(db), b.make_institute_user(db)):
        r = client.post(f"/api/v1/deals/{w.id}/{path}", headers=b.login_as(db, user).headers)
        assert r.status_code == 404
    assert client.post(f"/api/v1/deals/{w.id}/{path}").status_code == 401
    assert d.reload(db, w.id).stage == Stage.INTRODUCED
