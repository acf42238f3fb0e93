"""What other domains may ask of rewards: small, stable reads."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.rewards.calculation import to_fen
from backend.rewards.models import ClaimStatus, ClawBack, ClawBackStatus, RewardClaim

_NOT_TAKEN = (ClawBackStatus.WAIVED, ClawBackStatus.CANCELLED)


def total_rewards_paid(session: Session) -> Decimal:
    """Rewards paid to brokers and not clawed back, in yuan: a paid claim found fraudulent
    later drops out of this figure, and what re-computations claw back from paid claims
    (their deal cancelled, their confirmed amounts fallen) is taken off."""
    total = session.execute(select(func.sum(RewardClaim.amount)).where(
        RewardClaim.status == ClaimStatus.PAID)).scalar_one()
    taken = session.execute(select(func.sum(ClawBack.amount)).join(
        RewardClaim, RewardClaim.id == ClawBack.claim_id).where(
        RewardClaim.status == ClaimStatus.PAID, ClawBack.status.not_in(_NOT_TAKEN))
    ).scalar_one()
    paid = Decimal(total) if total is not None else Decimal(0)
    return to_fen(paid - (Decimal(taken) if taken is not None else Decimal(0)))
