"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from backend.config import get_settings
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.db import get_engine

router = APIRouter(tags=["health"], route_class=UnitOfWorkRoute)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _database_ok() -> bool:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def _broker_ok() -> bool:
    if get_settings().celery_eager:
        return True
    from backend.worker import celery_app

    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:
        return False
    return True


@router.get("/readyz")
@blocking
def readyz() -> JSONResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable",
            "checks": {k: "ok" if v else "down" for k, v in checks.items()}}
    return JSONResponse(body, status_code=200 if ready else 503)
