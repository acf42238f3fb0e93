"""Alembic environment: the URL comes from Settings (or the caller's connection)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from sqlalchemy import Connection

from backend.config import get_settings
from backend.db import make_engine
from backend.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )


@contextmanager
def _references_kept(connection: Connection) -> Iterator[None]:
    """On SQLite, foreign keys off while the revisions run, checked after.

    A batch operation rebuilds a table (create, copy, drop, rename); with foreign keys on, the
    DROP deletes the rows of every table that references it with ON DELETE CASCADE (a rebuilt
    `deals` took its brokers with it) or fails. SQLite ignores the pragma inside a transaction,
    so it is set on the raw connection before the migration's transaction begins; afterwards
    `foreign_key_check` must find nothing, or the migration fails rather than leave a broken
    reference behind.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    if raw is None:  # a connection that was closed: nothing to guard
        yield
        return
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left broken references: {broken[:10]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _run(connection: Connection) -> None:
    _configure(connection)
    with _references_kept(connection), context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=get_settings().database_url, target_metadata=target_metadata,
                      literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.attributes.get("url") or get_settings().database_url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
