"""Rules both listing kinds share: lifecycle transitions, publishing preconditions,
moderation, index jobs and paging. The use cases are in `demands.py` and `achievements.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, VerificationStatus
from backend.audit import service as audit
from backend.core import jobs
from backend.core.errors import Conflict
from backend.core.types import utcnow
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandStatus,
    modes_to_mask,
)

ListingKind = Literal["demand", "achievement"]
Listing = Demand | Achievement

INDEX_TASK = "matching.index_listing"
INDEX_BATCH_TASK = "listings.index_batch"
INDEX_BATCH_SIZE = 500

STATUS_LABELS: dict[str, str] = {
    "draft": "草稿", "published": "已发布", "in_negotiation": "洽谈中", "fulfilled": "已解决",
    "closed": "已关闭", "expired": "已过期", "withdrawn": "已撤回", "transferred": "已转化",
}
KIND_LABELS: dict[ListingKind, tuple[str, str]] = {
    "demand": ("技术需求", "demand"), "achievement": ("科技成果", "achievement")}

DEMAND_TRANSITIONS: dict[DemandStatus, frozenset[DemandStatus]] = {
    DemandStatus.DRAFT: frozenset({DemandStatus.PUBLISHED, DemandStatus.WITHDRAWN}),
    DemandStatus.PUBLISHED: frozenset({DemandStatus.IN_NEGOTIATION, DemandStatus.FULFILLED,
                                       DemandStatus.CLOSED, DemandStatus.EXPIRED,
                                       DemandStatus.WITHDRAWN}),
    DemandStatus.IN_NEGOTIATION: frozenset({DemandStatus.PUBLISHED, DemandStatus.FULFILLED,
                                            DemandStatus.CLOSED, DemandStatus.EXPIRED,
                                            DemandStatus.WITHDRAWN}),
    # An expired demand may be published again once its deadline has been moved.
    DemandStatus.EXPIRED: frozenset({DemandStatus.PUBLISHED, DemandStatus.CLOSED,
                                     DemandStatus.WITHDRAWN}),
    DemandStatus.FULFILLED: frozenset(),
    DemandStatus.CLOSED: frozenset(),
    DemandStatus.WITHDRAWN: frozenset(),
}
ACHIEVEMENT_TRANSITIONS: dict[AchievementStatus, frozenset[AchievementStatus]] = {
    AchievementStatus.DRAFT: frozenset({AchievementStatus.PUBLISHED, AchievementStatus.WITHDRAWN}),
    AchievementStatus.PUBLISHED: frozenset({AchievementStatus.TRANSFERRED,
                                            AchievementStatus.WITHDRAWN}),
    AchievementStatus.TRANSFERRED: frozenset(),
    AchievementStatus.WITHDRAWN: frozenset(),
}
DEMAND_EDITABLE = frozenset({DemandStatus.DRAFT, DemandStatus.PUBLISHED,
                             DemandStatus.IN_NEGOTIATION, DemandStatus.EXPIRED})
ACHIEVEMENT_EDITABLE = frozenset({AchievementStatus.DRAFT, AchievementStatus.PUBLISHED})


def _label(status: str) -> str:
    return f"{STATUS_LABELS.get(status, status)} {status}"


def _order(statuses: Iterable[StrEnum]) -> list[str]:
    return sorted((s.value for s in statuses), key=list(STATUS_LABELS).index)


def check_transition(kind: ListingKind, current: StrEnum, target: StrEnum,
                     table: dict[Any, frozenset[Any]]) -> None:
    """Refuse a status change the lifecycle does not allow: 409 naming what is allowed."""
    allowed = table[current]
    if target in allowed:
        return
    zh, en = KIND_LABELS[kind]
    nexts = _order(allowed)
    options_zh = "、".join(_label(s) for s in nexts) or "无（已是最终状态）"
    options_en = ", ".join(nexts) or "nothing (it is final)"
    raise Conflict(f"该{zh}当前状态为「{_label(current.value)}」，不能变为「{_label(target.value)}」；"
                   f"可变为：{options_zh}。This {en} is {current.value}; it cannot become "
                   f"{target.value}, only: {options_en}.",
                   current_status=current.value, allowed_next=nexts)


def check_editable(kind: ListingKind, current: StrEnum, editable: frozenset[Any]) -> None:
    if current in editable:
        return
    zh, en = KIND_LABELS[kind]
    raise Conflict(f"该{zh}当前状态为「{_label(current.value)}」，不能再修改。"
                   f"This {en} is {current.value} and can no longer be edited.",
                   current_status=current.value, editable_statuses=_order(editable))


def require_verified_organisation(session: Session, organisation_id: int) -> None:
    status = session.execute(select(Organisation.verification_status).where(
        Organisation.id == organisation_id)).scalar_one()
    if status != VerificationStatus.VERIFIED:
        raise Conflict("机构尚未通过认证，暂不能发布；可先保存为草稿。Your organisation must be "
                       "verified before it can publish; you can save drafts meanwhile.",
                       verification_status=str(status))


def enqueue_index(session: Session, kind: ListingKind, ids: Sequence[int]) -> None:
    """Ask the matcher to (re)index listings after the commit: one job for one listing, or
    batch jobs (each handed to the matcher whole, on the worker) for bulk changes."""
    if len(ids) == 1:
        jobs.enqueue(session, INDEX_TASK, kind, ids[0])
        return
    for start in range(0, len(ids), INDEX_BATCH_SIZE):
        jobs.enqueue(session, INDEX_BATCH_TASK, kind, list(ids[start:start + INDEX_BATCH_SIZE]))


def stamp(listing: Listing, published: bool = False) -> None:
    """Record that a listing changed (and, when it was just published, when)."""
    listing.updated_at = utcnow()
    if published:
        listing.published_at = listing.updated_at


def hide(session: Session, actor: audit.Actor, kind: ListingKind, listing: Listing,
         reason: str) -> None:
    zh, en = KIND_LABELS[kind]
    if listing.hidden:
        raise Conflict(f"该{zh}已被隐藏。This {en} is already hidden.", hidden=True)
    listing.hidden, listing.hidden_reason = True, reason
    listing.updated_at = utcnow()
    audit.record(session, actor, f"{kind}.hide", kind, listing.id,
                 before={"hidden": False}, after={"hidden": True, "reason": reason})
    enqueue_index(session, kind, [listing.id])


def unhide(session: Session, actor: audit.Actor, kind: ListingKind, listing: Listing) -> None:
    zh, en = KIND_LABELS[kind]
    if not listing.hidden:
        raise Conflict(f"该{zh}未被隐藏。This {en} is not hidden.", hidden=False)
    before = {"hidden": True, "reason": listing.hidden_reason}
    listing.hidden, listing.hidden_reason = False, None
    listing.updated_at = utcnow()
    audit.record(session, actor, f"{kind}.unhide", kind, listing.id, before=before,
                 after={"hidden": False})
    enqueue_index(session, kind, [listing.id])


def allocate_ids(session: Session, table: str, count: int) -> list[int]:
    """Reserve `count` primary keys so bulk inserts need no RETURNING.

    (SQLAlchemy can only match RETURNING rows to their parameters on SQLite by inserting
    one row at a time, which is slow.) PostgreSQL hands out sequence values, safe under
    concurrency; on SQLite every write transaction holds the database lock from BEGIN
    (`db._serialise_sqlite_writers`), so the ids after the current maximum stay free.
    """
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :count)"), {"table": table, "count": count}).scalars())
    top = session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()  # noqa: S608 — our own table name
    return list(range(top + 1, top + 1 + count))


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ListingFilters:
    """What a list, search or export asks for; `amount_*` is the budget of a demand, the
    price of an achievement (listings without one are left out when either bound is set)."""

    q: str | None = None
    field_id: int | None = None
    region: str | None = None
    modes: tuple[str, ...] = ()
    trl_min: int | None = None
    trl_max: int | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    statuses: tuple[str, ...] = ()
    mine: bool = False
    organisation_id: int | None = None
    hidden: bool | None = None


def modes_clause(column: Any, modes: Sequence[str]) -> ColumnElement[bool]:
    """The listing wants (or offers) any of `modes`."""
    clause: ColumnElement[bool] = column.op("&")(modes_to_mask(list(modes))) != 0
    return clause

