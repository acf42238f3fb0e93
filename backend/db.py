"""Engine, the request-scoped session with its one transaction, and the declarative Base."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import anyio
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from backend.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        _serialise_sqlite_writers(engine)
        return engine
    # connect_timeout: endpoints run in the event loop on PostgreSQL (core/routing.py), where an
    # unreachable server must fail a request in seconds, not stop the process for minutes.
    # No ping at checkout: it was a round trip on every request (about a tenth of a request's
    # CPU under load). A connection found dead fails its request with a 503 instead and, being a
    # disconnect, makes the pool drop every connection opened before it: after a database
    # restart only the requests that meet an old connection first fail (test_database_outage.py).
    return create_engine(
        url, echo=echo, pool_size=10, max_overflow=20, pool_timeout=10,
        connect_args={"connect_timeout": 5},
    )


def _serialise_sqlite_writers(engine: Engine) -> None:
    """Make every SQLite transaction BEGIN IMMEDIATE, in WAL mode.

    SQLite's default deferred transactions let two writers read the same state
    and then fail (or, for read-modify-write rules like the audit chain and
    payment totals, disagree). Taking the write lock at BEGIN serialises
    writers the way row locks do on PostgreSQL; WAL keeps readers outside
    transactions unblocked. The embedded default is one process, so this costs
    little.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below be the only one
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.database_url, echo=settings.sql_echo)


_factory: sessionmaker[Session] | None = None


def session_factory() -> sessionmaker[Session]:
    global _factory
    if _factory is None:
        _factory = sessionmaker(bind=get_engine(), expire_on_commit=False, autoflush=True)
    return _factory


def use_session_factory(factory: sessionmaker[Session] | None) -> None:
    """Point every unit of work at another factory (tests bind one to a rolled-back connection)."""
    global _factory
    _factory = factory


@dataclass(frozen=True)
class UnitHook:
    """Work that rides on a unit of work: `take(session)` runs before the session closes
    (commit or rollback); after a commit, what it returned goes to `done`."""

    take: Callable[[Session], Any]
    done: Callable[[Any], None]


_hooks: list[UnitHook] = []


def on_unit_end(take: Callable[[Session], Any], done: Callable[[Any], None]) -> None:
    """Register a hook (core/jobs.py sends the tasks parked on the session after a commit)."""
    _hooks.append(UnitHook(take, done))


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, then send queued jobs.

    Services add and flush; only this function (and the request dependency built on
    it) commits. Jobs enqueued during the unit are sent only after the commit.
    """
    session = session_factory()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        for hook in _hooks:
            hook.take(session)
        raise
    else:
        pending = [(hook, hook.take(session)) for hook in _hooks]
    finally:
        session.close()
    for hook, taken in pending:
        hook.done(taken)


class RequestUnit:
    """A request's unit of work (`session_scope`), ended exactly once.

    A sync endpoint ends it in the same call as the endpoint itself (core/routing.py), so the
    transaction commits or rolls back before the request gives up the thread or the event loop
    it ran on; the dependency's exit ends it otherwise (an error before the endpoint, an
    endpoint that is a coroutine)."""

    def __init__(self) -> None:
        self._scope = session_scope()
        # Opening a session does no I/O: the connection is taken at its first query.
        self.session = self._scope.__enter__()
        self.open = True

    def end(self, *exc_info: Any) -> None:
        """Commit (no exception given) or roll back, close, then send the queued jobs."""
        if self.open:
            self.open = False
            self._scope.__exit__(*exc_info)


async def request_unit() -> AsyncIterator[RequestUnit]:
    """The request's unit of work, as a FastAPI dependency. What is left of it at the exit
    (nothing, after a sync endpoint that succeeded) ends where endpoints run; in the thread
    pool the end is shielded from cancellation and has a limiter of its own, as in FastAPI's own
    wrapper, so neither a client that disconnects nor a full pool can leave a connection
    checked out."""
    unit = RequestUnit()

    async def end(*exc_info: Any) -> None:
        if not unit.open:
            return
        if get_settings().endpoints_in_event_loop:
            unit.end(*exc_info)
            return
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(unit.end, *exc_info,
                                           limiter=anyio.CapacityLimiter(1))

    try:
        yield unit
    except BaseException as exc:
        await end(type(exc), exc, exc.__traceback__)
        raise
    await end(None, None, None)
