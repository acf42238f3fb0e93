"""Background work for listings: expiring overdue demands, fanning out index jobs, bulk
imports."""

from __future__ import annotations

import logging

from backend.db import session_scope
from backend.listings import demands, imports
from backend.worker import TRANSIENT_ERRORS, celery_app, send_task

log = logging.getLogger(__name__)

INDEX_MANY_TASK = "matching.index_listings"


@celery_app.task(name="listings.expire_overdue", time_limit=300)  # type: ignore[untyped-decorator]  # celery ships no types
def expire_overdue() -> int:
    """Beat, hourly: published or negotiating demands past their deadline become expired."""
    with session_scope() as session:
        return len(demands.expire_overdue(session))


@celery_app.task(name="listings.index_batch", time_limit=600)  # type: ignore[untyped-decorator]  # celery ships no types
def index_batch(kind: str, listing_ids: list[int]) -> int:
    """Hand a batch of changed listings (imports, expiry, demo data) to the matcher as one job,
    sent from a worker rather than the request that changed them. One job reads the batch and
    updates the index under one lock with one save: a job per listing cost 10,000 lock round
    trips and reads for a 10,000-row import (about 20 s in the embedded default)."""
    send_task(INDEX_MANY_TASK, kind, list(listing_ids))
    return len(listing_ids)


@celery_app.task(name=imports.IMPORT_TASK, time_limit=900, soft_time_limit=840)  # type: ignore[untyped-decorator]  # celery ships no types
def import_achievements(import_id: int) -> str | None:
    """A bulk import (listings/imports.py): check every row, then import all or none."""
    try:
        status = imports.run(import_id)
    except TRANSIENT_ERRORS:
        raise  # retried (worker.py); the job stays running meanwhile
    except Exception:
        log.exception("import %s failed", import_id)
        imports.fail_unexpectedly(import_id)
        raise
    return None if status is None else status.value
