"""Registration, login, refresh, logout and throttling through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import (
    AuthSession,
    Identifier,
    Organisation,
    Person,
    Shareholding,
    User,
)
from backend.audit.models import AuditEntry
from tests.builders import accounts as b


def org_registration(**org: object) -> dict[str, object]:
    data = b.organisation_in(**org).model_dump(mode="json")  # type: ignore[arg-type]
    return {"organisation": data,
            "user": {"username": f"user{next(b._seq)}", "password": "Secret123",
                     "display_name": "王经理", "email": "wang@example.cn"}}


def login(client: TestClient, username: str, password: str) -> dict[str, object]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_register_firm_then_log_in_and_read_me(client: TestClient, db: Session) -> None:
    body = org_registration(name="福州智造科技有限公司")
    r = client.post("/api/v1/auth/register/organisation", json=body)
    assert r.status_code == 201, r.text
    me = r.json()
    assert me["role"] == "firm"
    assert me["organisation"]["name"] == "福州智造科技有限公司"
    assert me["organisation"]["verification_status"] == "pending"

    tokens = login(client, body["user"]["username"], "Secret123")  # type: ignore[index]
    r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert r.status_code == 200
    assert r.json()["username"] == body["user"]["username"]  # type: ignore[index]
    actions = db.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars().all()
    assert actions == ["organisation.register", "user.register"]


def test_registration_stores_people_and_identifiers_once(client: TestClient, db: Session) -> None:
    boss = b.person("李强")
    shared = {"registered_address": "福州市鼓楼区五四路１２８号", "phone": "+86 138-0013-8000",
              "email_domain": "@shared.cn"}
    first = org_registration(legal_representative=boss, **shared)
    second = org_registration(
        legal_representative=boss,
        registered_address="福州市鼓楼区五四路128号", phone="13800138000",
        email_domain="shared.cn",
        shareholders=[{"name": "李强", "id_number": boss.id_number, "percent": "60"}])
    assert client.post("/api/v1/auth/register/organisation", json=first).status_code == 201
    assert client.post("/api/v1/auth/register/organisation", json=second).status_code == 201
    orgs = db.execute(select(Organisation).order_by(Organisation.id)).scalars().all()
    assert len(orgs) == 2
    assert orgs[0].legal_rep_id == orgs[1].legal_rep_id
    assert orgs[0].address_id == orgs[1].address_id
    assert orgs[0].phone_id == orgs[1].phone_id
    assert orgs[0].email_domain_id == orgs[1].email_domain_id
    assert db.execute(select(func.count()).select_from(Person)).scalar_one() == 1
    assert db.execute(select(func.count()).select_from(Identifier)).scalar_one() == 5
    holding = db.execute(select(Shareholding)).scalar_one()
    assert holding.person_id == orgs[0].legal_rep_id


def test_bad_credit_code_is_a_422_naming_the_field(client: TestClient, db: Session) -> None:
    body = org_registration()
    body["organisation"]["credit_code"] = "91350100M000100Y44"  # type: ignore[index]
    r = client.post("/api/v1/auth/register/organisation", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 422
    assert problem["errors"][0]["field"] == "organisation.credit_code"
    assert "expected 3, got 4" in problem["errors"][0]["message"]
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_duplicate_credit_code_is_a_conflict(client: TestClient) -> None:
    body = org_registration()
    assert client.post("/api/v1/auth/register/organisation", json=body).status_code == 201
    again = org_registration(credit_code=body["organisation"]["credit_code"])  # type: ignore[index]
    r = client.post("/api/v1/auth/register/organisation", json=again)
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "organisation.credit_code"


def test_shareholdings_over_100_percent_are_rejected(client: TestClient) -> None:
    body = org_registration()
    body["organisation"]["shareholders"] = [  # type: ignore[index]
        {"name": "甲", "id_number": b.new_resident_id(), "percent": "60"},
        {"name": "乙公司", "credit_code": b.new_credit_code(), "percent": "40.01"}]
    r = client.post("/api/v1/auth/register/organisation", json=body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "organisation.shareholders"


def test_weak_password_is_rejected(client: TestClient) -> None:
    body = org_registration()
    body["user"]["password"] = "onlyletters"  # type: ignore[index]
    r = client.post("/api/v1/auth/register/organisation", json=body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "user.password"


def test_broker_registers_into_an_agency(client: TestClient, db: Session) -> None:
    agency = b.make_org(db, b.OrgKind.AGENCY)
    body = {"user": {"username": "jjr01", "password": "Broker123", "display_name": "陈经纪"},
            "person": {"name": "陈明", "id_number": b.new_resident_id()},
            "broker": {"level": "senior", "certificate_no": "FJ-2026-0001",
                       "fields": ["新材料", "新材料", "电子信息"],
                       "agency_credit_code": agency.credit_code}}
    r = client.post("/api/v1/auth/register/broker", json=body)
    assert r.status_code == 201, r.text
    me = r.json()
    assert me["role"] == "broker"
    # A member of the agency only once it approves (tests/security/test_consent_accounts.py).
    assert me["broker"] == {"level": "senior", "certificate_no": "FJ-2026-0001",
                            "fields": ["新材料", "电子信息"], "agency_id": None,
                            "verification_status": "pending"}
    assert me["join_request"]["organisation_name"] == agency.name


def test_wrong_password_is_401_and_unknown_user_too(client: TestClient, db: Session) -> None:
    user = b.make_firm_user(db)
    for name in (user.username, "nobody-here"):
        r = client.post("/api/v1/auth/token", data={"username": name, "password": "wrong-1"})
        assert r.status_code == 401
        assert r.json()["detail"] == "用户名或密码错误。Wrong username or password."


def test_login_is_throttled_after_repeated_failures(client: TestClient, db: Session) -> None:
    user = b.make_firm_user(db)
    for _ in range(4):
        r = client.post("/api/v1/auth/token", data={"username": user.username, "password": "x1"})
        assert r.status_code == 401
    r = client.post("/api/v1/auth/token", data={"username": user.username, "password": "x1"})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    # Even the right password is refused while locked.
    r = client.post("/api/v1/auth/token", data={"username": user.username, "password": b.PASSWORD})
    assert r.status_code == 429


def test_success_resets_the_failure_count(client: TestClient, db: Session) -> None:
    user = b.make_firm_user(db)
    for _ in range(4):
        client.post("/api/v1/auth/token", data={"username": user.username, "password": "x1"})
    login(client, user.username, b.PASSWORD)
    for _ in range(4):
        r = client.post("/api/v1/auth/token", data={"username": user.username, "password": "x1"})
        assert r.status_code == 401


def test_refresh_rotates_and_replaying_a_rotated_token_revokes_the_session(
        client: TestClient, db: Session) -> None:
    """A rotated refresh token coming back means it was copied: the whole login session ends,
    so neither the thief's copy nor the owner's newer tokens work any more."""
    user = b.make_firm_user(db)
    tokens = login(client, user.username, b.PASSWORD)
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200
    rotated = r.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    headers = {"Authorization": f"Bearer {rotated['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200

    r = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == ("该登录的刷新令牌被重复使用，登录已注销，请重新登录。"
                                  "This login's refresh token was used twice, so the login was "
                                  "ended; please log in again.")
    auth = db.execute(select(AuthSession).where(AuthSession.user_id == user.id)).scalar_one()
    assert auth.revoked_at is not None
    r = client.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 401
    assert r.json()["detail"] == "该登录已注销。This session was logged out."
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert r.status_code == 401
    assert r.json()["detail"] == "登录已过期，请重新登录。Your session has expired; please log in again."


def test_a_made_up_refresh_token_revokes_nothing(client: TestClient, db: Session) -> None:
    user = b.make_firm_user(db)
    tokens = login(client, user.username, b.PASSWORD)
    for made_up in ("no-session-named-here-0123456789",
                    "00000000-0000-0000-0000-000000000000.abcdefghijklmnop"):
        r = client.post("/api/v1/auth/refresh", json={"refresh_token": made_up})
        assert r.status_code == 401
        assert r.json()["detail"] == ("登录已过期，请重新登录。"
                                      "Your session has expired; please log in again.")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200


def test_logout_revokes_the_access_token_before_it_expires(client: TestClient, db: Session) -> None:
    user = b.make_firm_user(db)
    tokens = login(client, user.username, b.PASSWORD)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    r = client.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 401
    assert r.json()["detail"] == "该登录已注销。This session was logged out."
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


def test_anonymous_and_forged_tokens_are_401(client: TestClient) -> None:
    assert client.get("/api/v1/auth/me").status_code == 401
    r = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
