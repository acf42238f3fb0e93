"""What other domains may ask of rewards: small, stable reads."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.rewards.calculation import to_fen
from backend.rewards.models import ClaimStatus, RewardClaim


def total_rewards_paid(session: Session) -> Decimal:
    """Rewards paid to brokers and not clawed back, in yuan (a paid claim found fraudulent
    later is clawed back and drops out of this figure)."""
    total = session.execute(select(func.sum(RewardClaim.amount)).where(
        RewardClaim.status == ClaimStatus.PAID)).scalar_one()
    return to_fen(Decimal(total)) if total is not None else Decimal("0.00")
