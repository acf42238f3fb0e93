"""The audit log as a table, filtered by period and actor, for the bureau to keep."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.core.tabular import Table

AUDIT_COLUMNS = (
    "序号 Seq", "时间 At", "操作人编号 Actor ID", "操作人 Actor", "操作 Action", "对象类型 Object type",
    "对象编号 Object ID", "变更前 Before", "变更后 After", "IP", "前一哈希 Previous hash", "哈希 Hash")


def audit_table(session: Session, *, since: datetime | None, until: datetime | None,
                actor_id: int | None) -> Table:
    query = select(AuditEntry)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    rows = session.execute(query.order_by(AuditEntry.seq)).scalars().all()

    def dumped(value: object) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    return Table("audit", AUDIT_COLUMNS, [
        (e.seq, e.at, e.actor_id, e.actor_label, e.action, e.object_type, e.object_id,
         dumped(e.before), dumped(e.after), e.ip, e.prev_hash, e.hash) for e in rows])
