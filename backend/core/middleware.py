"""Request ids, security headers, access logging, and a cap on requests in the application."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
import weakref
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.errors import internal_error

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
log = logging.getLogger("techbroker.access")
log_error = logging.getLogger("techbroker.errors")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'"
    ),
}


class HttpMiddleware:
    """Plain ASGI middleware that acts on HTTP requests (`handle`) and passes anything else by.

    Plain ASGI rather than Starlette's BaseHTTPMiddleware, which runs the rest of the app in a
    separate task and streams every response through memory channels: work on every request
    that these need none of."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestContextMiddleware(HttpMiddleware):
    """A request id for the logs (taken from X-Request-ID or made up) returned in the response,
    the security headers on every response, and one access-log line per request."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        rid = Headers(scope=scope).get("x-request-id", "")[:64] or uuid.uuid4().hex
        token = request_id_var.set(rid)
        start = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = rid
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            elapsed_ms = (time.perf_counter() - start) * 1000
            log.info("%s %s %s %.1fms", scope["method"], scope["path"], status, elapsed_ms,
                     extra={"request_id": rid, "status": status,
                            "duration_ms": round(elapsed_ms, 1)})
            request_id_var.reset(token)


class ErrorBoundaryMiddleware(HttpMiddleware):
    """Whatever the application raises ends here as a 500 problem+json, and goes no further.

    Starlette's own last resort (ServerErrorMiddleware) sends the app's 500 response and then
    re-raises the exception "so the server can log it"; uvicorn, seeing an exception after
    the response started, closes the connection. A client's next request on that keep-alive
    connection was then reset instead of answered. Here the error is logged and answered and
    the connection stays usable. Only a response already half-sent is beyond repair: that
    error is raised on, and the server must drop the connection (the client would otherwise
    read a truncated body as whole). An error after a complete response (a background task)
    is logged only.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = complete = False

        async def note_progress(message: Message) -> None:
            nonlocal started, complete
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                complete = True
            await send(message)

        try:
            await self.app(scope, receive, note_progress)
        except Exception:
            log_error.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if started and not complete:
                raise
            if not started:
                await internal_error(Request(scope))(scope, receive, send)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class ConcurrencyLimitMiddleware:
    """At most `limit` requests inside the application at once; the others wait their turn in
    the event loop, costing nothing.

    Sync dependencies and endpoints run in AnyIO's thread pool (40 threads a process) and a
    request keeps its database connection — on SQLite, the write lock its transaction takes
    at BEGIN IMMEDIATE — across several hops through that pool (authentication, then the
    endpoint). With more requests in flight than threads, every thread can end up waiting
    for the lock (or a pooled connection) held by a request that is itself waiting for a
    thread, and nothing moves until the 30-second busy timeout: the whole server stalls.
    Admitting fewer requests than there are threads and pooled connections makes that
    impossible. Where endpoints run in the event loop (PostgreSQL, core/routing.py), it also
    means a request there never waits for a pooled connection, which would stop the loop.
    Health probes bypass the cap, so they answer even when it is full.
    """

    EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                                    asyncio.Semaphore] = (
            weakref.WeakKeyDictionary())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.EXEMPT:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()  # one semaphore per loop (tests run several)
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        async with semaphore:
            await self.app(scope, receive, send)
