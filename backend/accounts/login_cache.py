"""The users that open login sessions name, kept per process.

Every request authenticates, and loading the user with their login session, organisation and
broker profile was the largest single cost of a request. A process keeps, per login session,
the column values of those rows and rebuilds the objects from them in the request's session,
without a query. What it keeps is good for one value of the *accounts* generation
(`core/generations.py`), which moves with every committed change to a user (but for their
last login time), an organisation, a broker profile, or a login session's revocation: a
logout, a deactivation or a role change in one worker holds at the next request in every
worker. `revoke_all`, a bulk update, moves it itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached
from sqlalchemy.orm.base import instance_state

from backend.accounts.models import AuthSession, BrokerProfile, Organisation, User
from backend.core import generations

ACCOUNTS = "accounts"
CAPACITY = 10_000  # login sessions per process; past that the oldest are dropped


def _columns(cls: type, but: tuple[str, ...] = ()) -> tuple[str, ...]:
    mapper: Mapper[Any] = inspect(cls)
    return tuple(prop.key for prop in mapper.column_attrs if prop.key not in but)


_USER = _columns(User)
_ORGANISATION = _columns(Organisation)
_BROKER = _columns(BrokerProfile)

# A new user, organisation or login session is in no one's kept login until a row that is
# kept refers to it, and that change moves the counter; a new broker profile changes what
# its user's kept login says, so it counts.
generations.watch(ACCOUNTS, (User, _columns(User, but=("last_login_at",))),
                  (Organisation, _ORGANISATION), BrokerProfile,
                  (AuthSession, ("user_id", "expires_at", "revoked_at")))

T = TypeVar("T")


def _values(obj: object, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in keys}


def _detached(cls: type[T], values: Mapping[str, Any]) -> T:
    """An instance with these column values, as if loaded and then detached."""
    obj = inspect(cls).class_manager.new_instance()
    # Lists and dicts (a broker's fields) are copied: the request may change its own.
    obj.__dict__.update({k: v.copy() if isinstance(v, list | dict) else v
                         for k, v in values.items()})
    make_transient_to_detached(obj)
    return obj  # type: ignore[no-any-return]


def _held(session: Session, obj: object) -> bool:
    key = instance_state(obj).key
    return key is not None and session.identity_map.get(key) is not None


@dataclass(frozen=True, slots=True)
class _Login:
    user: dict[str, Any]
    organisation: dict[str, Any] | None
    broker: dict[str, Any] | None

    @classmethod
    def of(cls, user: User) -> _Login:
        org, broker = user.organisation, user.broker
        return cls(_values(user, _USER),
                   None if org is None else _values(org, _ORGANISATION),
                   None if broker is None else _values(broker, _BROKER))

    def attach(self, session: Session) -> User | None:
        """The user, organisation and broker profile, persistent in `session` as the joined
        load leaves them; None if the session already holds one of those rows."""
        user = _detached(User, self.user)
        org = None if self.organisation is None else _detached(Organisation, self.organisation)
        broker = None if self.broker is None else _detached(BrokerProfile, self.broker)
        rows = [obj for obj in (user, org, broker) if obj is not None]
        if any(_held(session, obj) for obj in rows):
            return None
        user.__dict__["organisation"] = org
        user.__dict__["broker"] = broker
        session.add_all(rows)
        return user


class LoginCache:
    """The logins one process keeps, at one accounts generation."""

    def __init__(self) -> None:
        self._kept: generations.Kept[str, _Login] = generations.Kept(ACCOUNTS)

    def clear(self) -> None:
        self._kept.clear()

    def user(self, session: Session, session_id: str, user_id: int,
             load: Callable[[], User]) -> User:
        """The user of this open login session: kept, or `load()`ed (which raises if the
        login is not valid) and kept when this unit of work has not changed accounts."""
        logins = self._kept.items(session)
        if logins is None:
            return load()
        kept = logins.get(session_id)
        if kept is not None and kept.user["id"] == user_id:
            user = kept.attach(session)
            if user is not None:
                return user
        user = load()
        self._kept.add(logins, [(session_id, _Login.of(user))], CAPACITY)
        return user


cache = LoginCache()
