"""The Alembic revisions build both databases from empty, and match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from backend.cli import MIGRATIONS_DIR, alembic_config, migrate_to_head
from backend.db import make_engine
from backend.models import Base
from tests.conftest import drop_postgres_database, fresh_postgres_database, postgres_reachable


def _assert_head_matches_models(url: str) -> None:
    migrate_to_head(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert diff == []
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_empty_sqlite_upgrades_to_head(tmp_path: Path) -> None:
    _assert_head_matches_models(f"sqlite:///{tmp_path / 'empty.db'}")


@pytest.mark.postgres
def test_empty_postgresql_upgrades_to_head() -> None:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    name = "techbroker_migration_check"
    try:
        _assert_head_matches_models(fresh_postgres_database(name))
    finally:
        drop_postgres_database(name)


def test_revisions_are_date_named_and_linear() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    paths = list((MIGRATIONS_DIR / "versions").glob("*.py"))
    assert paths
    for path in paths:
        assert path.name[:4].isdigit() and path.name[4] == "_", path.name


def test_the_developers_alembic_ini_points_at_the_shipped_migrations() -> None:
    """`alembic revision` at the checkout's root writes where `techbroker migrate` reads."""
    from alembic.config import Config

    from backend.config import PROJECT_ROOT

    ini = Config(str(PROJECT_ROOT / "alembic.ini"))
    assert Path(ini.get_main_option("script_location") or "").resolve() == MIGRATIONS_DIR
