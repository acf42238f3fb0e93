"""create_app(): routers, middleware, error handlers and the built single-page app."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.types import Message
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from backend.accounts.router import auth_router, broker_router, join_router, org_router
from backend.audit.router import router as audit_router
from backend.capital.router import (
    capital_router,
    financing_router,
    investors_router,
    roadshows_router,
)
from backend.chains.router import router as chains_router
from backend.challenges.dossier_router import challenge_dossier_router
from backend.challenges.router import router as challenges_router
from backend.config import get_settings
from backend.core.admission import FORM_ROOM, Admission, AdmissionMiddleware, Limits
from backend.core.errors import NotFound, document_problems, install_error_handlers
from backend.core.health import router as health_router
from backend.core.logging import configure_logging
from backend.core.metrics import MetricsMiddleware
from backend.core.metrics import router as metrics_router
from backend.core.middleware import ErrorBoundaryMiddleware, RequestContextMiddleware
from backend.deals.router import deals_router, notifications_router, registry_router
from backend.experts.router import experts_router, invitations_router, poc_router, reviews_router
from backend.intake.brokers_router import directory_router, grades_router
from backend.intake.dossier_router import dossiers_router
from backend.intake.router import drafts_router, help_router
from backend.integrity.router import router as integrity_router
from backend.listings import search
from backend.listings.router import router as listings_router
from backend.market.router import router as market_router
from backend.matches.index import get_index_service
from backend.matches.loader import start_upkeep
from backend.matches.router import router as matches_router
from backend.rewards.reports_router import exports_router, stats_router
from backend.rewards.router import (
    claims_router,
    clawbacks_router,
    payees_router,
    payouts_router,
    policies_router,
)

ROUTERS = [health_router, metrics_router, auth_router, org_router, join_router, broker_router,
           audit_router, deals_router, notifications_router, listings_router, market_router,
           matches_router, policies_router, claims_router, payouts_router, clawbacks_router,
           integrity_router, exports_router, stats_router, registry_router, payees_router,
           help_router, drafts_router, dossiers_router, directory_router, grades_router,
           experts_router, invitations_router, poc_router, reviews_router,
           challenges_router, challenge_dossier_router, investors_router, financing_router,
           roadshows_router, capital_router, chains_router]


log = logging.getLogger(__name__)


def _warm_up_encoders() -> None:
    """Load the matcher's models (several seconds for USE and MiniLM) before the first
    request needs them, so the first user to open a match list does not wait for it."""
    try:
        for encoder in get_index_service().encoders.values():
            # past the embedding cache, which would answer a warm-up text seen before
            getattr(encoder, "inner", encoder).encode(["预热 warm-up"])
    except Exception:  # the first request will load them, or say what is wrong
        log.exception("could not warm up the matcher's encoders")


async def warm_up(app: FastAPI) -> None:
    """Do before the first request what the first request would otherwise pay for, in every
    worker process: jieba's dictionary (about a second; keyword search and the matcher share
    it) and FastAPI's per-route state, which it builds lazily on the first request that walks
    past a route (about a second for this app's 116 operations). Under load those seconds landed
    on the users queued behind a fresh worker.

    The routes are built by dispatching one request for an unknown path to the router itself,
    below the middleware, so no log line or metric counts it."""
    await anyio.to_thread.run_sync(search.tokens, "预热 warm-up")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": "/api/v1/warm-up", "raw_path": b"/api/v1/warm-up",
             "query_string": b"", "root_path": "", "headers": [], "app": app,
             "client": None, "server": None}

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    with contextlib.suppress(Exception):  # an error here only means the first request pays
        await app.router(scope, receive, send)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    if settings.environment != "test":
        await warm_up(app)
        threading.Thread(target=_warm_up_encoders, name="warm-up", daemon=True).start()
    # The matcher's indexes are loaded (and, without a broker, built) in the background.
    upkeep = start_upkeep(get_index_service(), settings)
    try:
        yield
    finally:
        if upkeep is not None:
            await anyio.to_thread.run_sync(upkeep.stop)


def operation_id(route: APIRoute) -> str:
    """Stable `tag-name` operation ids, so the generated TypeScript client reads naturally."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging()
    import backend.worker  # noqa: F401 — registers the Celery tasks this process may send

    app = FastAPI(
        title="techbroker 技术经纪服务平台",
        version="0.1.0",
        description="Technology demands, achievements, matching, deals and broker rewards.",
        generate_unique_id_function=operation_id,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
        # We export no OpenTelemetry (logs and /metrics are ours); left on, FastAPI looks for a
        # tracer provider in the environment on every request, 3% of the API's CPU under load.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    install_error_handlers(app)
    document_problems(app)
    app.state.admission = Admission(Limits(
        places=settings.max_concurrent_requests,
        max_body=settings.max_upload_mb * 1024 * 1024 + FORM_ROOM,
        body_timeout=settings.request_body_timeout_seconds,
        min_rate=settings.request_body_min_kb_per_second * 1024))
    app.add_middleware(AdmissionMiddleware, admission=app.state.admission)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(ErrorBoundaryMiddleware)  # inside the request id and security headers
    app.add_middleware(RequestContextMiddleware)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_credentials=False, allow_methods=["*"],
                           allow_headers=["Authorization", "Content-Type"])
    if settings.trusted_proxies:  # outermost: everything inside sees the client's address
        app.add_middleware(ProxyHeadersMiddleware,
                           trusted_hosts=[str(net) for net in settings.trusted_proxies])
    for router in ROUTERS:
        app.include_router(router)
    _mount_spa(app, settings.frontend_dist)
    return app


def _mount_spa(app: FastAPI, dist: Path) -> None:
    """Serve the built SPA at /, with client-side routes falling back to index.html."""
    index = dist / "index.html"
    if not index.exists():
        log.warning("no built web UI at FRONTEND_DIST=%s: only the API is served", dist)
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    def spa(path: str) -> FileResponse:
        if path.startswith("api/") or not index.exists():
            raise NotFound("没有这个地址。No such address.")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        return FileResponse(index)
