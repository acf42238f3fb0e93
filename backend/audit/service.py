"""Append to and verify the audit chain: hash = sha256(previous hash + canonical entry).

Every domain calls `record(...)` inside the same transaction as the change it
records, so the change and its entry commit or roll back together.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from backend.core import paging
from backend.core.types import utcnow


@dataclass(frozen=True)
class Actor:
    """Who did it: a user, or the system itself (tasks, CLI) with user_id None."""

    user_id: int | None
    label: str
    ip: str | None = None


SYSTEM = Actor(None, "system")


def jsonable(value: Any) -> Any:
    """A JSON value that survives storage unchanged: money and dates as strings, no floats."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    raise TypeError(f"cannot record {type(value).__name__} in the audit log")


def canonical(entry: AuditEntry) -> str:
    body = {
        "seq": entry.seq,
        "at": jsonable(entry.at),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
        "ip": entry.ip,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + canonical(entry)).encode("utf-8")).hexdigest()


def record(session: Session, actor: Actor, action: str, object_type: str, object_id: object,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry. `action` reads `domain.verb`, e.g. `organisation.verify`."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    entry = AuditEntry(
        seq=head.seq + 1,
        at=utcnow(),
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=jsonable(before),
        after=jsonable(after),
        ip=actor.ip,
        prev_hash=head.hash,
    )
    entry.hash = chain_hash(head.hash, entry)
    head.seq, head.hash = entry.seq, entry.hash
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    first_broken_seq: int | None = None
    reason: str | None = None


def verify(session: Session, batch: int = 5000) -> VerifyReport:
    """Walk the chain from the start (after entries pruned past the retention period: from the
    anchor they left); report the first entry that was edited or deleted."""
    head = session.get(AuditHead, 1)
    base_seq = head.base_seq if head else 0
    expected_seq, prev_hash, count = base_seq + 1, head.base_hash if head else GENESIS_HASH, 0
    last_seq = base_seq
    while True:
        rows = session.execute(
            select(AuditEntry).where(AuditEntry.seq > last_seq)
            .order_by(AuditEntry.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return _broken(count, head, expected_seq,
                               f"entry {expected_seq} is missing (deleted)")
            if row.prev_hash != prev_hash:
                return _broken(count, head, row.seq,
                               f"entry {row.seq} does not link to entry {row.seq - 1}")
            if chain_hash(prev_hash, row) != row.hash:
                return _broken(count, head, row.seq,
                               f"entry {row.seq} was altered: its content no longer matches "
                               "its hash")
            prev_hash, expected_seq, count = row.hash, row.seq + 1, count + 1
            last_seq = row.seq
        session.expunge_all()
    if head is None or head.seq != base_seq + count or head.hash != prev_hash:
        return _broken(count, head, base_seq + count + 1,
                       f"the chain ends at entry {base_seq + count} but the head records "
                       f"{head.seq if head else 'nothing'}: entries after it were deleted")
    return VerifyReport(True, count, head.seq, head.hash)


def _broken(count: int, head: AuditHead | None, seq: int, reason: str) -> VerifyReport:
    return VerifyReport(False, count, head.seq if head else 0,
                        head.hash if head else GENESIS_HASH, seq, reason)


def list_entries(session: Session, *, action: str | None = None, object_type: str | None = None,
                 object_id: str | None = None, actor_id: int | None = None,
                 since: datetime | None = None, until: datetime | None = None,
                 page: int = 1, page_size: int = 50) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    rows, total = paging.page_of(session, query.order_by(AuditEntry.seq.desc()), page, page_size)
    return list(rows), total
