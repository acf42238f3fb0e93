"""Counters that slow password guessing and mass registration down.

They live in the database (`login_throttles`, one row per key and window), so every API
process shares them, and each is counted in a unit of work of its own: a refused request must
still count.

A failed login counts three ways, so that neither an attacker nor an office behind one NAT
address gets what they should not:

- per user and address, `LOGIN_MAX_FAILURES` (5): that user is locked out from that address;
- per user over every address, `LOGIN_MAX_FAILURES_PER_USER` (20), so guesses spread over
  many addresses stop too. Anyone who knows a username could use it to lock its owner out, so
  it does not apply at an address the user opened a login session from within the last
  `REFRESH_TOKEN_DAYS`: the owner still logs in from their usual office or home;
- per address whatever the username, `LOGIN_MAX_FAILURES_PER_ADDRESS` (200), far above the
  others: fifty colleagues behind one address who each mistype a few times are not locked
  out, while one address trying a password against many usernames still is.

A registration counts per address, `REGISTRATION_MAX_PER_ADDRESS` each
`REGISTRATION_WINDOW_MINUTES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import LoginThrottle
from backend.config import get_settings
from backend.core.errors import TooManyRequests
from backend.core.types import utcnow
from backend.db import session_scope

UNKNOWN_ADDRESS = "unknown"


@dataclass(frozen=True)
class Counter:
    key: str
    limit: int
    window: timedelta


@dataclass(frozen=True)
class LoginCounters:
    user_at_address: Counter
    user: Counter
    address: Counter

    @property
    def all(self) -> tuple[Counter, ...]:
        return (self.user_at_address, self.user, self.address)


def login_counters(username: str, address: str | None) -> LoginCounters:
    settings = get_settings()
    window = timedelta(minutes=settings.login_lockout_minutes)
    name, where = username[:64], address or UNKNOWN_ADDRESS  # no longer username exists
    return LoginCounters(
        Counter(f"user:{name}|{where}", settings.login_max_failures, window),
        Counter(f"account:{name}", settings.login_max_failures_per_user, window),
        Counter(f"ip:{where}", settings.login_max_failures_per_address, window))


def registration_counter(address: str | None) -> Counter:
    settings = get_settings()
    return Counter(f"register:{address or UNKNOWN_ADDRESS}",
                   settings.registration_max_per_address,
                   timedelta(minutes=settings.registration_window_minutes))


def waits(session: Session, counters: tuple[Counter, ...]) -> dict[str, int]:
    """The seconds left of each lock-out among these counters (the keys not locked absent)."""
    now = utcnow()
    rows = session.execute(select(LoginThrottle).where(
        LoginThrottle.key.in_([c.key for c in counters]))).scalars().all()
    return {r.key: int((r.locked_until - now).total_seconds()) + 1
            for r in rows if r.locked_until and r.locked_until > now}


def count(session: Session, counters: tuple[Counter, ...]) -> None:
    """One more event on each counter; a counter reaching its limit locks for its window."""
    now = utcnow()
    for counter in counters:
        row = _locked_row(session, counter.key, now)
        if row.window_started_at + counter.window < now:
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= counter.limit:
            row.locked_until = now + counter.window


def _locked_row(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The counter's row, locked; created when absent. Two first events at once (six
    registrations from one office in the same second) both find no row: the loser's insert
    fails on the key inside its savepoint and it locks the winner's row instead."""
    row = session.get(LoginThrottle, key, with_for_update=True)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(LoginThrottle(key=key, failures=0, window_started_at=now))
    except IntegrityError:
        pass
    return session.execute(select(LoginThrottle).where(LoginThrottle.key == key)
                           .with_for_update().execution_options(populate_existing=True)
                           ).scalar_one()


def reset(session: Session, counter: Counter) -> None:
    session.execute(update(LoginThrottle).where(LoginThrottle.key == counter.key)
                    .values(failures=0, locked_until=None))


def count_registration(address: str | None) -> None:
    """Count a registration from this address, or refuse it (429) when the address has used
    up its registrations for the window."""
    counter = registration_counter(address)
    with session_scope() as session:
        wait = waits(session, (counter,)).get(counter.key)
        if wait is None:
            count(session, (counter,))
    if wait is not None:
        raise TooManyRequests(
            f"该地址注册过于频繁，请 {minutes(wait)} 分钟后再试。"
            f"Too many registrations from this address; try again in {minutes(wait)} minutes.",
            headers={"Retry-After": str(wait)})


def minutes(seconds: int) -> int:
    """Whole minutes to wait, rounded up."""
    return -(-seconds // 60)
