"""What rewards asks of integrity: the flags beside a claim."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.integrity.context import Severity
from backend.integrity.models import FlagStatus, IntegrityFlag


def open_flag_count(session: Session, claim_id: int, *, blocking_only: bool = False) -> int:
    """Open flags on the claim; `blocking_only`: those that hold up its approval — every
    severity but info, which is shown to the reviewer and decides nothing."""
    query = select(func.count()).select_from(IntegrityFlag).where(
        IntegrityFlag.claim_id == claim_id, IntegrityFlag.status == FlagStatus.OPEN)
    if blocking_only:
        query = query.where(IntegrityFlag.severity != Severity.INFO)
    return session.execute(query).scalar_one()


def open_flag_counts(session: Session, claim_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(claim_ids))
    counts = dict.fromkeys(ids, 0)
    for i in range(0, len(ids), 900):
        rows = session.execute(
            select(IntegrityFlag.claim_id, func.count()).where(
                IntegrityFlag.claim_id.in_(ids[i:i + 900]),
                IntegrityFlag.status == FlagStatus.OPEN).group_by(IntegrityFlag.claim_id)).all()
        counts.update({claim_id: n for claim_id, n in rows})
    return counts


def flags_for_claim(session: Session, claim_id: int) -> Sequence[IntegrityFlag]:
    """Every flag on the claim, open ones first, then by severity and time."""
    rows = session.execute(select(IntegrityFlag).where(IntegrityFlag.claim_id == claim_id)
                           .order_by(IntegrityFlag.id)).scalars().all()
    rank = {FlagStatus.OPEN: 0, FlagStatus.CONFIRMED: 1, FlagStatus.DISMISSED: 2,
            FlagStatus.CLEARED: 3}
    severity = {"critical": 0, "warning": 1, "info": 2}
    return sorted(rows, key=lambda f: (rank[f.status], severity[f.severity], f.id))
