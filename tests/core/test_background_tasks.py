"""Without a broker, the tasks an API process names run on its background thread, in the order
sent, and not inside the call (the request) that sent them; the others still run in the call."""

from __future__ import annotations

import threading

from backend import worker
from backend.worker import celery_app, send_task

WAIT = 60.0  # a guard against hanging, never a pause

ran: list[str] = []
release = threading.Event()
entered = threading.Event()


@celery_app.task(name="tests.background_wait")
def background_wait(value: str) -> None:
    entered.set()
    assert release.wait(WAIT)
    ran.append(value)


@celery_app.task(name="tests.background_record")
def background_record(value: str) -> None:
    ran.append(value)


def test_named_eager_tasks_run_on_the_background_thread_in_order() -> None:
    ran.clear()
    release.clear()
    entered.clear()
    assert celery_app.conf.task_always_eager
    worker.run_in_background({"tests.background_wait", "tests.background_record"})
    try:
        send_task("tests.background_wait", "first")  # blocks its thread, not this call
        send_task("tests.background_record", "second")
        assert entered.wait(WAIT)
        assert ran == []  # both sent, neither done: the first waits, the second queues
        release.set()
        assert worker._background is not None
        worker._background.join()
        assert ran == ["first", "second"]
    finally:
        release.set()
        worker.stop_background()
    assert worker._background is None
    send_task("tests.background_record", "in the call again")
    assert ran == ["first", "second", "in the call again"]


def test_tasks_not_named_still_run_in_the_call() -> None:
    ran.clear()
    worker.run_in_background({"tests.background_wait"})
    try:
        send_task("tests.background_record", "inline")
        assert ran == ["inline"]
    finally:
        worker.stop_background()
