"""Slow and oversized request bodies, on a real uvicorn server over raw sockets: a body that
trickles in holds no admission place (core/admission.py), gets a 408 problem+json after its
deadline, and a body larger than allowed is refused with 413 before it is read."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session

from backend.config import get_settings
from backend.core.admission import Admission, Load

SLOW_LOGIN = (b"POST /api/v1/auth/token HTTP/1.1\r\nHost: testserver\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: 100000\r\n\r\nusername=a")


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait for a condition the server reaches by itself (a deadline for failing, not a
    measurement)."""
    ready = threading.Event()
    for _ in range(2000):
        if condition():
            return
        ready.wait(0.01)
    raise AssertionError(f"never happened: {what}")


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, "the server started")
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()


@pytest.fixture
def make_app(db: Session, monkeypatch: pytest.MonkeyPatch) -> Callable[..., FastAPI]:
    """A fresh application built with these settings (the admission limits are read once)."""
    def make(**settings: object) -> FastAPI:
        from backend.app import create_app

        current = get_settings()
        monkeypatch.setattr(current, "endpoints_in_event_loop",
                            db.get_bind().dialect.name == "postgresql")
        for name, value in settings.items():
            monkeypatch.setattr(current, name, value)
        return create_app()

    return make


def load(app: FastAPI) -> Load:
    admission: Admission = app.state.admission
    return admission.load()


def open_connection(address: str, first_bytes: bytes) -> socket.socket:
    host, port = address.split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(first_bytes)
    return sock


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def test_slow_bodies_hold_no_place_and_others_are_answered(
        make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_concurrent_requests=1, request_body_timeout_seconds=3600)
    with served(app) as address:
        slow = [open_connection(address, SLOW_LOGIN) for _ in range(4)]
        try:
            wait_until(lambda: load(app).reading == 4, "four bodies are being read")
            with httpx.Client(base_url=f"http://{address}", timeout=30) as http:
                fields = http.get("/api/v1/fields")
                login = http.post("/api/v1/auth/token",
                                  data={"username": "nobody", "password": "wrong-password"})
            assert fields.status_code == 200
            assert login.status_code == 401
            assert load(app) == Load(places=1, admitted=0, waiting=0, reading=4)
            for sock in slow:  # still waiting for their bodies, unanswered
                sock.setblocking(False)
                with pytest.raises(BlockingIOError):
                    sock.recv(1)
        finally:
            for sock in slow:
                sock.close()
        wait_until(lambda: load(app).reading == 0, "the closed connections are let go")


def test_a_body_past_its_deadline_gets_408(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(request_body_timeout_seconds=0.2, request_body_min_kb_per_second=1_000_000)
    with served(app) as address:
        sock = open_connection(address, SLOW_LOGIN)
        try:
            status, headers, body = read_response(sock)  # the server closes the connection
        finally:
            sock.close()
    assert status == 408
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    assert headers["x-content-type-options"] == "nosniff"
    problem = json.loads(body)
    assert problem["status"] == 408
    assert problem["type"] == "/problems/request-timeout"
    assert problem["instance"] == "/api/v1/auth/token"
    assert "REQUEST_BODY_TIMEOUT_SECONDS = 0.2" in problem["detail"]
    assert load(app) == Load(places=4 if get_settings().is_sqlite else 8, admitted=0,
                             waiting=0, reading=0)


def test_a_declared_length_over_the_limit_gets_413_before_any_body(
        make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_upload_mb=1)
    with served(app) as address:
        sock = open_connection(address, (
            b"POST /api/v1/achievements/import HTTP/1.1\r\nHost: testserver\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 50000000\r\n\r\n"))
        try:
            status, headers, body = read_response(sock)
        finally:
            sock.close()
    assert status == 413
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    problem = json.loads(body)
    assert problem["type"] == "/problems/payload-too-large"
    assert problem["detail"].startswith("请求内容超过 2 MB 上限（MAX_UPLOAD_MB 另加 1 MB 表单）")


def test_a_chunked_body_is_refused_once_it_passes_the_limit(
        make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_upload_mb=1)
    megabyte = b"x" * (1024 * 1024)
    chunk = b"%x\r\n%s\r\n" % (len(megabyte), megabyte)
    with served(app) as address:
        # Two megabytes and one more byte, and then nothing: the server answers without the end.
        sock = open_connection(address, (
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: testserver\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunk + chunk + b"1\r\nx\r\n"))
        try:
            status, _headers, body = read_response(sock)
        finally:
            sock.close()
    assert status == 413
    assert json.loads(body)["status"] == 413
    assert load(app).reading == 0
