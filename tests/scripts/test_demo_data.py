from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.audit import service as audit
from scripts.demo_data import seed


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
