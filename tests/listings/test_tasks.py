"""Expiring overdue demands (the hourly beat task) and fanning out index jobs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.core import clock, jobs
from backend.listings import demands, tasks
from backend.listings.models import DemandStatus
from backend.worker import celery_app
from tests.builders import accounts as b
from tests.builders import listings as lb


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    calls: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(jobs, "send", lambda pending: calls.extend((n, a) for n, a, _ in pending))
    yield calls


def test_overdue_published_and_negotiating_demands_expire_once(db: Session) -> None:
    owner = b.make_firm_user(db)
    today = date(2026, 11, 23)
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    overdue = lb.make_demand(db, owner, deadline=yesterday)
    negotiating = lb.make_demand(db, owner, deadline=yesterday,
                                 status=DemandStatus.IN_NEGOTIATION)
    due_today = lb.make_demand(db, owner, deadline=today)
    later = lb.make_demand(db, owner, deadline=tomorrow)
    draft = lb.make_demand(db, owner, deadline=yesterday, status=DemandStatus.DRAFT)
    closed = lb.make_demand(db, owner, deadline=yesterday, status=DemandStatus.CLOSED)

    assert demands.expire_overdue(db, today) == [overdue.id, negotiating.id]
    assert overdue.status == negotiating.status == DemandStatus.EXPIRED
    assert due_today.status == later.status == DemandStatus.PUBLISHED
    assert draft.status == DemandStatus.DRAFT and closed.status == DemandStatus.CLOSED
    assert demands.expire_overdue(db, today) == []  # idempotent
    entries = db.execute(select(AuditEntry).where(AuditEntry.action == "demand.expire")
                         .order_by(AuditEntry.seq)).scalars().all()
    assert [e.object_id for e in entries] == [str(overdue.id), str(negotiating.id)]
    assert entries[0].actor_id is None and entries[0].actor_label == "system"
    assert entries[1].before == {"status": "in_negotiation", "deadline": yesterday.isoformat()}


def test_the_default_day_is_today_in_china(db: Session) -> None:
    owner = b.make_firm_user(db)
    overdue = lb.make_demand(db, owner, deadline=clock.today() - timedelta(days=1))
    current = lb.make_demand(db, owner, deadline=clock.today())
    assert demands.expire_overdue(db) == [overdue.id]
    assert current.status == DemandStatus.PUBLISHED


def test_the_task_runs_the_service_in_its_own_unit_of_work(
        db: Session, sent: list[tuple[str, tuple[Any, ...]]]) -> None:
    owner = b.make_firm_user(db)
    overdue = lb.make_demand(db, owner, deadline=clock.today() - timedelta(days=2))
    other = lb.make_demand(db, owner, deadline=clock.today() - timedelta(days=2))
    assert tasks.expire_overdue() == 2
    db.expire_all()
    assert overdue.status == other.status == DemandStatus.EXPIRED
    assert sent == [("listings.index_batch", ("demand", [overdue.id, other.id]))]
    assert tasks.expire_overdue() == 0


def test_the_beat_schedule_and_tasks_are_registered() -> None:
    schedule = celery_app.conf.beat_schedule
    assert schedule["listings.expire_overdue"]["task"] == "listings.expire_overdue"
    celery_app.loader.import_default_modules()
    assert {"listings.expire_overdue", "listings.index_batch",
            "matching.index_listing", "matching.index_listings"} <= set(celery_app.tasks)


def test_a_batch_is_one_index_job_for_all_its_listings(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(tasks, "send_task", lambda name, *args: calls.append((name, args)))
    assert tasks.index_batch("achievement", [3, 5, 8]) == 3
    assert calls == [("matching.index_listings", ("achievement", [3, 5, 8]))]
