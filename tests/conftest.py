"""Test databases built by the real migrations; each test runs in a transaction rolled back after it.

Every database test runs twice: on SQLite, and on the PostgreSQL at 127.0.0.1:5432
when it is reachable (CI sets TECHBROKER_REQUIRE_POSTGRES=1, making its absence an error).
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_VAR = Path(tempfile.mkdtemp(prefix="techbroker-test-"))
os.environ["ENVIRONMENT"] = "test"
os.environ["VAR_DIR"] = str(_VAR)
os.environ["MATCHING_ENCODER"] = "hash"
os.environ["MARKET_FIGURES_CACHE_SECONDS"] = "0"  # tests change the market between requests
# No background index loader in this process: a test serves the indexes it builds, and eager
# index tasks run in the call (servers started as subprocesses set their own poll).
os.environ["INDEX_POLL_SECONDS"] = "0"
for _name in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "SECRET_KEY"):
    os.environ.pop(_name, None)

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine, create_engine, event, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

# Start-up, as in the app: the worker module hands the Celery app to core (core/jobs.py);
# deals hand listings the lookup of a demand's open deals (listings/demands.py); integrity
# hands rewards its claim checks (rewards/checks.py); intake registers the demotion of a
# listed broker with the dishonesty list (integrity/dishonesty.py).
from backend import db as db_module  # noqa: E402
from backend import worker as _worker  # noqa: E402, F401
from backend.accounts import login_cache  # noqa: E402
from backend.cli import migrate_to_head  # noqa: E402
from backend.db import make_engine  # noqa: E402
from backend.deals import lookup as _deals  # noqa: E402, F401
from backend.intake import demotion as _demotion  # noqa: E402, F401
from backend.integrity import service as _integrity  # noqa: E402, F401
from backend.listings import cards  # noqa: E402

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL",
                              f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/test")


def postgres_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


def fresh_postgres_database(name: str) -> str:
    """Create (or recreate) an empty PostgreSQL database and return its URL."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def migrated_postgres(prefix: str) -> Iterator[tuple[str, Engine]]:
    """A fresh PostgreSQL database for this xdist worker (`<prefix>_<worker>`), migrated to
    head: its URL and an engine; disposed of and dropped afterwards."""
    name = f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    url = fresh_postgres_database(name)
    migrate_to_head(url)
    engine = make_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()
        drop_postgres_database(name)


def _worker_suffix() -> str:
    """Unique per test process, so concurrent test runs never drop each other's database."""
    return f'{os.environ.get("PYTEST_XDIST_WORKER", "main")}_{os.getpid()}'


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Engine]:
    """A migrated database of each kind, once per test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        name = None
    else:
        if not postgres_reachable():
            if os.environ.get("TECHBROKER_REQUIRE_POSTGRES") == "1":
                pytest.fail("PostgreSQL at 127.0.0.1:5432 is required but unreachable")
            pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
        name = f"techbroker_test_{_worker_suffix()}"
        url = fresh_postgres_database(name)
    migrate_to_head(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()
    if name:
        drop_postgres_database(name)


def forget_kept() -> None:
    cards.cache.clear()
    login_cache.cache.clear()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session whose work, and every unit of work the app opens, is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                           expire_on_commit=False)
    db_module.use_session_factory(factory)
    session = factory()
    # The listing cards and logins a process keeps follow generations, which move on commit.
    # Rolled-back tests rewind them (and SQLite reuses their ids), and builders change rows
    # through this session with a flush and no commit: drop what is kept at both.
    forget_kept()
    event.listen(session, "after_flush", lambda *_: forget_kept())
    try:
        yield session
    finally:
        session.close()
        db_module.use_session_factory(None)
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session")
def app():  # type: ignore[no-untyped-def]
    from backend.app import create_app

    return create_app()


@pytest.fixture
def client(app, db: Session, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
           ) -> Iterator[TestClient]:
    # On PostgreSQL the endpoints run in the event loop, as they do in production there.
    from backend.config import get_settings

    monkeypatch.setattr(get_settings(), "endpoints_in_event_loop",
                        db.get_bind().dialect.name == "postgresql")
    with TestClient(app, base_url="http://testserver") as c:
        yield c
