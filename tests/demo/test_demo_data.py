"""The demo market: its logins work, seeding is idempotent, and production refuses it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.demo.data import seed


def test_demo_logins_work_and_seeding_twice_adds_nothing(client: TestClient, db: Session) -> None:
    logins = seed()
    assert {x.role for x in logins} == {"admin", "firm", "institute", "broker"}
    again = seed()
    assert [x.username for x in again] == [x.username for x in logins]
    for login in logins:
        r = client.post("/api/v1/auth/token",
                        data={"username": login.username, "password": login.password})
        assert r.status_code == 200, login.username
        if login.role == "broker":  # the agency's members, not applicants
            me = client.get("/api/v1/auth/me", headers={
                "Authorization": f"Bearer {r.json()['access_token']}"}).json()
            assert me["organisation"] is not None and me["join_request"] is None
            assert me["broker"]["agency_id"] == me["organisation"]["id"]
    assert audit.verify(db).ok


def test_seed_demo_refuses_to_run_in_production(db: Session, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    from typer.testing import CliRunner

    from backend.cli import app
    from backend.config import get_settings

    monkeypatch.setattr(get_settings(), "environment", "production")
    result = CliRunner().invoke(app, ["seed-demo"])
    assert result.exit_code == 2
    assert "Refusing to load the demo market in production" in result.output
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == 0
