"""The Celery app: eager and in-process by default, a real worker when CELERY_BROKER_URL is set."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from celery.signals import task_postrun

from backend.config import get_settings

log = logging.getLogger(__name__)

TASK_MODULES = [
    "backend.core.tasks",
]


def _make_celery() -> Celery:
    settings = get_settings()
    app = Celery("techbroker", include=TASK_MODULES)
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
        task_default_queue="techbroker",
        timezone="Asia/Shanghai",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        beat_schedule={},
    )
    return app


celery_app = _make_celery()


@task_postrun.connect  # type: ignore[untyped-decorator]  # celery ships no types
def _count_task(task: Any = None, state: str | None = None, **_: Any) -> None:
    from backend.core.metrics import TASKS

    TASKS.labels(getattr(task, "name", "unknown"), state or "unknown").inc()


def send_task(name: str, *args: Any, **kwargs: Any) -> None:
    """Run a registered task: in process when eager, through the broker otherwise."""
    task = celery_app.tasks.get(name)
    if task is None:
        celery_app.loader.import_default_modules()
        task = celery_app.tasks[name]
    if celery_app.conf.task_always_eager:
        result = task.apply(args=args, kwargs=kwargs)
        if result.failed():
            log.error("eager task %s failed: %r", name, result.result)
        return
    task.apply_async(args=args, kwargs=kwargs)
