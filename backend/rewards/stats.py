"""Statistics for the bureau: claims and the amounts claimed, approved, paid and clawed back,
by month, field, broker or region.

Each figure is counted when its event happened: a claim in the month it was submitted, a
payment in the month it was paid, a claw-back in the month it was decided (Beijing time);
grouped by field, broker or region, the period filters each event the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.clock import CHINA_TZ
from backend.listings.models import Field
from backend.rewards import schemas
from backend.rewards.models import ClawBack, RewardClaim
from backend.rewards.views import user_names

ZERO = Decimal("0.00")


@dataclass
class _Sums:
    claims: int = 0
    claimed: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    clawed_back: Decimal = ZERO
    label: str = field(default="")


def _in(moment: datetime | None, since: datetime | None, until: datetime | None) -> bool:
    return moment is not None and (since is None or moment >= since) and \
        (until is None or moment < until)


def _month(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m")


def reward_stats(session: Session, group_by: schemas.GroupBy, *, since: datetime | None,
                 until: datetime | None, broker_id: int | None, region: str | None
                 ) -> schemas.RewardStatsOut:
    query = select(RewardClaim.id, RewardClaim.broker_id, RewardClaim.region,
                   RewardClaim.field_code, RewardClaim.amount, RewardClaim.submitted_at,
                   RewardClaim.approved_at, RewardClaim.paid_at)
    if broker_id is not None:
        query = query.where(RewardClaim.broker_id == broker_id)
    if region:
        query = query.where(RewardClaim.region == region)
    claims = session.execute(query).all()
    wanted = {row[0] for row in claims}
    clawed = [row for row in session.execute(
        select(ClawBack.claim_id, ClawBack.amount, ClawBack.decided_at))
        if row[0] in wanted]
    facts = {row[0]: row for row in claims}
    groups: defaultdict[str, _Sums] = defaultdict(_Sums)

    def key(claim_id: int, moment: datetime) -> str:
        _, broker, claim_region, field_code, *_ = facts[claim_id]
        if group_by == "month":
            return _month(moment)
        if group_by == "field":
            return field_code
        if group_by == "broker":
            return str(broker)
        return claim_region

    for claim_id, _, _, _, amount, submitted_at, approved_at, paid_at in claims:
        if _in(submitted_at, since, until):
            sums = groups[key(claim_id, submitted_at)]
            sums.claims += 1
            sums.claimed += amount
        if approved_at is not None and _in(approved_at, since, until):
            groups[key(claim_id, approved_at)].approved += amount
        if paid_at is not None and _in(paid_at, since, until):
            groups[key(claim_id, paid_at)].paid += amount
    for claim_id, amount, decided_at in clawed:
        if _in(decided_at, since, until):
            groups[key(claim_id, decided_at)].clawed_back += amount

    labels: dict[str, str] = {}
    if group_by == "broker":
        labels = {str(k): v for k, v in user_names(session, (int(k) for k in groups)).items()}
    elif group_by == "field":
        labels = dict(session.execute(select(Field.code, Field.name_zh)
                                      .where(Field.code.in_(list(groups)))).all())
    rows = [schemas.RewardStatsRow(key=k, label=labels.get(k, k), claims=s.claims,
                                   claimed=s.claimed, approved=s.approved, paid=s.paid,
                                   clawed_back=s.clawed_back)
            for k, s in sorted(groups.items())]
    total = schemas.RewardStatsRow(
        key="total", label="合计 Total", claims=sum(r.claims for r in rows),
        claimed=sum((r.claimed for r in rows), ZERO),
        approved=sum((r.approved for r in rows), ZERO), paid=sum((r.paid for r in rows), ZERO),
        clawed_back=sum((r.clawed_back for r in rows), ZERO))
    return schemas.RewardStatsOut(group_by=group_by, rows=rows, total=total)
