"""An expert sits only on seats of the kind an administrator vetted them for: an invitation's
kind binds the registration, and a verified expert cannot change kind by editing the profile."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.experts.models import ExpertKind
from tests.builders import accounts as b
from tests.builders import experts as e
from tests.experts.test_api import _registration


def test_an_invitation_for_one_kind_does_not_register_another(client: TestClient,
                                                              db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    r = client.post("/api/v1/expert-invitations", headers=admin.headers,
                    json={"name": "李专家", "contact": "li@univ.example.cn", "kind": "finance"})
    code = r.json()["code"]
    r = client.post("/api/v1/experts/register", json=_registration("kind_expert", code))
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "profile.kind"
    r = client.post("/api/v1/experts/register",
                    json=_registration("kind_expert", code, kind="finance"))
    assert r.status_code == 201, r.text


def test_a_verified_expert_cannot_change_kind(client: TestClient, db: Session) -> None:
    expert = b.login_as(db, e.make_expert(db, ExpertKind.SCIENTIST))
    body = _registration("x")["profile"] | {"kind": "investor"}
    r = client.put("/api/v1/experts/me", headers=expert.headers, json=body)
    assert r.status_code == 409, r.text
    r = client.put("/api/v1/experts/me", headers=expert.headers,
                   json=body | {"kind": "scientist", "bio": "新的简介"})
    assert r.status_code == 200, r.text
