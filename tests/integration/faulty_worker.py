"""`techbroker worker`, with faults injected into one task when TB_FAULTS asks for them.

Run as `python -m tests.integration.faulty_worker --concurrency 1`. Without TB_FAULTS this is
exactly the production worker. TB_FAULTS is JSON:

    {"task": "listings.expire_overdue", "mode": "...", "times": 1, "dir": "/tmp/x"}

Each execution of the task appends a line to `<dir>/runs.log` (pid and task id), so the test
can count executions; the first `times` executions then meet the fault:

- `fail_in_transaction`: the COMMIT raises a connection error (the database went away with
  the work done but not committed);
- `fail_after_commit`: the work is committed, then the task raises a connection error before
  it can report success (the case where a retry could duplicate the work);
- `hold_in_transaction`: just before COMMIT the process writes `<dir>/holding-<n>` (its pid)
  and waits, transaction open, for `<dir>/release`, so the test can kill it mid-task.

The worker also sweeps unacknowledged messages every second (kombu's default is every
~100 s), so a task whose worker died is redelivered within the VISIBILITY timeout the test
sets through CELERY_VISIBILITY_TIMEOUT.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from celery.signals import task_postrun, task_prerun
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from backend.worker import celery_app

SPEC: dict[str, Any] = json.loads(os.environ.get("TB_FAULTS") or "{}")
_run: list[int] = []  # the current execution's number, while the faulty task runs


def _dir() -> Path:
    return Path(SPEC["dir"])


def _faulty_now() -> bool:
    return bool(_run) and _run[-1] <= int(SPEC.get("times", 1))


def _connection_lost(where: str) -> OperationalError:
    return OperationalError(where, None, ConnectionResetError(f"fault injected: {where}"))


@task_prerun.connect
def _count(sender: Any = None, task_id: str | None = None, **_: Any) -> None:
    if getattr(sender, "name", None) != SPEC.get("task"):
        return
    with (_dir() / "runs.log").open("a") as f:
        f.write(f"{os.getpid()} {task_id}\n")
    _run.append(len((_dir() / "runs.log").read_text().splitlines()))


@task_postrun.connect
def _done(sender: Any = None, **_: Any) -> None:
    if getattr(sender, "name", None) == SPEC.get("task"):
        _run.clear()


def _on_commit(conn: Connection) -> None:
    if not _faulty_now():
        return
    mode = SPEC["mode"]
    if mode == "fail_in_transaction":
        raise _connection_lost("COMMIT")
    if mode == "hold_in_transaction":
        (_dir() / f"holding-{_run[-1]}").write_text(str(os.getpid()))
        deadline = time.monotonic() + 600
        while not (_dir() / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.05)


def _install() -> None:
    celery_app.conf.broker_transport_options = {
        **celery_app.conf.broker_transport_options,
        "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
    if not SPEC:
        return
    event.listen(Engine, "commit", _on_commit)
    if SPEC["mode"] == "fail_after_commit":
        celery_app.loader.import_default_modules()
        task = celery_app.tasks[SPEC["task"]]
        original = task._orig_run  # the body, under celery's autoretry wrapper

        def run_then_fail(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            if _faulty_now():
                raise _connection_lost("after COMMIT, before reporting success")
            return result

        task._orig_run = run_then_fail


if __name__ == "__main__":
    _install()
    from backend.cli import main

    sys.argv = ["techbroker", "worker", *sys.argv[1:]]
    main()
