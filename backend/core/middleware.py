"""Request ids, security headers and access logging (admission: core/admission.py)."""

from __future__ import annotations

import logging
import time
import uuid
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


def client_address(scope: Scope) -> str | None:
    """The client's address, for the throttles, the audit log and the logs: the socket's peer,
    or, when the peer is one of `TRUSTED_PROXIES`, the right-most X-Forwarded-For hop that is
    not — uvicorn's `ProxyHeadersMiddleware`, outermost in `create_app`, has put it in
    `scope["client"]` before anything reads it."""
    client = scope.get("client")
    return client[0][:64] if client else None


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
            client = client_address(scope)
            log.info("%s %s %s %.1fms %s", scope["method"], scope["path"], status, elapsed_ms,
                     client, extra={"request_id": rid, "status": status, "client": client,
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
