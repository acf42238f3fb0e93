"""Post-commit jobs: tasks enqueued in a unit of work are sent only if it commits.

A task sent before the commit could run against data that is then rolled back, or
not yet visible to the worker; so services call `enqueue(session, ...)`, which
parks the task on the session, and the unit of work (`backend.db.session_scope`)
hands what is parked to `send` after a successful commit and drops it on rollback.
Tasks receive ids, never ORM objects.

Core knows no Celery app of its own: the worker module (`backend/worker.py`) hands its app
and its sender here when it loads (`install`), and every process that sends tasks or checks
the broker (the API, the CLI, the worker, the tests) loads it at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from backend import db

_KEY = "techbroker_pending_jobs"

Job = tuple[str, tuple[Any, ...], dict[str, Any]]
Sender = Callable[..., None]

_app: Any = None
_sender: Sender | None = None


def install(app: Any, sender: Sender) -> None:
    """Hand core the Celery app (for the broker's health) and the function that sends a task
    by name (`sender(name, *args, **kwargs)`)."""
    global _app, _sender
    _app, _sender = app, sender


def celery_app() -> Any:
    if _app is None:
        raise RuntimeError("No Celery app: import backend.worker at start-up.")
    return _app


def enqueue(session: Session, task_name: str, *args: Any, **kwargs: Any) -> None:
    """Queue a Celery task by name, to be sent once this session's unit of work commits."""
    session.info.setdefault(_KEY, []).append((task_name, args, kwargs))


def take(session: Session) -> list[Job]:
    """Remove and return the jobs parked on the session."""
    jobs: list[Job] = session.info.pop(_KEY, [])
    return jobs


def send(jobs: list[Job]) -> None:
    if not jobs:
        return
    if _sender is None:
        raise RuntimeError("No task sender: import backend.worker at start-up.")
    for name, args, kwargs in jobs:
        _sender(name, *args, **kwargs)


# The unit of work takes the parked jobs before its session closes and sends them after a
# commit; `send` is looked up at each call, so a test may replace it.
db.on_unit_end(take, lambda pending: send(pending))
