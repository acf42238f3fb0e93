"""Background work for listings: expiring overdue demands, fanning out index jobs."""

from __future__ import annotations

from backend.db import session_scope
from backend.listings import demands
from backend.worker import celery_app, send_task

INDEX_TASK = "matching.index_listing"


@celery_app.task(name="listings.expire_overdue", time_limit=300)  # type: ignore[untyped-decorator]  # celery ships no types
def expire_overdue() -> int:
    """Beat, hourly: published or negotiating demands past their deadline become expired."""
    with session_scope() as session:
        return len(demands.expire_overdue(session))


@celery_app.task(name="listings.index_batch", time_limit=600)  # type: ignore[untyped-decorator]  # celery ships no types
def index_batch(kind: str, listing_ids: list[int]) -> int:
    """One job per listing for the matcher, sent from a worker rather than the request that
    changed many listings at once (imports, expiry, demo data)."""
    for listing_id in listing_ids:
        send_task(INDEX_TASK, kind, listing_id)
    return len(listing_ids)
