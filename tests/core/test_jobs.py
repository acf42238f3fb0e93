"""Jobs leave only with a commit."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from backend.core import jobs
from backend.db import session_scope
from backend.worker import celery_app

calls: list[str] = []


@celery_app.task(name="tests.record_call")
def record_call(value: str) -> None:
    calls.append(value)


def test_a_committed_unit_sends_its_jobs(db: Session) -> None:
    calls.clear()
    with session_scope() as session:
        jobs.enqueue(session, "tests.record_call", "kept")
        assert calls == []  # not before the commit
    assert calls == ["kept"]


def test_a_rolled_back_unit_drops_its_jobs(db: Session) -> None:
    calls.clear()
    with pytest.raises(RuntimeError), session_scope() as session:
        jobs.enqueue(session, "tests.record_call", "dropped")
        raise RuntimeError("boom")
    assert calls == []
