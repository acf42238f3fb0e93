"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database and broker
answer, and the process is not saturated — core/admission.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from backend.config import get_settings
from backend.core import jobs
from backend.core.admission import Admission
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
    try:
        with jobs.celery_app().connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:
        return False
    return True


@router.get("/readyz")
@blocking
def readyz(request: Request) -> JSONResponse:
    checks = {"database": "ok" if _database_ok() else "down",
              "broker": "ok" if _broker_ok() else "down"}
    body: dict[str, object] = {}
    admission: Admission | None = getattr(request.app.state, "admission", None)
    if admission is not None:
        load = admission.load()
        checks["admission"] = "saturated" if load.saturated else "ok"
        body["admission"] = {"places": load.places, "admitted": load.admitted,
                             "waiting": load.waiting, "reading_body": load.reading}
    ready = all(v == "ok" for v in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks, **body}
    if checks.get("admission") == "saturated":
        body["reason"] = ("每个处理名额都已占用，且排队的请求至少与名额一样多。Every admission place "
                          "is taken and at least as many requests wait for one.")
    return JSONResponse(body, status_code=200 if ready else 503)
