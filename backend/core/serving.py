"""`techbroker serve --workers N`: N uvicorn processes, each accepting on a socket of its own.

uvicorn's own `--workers` share one listening socket, and whichever worker wakes first
accepts every connection waiting. Browsers and proxies keep their connections open, so a
burst of them sticks to one or two workers while the others idle — a load test counted
4,126, 1,809, 282 and 276 requests on four workers — and one Python process cannot use more
than one core. Here each worker binds its own socket with SO_REUSEPORT, and the kernel
spreads new connections evenly across them.

The parent only supervises: it starts the workers, starts a new one when one dies, and on
SIGTERM or SIGINT asks each to finish its requests (uvicorn's graceful shutdown) before it
exits itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("techbroker.serve")

BACKLOG = 2048
GRACE_SECONDS = 30.0


def reuse_port_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    sock = reuse_port_socket(host, port)
    sock.listen(BACKLOG)
    uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])


class Supervisor:
    def __init__(self, app: str, host: str, port: int, workers: int, **options: Any) -> None:
        self.args = (app, host, port, options)
        self.workers = workers
        self.stopping = threading.Event()
        self.processes: list[BaseProcess] = []
        self._context = multiprocessing.get_context("spawn")

    def _start(self) -> BaseProcess:
        process = self._context.Process(target=_worker, args=self.args, name="techbroker-api")
        process.start()
        return process

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping.set()

    def run(self) -> int:
        _, host, port, _ = self.args
        try:  # fail here, once, if the address is taken, rather than in every worker
            reuse_port_socket(host, port).close()
        except OSError as exc:
            log.error("cannot listen on %s:%d: %s", host, port, exc.strerror or exc)
            return STARTUP_FAILURE
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._stop)
        self.processes = [self._start() for _ in range(self.workers)]
        log.info("serving on %s:%d with %d workers", host, port, self.workers)
        status = 0
        while not self.stopping.wait(0.5):
            for i, process in enumerate(self.processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("a worker failed to start: stopping")
                    self.stopping.set()
                    status = STARTUP_FAILURE
                    break
                log.warning("worker %s exited with %s: starting another", process.pid,
                            process.exitcode)
                self.processes[i] = self._start()
        self.shutdown()
        return status

    def shutdown(self) -> None:
        for process in self.processes:
            process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for process in self.processes:
            process.join(GRACE_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
