"""Admission: a request gets one of the process's `MAX_CONCURRENT_REQUESTS` places only once
its whole body has arrived, and a body that is too slow or too large never gets one.

Why a cap on requests inside the application: sync dependencies and endpoints run in AnyIO's
thread pool (40 threads a process) and a request keeps its database connection — on SQLite,
the write lock its transaction takes at BEGIN IMMEDIATE — across several hops through that
pool (authentication, then the endpoint). With more requests in flight than threads, every
thread can end up waiting for the lock (or a pooled connection) held by a request that is
itself waiting for a thread, and nothing moves until the 30-second busy timeout: the whole
server stalls. Admitting fewer requests than there are threads and pooled connections makes
that impossible. Where endpoints run in the event loop (PostgreSQL, core/routing.py), it also
means a request there never waits for a pooled connection, which would stop the loop. The
others wait their turn in the event loop, first come first served, costing nothing.

Why the body is read before admission: the application reads a body when the endpoint asks
for it, inside its place. A client that sends its headers and then trickles the body (or
stops) held the place as long as it liked: four connections posting `Content-Length: 100000`
and a few bytes to the login took every place on SQLite, and every other request timed out
while /healthz still said 200. So the body is read here, in the event loop, before the
request asks for a place — waiting for bytes costs a coroutine, not a place — within a
deadline: `REQUEST_BODY_TIMEOUT_SECONDS`, plus the time the declared length needs at
`REQUEST_BODY_MIN_KB_PER_SECOND` (so a large upload over a slow line still gets through).
Past it the answer is 408 and the connection is closed. A body longer than allowed
(`MAX_UPLOAD_MB` plus 1 MB for the form around the file) is refused with 413 as soon as the
declared length, or the bytes received so far, say so — the rest is never read. Bodies are
kept in memory up to 1 MB and spooled to a temporary file beyond (as Starlette does with
uploads), so many large uploads waiting for a place do not fill memory. The application then
receives the body from that buffer, exactly as sent.

Saturation (`/readyz`): every place is taken and at least as many requests again wait for
one; a load balancer then sends new work elsewhere. Health probes and /metrics bypass all of
this, so they answer even when every place is taken.
"""

from __future__ import annotations

import asyncio
import tempfile
import weakref
from dataclasses import dataclass
from typing import IO

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.errors import problem

EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
FORM_ROOM = 1024 * 1024       # multipart boundaries, part headers and the other form fields
IN_MEMORY = 1024 * 1024       # a body beyond this waits on disk
REPLAY_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    places: int                 # MAX_CONCURRENT_REQUESTS
    max_body: int               # bytes
    body_timeout: float         # seconds
    min_rate: float             # bytes per second a large body must keep up


@dataclass(frozen=True)
class Load:
    """How full one process is: its places, those taken, the requests waiting for one, and
    those whose body is still arriving (they hold no place)."""

    places: int
    admitted: int
    waiting: int
    reading: int

    @property
    def saturated(self) -> bool:
        return self.admitted >= self.places and self.waiting >= self.places


class _Places:
    """One event loop's places (a process has one loop; tests run several, one after another
    or side by side, and an asyncio semaphore belongs to one loop)."""

    def __init__(self, places: int) -> None:
        self.semaphore = asyncio.Semaphore(places)
        self.admitted = 0
        self.waiting = 0
        self.reading = 0


class Admission:
    """The places of one application, and how full they are."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Places] = (
            weakref.WeakKeyDictionary())

    def places(self) -> _Places:
        loop = asyncio.get_running_loop()
        places = self._by_loop.get(loop)
        if places is None:
            places = self._by_loop[loop] = _Places(self.limits.places)
        return places

    def load(self) -> Load:
        every = list(self._by_loop.values())
        return Load(self.limits.places, sum(p.admitted for p in every),
                    sum(p.waiting for p in every), sum(p.reading for p in every))


class _Refused(Exception):
    def __init__(self, status: int, title: str, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.slug, self.detail = status, title, slug, detail

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The rest of the body is never read, so the connection cannot carry another request.
        response = problem(self.status, self.title, self.detail, self.slug, Request(scope),
                           headers={"Connection": "close"})
        await response(scope, receive, send)


class _ClientGone(Exception):
    """The client disconnected before its body arrived: there is no one to answer."""


class _Body:
    """A request body as received, handed to the application as `http.request` messages;
    after it, the connection's own `receive` (which reports the client's disconnect)."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 — closed by close()
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self.size += len(chunk)

    def replay(self, receive: Receive) -> Receive:
        self.file.seek(0)
        left = self.size

        async def replayed() -> Message:
            nonlocal left
            if left < 0:
                return await receive()
            chunk = self.file.read(min(REPLAY_CHUNK, left))
            left -= len(chunk)
            more = left > 0
            if not more:
                left = -1
            return {"type": "http.request", "body": chunk, "more_body": more}

        return replayed

    def close(self) -> None:
        self.file.close()


def _too_large(limits: Limits) -> _Refused:
    mb = limits.max_body // (1024 * 1024)
    return _Refused(413, "请求过大 Payload too large", "payload-too-large",
                    f"请求内容超过 {mb} MB 上限（MAX_UPLOAD_MB 另加 1 MB 表单），未予接收。"
                    f"The request body is larger than the {mb} MB allowed (MAX_UPLOAD_MB plus "
                    "1 MB for the form); it was not read.")


def _too_slow(limits: Limits, deadline: float) -> _Refused:
    return _Refused(408, "请求超时 Request timeout", "request-timeout",
                    f"请求内容未在 {deadline:.3g} 秒内传完，连接已关闭"
                    f"（REQUEST_BODY_TIMEOUT_SECONDS = {limits.body_timeout:g}）。请检查网络后重试。"
                    f"The request body did not arrive within {deadline:.3g} seconds "
                    f"(REQUEST_BODY_TIMEOUT_SECONDS = {limits.body_timeout:g}); the connection "
                    "was closed. Check the connection and try again.")


def _declared_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    if value is None or not value.isdigit():  # the server refuses a malformed length itself
        return None
    return int(value)


async def read_body(scope: Scope, receive: Receive, limits: Limits, places: _Places
                    ) -> _Body | None:
    """The whole body, within the deadline and the size limit (`_Refused` otherwise); None for
    a request without one."""
    headers = Headers(scope=scope)
    declared = _declared_length(headers)
    if declared is not None and declared > limits.max_body:
        raise _too_large(limits)
    if declared == 0 or (declared is None and "chunked" not in
                         headers.get("transfer-encoding", "").lower()):
        return None
    body = _Body()
    loop = asyncio.get_running_loop()
    start = loop.time()

    def allowed(length: int) -> float:
        return limits.body_timeout + length / limits.min_rate

    places.reading += 1
    try:
        async with asyncio.timeout_at(start + allowed(declared or 0)) as timeout:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise _ClientGone
                chunk = message.get("body", b"")
                if body.size + len(chunk) > limits.max_body:
                    raise _too_large(limits)
                body.add(chunk)
                if not message.get("more_body", False):
                    return body
                if declared is None:  # chunked: the time grows with what has arrived
                    timeout.reschedule(start + allowed(body.size))
    except TimeoutError:
        body.close()
        raise _too_slow(limits, allowed(max(declared or 0, body.size))) from None
    except BaseException:
        body.close()
        raise
    finally:
        places.reading -= 1


class AdmissionMiddleware:
    """Reads the body (`read_body`), then waits for a place, then runs the request in it."""

    def __init__(self, app: ASGIApp, admission: Admission) -> None:
        self.app = app
        self.admission = admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        places = self.admission.places()
        try:
            body = await read_body(scope, receive, self.admission.limits, places)
        except _Refused as refusal:
            await refusal.answer(scope, receive, send)
            return
        except _ClientGone:
            return
        try:
            places.waiting += 1
            try:
                await places.semaphore.acquire()
            finally:
                places.waiting -= 1
            places.admitted += 1
            try:
                await self.app(scope, receive if body is None else body.replay(receive), send)
            finally:
                places.admitted -= 1
                places.semaphore.release()
        finally:
            if body is not None:
                body.close()
