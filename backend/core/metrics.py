"""Prometheus metrics: request counts and latencies by route, task counts, index size.

Only clients in `METRICS_ALLOWED_NETWORKS` may read them (in production, by default, the machine
itself); others get 404, as for any address that is not there.

With several uvicorn workers set PROMETHEUS_MULTIPROC_DIR to a shared empty directory so
`/metrics` aggregates every process (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from starlette.types import Message, Receive, Scope, Send

from backend.config import get_settings
from backend.core.counters import INDEX_SIZE, LATENCY, REQUESTS
from backend.core.errors import NotFound
from backend.core.middleware import HttpMiddleware
from backend.core.routing import UnitOfWorkRoute, blocking

router = APIRouter(tags=["health"], route_class=UnitOfWorkRoute)


class MetricsMiddleware(HttpMiddleware):
    """Counts and times every HTTP request by method, route template and status. A request
    that raises counts as a 500."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            # The route template, not the raw path: ids must not explode the label space.
            template = getattr(scope.get("route"), "path", "unmatched")
            LATENCY.labels(scope["method"], template).observe(time.perf_counter() - start)
            REQUESTS.labels(scope["method"], template, str(status)).inc()


_index_size_sources: list[Callable[[], dict[str, int]]] = []


def register_index_size(source: Callable[[], dict[str, int]]) -> None:
    """Let the matcher report its index sizes when metrics are scraped."""
    _index_size_sources.append(source)


def may_read_metrics(host: str | None) -> bool:
    networks = get_settings().metrics_networks
    if networks is None:
        return True
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:  # no address (a Unix socket, a test client's name): not on a network
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


@router.get("/metrics", include_in_schema=False)
@blocking
def metrics(request: Request) -> Response:
    if not may_read_metrics(request.client.host if request.client else None):
        raise NotFound("没有这个地址。No such address.")
    for source in _index_size_sources:
        for name, size in source().items():
            INDEX_SIZE.labels(name).set(size)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
