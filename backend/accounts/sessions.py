"""Login, refresh and logout (the throttle's counters are in `throttle.py`).

Login and refresh run units of work of their own instead of the request's: a failed login
must be counted, and a replayed refresh token's session revoked, (committed) although the
request then fails.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from backend.accounts import login_cache, throttle
from backend.accounts.models import AuthSession, User
from backend.config import get_settings
from backend.core import generations
from backend.core.errors import NotAuthenticated, TooManyRequests
from backend.core.security import (
    create_access_token,
    decode_access_token,
    expires_in,
    new_refresh_token,
    token_digest,
    verify_password,
)
from backend.core.types import utcnow
from backend.db import session_scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int


def _refresh_token(session_id: str) -> str:
    """A refresh token names its login session, so a token that session has already rotated
    away is recognised when it comes back."""
    return f"{session_id}.{new_refresh_token()}"


def issue_tokens(session: Session, user: User, ip: str | None, user_agent: str | None) -> Tokens:
    session_id = str(uuid.uuid4())
    refresh = _refresh_token(session_id)
    auth = AuthSession(id=session_id, user_id=user.id, refresh_hash=token_digest(refresh),
                       expires_at=expires_in(get_settings().refresh_token_days), ip=ip,
                       user_agent=(user_agent or "")[:255] or None)
    session.add(auth)
    access, ttl = create_access_token(user.id, auth.id, user.role)
    return Tokens(access, refresh, ttl)


def login(username: str, password: str, ip: str | None, user_agent: str | None) -> Tokens:
    """Check the password and open a login session, unless the throttle's counters
    (`throttle.py`) lock this user, this user at this address, or this address out."""
    username = username.strip().lower()
    counters = throttle.login_counters(username, ip)
    with session_scope() as session:
        user = session.execute(select(User).where(User.username == username)
                               ).scalar_one_or_none()
        wait = _lockout(session, counters, user, ip)
        if wait is None:
            if verify_password(password, user.password_hash if user else None) and user \
                    and user.is_active:
                # Only this user's count at this address: a success here must not clear what
                # other addresses, or other users at this one, have tried.
                throttle.reset(session, counters.user_at_address)
                user.last_login_at = utcnow()
                return issue_tokens(session, user, ip, user_agent)
            throttle.count(session, counters.all)
            wait = _lockout(session, counters, user, ip)
    if wait is not None:
        raise TooManyRequests(
            f"登录失败次数过多，请 {throttle.minutes(wait)} 分钟后再试。"
            f"Too many failed logins; try again in {throttle.minutes(wait)} minutes.",
            headers={"Retry-After": str(wait)})
    raise NotAuthenticated("用户名或密码错误。Wrong username or password.")


def _lockout(session: Session, counters: throttle.LoginCounters, user: User | None,
             ip: str | None) -> int | None:
    """Seconds until this attempt may be made, or None. The user's count over all addresses
    does not hold where the user has opened a login session lately, so whoever knows a
    username cannot keep its owner out of their usual places."""
    waits = throttle.waits(session, counters.all)
    if counters.user.key in waits and user is not None and _logged_in_from(session, user, ip):
        del waits[counters.user.key]
    return max(waits.values(), default=None)


def _logged_in_from(session: Session, user: User, ip: str | None) -> bool:
    if ip is None:
        return False
    since = utcnow() - timedelta(days=get_settings().refresh_token_days)
    return session.execute(select(AuthSession.id).where(
        AuthSession.user_id == user.id, AuthSession.ip == ip, AuthSession.created_at >= since
    ).limit(1)).first() is not None


def refresh(refresh_token: str) -> Tokens:
    """Rotate a refresh token, in a unit of work of its own.

    Presenting a token its login session has already rotated away means the token was copied
    (whoever refreshed first, thief or owner, holds the newer one): the whole session is
    revoked, and that is committed although the request fails, so neither copy nor the access
    tokens issued from them work again."""
    digest = token_digest(refresh_token)
    with session_scope() as session:
        auth = session.execute(select(AuthSession).where(AuthSession.refresh_hash == digest)
                               .with_for_update()).scalar_one_or_none()
        if auth is not None:
            return _rotate(session, auth)
        replayed = _revoke_replayed(session, refresh_token)
    if replayed:
        raise NotAuthenticated("该登录的刷新令牌被重复使用，登录已注销，请重新登录。"
                               "This login's refresh token was used twice, so the login was "
                               "ended; please log in again.")
    raise NotAuthenticated(_EXPIRED)


_EXPIRED = "登录已过期，请重新登录。Your session has expired; please log in again."


def _rotate(session: Session, auth: AuthSession) -> Tokens:
    if auth.revoked_at is not None or auth.expires_at <= utcnow():
        raise NotAuthenticated(_EXPIRED)
    user = session.get(User, auth.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("账户已停用。This account is disabled.")
    new_refresh = _refresh_token(auth.id)
    auth.refresh_hash = token_digest(new_refresh)
    access, ttl = create_access_token(user.id, auth.id, user.role)
    return Tokens(access, new_refresh, ttl)


def _revoke_replayed(session: Session, refresh_token: str) -> bool:
    """Revoke the open login session an unknown refresh token names, if any: its current token
    is another, so this one was rotated away before."""
    session_id, dot, _ = refresh_token.partition(".")
    if not dot:
        return False
    auth = session.get(AuthSession, session_id[:36], with_for_update=True)
    if auth is None or auth.revoked_at is not None or auth.expires_at <= utcnow():
        return False
    auth.revoked_at = utcnow()
    log.warning("a rotated refresh token was presented again: login session %s of user %s "
                "revoked", auth.id, auth.user_id)
    return True


def logout(session: Session, session_id: str) -> None:
    auth = session.get(AuthSession, session_id)
    if auth is not None and auth.revoked_at is None:
        auth.revoked_at = utcnow()


def revoke_all(session: Session, user_id: int) -> int:
    result = session.execute(update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    ).values(revoked_at=utcnow()))
    generations.moved(session, login_cache.ACCOUNTS)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Authenticated:
    user: User
    session_id: str


# Built once: every request runs it, and building the statement and its cache key cost as
# much CPU as the rest of the query.
_SESSION_USER = (
    select(User, AuthSession.revoked_at)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(AuthSession.id == bindparam("sid"), User.id == bindparam("uid"))
    .options(joinedload(User.organisation), joinedload(User.broker))
)


def authenticate(session: Session, access_token: str) -> Authenticated:
    """The user an access token names, if its login session is still open. Every request runs
    it: the process keeps the open logins (`login_cache`), and otherwise one query loads the
    session, the user, their organisation and broker profile."""
    claims = decode_access_token(access_token)
    if claims is None:
        raise NotAuthenticated("登录已失效，请重新登录。Your login is invalid or expired.",
                               headers={"WWW-Authenticate": "Bearer"})
    session_id, user_id = claims["sid"], int(claims["sub"])

    def load() -> User:
        row = session.execute(_SESSION_USER, {"sid": session_id, "uid": user_id}
                              ).unique().one_or_none()
        if row is None or row.revoked_at is not None:
            raise NotAuthenticated("该登录已注销。This session was logged out.",
                                   headers={"WWW-Authenticate": "Bearer"})
        user: User = row.User
        if not user.is_active:
            raise NotAuthenticated("账户已停用。This account is disabled.",
                                   headers={"WWW-Authenticate": "Bearer"})
        return user

    return Authenticated(login_cache.cache.user(session, session_id, user_id, load), session_id)
