"""Revision 0019 on a database whose payments already repeat a bank reference (the bug it
fixes): every payment gets its reference's key but the later repeats, so the partial unique
index can be built and nothing recorded changes; from then on a repeat is refused unless the
other payment is voided."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import exc, select, text
from sqlalchemy.orm import Session

from backend.cli import alembic_config
from backend.db import make_engine
from backend.deals.models import Stage
from tests.builders import deals as d


def _insert_payments(path: Path, rows: list[tuple[int, str]]) -> None:
    """Payments as 0018 kept them, on the contract a deal recorded."""
    with closing(sqlite3.connect(path)) as conn:
        contract_id, user_id = conn.execute(
            "SELECT id, created_by_id FROM contracts").fetchone()
        conn.executemany(
            "INSERT INTO payments (id, contract_id, paid_on, amount, counted, bank_reference, "
            "invoice_reference, recorded_by_id, recorded_at, evidence_version, evidence_status) "
            "VALUES (?, ?, '2026-11-01', 10000, 1, ?, '发票', ?, '2026-11-01 00:00:00.000000', "
            "1, 'declared')", [(pid, contract_id, ref, user_id) for pid, ref in rows])
        conn.commit()


def test_0019_keys_the_references_and_leaves_earlier_repeats_unkeyed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'payments.db'}"
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        d.deal_at(session, Stage.SIGNED)
    command.downgrade(alembic_config(url), "0018")
    try:
        _insert_payments(tmp_path / "payments.db",
                         [(1, "ICBC 0001"), (2, "icbc0001"), (3, "ICBC-0002")])
        command.upgrade(alembic_config(url), "0019")
        with engine.connect() as conn:
            keys: dict[int, str | None] = dict(
                conn.execute(text("SELECT id, reference_key FROM payments")).tuples().all())
            references = conn.execute(select(text("bank_reference")).select_from(
                text("payments")).order_by(text("id"))).scalars().all()
        assert keys == {1: "ICBC0001", 2: None, 3: "ICBC-0002"}
        assert references == ["ICBC 0001", "icbc0001", "ICBC-0002"]  # nothing rewritten
        with pytest.raises(exc.IntegrityError), engine.begin() as conn:
            conn.execute(text("UPDATE payments SET reference_key = 'ICBC-0002' WHERE id = 1"))
        with engine.begin() as conn:  # a voided payment's key no longer blocks
            conn.execute(text("UPDATE payments SET voided_at = '2026-11-02 00:00:00' "
                              "WHERE id = 3"))
            conn.execute(text("UPDATE payments SET reference_key = 'ICBC-0002' WHERE id = 1"))
        command.downgrade(alembic_config(url), "0018")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM payments")).scalar_one() == 3
    finally:
        engine.dispose()
