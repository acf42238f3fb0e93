"""The logins a process keeps: a second request of a login session loads nothing, and every
committed change that decides who the user is and what they may do holds at the next
request — logout, revoking every session, deactivation, a role or verification change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from backend.accounts import sessions
from backend.accounts.login_cache import ACCOUNTS
from backend.accounts.models import (
    AuthSession,
    BrokerLevel,
    BrokerProfile,
    Organisation,
    User,
    VerificationStatus,
)
from backend.core.errors import NotAuthenticated
from backend.core.generations import Generation
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.db import session_scope
from tests.builders import accounts as b
from tests.statements import captured


def _token(login: b.Login) -> str:
    return login.headers["Authorization"].removeprefix("Bearer ")


def _authenticate(token: str, then: Callable[[Session, User], object] = lambda s, u: None
                  ) -> object:
    """Authenticate in a unit of work of its own, as a request does, and run `then` in it."""
    with session_scope() as s:
        return then(s, sessions.authenticate(s, token).user)


def _row(obj: object) -> dict[str, object]:
    return {c.key: getattr(obj, c.key) for c in inspect(type(obj)).column_attrs}


def _accounts_generation(db: Session) -> int:
    return db.execute(select(Generation.value).where(Generation.name == ACCOUNTS)).scalar_one()


def test_a_second_request_of_a_login_loads_no_user(db: Session) -> None:
    login = b.login_as(db, b.make_broker(db))
    _authenticate(_token(login))
    with captured(db) as seen:
        _authenticate(_token(login))
    assert [s for s in seen if "users" in s] == []


def test_the_kept_user_is_as_loaded_and_belongs_to_the_request(db: Session) -> None:
    agency = b.make_org(db)
    broker = b.make_broker(db, agency=agency, fields=["电子信息", "新材料"])
    token = _token(b.login_as(db, broker))

    def describe(s: Session, user: User) -> dict[str, object]:
        assert s.get(User, user.id) is user
        assert user.broker is not None and user.organisation is not None
        assert s.get(BrokerProfile, user.id) is user.broker
        assert s.get(Organisation, agency.id) is user.organisation
        assert not (s.new or s.dirty or s.deleted)
        assert all(inspect(o).persistent for o in (user, user.broker, user.organisation))
        return {"user": _row(user), "org": _row(user.organisation), "broker": _row(user.broker)}

    loaded = _authenticate(token, describe)
    kept = _authenticate(token, describe)
    assert kept == loaded


def test_changes_to_the_kept_user_are_saved_and_do_not_reach_the_kept_copy(db: Session
                                                                           ) -> None:
    broker = b.make_broker(db, fields=["电子信息"])
    token = _token(b.login_as(db, broker))
    _authenticate(token)

    def change(s: Session, user: User) -> None:
        assert user.broker is not None
        user.broker.fields.append("生物医药")  # in place: the kept list must not see it
        user.display_name = "改名的经纪人"

    with pytest.raises(RuntimeError):
        _authenticate(token, lambda s, u: (change(s, u), s.flush(), _raise()))
    assert _authenticate(token, lambda s, u: (u.display_name, u.broker.fields)) == (
        "测试用户", ["电子信息"])

    _authenticate(token, change)
    assert db.execute(select(User.display_name).where(User.id == broker.id)).scalar_one() \
        == "改名的经纪人"
    assert _authenticate(token, lambda s, u: u.display_name) == "改名的经纪人"


def _raise() -> None:
    raise RuntimeError


def test_logout_holds_at_the_next_request(db: Session) -> None:
    login = b.login_as(db, b.make_firm_user(db))
    _authenticate(_token(login))
    with session_scope() as s:
        sessions.logout(s, sessions.authenticate(s, _token(login)).session_id)
    with pytest.raises(NotAuthenticated):
        _authenticate(_token(login))


def test_revoking_every_session_holds_at_the_next_request(db: Session) -> None:
    user = b.make_firm_user(db)
    first, second = b.login_as(db, user), b.login_as(db, user)
    _authenticate(_token(first))
    _authenticate(_token(second))
    with session_scope() as s:
        assert sessions.revoke_all(s, user.id) == 2
    for login in (first, second):
        with pytest.raises(NotAuthenticated):
            _authenticate(_token(login))


def test_a_deleted_login_session_no_longer_authenticates(db: Session) -> None:
    login = b.login_as(db, b.make_firm_user(db))
    _authenticate(_token(login))
    with session_scope() as s:
        s.delete(s.execute(select(AuthSession).where(AuthSession.user_id == login.user.id))
                 .scalar_one())
    with pytest.raises(NotAuthenticated):
        _authenticate(_token(login))


def test_deactivation_holds_at_the_next_request(db: Session) -> None:
    login = b.login_as(db, b.make_firm_user(db))
    _authenticate(_token(login))
    with session_scope() as s:
        s.get_one(User, login.user.id).is_active = False
    with pytest.raises(NotAuthenticated):
        _authenticate(_token(login))


def test_role_organisation_and_broker_changes_hold_at_the_next_request(db: Session) -> None:
    firm = b.make_firm_user(db, verified=False)
    token = _token(b.login_as(db, firm))
    assert _authenticate(token, lambda s, u: u.organisation.verification_status) \
        == VerificationStatus.PENDING
    with session_scope() as s:
        s.get_one(Organisation, firm.organisation_id).verification_status = \
            VerificationStatus.VERIFIED
    assert _authenticate(token, lambda s, u: u.organisation.verification_status) \
        == VerificationStatus.VERIFIED

    with session_scope() as s:
        s.get_one(User, firm.id).role = Role.BROKER
    assert _authenticate(token, lambda s, u: (u.role, u.broker)) == (Role.BROKER, None)
    with session_scope() as s:
        s.add(BrokerProfile(user_id=firm.id, level=BrokerLevel.JUNIOR, certificate_no="JJR-LC-1",
                            fields=["新材料"]))
    assert _authenticate(token, lambda s, u: u.broker.certificate_no) == "JJR-LC-1"


def test_a_login_moves_nothing_and_a_rolled_back_change_moves_nothing(db: Session) -> None:
    login = b.login_as(db, b.make_firm_user(db))
    start = _accounts_generation(db)
    with session_scope() as s:
        s.get_one(User, login.user.id).last_login_at = utcnow()
        b.make_user(s, Role.FIRM, b.make_org(s, verified=False))  # in no kept login
        b.login_as(s, login.user)  # nor is a new login session
    with pytest.raises(RuntimeError), session_scope() as s:
        s.get_one(User, login.user.id).is_active = False
        s.flush()
        raise RuntimeError
    assert _accounts_generation(db) == start
    _authenticate(_token(login))


def test_a_unit_that_changed_accounts_keeps_nothing_it_loads(db: Session) -> None:
    login = b.login_as(db, b.make_firm_user(db))
    with pytest.raises(RuntimeError), session_scope() as s:
        s.get_one(User, login.user.id).display_name = "未提交的名字"
        s.flush()
        assert sessions.authenticate(s, _token(login)).user.display_name == "未提交的名字"
        raise RuntimeError
    assert _authenticate(_token(login), lambda s, u: u.display_name) == "测试用户"
