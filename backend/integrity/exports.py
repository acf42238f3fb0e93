"""The flags table administrators export, filtered by period (raised), broker and region."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.tabular import Table
from backend.integrity.models import IntegrityFlag
from backend.rewards.models import RewardClaim

FLAG_COLUMNS = (
    "提示编号 Flag", "申报编号 Claim", "经纪人编号 Broker ID", "地区 Region", "规则 Rule",
    "严重程度 Severity", "阻断 Blocking", "状态 Status", "说明 Message", "Message (en)",
    "证据 Evidence", "发现时间 Raised", "最近确认 Last seen", "处理人 Reviewed by",
    "处理时间 Reviewed", "处理理由 Review reason")


def flags_table(session: Session, *, since: datetime | None, until: datetime | None,
                broker_id: int | None, region: str | None) -> Table:
    query = (select(IntegrityFlag, RewardClaim.broker_id, RewardClaim.region)
             .join(RewardClaim, RewardClaim.id == IntegrityFlag.claim_id))
    if since is not None:
        query = query.where(IntegrityFlag.raised_at >= since)
    if until is not None:
        query = query.where(IntegrityFlag.raised_at < until)
    if broker_id is not None:
        query = query.where(RewardClaim.broker_id == broker_id)
    if region:
        query = query.where(RewardClaim.region == region)
    rows = session.execute(query.order_by(IntegrityFlag.id)).all()
    return Table("flags", FLAG_COLUMNS, [
        (f.id, f.claim_id, broker, claim_region, f.rule, f.severity, f.blocking, f.status,
         f.message_zh, f.message_en, json.dumps(f.evidence, ensure_ascii=False, sort_keys=True),
         f.raised_at, f.last_seen_at, f.reviewed_by_id, f.reviewed_at, f.review_reason)
        for f, broker, claim_region in rows])
