"""The login lock-outs (per user and address, per user, per address), the registration throttle,
and the client address they count: X-Forwarded-For only from a trusted proxy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import sessions, throttle
from backend.accounts.models import AuthSession, LoginThrottle
from backend.audit.models import AuditEntry
from backend.config import Settings, get_settings
from backend.core.errors import NotAuthenticated, TooManyRequests
from tests.accounts.test_auth_api import org_registration
from tests.builders import accounts as b

TOKEN = "/api/v1/auth/token"
PROXY = ("10.1.2.3", 40000)  # the reverse proxy's own address, as the API's socket sees it


def keys(db: Session) -> set[str]:
    return set(db.execute(select(LoginThrottle.key)).scalars())


def fail(client: TestClient, username: str, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    r = client.post(TOKEN, data={"username": username, "password": "wrong-1"}, headers=headers)
    return r.status_code


# --- the client address ----------------------------------------------------------------------


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(
        client: TestClient, db: Session) -> None:
    """Without TRUSTED_PROXIES, a new X-Forwarded-For on every attempt cannot pass for a new
    address: the socket's peer is counted, and the lock-out holds."""
    user = b.make_firm_user(db)
    codes = [fail(client, user.username, f"203.0.113.{i}") for i in range(1, 6)]
    assert codes == [401, 401, 401, 401, 429]
    assert keys(db) == {f"user:{user.username}|testclient", f"account:{user.username}",
                        "ip:testclient"}


@pytest.fixture
def behind_proxy(app: FastAPI, db: Session, monkeypatch: pytest.MonkeyPatch
                 ) -> Iterator[TestClient]:
    """The API as deployed behind a reverse proxy at 10.1.2.3 (TRUSTED_PROXIES = 10.0.0.0/8)."""
    from backend.app import create_app
    from backend.config import Settings

    settings = get_settings()
    monkeypatch.setattr(settings, "trusted_proxies",
                        Settings(trusted_proxies=["10.0.0.0/8"]).trusted_proxies)
    monkeypatch.setattr(settings, "endpoints_in_event_loop",
                        db.get_bind().dialect.name == "postgresql")
    with TestClient(create_app(), base_url="http://testserver", client=PROXY) as c:
        yield c


def test_a_trusted_proxy_names_the_client(behind_proxy: TestClient, db: Session) -> None:
    user = b.make_firm_user(db)
    assert [fail(behind_proxy, user.username, "203.0.113.5") for _ in range(4)] == [401] * 4
    # Another client behind the same proxy has counts of its own.
    assert [fail(behind_proxy, user.username, "203.0.113.6") for _ in range(4)] == [401] * 4
    # The right-most hop the trusted proxies did not add: a client cannot prepend its way out.
    assert fail(behind_proxy, user.username, "198.51.100.1, 203.0.113.5") == 429
    assert fail(behind_proxy, user.username, "203.0.113.6, 10.9.9.9") == 429
    assert keys(db) == {f"user:{user.username}|203.0.113.5", f"user:{user.username}|203.0.113.6",
                        f"account:{user.username}", "ip:203.0.113.5", "ip:203.0.113.6"}

    other = b.make_firm_user(db)
    r = behind_proxy.post(TOKEN, data={"username": other.username, "password": b.PASSWORD},
                          headers={"X-Forwarded-For": "198.51.100.77"})
    assert r.status_code == 200
    assert db.execute(select(AuthSession.ip).where(AuthSession.user_id == other.id)
                      ).scalar_one() == "198.51.100.77"


def test_without_a_forwarded_for_the_proxy_itself_is_the_client(behind_proxy: TestClient,
                                                                  db: Session) -> None:
    user = b.make_firm_user(db)
    assert fail(behind_proxy, user.username) == 401
    assert f"user:{user.username}|10.1.2.3" in keys(db)


def test_registration_records_the_forwarded_client_address(behind_proxy: TestClient,
                                                           db: Session) -> None:
    r = behind_proxy.post("/api/v1/auth/register/organisation", json=org_registration(),
                          headers={"X-Forwarded-For": "198.51.100.8"})
    assert r.status_code == 201, r.text
    assert set(db.execute(select(AuditEntry.ip)).scalars()) == {"198.51.100.8"}


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    assert [str(n) for n in Settings(trusted_proxies=["10.0.0.0/8", "192.0.2.1", "::1"]
                                     ).trusted_proxies] == ["10.0.0.0/8", "192.0.2.1/32",
                                                            "::1/128"]
    assert Settings().trusted_proxies == []
    with pytest.raises(ValidationError):
        Settings(trusted_proxies=["proxy.internal"])


# --- the three login counts ------------------------------------------------------------------


def attempt(username: str, password: str, ip: str) -> str:
    try:
        sessions.login(username, password, ip, "pytest")
    except TooManyRequests:
        return "locked"
    except NotAuthenticated:
        return "wrong"
    return "in"


def test_the_defaults() -> None:
    settings = Settings()
    assert (settings.login_max_failures, settings.login_max_failures_per_user,
            settings.login_max_failures_per_address, settings.login_lockout_minutes) == (
        5, 20, 200, 15)
    assert (settings.registration_max_per_address, settings.registration_window_minutes) == (
        10, 60)


def test_guesses_spread_over_addresses_lock_the_user_out_but_not_where_they_logged_in(
        db: Session) -> None:
    user = b.make_firm_user(db)
    assert attempt(user.username, b.PASSWORD, "192.0.2.10") == "in"  # the owner's office
    results = [attempt(user.username, "wrong-1", f"203.0.113.{i}")
               for i in range(1, 6) for _ in range(4)]  # 4 at each of 5 addresses: under 5 each
    assert results == ["wrong"] * 19 + ["locked"]
    assert attempt(user.username, b.PASSWORD, "203.0.113.99") == "locked"  # a new address
    assert attempt(user.username, b.PASSWORD, "192.0.2.10") == "in"  # the owner's own


def test_fifty_colleagues_behind_one_address_mistyping_are_not_locked_out(db: Session) -> None:
    """Counted straight on the counters (a login pays for Argon2): 3 failures each for 50
    users behind one NAT address, and 49 more, stay under the address's 200; the 200th locks
    the address for everyone."""
    office = "198.51.100.20"
    colleagues = [b.make_firm_user(db) for _ in range(50)]
    for user in colleagues:
        for _ in range(3):
            throttle.count(db, throttle.login_counters(user.username, office).all)
    for i in range(49):
        throttle.count(db, throttle.login_counters(f"nobody{i}", office).all)
    db.flush()
    assert attempt(colleagues[0].username, b.PASSWORD, office) == "in"
    assert attempt(colleagues[49].username, b.PASSWORD, office) == "in"
    assert attempt("nobody-else", "wrong-1", office) == "locked"  # the 200th failure
    assert attempt(colleagues[1].username, b.PASSWORD, office) == "locked"
    assert attempt(colleagues[1].username, b.PASSWORD, "198.51.100.21") == "in"


def test_a_success_clears_only_the_user_at_that_address(db: Session) -> None:
    user = b.make_firm_user(db)
    for _ in range(4):
        assert attempt(user.username, "wrong-1", "192.0.2.1") == "wrong"
    assert attempt(user.username, b.PASSWORD, "192.0.2.1") == "in"
    failures = {k: n for k, n in db.execute(select(LoginThrottle.key, LoginThrottle.failures))}
    assert failures == {f"user:{user.username}|192.0.2.1": 0, f"account:{user.username}": 4,
                        "ip:192.0.2.1": 4}


def test_limits_below_the_per_user_and_address_limit_are_refused() -> None:
    with pytest.raises(ValidationError, match="LOGIN_MAX_FAILURES_PER_ADDRESS"):
        Settings(login_max_failures=5, login_max_failures_per_address=4)
    with pytest.raises(ValidationError, match="LOGIN_MAX_FAILURES_PER_USER"):
        Settings(login_max_failures=5, login_max_failures_per_user=4)


# --- registration ----------------------------------------------------------------------------


def test_registration_is_throttled_per_address(client: TestClient, app: FastAPI,
                                               db: Session) -> None:
    for _ in range(10):
        r = client.post("/api/v1/auth/register/organisation", json=org_registration())
        assert r.status_code == 201, r.text
    r = client.post("/api/v1/auth/register/organisation", json=org_registration())
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert 3590 <= int(r.headers["Retry-After"]) <= 3600
    assert r.json()["detail"] == ("该地址注册过于频繁，请 60 分钟后再试。"
                                  "Too many registrations from this address; try again in 60 "
                                  "minutes.")
    broker = {"user": {"username": "jjr99", "password": "Broker123", "display_name": "陈经纪"},
              "person": {"name": "陈明", "id_number": b.new_resident_id()},
              "broker": {"level": "junior", "certificate_no": "FJ-2026-0099", "fields": []}}
    assert client.post("/api/v1/auth/register/broker", json=broker).status_code == 429
    # Another address is not held back.
    with TestClient(app, base_url="http://testserver", client=("192.0.2.50", 1)) as elsewhere:
        r = elsewhere.post("/api/v1/auth/register/broker", json=broker)
        assert r.status_code == 201, r.text
