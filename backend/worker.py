"""The Celery app: eager and in-process by default, a real worker when CELERY_BROKER_URL is set."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import task_postrun
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from backend.config import get_settings
from backend.core import jobs, tasks
from backend.core.counters import TASKS

log = logging.getLogger(__name__)

TASK_MODULES = [
    "backend.listings.tasks",
    "backend.matches.tasks",
    "backend.integrity.tasks",
    "backend.intake.tasks",
]


# Failures that say nothing about the task, only that the database or a connection was briefly
# away: a task hitting one is retried with backoff. Every task is written to be idempotent
# (it reads the current state and makes it agree), so running it again is safe.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError, PoolTimeout, ConnectionError, TimeoutError)


class TechbrokerTask(Task):  # type: ignore[misc]  # celery ships no types
    """The base of every task: acknowledged after it finishes (acks late, so a worker dying
    mid-task leaves it to be redelivered), retried on transient errors."""

    autoretry_for = TRANSIENT_ERRORS
    max_retries = 5
    retry_backoff = 2
    retry_backoff_max = 120
    retry_jitter = True

    @classmethod
    def bind(cls, app: Celery) -> Any:
        bound = super().bind(app)
        # A task's own hard limit under the app's default soft limit (540 s) would leave a soft
        # limit that never fires, and Celery refuses to send such a task again (retries fail
        # with "soft_time_limit must be less than or equal to time_limit"): keep 90 %.
        if cls.time_limit and cls.soft_time_limit and cls.soft_time_limit > cls.time_limit:
            cls.soft_time_limit = int(cls.time_limit * 0.9)
        return bound


def _make_celery() -> Celery:
    settings = get_settings()
    app = Celery("techbroker", include=TASK_MODULES, task_cls=TechbrokerTask)
    app.conf.update(
        broker_url=settings.celery_broker_url or "memory://",
        result_backend=settings.celery_result_backend or None,
        task_always_eager=settings.celery_eager,
        task_eager_propagates=False,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=600,
        task_soft_time_limit=540,
        task_default_queue=settings.celery_queue,
        broker_transport_options={"visibility_timeout": settings.celery_visibility_timeout},
        result_backend_transport_options={
            "visibility_timeout": settings.celery_visibility_timeout},
        timezone="Asia/Shanghai",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "listings.expire_overdue": {"task": "listings.expire_overdue", "schedule": 3600.0},
            "integrity.scan_open_claims": {"task": "integrity.scan_open_claims",
                                           "schedule": 86400.0},
            "matching.train_reranker": {"task": "matching.train_reranker", "schedule": 86400.0},
            "intake.escalate_overdue": {"task": "intake.escalate_overdue", "schedule": 3600.0},
            "intake.propose_promotions": {"task": "intake.propose_promotions",
                                          "schedule": crontab(hour=2, minute=30)},
        },
    )
    return app


celery_app = _make_celery()


@task_postrun.connect  # type: ignore[untyped-decorator]  # celery ships no types
def _count_task(task: Any = None, state: str | None = None, **_: Any) -> None:
    TASKS.labels(getattr(task, "name", "unknown"), state or "unknown").inc()


class BackgroundTasks:
    """Eager tasks that must not run inside the request that sent them.

    Without a broker (the embedded default) a task runs in the process that sends it, and
    usually in the same call, after the request's commit. The matcher's index tasks can take
    seconds (a full build, a save) and wait for a writer lock another process holds (the
    `techbroker reindex` command): in an API process, the tasks named here instead run one at
    a time, in the order sent, on one thread of the process, as a worker would run them.
    Started and stopped with the app's lifespan (`backend.matches.loader`); elsewhere (the
    CLI, the tests' in-process client) eager tasks still run in the call."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(names)
        self._queue: queue.Queue[tuple[str, tuple[Any, ...], dict[str, Any]] | None] = (
            queue.Queue())
        self._thread = threading.Thread(target=self._run, name="background-tasks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._queue.put((name, args, kwargs))

    def join(self) -> None:
        """Wait until every task sent so far has run."""
        self._queue.join()

    def stop(self, timeout: float = 60.0) -> None:
        """Run what was sent, then end the thread (waiting at most `timeout` seconds)."""
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("background tasks still running after %.0f s at shutdown", timeout)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                _apply(*job)
            except Exception:  # a task's own failure is logged by _apply; this is a bug here
                log.exception("background task %s could not run", job[0] if job else None)
            finally:
                self._queue.task_done()


_background: BackgroundTasks | None = None


def run_in_background(names: Iterable[str]) -> BackgroundTasks:
    """From now on, run the eager tasks `names` on a background thread of this process."""
    global _background
    background = BackgroundTasks(names)
    background.start()
    _background = background
    return background


def stop_background(timeout: float = 60.0) -> None:
    """Run the eager tasks in the call again, once the background thread has run its own."""
    global _background
    background, _background = _background, None
    if background is not None:
        background.stop(timeout)


def _task(name: str) -> Any:
    task = celery_app.tasks.get(name)
    if task is None:
        celery_app.loader.import_default_modules()
        task = celery_app.tasks[name]
    return task


def _apply(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    result = _task(name).apply(args=args, kwargs=kwargs)
    if result.failed():
        log.error("eager task %s failed: %r", name, result.result)


def send_task(name: str, *args: Any, **kwargs: Any) -> None:
    """Run a registered task: in process when eager (on the background thread, for the tasks
    `run_in_background` named), through the broker otherwise."""
    task = _task(name)
    if celery_app.conf.task_always_eager:
        background = _background
        if background is not None and name in background.names:
            background.submit(name, args, kwargs)
        else:
            _apply(name, args, kwargs)
        return
    task.apply_async(args=args, kwargs=kwargs)


celery_app.task(name="core.ping", time_limit=30)(tasks.ping)
# Core sends the tasks units of work park, and checks the broker, through this app.
jobs.install(celery_app, send_task)
