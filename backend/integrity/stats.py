"""Flag rates per rule: of the claims submitted in a period, how many each rule flagged, and
what administrators decided."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.integrity.models import FlagStatus, IntegrityFlag
from backend.integrity.rules import RULES
from backend.integrity.schemas import FlagRatesOut, RuleRate
from backend.rewards.models import RewardClaim


def flag_rates(session: Session, *, since: datetime | None, until: datetime | None,
               broker_id: int | None, region: str | None) -> FlagRatesOut:
    claims = select(RewardClaim.id)
    if since is not None:
        claims = claims.where(RewardClaim.submitted_at >= since)
    if until is not None:
        claims = claims.where(RewardClaim.submitted_at < until)
    if broker_id is not None:
        claims = claims.where(RewardClaim.broker_id == broker_id)
    if region:
        claims = claims.where(RewardClaim.region == region)
    claim_count = len(session.execute(claims).all())
    rows = session.execute(select(IntegrityFlag.rule, IntegrityFlag.claim_id,
                                  IntegrityFlag.status)
                           .where(IntegrityFlag.claim_id.in_(claims.scalar_subquery()))
                           ).all()
    flagged: defaultdict[str, set[int]] = defaultdict(set)
    by_status: defaultdict[str, defaultdict[FlagStatus, int]] = defaultdict(
        lambda: defaultdict(int))
    for rule, claim_id, status in rows:
        flagged[rule].add(claim_id)
        by_status[rule][FlagStatus(status)] += 1
    result = []
    for rule in [*RULES, *sorted(set(flagged) - set(RULES))]:
        counts = by_status[rule]
        rate = (Decimal(len(flagged[rule])) / claim_count if claim_count else Decimal(0))
        result.append(RuleRate(
            rule=rule, claims=claim_count, flagged_claims=len(flagged[rule]),
            rate=str(rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)),
            flags=sum(counts.values()), open=counts[FlagStatus.OPEN],
            dismissed=counts[FlagStatus.DISMISSED], confirmed=counts[FlagStatus.CONFIRMED],
            cleared=counts[FlagStatus.CLEARED]))
    return FlagRatesOut(claims=claim_count, rules=result)
