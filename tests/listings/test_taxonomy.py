"""The field taxonomy: a public tree, edited by administrators."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from tests.builders import accounts as b
from tests.builders import listings as lb


def test_anyone_reads_the_seeded_tree(client: TestClient, db: Session) -> None:
    r = client.get("/api/v1/fields")
    assert r.status_code == 200
    tree = r.json()
    assert len(tree) == 12
    assert [f["code"] for f in tree[:3]] == ["equipment", "materials", "electronics"]
    equipment = tree[0]
    assert equipment["name_zh"] == "智能装备" and equipment["parent_id"] is None
    assert [c["code"] for c in equipment["children"]] == [
        "equipment.robotics", "equipment.cnc", "equipment.sensing", "equipment.additive"]
    assert all(c["children"] == [] for c in equipment["children"])
    assert sum(len(f["children"]) for f in tree) == 43


def test_administrators_add_fields_and_sub_fields(client: TestClient, db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    r = client.post("/api/v1/fields", json={"code": "marine", "name_zh": "海洋经济",
                                            "name_en": "Marine economy", "sort": 20},
                    headers=admin.headers)
    assert r.status_code == 201
    marine = r.json()
    r = client.post("/api/v1/fields", json={"code": "marine.equipment", "name_zh": "海工装备",
                                            "name_en": "Offshore equipment",
                                            "parent_id": marine["id"]}, headers=admin.headers)
    assert r.status_code == 201 and r.json()["parent_id"] == marine["id"]
    tree = client.get("/api/v1/fields").json()
    assert tree[-1]["code"] == "marine"
    assert [c["code"] for c in tree[-1]["children"]] == ["marine.equipment"]
    actions = db.execute(select(AuditEntry.action).where(AuditEntry.object_type == "field")
                         .order_by(AuditEntry.seq)).scalars().all()
    assert actions == ["field.create", "field.create"]


def test_bad_fields_are_refused_naming_the_problem(client: TestClient, db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    robotics = lb.field_id(db, "equipment.robotics")
    equipment = lb.field_id(db, "equipment")
    cases = [
        ({"code": "equipment", "name_zh": "重复", "name_en": "Dup"}, 409, "code"),
        ({"code": "Bad Code", "name_zh": "坏", "name_en": "Bad"}, 422, "code"),
        ({"code": "x.y", "name_zh": "无上级", "name_en": "No parent"}, 422, "code"),
        ({"code": "other.sub", "name_zh": "错前缀", "name_en": "Wrong prefix",
          "parent_id": equipment}, 422, "code"),
        ({"code": "equipment.deep", "name_zh": "三级", "name_en": "Third level",
          "parent_id": robotics}, 422, "parent_id"),
        ({"code": "equipment.ghost", "name_zh": "无", "name_en": "Ghost",
          "parent_id": 999999}, 422, "parent_id"),
        ({"code": "newone", "name_zh": "\u200b", "name_en": "Empty"}, 422, "name_zh"),
    ]
    for body, status, field in cases:
        r = client.post("/api/v1/fields", json=body, headers=admin.headers)
        assert r.status_code == status, body
        assert r.json()["errors"][0]["field"] == field, body


def test_only_administrators_edit_the_taxonomy(client: TestClient, db: Session) -> None:
    body = {"code": "space", "name_zh": "航天", "name_en": "Space"}
    assert client.post("/api/v1/fields", json=body).status_code == 401
    robotics = lb.field_id(db, "equipment.robotics")
    assert client.patch(f"/api/v1/fields/{robotics}", json={"name_zh": "x"}).status_code == 401
    for user in (b.make_firm_user(db), b.make_institute_user(db), b.make_broker(db)):
        headers = b.login_as(db, user).headers
        assert client.post("/api/v1/fields", json=body, headers=headers).status_code == 403
        assert client.patch(f"/api/v1/fields/{robotics}", json={"name_zh": "x"},
                            headers=headers).status_code == 403


def test_renaming_and_retiring_a_field(client: TestClient, db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    robotics = lb.field_id(db, "equipment.robotics")
    r = client.patch(f"/api/v1/fields/{robotics}", json={"name_zh": "工业与服务机器人"},
                     headers=admin.headers)
    assert r.status_code == 200 and r.json()["name_zh"] == "工业与服务机器人"
    r = client.patch(f"/api/v1/fields/{robotics}", json={"active": False}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["active"] is False
    public = client.get("/api/v1/fields").json()
    assert "equipment.robotics" not in [c["code"] for c in public[0]["children"]]
    everything = client.get("/api/v1/fields", params={"include_inactive": True},
                            headers=admin.headers).json()
    assert "equipment.robotics" in [c["code"] for c in everything[0]["children"]]
    others = client.get("/api/v1/fields", params={"include_inactive": True}).json()
    assert others == public
    r = client.patch(f"/api/v1/fields/{robotics}", json={"active": None}, headers=admin.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "active"
    assert client.patch("/api/v1/fields/999999", json={"sort": 1},
                        headers=admin.headers).status_code == 404
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "field.update")
                       .order_by(AuditEntry.seq.desc())).scalars().first()
    assert entry is not None
    assert entry.before["active"] is True and entry.after["active"] is False
