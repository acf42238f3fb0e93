"""Revision 0011 on a database with rows: assignments a deal made end unless an open deal the
firm accepted still holds them, and declared names are filled from the names on file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, MetaData, select

from backend.cli import alembic_config
from backend.db import make_engine
from tests.conftest import drop_postgres_database, fresh_postgres_database, postgres_reachable

ADMIN, FIRM, INSTITUTE, ENDED_LEAD, OPEN_LEAD, BY_ADMIN, UNACCEPTED_LEAD = range(1, 8)


def _upgrade(url: str, revision: str) -> None:
    config = alembic_config(url)
    command.upgrade(config, revision)


def _seed(conn: Connection, tables: MetaData) -> None:
    now = datetime.now(UTC)

    def add(table: str, **values: Any) -> None:
        conn.execute(tables.tables[table].insert().values(**values))

    add("persons", id=1, id_number="350102199611162631", name="张三")
    for i, kind in enumerate(("address", "phone", "email_domain"), 1):
        add("identifiers", id=i, kind=kind, value=f"value{i}")
    for org, kind in ((1, "firm"), (2, "institute")):
        add("organisations", id=org, kind=kind, name=f"机构{org}", credit_code=f"CODE{org}",
            legal_rep_id=1, address_id=1, address_text="地址", phone_id=2, email_domain_id=3,
            region="福州市", verification_status="verified", created_at=now)
    add("officers", id=1, organisation_id=1, person_id=1, position="director")
    roles = {ADMIN: ("admin", None), FIRM: ("firm", 1), INSTITUTE: ("institute", 2)}
    for user in range(1, 8):
        role, org = roles.get(user, ("broker", None))
        add("users", id=user, username=f"u{user}", display_name=f"用户{user}", password_hash="x",
            role=role, organisation_id=org, is_active=True, created_at=now)
    field = conn.execute(select(tables.tables["fields"].c.id).limit(1)).scalar_one()
    common = {"created_by_id": FIRM, "field_id": field, "keywords": "", "modes_mask": 0,
              "region": "福州市", "search_text": "", "hidden": False, "created_at": now,
              "updated_at": now}
    add("demands", id=1, organisation_id=1, title="需求", description="需求", visibility="public",
        anonymous=True, status="in_negotiation", **common)
    for achievement in (1, 2, 3):
        add("achievements", id=achievement, organisation_id=2, title="成果", abstract="成果",
            trl=5, stage="pilot", negotiable=True, team_lead="王", status="published",
            **{**common, "created_by_id": INSTITUTE})
    # (deal, achievement, stage, the firm's answer, lead broker)
    for deal, achievement, stage, answer, lead in (
            (1, 1, "cancelled", "accepted", ENDED_LEAD),
            (2, 2, "negotiating", "accepted", OPEN_LEAD),
            (3, 3, "introduced", "pending", UNACCEPTED_LEAD)):
        add("deals", id=deal, demand_id=1, achievement_id=achievement, demand_org_id=1,
            achievement_org_id=2, stage=stage, demand_acceptance=answer,
            achievement_acceptance="pending", opened_by_id=lead, opened_at=now, version=1)
        add("deal_brokers", id=deal, deal_id=deal, broker_id=lead, role="lead",
            status="active", share=100)
    for row, (broker, by) in enumerate(((ENDED_LEAD, ENDED_LEAD), (OPEN_LEAD, OPEN_LEAD),
                                        (UNACCEPTED_LEAD, UNACCEPTED_LEAD),
                                        (BY_ADMIN, ADMIN)), 1):
        add("demand_brokers", id=row, demand_id=1, broker_id=broker, assigned_by_id=by,
            assigned_at=now)


def _check(url: str) -> None:
    _upgrade(url, "0007")
    engine = make_engine(url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as conn:
            _seed(conn, tables)
        _upgrade(url, "head")
        tables = MetaData()
        tables.reflect(engine)
        t = tables.tables
        with engine.connect() as conn:
            kept = conn.execute(select(t["demand_brokers"].c.broker_id, t["demand_brokers"].c.by_deal)
                                .order_by(t["demand_brokers"].c.broker_id)).all()
            assert [tuple(r) for r in kept] == [(OPEN_LEAD, True), (BY_ADMIN, False)]
            assert conn.execute(select(t["organisations"].c.legal_rep_name)).scalars().all() == [
                "张三", "张三"]
            assert conn.execute(select(t["officers"].c.name)).scalar_one() == "张三"
            assert conn.execute(select(t["deals"].c.requested)).scalars().all() == [False] * 3
            # Nothing else lost on the way (a rebuilt table on SQLite would cascade deletes).
            assert len(conn.execute(select(t["deal_brokers"].c.id)).all()) == 3
    finally:
        engine.dispose()


def test_0011_on_sqlite_with_rows(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'rows.db'}")


@pytest.mark.postgres
def test_0011_on_postgresql_with_rows() -> None:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    name = "techbroker_migration_0011"
    try:
        _check(fresh_postgres_database(name))
    finally:
        drop_postgres_database(name)


def test_0011_downgrades_without_losing_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'down.db'}"
    _check(url)
    config = alembic_config(url)
    command.downgrade(config, "0007")
    engine = make_engine(url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        with engine.connect() as conn:
            assert len(conn.execute(select(tables.tables["deal_brokers"].c.id)).all()) == 3
            assert "requested" not in tables.tables["deals"].c
    finally:
        engine.dispose()
