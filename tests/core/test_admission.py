"""Admission's failure modes (core/admission.py): a full process queues requests and says so on
/readyz; a place is given back whatever happens to its request; a client that leaves while
its body arrives, or while it waits, leaves nothing behind. /metrics only for allowed
networks."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import Message, Receive, Scope, Send

from backend.app import create_app
from backend.config import get_settings
from backend.core import health
from backend.core.admission import Admission, AdmissionMiddleware, Limits, Load

LIMITS = Limits(places=1, max_body=1024, body_timeout=5, min_rate=1e9)


def scope(path: str = "/api/v1/things", body: bytes | None = None) -> Scope:
    headers = [] if body is None else [(b"content-length", str(len(body)).encode())]
    return {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
            "query_string": b"", "headers": headers, "scheme": "http", "root_path": "",
            "server": ("testserver", 80), "client": ("127.0.0.1", 1), "http_version": "1.1"}


def sender(sent: list[Message]) -> Send:
    async def send(message: Message) -> None:
        sent.append(message)
    return send


def quiet() -> Receive:
    """A client that has sent no body (or all of it) and stays connected."""
    async def receive() -> Message:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")
    return receive


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)  # let the tasks started run up to their next wait


def test_a_full_process_queues_and_is_not_ready() -> None:
    async def scenario() -> None:
        admission = Admission(LIMITS)
        release = asyncio.Event()
        seen: list[str] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            seen.append(scope["path"])
            await release.wait()
            await PlainTextResponse("done")(scope, receive, send)

        middleware = AdmissionMiddleware(app, admission)
        sent: list[Message] = []
        first = asyncio.create_task(middleware(scope("/first"), quiet(), sender(sent)))
        await settle()
        assert admission.load() == Load(places=1, admitted=1, waiting=0, reading=0)
        assert not admission.load().saturated
        second = asyncio.create_task(middleware(scope("/second"), quiet(), sender(sent)))
        await settle()
        assert admission.load() == Load(places=1, admitted=1, waiting=1, reading=0)
        assert admission.load().saturated
        assert seen == ["/first"]

        request = Request({"type": "http", "app": SimpleNamespace(
            state=SimpleNamespace(admission=admission))})
        answer = health.readyz(request)
        assert answer.status_code == 503
        body = json.loads(bytes(answer.body))
        assert body["checks"]["admission"] == "saturated"
        assert body["admission"] == {"places": 1, "admitted": 1, "waiting": 1,
                                     "reading_body": 0}
        assert body["reason"].startswith("每个处理名额都已占用")

        release.set()
        await asyncio.gather(first, second)
        assert seen == ["/first", "/second"]
        assert admission.load() == Load(places=1, admitted=0, waiting=0, reading=0)

    asyncio.run(scenario())


def test_a_failing_request_gives_its_place_back() -> None:
    async def scenario() -> None:
        admission = Admission(LIMITS)

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            raise RuntimeError("the endpoint broke")

        middleware = AdmissionMiddleware(app, admission)
        for _ in range(3):  # with one place, a place kept would stop the second for good
            with pytest.raises(RuntimeError):
                await asyncio.wait_for(middleware(scope(), quiet(), sender([])), 10)
        assert admission.load() == Load(places=1, admitted=0, waiting=0, reading=0)

    asyncio.run(scenario())


def test_clients_that_leave_take_nothing_with_them() -> None:
    async def scenario() -> None:
        admission = Admission(LIMITS)
        release = asyncio.Event()
        ran: list[str] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            ran.append(scope["path"])
            await release.wait()
            await PlainTextResponse("done")(scope, receive, send)

        middleware = AdmissionMiddleware(app, admission)
        holder = asyncio.create_task(middleware(scope("/holder"), quiet(), sender([])))
        await settle()

        # One leaves while its body arrives: no answer, no place.
        messages = iter([{"type": "http.request", "body": b"ab", "more_body": True},
                         {"type": "http.disconnect"}])

        async def leaving() -> Message:
            return next(messages)

        sent: list[Message] = []
        await middleware(scope("/leaver", body=b"abcdef"), leaving, sender(sent))
        assert sent == []
        # One gives up while it waits for a place (the server cancels its task).
        waiter = asyncio.create_task(middleware(scope("/waiter"), quiet(), sender([])))
        await settle()
        assert admission.load() == Load(places=1, admitted=1, waiting=1, reading=0)
        waiter.cancel()
        await settle()
        assert admission.load() == Load(places=1, admitted=1, waiting=0, reading=0)

        release.set()
        await holder
        assert ran == ["/holder"]
        assert admission.load() == Load(places=1, admitted=0, waiting=0, reading=0)

    asyncio.run(scenario())


def test_the_body_reaches_the_application_as_sent() -> None:
    async def scenario() -> None:
        admission = Admission(Limits(places=1, max_body=1 << 22, body_timeout=5, min_rate=1e9))
        payload = bytes(range(256)) * 8192  # 2 MB: past what is kept in memory
        received: list[bytes] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            request = Request(scope, receive)
            received.append(await request.body())
            await PlainTextResponse("ok")(scope, receive, send)

        pieces = [payload[i:i + 100_000] for i in range(0, len(payload), 100_000)]
        messages = iter([{"type": "http.request", "body": p, "more_body": i < len(pieces) - 1}
                         for i, p in enumerate(pieces)])

        async def receive() -> Message:
            return next(messages)

        sent: list[Message] = []
        await AdmissionMiddleware(app, admission)(scope(body=payload), receive, sender(sent))
        assert received == [payload]
        assert sent[0]["status"] == 200

    asyncio.run(scenario())


def test_readyz_reports_free_places(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200
    places = 4 if get_settings().is_sqlite else 8
    assert r.json() == {"status": "ready",
                        "checks": {"database": "ok", "broker": "ok", "admission": "ok"},
                        "admission": {"places": places, "admitted": 0, "waiting": 0,
                                      "reading_body": 0}}


@pytest.mark.parametrize(("environment", "networks", "client_host", "expected"), [
    ("development", None, "203.0.113.9", 200),
    ("production", None, "203.0.113.9", 404),
    ("production", None, "127.0.0.1", 200),
    ("production", ["10.0.0.0/8"], "10.1.2.3", 200),
    ("production", ["10.0.0.0/8"], "127.0.0.1", 404),
    ("development", ["10.0.0.0/8"], "203.0.113.9", 404),
])
def test_metrics_only_for_allowed_networks(monkeypatch: pytest.MonkeyPatch, environment: str,
                                           networks: list[str] | None, client_host: str,
                                           expected: int) -> None:
    settings: Any = get_settings()
    monkeypatch.setattr(settings, "environment", environment)
    monkeypatch.setattr(settings, "metrics_allowed_networks", networks)
    # Without `with`: no lifespan, so no warm-up outside the test environment.
    r = TestClient(create_app(), client=(client_host, 50000)).get("/metrics")
    assert r.status_code == expected
    if expected == 404:
        assert r.headers["content-type"] == "application/problem+json"
        assert "techbroker_http_requests_total" not in r.text
    else:
        assert "techbroker_http_requests_total" in r.text


def test_metrics_networks_are_checked_at_start() -> None:
    from pydantic import ValidationError

    from backend.config import Settings

    with pytest.raises(ValidationError, match="does not appear to be an IPv4 or IPv6 network"):
        Settings(metrics_allowed_networks=["10.0.0.0/8", "intranet"])
