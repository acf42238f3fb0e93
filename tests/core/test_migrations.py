"""The Alembic revisions build both databases from empty, and match the models."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Boolean, Connection, Integer, inspect, text
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table

from backend.cli import MIGRATIONS_DIR, alembic_config, migrate_to_head
from backend.core.types import UTCDateTime
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


# --- 0009: the text the old HTML cleaner escaped, back to what people typed ------------------

def _insert(conn: Connection, table_name: str, /, **values: object) -> int:
    types = {datetime: UTCDateTime(), bool: Boolean()}
    table = sa_table(table_name, sa_column("id", Integer), *(
        sa_column(k, types.get(type(v))) for k, v in values.items()))
    return int(conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one())


def _escaped_world(conn: Connection) -> dict[str, int]:
    """Rows as the old code wrote them: cleaned fields escaped, the others raw."""
    now = datetime(2026, 12, 1, tzinfo=UTC)
    ids = {"person": _insert(conn, "persons", id_number="350102198001010012",
                             name="欧阳&amp;李")}
    address, phone, domain = (_insert(conn, "identifiers", kind=kind, value=value) for kind, value
                              in (("address", "福州市a&b路"), ("phone", "059188880000"),
                                  ("email_domain", "ab.cn")))
    ids["org"] = _insert(
        conn, "organisations", kind="firm", name="A &amp; B &lt;智造&gt; 有限公司",
        credit_code="91350100M000100Y43", legal_rep_id=ids["person"], address_id=address,
        address_text="福州市 a&amp;b 路", phone_id=phone, email_domain_id=domain,
        bank_name="工行&amp;", region="福州&amp;厦门", verification_status="verified",
        verification_note="R&amp;D ok", created_at=now)
    ids["user"] = _insert(conn, "users", username="firm1", display_name="王&lt;经理&gt;",
                          password_hash="x", role="firm", organisation_id=ids["org"],
                          is_active=True, created_at=now)
    field = int(conn.execute(text("SELECT min(id) FROM fields")).scalar_one())
    listing = {"organisation_id": ids["org"], "created_by_id": ids["user"], "field_id": field,
               "modes_mask": 0, "search_text": "", "hidden": False, "created_at": now,
               "updated_at": now}
    ids["demand"] = _insert(
        conn, "demands", **listing, title="a&lt;b&nbsp;c", description="R&amp;D\n需求 &amp;amp;",
        keywords="R&amp,D", region="福州", visibility="public", anonymous=False,
        status="published")
    ids["achievement"] = _insert(
        conn, "achievements", **listing, title="成果 &gt; 1", abstract="摘要", keywords="",
        region="厦门", trl=5, stage="pilot", negotiable=True, team_lead="李&amp;王",
        status="published")
    ids["deal"] = _insert(
        conn, "deals", demand_id=ids["demand"], achievement_id=ids["achievement"],
        demand_org_id=ids["org"], achievement_org_id=ids["org"], stage="negotiating",
        demand_acceptance="accepted", achievement_acceptance="accepted",
        opened_by_id=ids["user"], opened_at=now, version=1)
    event = {"deal_id": ids["deal"], "at": now, "visible_to_parties": True}
    ids["note"] = _insert(conn, "deal_events", **event, kind="note", text="备注 &lt;重要&gt;")
    ids["file"] = _insert(conn, "deal_events", **event, kind="file_uploaded",
                          text="上传合同附件：a&amp;b.pdf。Attached a&amp;b.pdf.")
    ids["notification"] = _insert(conn, "notifications", user_id=ids["user"], kind="deal.note",
                                  title="撮合项目 #1：备注", body="备注 &lt;重要&gt;",
                                  deal_id=ids["deal"], created_at=now)
    return ids


def _check_unescaped(url: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config(url)
    previous = ScriptDirectory.from_config(config).get_revision("0009").down_revision
    command.upgrade(config, str(previous))
    engine = make_engine(url)
    with engine.begin() as conn:
        ids = _escaped_world(conn)
    command.upgrade(config, "head")
    with engine.connect() as conn:
        def one(sql: str, id_: int) -> tuple[object, ...]:
            return tuple(conn.execute(text(sql), {"id": id_}).one())

        assert one("SELECT name FROM persons WHERE id = :id", ids["person"]) == ("欧阳&李",)
        assert one("SELECT name, region, address_text, bank_name, verification_note "
                   "FROM organisations WHERE id = :id", ids["org"]) == (
            "A & B <智造> 有限公司", "福州&厦门",
            "福州市 a&amp;b 路", "工行&amp;", "R&amp;D ok")  # stored raw: left alone
        assert one("SELECT display_name FROM users WHERE id = :id", ids["user"]) == ("王<经理>",)
        assert one("SELECT title, description, keywords FROM demands WHERE id = :id",
                   ids["demand"]) == ("a<b\xa0c", "R&D\n需求 &amp;", "R&,D")
        assert one("SELECT title, team_lead FROM achievements WHERE id = :id",
                   ids["achievement"]) == ("成果 > 1", "李&王")
        assert one("SELECT text FROM deal_events WHERE id = :id", ids["note"]) == ("备注 <重要>",)
        assert one("SELECT text FROM deal_events WHERE id = :id", ids["file"]) == (
            "上传合同附件：a&amp;b.pdf。Attached a&amp;b.pdf.",)  # a file name, stored raw
        assert one("SELECT body FROM notifications WHERE id = :id",
                   ids["notification"]) == ("备注 <重要>",)
    engine.dispose()


def test_the_escaped_text_of_sqlite_rows_is_unescaped_once(tmp_path: Path) -> None:
    _check_unescaped(f"sqlite:///{tmp_path / 'escaped.db'}")


@pytest.mark.postgres
def test_the_escaped_text_of_postgresql_rows_is_unescaped_once() -> None:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    name = "techbroker_unescape_check"
    try:
        _check_unescaped(fresh_postgres_database(name))
    finally:
        drop_postgres_database(name)
