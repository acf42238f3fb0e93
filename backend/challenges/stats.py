"""The bureau's dashboard of open challenges (揭榜挂帅): challenges by top-level field and by
status, the prize money committed and paid, and the proposals received.

- A challenge's field is its linked demand's top-level field (`none` without a demand: a
  bureau challenge or a firm's that names no demand).
- Drafts count only in `by_status` (they are nobody's commitment yet).
- committed: prize plus top-up of the challenges awarded, in delivery or accepted.
- paid: evidence before money — only milestone payments the winner CONFIRMED (a recorded but
  unconfirmed or disputed payment counts nowhere), whatever the challenge's state now.
Computed in Python over every challenge (a few hundred a year for a province); no cache.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.challenges import service
from backend.challenges.models import (
    Challenge,
    ChallengeStatus,
    Milestone,
    MilestoneStatus,
    Proposal,
    ReceiptStatus,
)
from backend.core.schemas import Schema
from backend.listings import taxonomy
from backend.listings.models import Demand

_ZERO = Decimal("0.00")
COMMITTED = (ChallengeStatus.AWARDED, ChallengeStatus.IN_DELIVERY, ChallengeStatus.ACCEPTED)
NO_FIELD = "none"


class ChallengeGroupOut(Schema):
    key: str
    challenges: int
    proposals: int
    committed: Decimal
    paid: Decimal


class ChallengeStatusCountOut(Schema):
    status: ChallengeStatus
    challenges: int


class ChallengeStatsOut(Schema):
    totals: ChallengeGroupOut
    by_field: list[ChallengeGroupOut]
    by_status: list[ChallengeStatusCountOut]
    drafts: int
    awaiting_receipt: int  # payments recorded that the winner has not confirmed yet


def statistics(session: Session) -> ChallengeStatsOut:
    challenges = list(session.execute(select(Challenge).order_by(Challenge.id)).scalars())
    for c in challenges:  # a published challenge past its deadline is closed, as on any read
        service.close_if_due(session, c)
    proposals: dict[int, int] = dict(
        session.execute(select(Proposal.challenge_id, func.count()).group_by(Proposal.challenge_id)).all()
    )
    paid: dict[int, Decimal] = defaultdict(lambda: _ZERO)
    awaiting = 0
    for m in session.execute(select(Milestone).where(Milestone.status == MilestoneStatus.PAID)).scalars():
        if m.receipt_status == ReceiptStatus.CONFIRMED:
            paid[m.challenge_id] += m.paid_amount or _ZERO
        elif m.receipt_status is None:
            awaiting += 1

    demand_ids = {c.demand_id for c in challenges if c.demand_id is not None}
    demand_fields: dict[int, int] = (
        dict(session.execute(select(Demand.id, Demand.field_id).where(Demand.id.in_(demand_ids))).all())
        if demand_ids
        else {}
    )
    tops = taxonomy.top_level_codes(session)

    def top_field(c: Challenge) -> str:
        if c.demand_id is None or c.demand_id not in demand_fields:
            return NO_FIELD
        return tops.get(demand_fields[c.demand_id], NO_FIELD)

    def figures(key: str, rows: Sequence[Challenge]) -> ChallengeGroupOut:
        return ChallengeGroupOut(
            key=key,
            challenges=len(rows),
            proposals=sum(proposals.get(c.id, 0) for c in rows),
            committed=sum((c.prize + c.top_up for c in rows if c.status in COMMITTED), _ZERO),
            paid=sum((paid[c.id] for c in rows), _ZERO),
        )

    public = [c for c in challenges if c.status != ChallengeStatus.DRAFT]
    groups: dict[str, list[Challenge]] = defaultdict(list)
    for c in public:
        groups[top_field(c)].append(c)
    by_field = sorted(
        (figures(k, rows) for k, rows in groups.items()),
        key=lambda g: (g.key == NO_FIELD, -g.challenges, g.key),
    )
    counts: dict[ChallengeStatus, int] = defaultdict(int)
    for c in challenges:
        counts[c.status] += 1
    return ChallengeStatsOut(
        totals=figures("all", public),
        by_field=by_field,
        by_status=[
            ChallengeStatusCountOut(status=s, challenges=counts[s]) for s in ChallengeStatus if counts[s]
        ],
        drafts=counts[ChallengeStatus.DRAFT],
        awaiting_receipt=awaiting,
    )
