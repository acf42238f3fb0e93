"""Background work for integrity: scanning every open claim with the rules."""

from __future__ import annotations

from backend.audit.service import SYSTEM, Actor
from backend.db import session_scope
from backend.integrity import service
from backend.integrity.models import ScanTrigger
from backend.worker import celery_app


@celery_app.task(name=service.SCAN_TASK, time_limit=900, soft_time_limit=840)  # type: ignore[untyped-decorator]  # celery ships no types
def scan_open_claims(requested_by_id: int | None = None, label: str | None = None) -> int:
    """On demand (an administrator's request) or nightly (beat): every rule over every open
    claim. Returns the scan's id."""
    actor = SYSTEM if requested_by_id is None else Actor(requested_by_id, label or "admin")
    trigger = ScanTrigger.SCHEDULE if requested_by_id is None else ScanTrigger.ON_DEMAND
    with session_scope() as session:
        report = service.scan_open_claims(session, actor, trigger)
        return report.scan.id
