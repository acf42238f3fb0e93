"""Tasks survive failures on a real worker: retried when they fail, redelivered when their
worker is killed mid-task, and — being idempotent — their effect happens exactly once.

The task is the real `listings.expire_overdue` (the hourly beat job) against the real
PostgreSQL; faults are injected by tests/integration/faulty_worker.py. The effect checked is
the demand's status and its `demand.expire` audit entries (one, however often the task ran),
with the audit chain still verifying.
"""

from __future__ import annotations

import json
import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from celery.result import AsyncResult
from redis import Redis
from sqlalchemy import func, select

from backend.audit import service as audit
from backend.audit.models import AuditEntry
from backend.core import clock
from backend.listings.models import Demand, DemandStatus
from tests.builders import accounts as b
from tests.builders import listings as lb
from tests.integration.conftest import REDIS_URL, Database, Processes, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]

TASK = "listings.expire_overdue"


def overdue_demand(db: Database) -> int:
    with db.session() as s:
        firm = b.make_firm_user(s)
        demand = lb.make_demand(s, firm, deadline=clock.today() - timedelta(days=1))
        s.commit()
        return demand.id


def expiry_effects(db: Database, demand_id: int) -> tuple[DemandStatus, int]:
    with db.session() as s:
        status = s.execute(select(Demand.status).where(Demand.id == demand_id)).scalar_one()
        entries = s.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "demand.expire",
            AuditEntry.object_id == str(demand_id))).scalar_one()
        report = audit.verify(s)
        assert report.ok, report.reason
        return status, entries


def runs(fault_dir: Path) -> list[str]:
    path = fault_dir / "runs.log"
    return path.read_text().splitlines() if path.exists() else []


def faults(fault_dir: Path, mode: str, times: int = 1) -> str:
    return json.dumps({"task": TASK, "mode": mode, "times": times, "dir": str(fault_dir)})


def send(queue: str) -> AsyncResult:
    client = Celery(broker=REDIS_URL, backend=REDIS_URL)
    return client.send_task(TASK, queue=queue)


def queue_is_drained(queue: str) -> None:
    """Nothing of the queue is left in Redis: not queued, not delivered-but-unacknowledged
    (the acknowledgement follows the stored result, so wait for it)."""
    redis = Redis.from_url(REDIS_URL)

    def drained() -> bool:
        return redis.llen(queue) == 0 and all(json.loads(raw)[2] != queue
                                              for raw in redis.hvals("unacked"))

    wait_for("the task's message to be acknowledged", drained, timeout=30)


@pytest.mark.parametrize(("mode", "times"), [("fail_in_transaction", 1),
                                             ("fail_after_commit", 2)])
def test_a_failing_task_is_retried_and_its_effect_happens_once(
        integration_db: Database, processes: Processes, queue: str, tmp_path: Path,
        mode: str, times: int) -> None:
    demand_id = overdue_demand(integration_db)
    processes.worker(queue, faults=faults(tmp_path, mode, times))

    result = send(queue)
    result.get(timeout=180)

    assert result.successful()
    assert len(runs(tmp_path)) == times + 1  # failed `times` times, then succeeded
    assert expiry_effects(integration_db, demand_id) == (DemandStatus.EXPIRED, 1)
    queue_is_drained(queue)


def test_a_pool_process_killed_mid_task_has_the_task_redelivered_and_done_once(
        integration_db: Database, processes: Processes, queue: str, tmp_path: Path) -> None:
    demand_id = overdue_demand(integration_db)
    worker = processes.worker(queue, faults=faults(tmp_path, "hold_in_transaction"))

    result = send(queue)
    child = int(wait_for("the task to reach its COMMIT",
                         lambda: (tmp_path / "holding-1").exists()
                         and (tmp_path / "holding-1").read_text(), timeout=120))
    assert child != worker.popen.pid
    os.kill(child, signal.SIGKILL)  # the pool process dies with the transaction open
    result.get(timeout=180)

    assert worker.alive()
    assert result.successful()
    executions = runs(tmp_path)
    assert len(executions) == 2 and executions[0].split()[0] == str(child)
    assert expiry_effects(integration_db, demand_id) == (DemandStatus.EXPIRED, 1)
    queue_is_drained(queue)


def test_a_worker_killed_mid_task_leaves_it_to_the_next_worker_which_does_it_once(
        integration_db: Database, processes: Processes, queue: str, tmp_path: Path) -> None:
    demand_id = overdue_demand(integration_db)
    first = processes.worker(queue, faults=faults(tmp_path, "hold_in_transaction"),
                             CELERY_VISIBILITY_TIMEOUT="3")

    result = send(queue)
    wait_for("the task to reach its COMMIT", lambda: (tmp_path / "holding-1").exists(),
             timeout=120)
    first.kill_group()  # the whole worker, pool and all, dies with SIGKILL
    assert expiry_effects(integration_db, demand_id) == (DemandStatus.PUBLISHED, 0)

    processes.worker(queue, faults=faults(tmp_path, "hold_in_transaction"),
                     CELERY_VISIBILITY_TIMEOUT="3")
    result.get(timeout=180)

    assert result.successful()
    assert len(runs(tmp_path)) == 2
    assert expiry_effects(integration_db, demand_id) == (DemandStatus.EXPIRED, 1)
    queue_is_drained(queue)
