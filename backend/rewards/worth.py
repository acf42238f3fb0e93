"""What a claim is worth on the evidence as it stands, and what re-computations took back."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.deals.lookup import ContractSummary, deal_is_ended
from backend.deals.models import RegistryStatus
from backend.rewards import calculation as calc
from backend.rewards.models import ClawBack, ClawBackKind, ClawBackStatus, RewardClaim, RewardPolicy
from backend.rewards.policies import calculator

ZERO = Decimal("0.00")


def worth(session: Session, claim: RewardClaim, contract: ContractSummary) -> Decimal:
    """What the claim is worth on the evidence as it stands, at most its original amount."""
    original = calc.to_fen(Decimal(claim.breakdown["amount"]))
    terms = contract.confirmed
    if (deal_is_ended(contract.deal_stage) or terms is None
            or contract.registry_status == RegistryStatus.CANCELLED):
        return ZERO
    policy = session.get(RewardPolicy, claim.policy_id)
    if policy is None:
        return ZERO
    shares = {b.broker_id: b.share for b in contract.brokers}
    if claim.broker_id not in shares or sum(shares.values(), Decimal(0)) != calc.HUNDRED:
        rest = calc.HUNDRED - claim.share_percent
        shares = {claim.broker_id: claim.share_percent} | ({-1: rest} if rest else {})
    try:
        now = calc.compute_claim(calculator(policy), claim.broker_id, shares,
                                 contract_amount=terms.amount,
                                 technology_amount=terms.technology_amount,
                                 received_amount=terms.received_amount,
                                 grade=claim.breakdown.get("grade"))
    except calc.RewardCalculationError:
        return ZERO
    return min(original, now.amount)


def clawed_so_far(session: Session, claim_id: int) -> Decimal:
    """What re-computations already took back from a claim (waived ones included: an
    administrator decided those, and they are not raised again)."""
    total = session.execute(select(func.sum(ClawBack.amount)).where(
        ClawBack.claim_id == claim_id, ClawBack.kind == ClawBackKind.RECOMPUTE)).scalar_one()
    return Decimal(total) if total is not None else ZERO


def taken_back(session: Session, claim_id: int) -> Decimal:
    """What claw-backs hold against a claim: all but those waived or cancelled."""
    total = session.execute(select(func.sum(ClawBack.amount)).where(
        ClawBack.claim_id == claim_id,
        ClawBack.status.not_in([ClawBackStatus.WAIVED, ClawBackStatus.CANCELLED]))).scalar_one()
    return Decimal(total) if total is not None else ZERO
