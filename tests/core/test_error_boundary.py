"""Any error in the application is answered with a 500 problem+json, and the connection it
came on stays usable: the next request on the same keep-alive connection is answered.

Starlette answers an unhandled error and then raises it on to the server, and uvicorn then
closes the connection; a client's next request on it was reset (seen with `since=0001-01-01`
on the claims list). These tests fail that way without core/middleware.ErrorBoundaryMiddleware.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from backend.app import create_app


def _boom() -> None:
    raise RuntimeError("a bug")


def _app_with_a_bug() -> FastAPI:
    app = create_app()
    # Before the single-page app's catch-all route, which would otherwise answer the path.
    app.router.routes.insert(0, APIRoute("/api/v1/test-bug", _boom, methods=["GET"]))
    return app


def _assert_internal_error(status: int, content_type: str, body: bytes) -> None:
    assert status == 500
    assert content_type == "application/problem+json"
    assert json.loads(body) == {
        "type": "/problems/internal-error", "title": "服务器内部错误 Internal error",
        "status": 500, "detail": "出现了意外错误，已记录。An unexpected error occurred and has been "
                                 "logged.", "instance": "/api/v1/test-bug"}


def test_an_error_is_a_500_problem_with_the_request_id_and_security_headers() -> None:
    with TestClient(_app_with_a_bug()) as client:  # raises what escapes the application
        r = client.get("/api/v1/test-bug", headers={"X-Request-ID": "bug-1"})
    _assert_internal_error(r.status_code, r.headers["content-type"], r.content)
    assert r.headers["X-Request-ID"] == "bug-1"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def live_server() -> Iterator[int]:
    """uvicorn serving the app on a socket already listening, so a client can connect at
    once (the kernel queues the connection until the server accepts it)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = uvicorn.Server(uvicorn.Config(_app_with_a_bug(), log_level="warning",
                                           timeout_keep_alive=60, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def test_the_keep_alive_connection_survives_an_error(live_server: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", live_server, timeout=30)
    try:
        conn.request("GET", "/api/v1/test-bug")
        first = conn.getresponse()
        _assert_internal_error(first.status, first.getheader("content-type", ""), first.read())
        assert first.getheader("connection") != "close"
        local = conn.sock.getsockname()
        conn.request("GET", "/healthz")  # on the same socket: http.client does not reconnect
        second = conn.getresponse()
        assert second.status == 200 and json.loads(second.read()) == {"status": "ok"}
        assert conn.sock.getsockname() == local
    finally:
        conn.close()
