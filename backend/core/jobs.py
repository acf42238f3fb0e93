"""Post-commit jobs: tasks enqueued in a unit of work are sent only if it commits.

A task sent before the commit could run against data that is then rolled back, or
not yet visible to the worker; so services call `enqueue(session, ...)`, which
parks the task on the session, and the unit of work (`backend.db.session_scope`)
sends what is parked after a successful commit and drops it on rollback. Tasks
receive ids, never ORM objects.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

_KEY = "techbroker_pending_jobs"

Job = tuple[str, tuple[Any, ...], dict[str, Any]]


def enqueue(session: Session, task_name: str, *args: Any, **kwargs: Any) -> None:
    """Queue a Celery task by name, to be sent once this session's unit of work commits."""
    session.info.setdefault(_KEY, []).append((task_name, args, kwargs))


def take(session: Session) -> list[Job]:
    """Remove and return the jobs parked on the session."""
    jobs: list[Job] = session.info.pop(_KEY, [])
    return jobs


def send(jobs: list[Job]) -> None:
    from backend.worker import send_task

    for name, args, kwargs in jobs:
        send_task(name, *args, **kwargs)
