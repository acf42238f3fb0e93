"""The integration suite's plumbing: real PostgreSQL and Redis, processes started for real.

Every test here runs against the PostgreSQL at 127.0.0.1:5432 (a private database, migrated
to head, dropped afterwards) and the Redis at 127.0.0.1:6379, with Celery workers and uvicorn
started as subprocesses. They are skipped when either service is unreachable, unless
TECHBROKER_REQUIRE_SERVICES=1 (CI), which makes that an error. All of them run in one xdist
group, so one pytest worker owns the database and the processes.

Synchronisation is by observable state (files the workers write, rows, Redis keys and
HTTP answers) polled with a deadline — never by sleeping for a guessed time.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.config import PROJECT_ROOT
from tests.conftest import PG_HOST, PG_PORT, migrated_postgres, postgres_reachable

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Database 14: test_celery_worker.py uses 15; each test also sends on its own queue, so
# concurrent runs (other checkouts, CI) never take each other's tasks.
REDIS_URL = os.environ.get("TEST_INTEGRATION_REDIS_URL", f"redis://{REDIS_HOST}:{REDIS_PORT}/14")
SECRET = "integration-secret-key-of-at-least-32-characters"
STARTUP_SECONDS = 120

T = TypeVar("T")


def redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False


def require_services() -> None:
    missing = [name for name, up in (("PostgreSQL at 127.0.0.1:5432", postgres_reachable()),
                                     ("Redis at 127.0.0.1:6379", redis_reachable())) if not up]
    if not missing:
        return
    message = " and ".join(missing) + " not reachable"
    if os.environ.get("TECHBROKER_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message}, but TECHBROKER_REQUIRE_SERVICES=1")
    pytest.skip(message)


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 60,
             interval: float = 0.1) -> T:
    """Poll `probe` until it returns something other than None/False, or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None and value is not False:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# --- the database -------------------------------------------------------------------------------

@dataclass
class Database:
    url: str
    engine: Engine

    def session(self) -> Session:
        return sessionmaker(bind=self.engine, expire_on_commit=False)()

    def url_via(self, port: int) -> str:
        """The same database reached through another port (the fault proxy)."""
        return self.url.replace(f"{PG_HOST}:{PG_PORT}", f"{PG_HOST}:{port}")


@pytest.fixture(scope="session")
def integration_db() -> Iterator[Database]:
    require_services()
    with migrated_postgres("techbroker_integration") as (url, engine):
        yield Database(url, engine)


# --- processes ----------------------------------------------------------------------------------

@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill_group(self) -> None:
        """SIGKILL the process and everything it forked (a worker and its pool children)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill_group()
        # Pool children of a worker killed with SIGKILL would otherwise linger.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self._log.close()


class Processes:
    """Starts subprocesses in their own process groups and stops every one at teardown."""

    def __init__(self, tmp: Path, base_env: dict[str, str]) -> None:
        self.tmp = tmp
        self.base_env = base_env
        self.started: list[Proc] = []

    def start(self, name: str, argv: list[str], **env: str) -> Proc:
        log_path = self.tmp / f"{name}-{len(self.started)}.log"
        log = log_path.open("wb")
        popen = subprocess.Popen(argv, cwd=PROJECT_ROOT, env={**self.base_env, **env},
                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        proc = Proc(name, popen, log_path, log)
        self.started.append(proc)
        return proc

    def worker(self, queue: str, *, faults: str = "", **env: str) -> Proc:
        """A Celery worker (one pool process) on `queue`, ready when it says so in its log."""
        extra = {"CELERY_QUEUE": queue, **env}
        if faults:
            extra["TB_FAULTS"] = faults
        proc = self.start("worker", [sys.executable, "-m", "tests.integration.faulty_worker",
                                     "--concurrency", "1"], **extra)
        wait_for("the worker to be ready",
                 lambda: (proc.alive() and "ready." in proc.log()) or _died(proc),
                 timeout=STARTUP_SECONDS)
        return proc

    def api(self, *, workers: int = 1, **env: str) -> tuple[Proc, str]:
        port = free_port()
        proc = self.start("api", [sys.executable, "-m", "uvicorn", "backend.main:app",
                                  "--host", "127.0.0.1", "--port", str(port),
                                  "--workers", str(workers), "--no-access-log"], **env)
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            _died(proc)
            try:
                return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for("the API to answer /healthz", up, timeout=STARTUP_SECONDS)
        return proc, base

    def stop_all(self) -> None:
        for proc in reversed(self.started):
            proc.stop()


def _died(proc: Proc) -> bool:
    if not proc.alive():
        raise AssertionError(f"{proc.name} exited with {proc.popen.returncode}:\n"
                             f"{proc.log()[-4000:]}")
    return False


@pytest.fixture
def processes(integration_db: Database, tmp_path: Path) -> Iterator[Processes]:
    var = tmp_path / "var"
    var.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "CELERY_", "DATABASE_", "TB_FAULT"))}
    env.update({
        "ENVIRONMENT": "test", "VAR_DIR": str(var), "DATABASE_URL": integration_db.url,
        "CELERY_BROKER_URL": REDIS_URL, "CELERY_RESULT_BACKEND": REDIS_URL,
        "SECRET_KEY": SECRET, "MATCHING_ENCODER": "hash", "LOG_LEVEL": "INFO",
        "INDEX_POLL_SECONDS": "0.5",  # the API's background loader, as in production (faster)
        "PYTHONUNBUFFERED": "1",
    })
    procs = Processes(tmp_path, env)
    try:
        yield procs
    finally:
        procs.stop_all()


@pytest.fixture
def queue() -> str:
    return f"tb-integration-{uuid.uuid4().hex[:12]}"


# --- a TCP proxy that can be cut, standing in for a PostgreSQL outage ------------------------

class FaultProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL. `cut()` closes the listener and every open
    connection (clients then get "connection refused", as when the server is stopped);
    `restore()` listens again on the same port. The shared server itself is never touched."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.accepted = 0
        self.restore()

    def restore(self) -> None:
        with self._lock:
            if self._listener is not None:
                return
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(64)
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            open_sockets, self._sockets = self._sockets, set()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for s in open_sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._sockets |= {client, upstream}
                self.accepted += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._sockets.discard(src)
            src.close()


@pytest.fixture
def pg_proxy(integration_db: Database) -> Iterator[FaultProxy]:
    proxy = FaultProxy((PG_HOST, PG_PORT))
    yield proxy
    proxy.cut()
