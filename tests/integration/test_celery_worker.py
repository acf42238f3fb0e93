"""A real Celery worker process on the Redis at 127.0.0.1:6379 runs a task sent to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[bytes]]:
    if not redis_reachable():
        if os.environ.get("TECHBROKER_REQUIRE_SERVICES") == "1":
            pytest.fail("Redis at 127.0.0.1:6379 is required but unreachable")
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    var = tmp_path_factory.mktemp("worker-var")
    env = {**os.environ, "CELERY_BROKER_URL": REDIS_URL, "CELERY_RESULT_BACKEND": REDIS_URL,
           "VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var / 'w.db'}"}
    log = (Path(var) / "worker.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "worker", "--concurrency", "1"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    yield proc
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def test_worker_runs_a_task_round_trip(worker: subprocess.Popen[bytes]) -> None:
    client = Celery(broker=REDIS_URL, backend=REDIS_URL)
    result = client.send_task("core.ping", args=["福州"], queue="techbroker")
    assert result.get(timeout=120) == "pong:福州"
    assert worker.poll() is None
