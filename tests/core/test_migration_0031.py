"""Revision 0031_milestone_expert_verdict on a database whose milestones were checked before
verdicts existed: a check recorded then was a confirmation, so it becomes a pass; an unchecked
milestone has no verdict."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from backend.cli import alembic_config
from backend.core.types import utcnow
from backend.db import make_engine
from tests.builders import accounts as b
from tests.builders import challenges as c


def test_0031_turns_earlier_checks_into_passes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'verdicts.db'}"
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        issuer, winner = b.make_firm_user(session), b.make_institute_user(session)
        _, _, (checked, unchecked, *_) = c.in_delivery(session, issuer, winner)
        checked.expert_checked_at, checked.expert_check_note = utcnow(), "达标"
        ids = (checked.id, unchecked.id)
    command.downgrade(alembic_config(url), "0030")
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        verdicts = dict(conn.execute(text(
            "SELECT id, expert_verdict FROM challenge_milestones")).tuples().all())
    engine.dispose()
    assert (verdicts[ids[0]], verdicts[ids[1]]) == ("pass", None)
