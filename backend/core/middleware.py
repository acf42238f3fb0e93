"""Request ids, security headers, access logging, and a cap on requests in the application."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
import weakref
from contextvars import ContextVar

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
log = logging.getLogger("techbroker.access")

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


class RequestContextMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        rid = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
        token = request_id_var.set(rid)
        start = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
        elapsed_ms = (time.perf_counter() - start) * 1000
        response.headers["X-Request-ID"] = rid
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        log.info("%s %s %s %.1fms", request.method, request.url.path, response.status_code,
                 elapsed_ms, extra={"request_id": rid, "status": response.status_code,
                                    "duration_ms": round(elapsed_ms, 1)})
        return response


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
    impossible. Health probes bypass the cap, so they answer even when it is full.
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
