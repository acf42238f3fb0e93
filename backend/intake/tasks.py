"""Background work for intake: escalating help requests nobody accepted, and the nightly
evaluation that proposes promotions."""

from __future__ import annotations

from backend.db import session_scope
from backend.intake import grades, requests
from backend.worker import celery_app


@celery_app.task(name="intake.escalate_overdue", time_limit=300)  # type: ignore[untyped-decorator]  # celery ships no types
def escalate_overdue() -> int:
    """Beat, hourly: open help requests past their working-day deadline are escalated."""
    with session_scope() as session:
        return len(requests.escalate_overdue(session))


@celery_app.task(name="intake.propose_promotions", time_limit=900)  # type: ignore[untyped-decorator]  # celery ships no types
def propose_promotions() -> int:
    """Beat, nightly: propose a promotion to every broker who meets the next grade's rule."""
    with session_scope() as session:
        proposed, _ = grades.evaluate_all(session)
        return proposed
