"""The API process's background index upkeep: new versions are loaded off the request path.

A request uses whatever index its process serves (`IndexService.loaded`) and never loads,
builds or waits for one. Loading a version takes seconds at a million listings (6–8 s), and
a match endpoint runs in the event loop on PostgreSQL: a load there stalled every request of
the worker, `/healthz` included. So one thread per API process (`IndexLoader`, started and
stopped with the app's lifespan) looks at the manifests every `INDEX_POLL_SECONDS`, loads a
new version beside the one served and swaps the reference (`IndexService.refresh`).

Nothing to serve (a fresh installation), or a version that cannot be served (corrupt, built
with a model this code does not know, a writer died before saving): the loader asks for
`matching.ensure_index`, at most every `BUILD_RETRY_SECONDS` per corpus, and keeps serving
what it has. A Celery worker builds it; without a broker the process's own background thread
does (`backend.worker.BackgroundTasks`, which also takes the eager index tasks off the
requests that send them).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from backend.config import Settings
from backend.matches.documents import KINDS, Kind
from backend.matches.index import IndexService, Refresh
from backend.matches.service import ENSURE_TASK, REINDEX_TASK
from backend.worker import BackgroundTasks, run_in_background, send_task, stop_background

log = logging.getLogger(__name__)

BUILD_RETRY_SECONDS = 300.0  # between two requests for the same corpus's index to be built
# Tasks that, without a broker, run on the API process's background thread (not in requests).
BACKGROUND_TASKS = ("matching.index_listing", "matching.index_listings", REINDEX_TASK,
                    ENSURE_TASK)


def ask_worker(kind: Kind, unusable: int | None) -> None:
    send_task(ENSURE_TASK, kind, unusable)


class IndexLoader:
    """One background thread: `refresh` every corpus every `poll_seconds` (or at once when
    nudged); ask `request_build` for a corpus that has nothing usable on disk."""

    def __init__(self, service: IndexService, poll_seconds: float,
                 request_build: Callable[[Kind, int | None], None] | None = ask_worker,
                 build_retry_seconds: float = BUILD_RETRY_SECONDS) -> None:
        self.service = service
        self.poll_seconds = poll_seconds
        self.request_build = request_build
        self.build_retry_seconds = build_retry_seconds
        self._asked: dict[Kind, float] = {}  # corpus → when a build was last asked for
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._passes = threading.Condition()
        self.started = 0  # passes begun
        self.finished = 0  # passes ended
        self._thread = threading.Thread(target=self._run, name="index-loader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def nudge(self) -> int:
        """Look at the manifests now rather than at the next poll. Returns a ticket for
        `wait`: the number of passes begun before this call."""
        with self._passes:
            ticket = self.started
        self._wake.set()
        return ticket

    def wait(self, ticket: int, timeout: float) -> bool:
        """Wait until a pass begun after `nudge` returned `ticket` has ended."""
        with self._passes:
            return self._passes.wait_for(lambda: self.finished > ticket, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """End the thread after its current pass (a load under way is waited for, up to
        `timeout` seconds; the thread is a daemon, so it cannot hold up the exit longer)."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run_once(self) -> list[Refresh]:
        """One pass over both corpora (what the thread does every poll)."""
        done = []
        for kind in KINDS:
            if self._stopping.is_set():
                break
            refresh = self.service.refresh(kind)
            done.append(refresh)
            if refresh.build:
                self._ask(kind, refresh.bad)
            elif refresh.outcome in ("loaded", "unchanged"):
                self._asked.pop(kind, None)
        return done

    def _ask(self, kind: Kind, unusable: int | None) -> None:
        now = time.monotonic()
        last = self._asked.get(kind)
        if self.request_build is None or (
                last is not None and now - last < self.build_retry_seconds):
            return
        self._asked[kind] = now
        log.info("no usable %s index to serve: asking for one to be built", kind)
        try:
            self.request_build(kind, unusable)
        except Exception:  # e.g. the broker is away: asked again after the retry delay
            log.exception("could not ask for the %s index to be built", kind)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            with self._passes:
                self.started += 1
            try:
                self.run_once()
            except Exception:  # keep serving what we have; the next pass tries again
                log.exception("the index loader's pass failed")
            with self._passes:
                self.finished += 1
                self._passes.notify_all()
            self._wake.wait(self.poll_seconds)


@dataclass
class IndexUpkeep:
    """What the app's lifespan starts in an API process, and stops at its end."""

    loader: IndexLoader
    background: BackgroundTasks | None  # without a broker: the index tasks' thread

    def stop(self) -> None:
        self.loader.stop()
        if self.background is not None:
            stop_background()
        self.loader.service.flush()  # changes the background thread made, saved now


def start_upkeep(service: IndexService, settings: Settings) -> IndexUpkeep | None:
    """Start the background loader (and, without a broker, the index tasks' thread); None
    when `INDEX_POLL_SECONDS` is 0."""
    if settings.index_poll_seconds <= 0:
        return None
    background = run_in_background(BACKGROUND_TASKS) if settings.celery_eager else None
    loader = IndexLoader(service, settings.index_poll_seconds)
    loader.start()
    return IndexUpkeep(loader, background)
