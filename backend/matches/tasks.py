"""Keeping the matcher's indexes current: one listing, a batch, or everything.

The listings domain enqueues `matching.index_listing(kind, id)` after every create, update,
publish, withdraw, hide or status change. Each task reads the listing's current state under
the corpus's writer lock and makes the index agree (indexed → added or replaced; anything
else → removed), so a retried, duplicated or reordered task is harmless. Changes close
together are saved together (see `backend.matches.index`).

API processes never build an index: one that finds none it can serve asks for
`matching.ensure_index`, which loads the index here or builds it.
"""

from __future__ import annotations

from typing import Any

from backend.audit.service import SYSTEM
from backend.db import session_scope
from backend.matches import learning, service
from backend.matches.documents import KINDS, check_kind
from backend.matches.index import get_index_service
from backend.worker import celery_app


@celery_app.task(name="matching.index_listing", time_limit=300)  # type: ignore[untyped-decorator]  # celery ships no types
def index_listing(kind: str, listing_id: int) -> int | None:
    """(Re)index one listing ("demand" or "achievement"); returns the index version saved."""
    return _sync(kind, [listing_id])


@celery_app.task(name="matching.index_listings", time_limit=600)  # type: ignore[untyped-decorator]  # celery ships no types
def index_listings(kind: str, listing_ids: list[int]) -> int | None:
    """(Re)index many listings of one kind with a single save (bulk imports, expiry)."""
    return _sync(kind, listing_ids)


def _sync(kind: str, listing_ids: list[int]) -> int | None:
    checked = check_kind(kind)
    with session_scope() as session:
        return get_index_service().sync(session, checked, [int(i) for i in listing_ids])


@celery_app.task(name=service.REINDEX_TASK, time_limit=3600, soft_time_limit=3500)  # type: ignore[untyped-decorator]  # celery ships no types
def reindex(kinds: list[str] | None = None) -> dict[str, int]:
    """Rebuild the indexes from the database; returns the documents in each."""
    checked = [check_kind(k) for k in kinds] if kinds else list(KINDS)
    with session_scope() as session:
        results = service.reindex_now(session, SYSTEM, checked)
    return {r.kind: r.documents for r in results}


@celery_app.task(name=service.ENSURE_TASK, time_limit=3600, soft_time_limit=3500)  # type: ignore[untyped-decorator]  # celery ships no types
def ensure_index(kind: str, unusable: int | None = None) -> int:
    """Have an index of `kind` on disk that API processes can serve: build it when missing,
    unusable (`unusable`: the version an API process could not load) or lacking the unsaved
    changes of a writer that died. API processes send this; many at once cost one build (the
    others find it done). Returns the version."""
    checked = check_kind(kind)
    with session_scope() as session:
        return get_index_service().ensure(session, checked, unusable)


@celery_app.task(name=learning.TRAIN_TASK, time_limit=3600, soft_time_limit=3500)  # type: ignore[untyped-decorator]  # celery ships no types
def train_reranker() -> dict[str, Any]:
    """Retrain the learned re-ranker from the labels so far (daily, by beat)."""
    with session_scope() as session:
        return learning.train_now(session)
