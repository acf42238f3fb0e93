"""Input limits: a bad request is a 422 naming the field; text is stored as typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.core import clock
from backend.listings.models import Field
from tests.builders import accounts as b
from tests.builders import listings as lb


def _fields(r: object) -> list[str]:
    return [e["field"] for e in r.json()["errors"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "标" * 201}, "title"),
    ({"title": ""}, "title"),
    ({"title": " \u202e\u200b\t"}, "title"),  # nothing visible
    ({"description": "述" * 5001}, "description"),
    ({"budget_min": "-1"}, "budget_min"),
    ({"budget_max": "-0.01"}, "budget_max"),
    ({"budget_min": "10.001"}, "budget_min"),
    ({"budget_min": "900000", "budget_max": "100000"}, "budget_max"),
    ({"min_trl": 0}, "min_trl"),
    ({"min_trl": 10}, "min_trl"),
    ({"visibility": "secret"}, "visibility"),
    ({"modes": ["barter"]}, "modes.0"),
    ({"keywords": [f"词{i}" for i in range(17)]}, "keywords"),
    ({"keywords": ["长" * 31]}, "keywords"),
    ({"deadline": "2020-01-01"}, "deadline"),
    ({"deadline": "明天"}, "deadline"),
    ({"region": "区" * 65}, "region"),
    ({"field_id": 999999}, "field_id"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_demand_is_422_naming_the_field(client: TestClient, db: Session,
                                              change: dict[str, object], field: str) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    r = client.post("/api/v1/demands", json=lb.demand_body(db, **change), headers=firm.headers)
    assert r.status_code == 422, r.text
    assert _fields(r) == [field]


def test_a_deadline_too_far_away_is_refused(client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    far = (clock.today() + timedelta(days=366 * 6)).isoformat()
    r = client.post("/api/v1/demands", json=lb.demand_body(db, deadline=far), headers=firm.headers)
    assert r.status_code == 422 and _fields(r) == ["deadline"]


def test_markup_is_text_stored_as_typed(client: TestClient, db: Session) -> None:
    """Escaping is the output's business (React escapes what it renders)."""
    firm = b.login_as(db, b.make_firm_user(db))
    r = client.post("/api/v1/demands", headers=firm.headers, json=lb.demand_body(
        db, title="<b>激光</b>焊接<script>alert(1)</script>",
        description='需要<img src=x onerror="alert(1)">焊接 R&D',
        keywords=["<i>焊缝</i>", "R&D、视觉"], region="<u>福州市</u>"))
    assert r.status_code == 201
    body = r.json()
    assert body["title"] == "<b>激光</b>焊接<script>alert(1)</script>"
    assert body["description"] == '需要<img src=x onerror="alert(1)">焊接 R&D'
    assert body["keywords"] == ["<i>焊缝</i>", "R&D", "视觉"]
    assert body["region"] == "<u>福州市</u>"


def test_a_disabled_field_cannot_be_used(client: TestClient, db: Session) -> None:
    field = db.get(Field, lb.field_id(db, "food.preservation"))
    assert field is not None
    field.active = False
    db.flush()
    firm = b.login_as(db, b.make_firm_user(db))
    r = client.post("/api/v1/demands", json=lb.demand_body(db, field_id=field.id),
                    headers=firm.headers)
    assert r.status_code == 422 and _fields(r) == ["field_id"]


def test_a_patch_is_checked_against_what_is_stored(client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    demand = lb.make_demand(db, firm.user)  # budget 100,000–500,000
    url = f"/api/v1/demands/{demand.id}"
    r = client.patch(url, json={"budget_min": "600000"}, headers=firm.headers)
    assert r.status_code == 422 and _fields(r) == ["budget_max"]
    r = client.patch(url, json={"title": None}, headers=firm.headers)
    assert r.status_code == 422 and _fields(r) == ["title"]
    r = client.patch(url, json={"status": "fulfilled"}, headers=firm.headers)
    assert r.status_code == 422 and _fields(r) == ["status"]
    r = client.patch(url, json={"budget_max": None, "budget_min": "600000"}, headers=firm.headers)
    assert r.status_code == 200
    assert r.json()["budget_min"] == "600000.00" and r.json()["budget_max"] is None


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "题" * 201}, "title"),
    ({"abstract": ""}, "abstract"),
    ({"trl": 0}, "trl"),
    ({"trl": 10}, "trl"),
    ({"stage": "mass_production"}, "stage"),
    ({"price": "-5"}, "price"),
    ({"price": None, "negotiable": False}, "price"),
    ({"modes": ["development", "gift"]}, "modes.1"),
    ({"team_lead": ""}, "team_lead"),
    ({"ip_items": [{"kind": "invention_patent", "number": "201710601862.4", "title": "x"}]},
     "ip_items.0.number"),
    ({"ip_items": [{"kind": "invention_patent", "title": "x"}]}, "ip_items.0.number"),
    ({"ip_items": [{"kind": "utility_model", "number": lb.VALID_PATENT, "title": "x"}]},
     "ip_items.0.number"),
    ({"ip_items": [{"kind": "know_how", "number": "123", "title": "x"}]}, "ip_items.0.number"),
    ({"ip_items": [{"kind": "software_copyright", "number": "SR123", "title": "x"}]},
     "ip_items.0.number"),
    ({"ip_items": [{"kind": "trademark", "number": "1", "title": "x"}]}, "ip_items.0.kind"),
    ({"ip_items": [{"kind": "invention_patent", "number": lb.VALID_PATENT, "title": "a"},
                   {"kind": "invention_patent", "number": "ZL201710601862.3", "title": "b"}]},
     "ip_items.1.number"),
])
def test_a_bad_achievement_is_422_naming_the_field(client: TestClient, db: Session,
                                                   change: dict[str, object], field: str) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    r = client.post("/api/v1/achievements", json=lb.achievement_body(db, **change),
                    headers=institute.headers)
    assert r.status_code == 422, r.text
    assert _fields(r) == [field]


def test_the_old_patent_form_and_a_granted_number_are_accepted(client: TestClient,
                                                              db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    r = client.post("/api/v1/achievements", headers=institute.headers, json=lb.achievement_body(
        db, ip_items=[{"kind": "invention_patent", "number": "ZL98123456.9", "title": "旧专利"}]))
    assert r.status_code == 201
    assert r.json()["ip_items"][0]["number"] == lb.VALID_OLD_PATENT


@pytest.mark.parametrize(("params", "field"), [
    ({"trl_min": 0}, "trl_min"), ({"budget_min": "-1"}, "budget_min"),
    ({"status": "lost"}, "status.0"), ({"sort": "random"}, "sort"),
    ({"page_size": 101}, "page_size"), ({"q": "词" * 101}, "q"), ({"modes": "gift"}, "modes.0"),
])
def test_bad_list_parameters_are_422_naming_them(client: TestClient, db: Session,
                                                  params: dict[str, object], field: str) -> None:
    r = client.get("/api/v1/demands", params=params)
    assert r.status_code == 422 and _fields(r) == [field]
