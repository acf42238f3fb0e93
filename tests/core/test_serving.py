"""`techbroker serve --workers N`: a supervisor and N workers, each listening on its own
SO_REUSEPORT socket; a worker that dies is replaced, SIGTERM stops them all."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from backend.core.serving import reuse_port_socket

ROOT = Path(__file__).resolve().parents[2]


def test_workers_can_each_bind_the_port() -> None:
    first = reuse_port_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = reuse_port_socket("127.0.0.1", port)
    try:
        first.listen()
        second.listen()  # a plain socket could not bind a port another socket listens on
        with pytest.raises(OSError), socket.socket() as plain:
            plain.bind(("127.0.0.1", port))
    finally:
        first.close()
        second.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listeners(parent: psutil.Process, port: int) -> dict[int, frozenset[str]]:
    """Worker pid → the listening sockets (inodes) it holds at `port`; uvicorn's own workers
    would all hold the same one."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                listening.add(fields[9])
    found = {}
    for child in parent.children():
        fds = Path(f"/proc/{child.pid}/fd")
        with contextlib.suppress(OSError):
            held = frozenset(inode for fd in fds.iterdir()
                             if (inode := os.readlink(fd).removeprefix("socket:[")
                                 .removesuffix("]")) in listening)
            if held:
                found[child.pid] = held
    return found


def _until(condition, what: str, log: Path, seconds: float = 90):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)  # polling with a deadline, not a timing assertion
    raise AssertionError(f"{what}; server log:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")}
    env.update(VAR_DIR=str(tmp_path), ENVIRONMENT="test", MATCHING_ENCODER="hash")
    port, log = _free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "serve", "--port",
                                 str(port), "--workers", "2"], env=env, cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        yield proc, port, log
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_each_worker_listens_on_its_own_socket_and_dead_ones_are_replaced(
        served: tuple[subprocess.Popen[bytes], int, Path]) -> None:
    proc, port, log = served
    parent = psutil.Process(proc.pid)
    workers = _until(lambda: (found := _listeners(parent, port)) and len(found) == 2 and found,
                     "two workers did not start listening", log)
    first, second = workers.values()
    assert len(first) == len(second) == 1 and first != second
    _until(lambda: log.read_text(errors="replace").count("Application startup complete") == 2,
           "the workers did not finish starting", log)
    assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200

    killed = next(iter(workers))
    os.kill(killed, signal.SIGKILL)
    replaced = _until(lambda: (found := _listeners(parent, port)) and len(found) == 2
                      and killed not in found and found, "the dead worker was not replaced", log)
    assert len(replaced) == 2

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"
                   for pid in replaced)


def test_a_taken_address_stops_the_supervisor_at_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "backend.cli", "serve", "--port",
                                 str(port), "--workers", "2"], cwd=ROOT, capture_output=True,
                                text=True, timeout=60,
                                env={**os.environ, "VAR_DIR": str(tmp_path),
                                     "ENVIRONMENT": "test"})
    assert result.returncode == 3  # uvicorn's STARTUP_FAILURE
    assert "Traceback" not in result.stderr + result.stdout
