"""Re-computing the claims on a deal when what they rest on moves: the deal is cancelled or
lost, its registration is changed or cancelled, or its confirmed amounts fall (a party
disputes a payment, a lower amount is confirmed).

A claim is worth what its policy gives for the broker's frozen share of the contract as its
parties now confirm it — nothing for an ended deal, a cancelled registration or withdrawn
evidence — and never more than it was computed at (a re-computation only ever takes away).
An unpaid claim's amount is lowered to its worth (and raised back up to, never beyond, its
original amount if the evidence comes back). A paid claim keeps its payment, and whatever
was paid over its worth, less what earlier claw-backs already took, becomes a claw-back
awaiting an administrator's review. While any claw-back on the deal is open its
demand–achievement pair cannot be reopened.

Callers: the deals router after a cancellation, an answer to the evidence or a corrected
registration, and after a registry upload (deals cannot call rewards themselves).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.types import utcnow
from backend.deals.lookup import (
    ContractSummary,
    contract_for_claim,
    deal_is_ended,
    set_clawback_hold,
)
from backend.deals.models import RegistryStatus
from backend.rewards import payouts
from backend.rewards.claims import lock_claims, snapshot
from backend.rewards.models import (
    LIVE_STATUSES,
    OPEN_CLAWBACK_STATUSES,
    ClaimStatus,
    ClawBack,
    ClawBackKind,
    ClawBackStatus,
    RewardClaim,
)
from backend.rewards.worth import clawed_so_far, worth


def _why(contract: ContractSummary) -> tuple[str, str]:
    if deal_is_ended(contract.deal_stage):
        return "撮合项目已终止或取消", f"the deal was {contract.deal_stage.value}"
    if contract.registry_status == RegistryStatus.CANCELLED:
        return "技术合同登记已撤销", "the contract's registration was cancelled"
    if contract.confirmed is None:
        return "合同信息被一方提出异议，确认已撤回", "a party disputed the contract's terms"
    return "经确认的金额下降", "the confirmed amounts fell"


def refresh_hold(session: Session, deal_id: int) -> None:
    """Hold the deal's pair while any claw-back on its claims is open."""
    open_ = session.execute(select(ClawBack.id).join(
        RewardClaim, RewardClaim.id == ClawBack.claim_id).where(
        RewardClaim.deal_id == deal_id, ClawBack.status.in_(OPEN_CLAWBACK_STATUSES))).first()
    set_clawback_hold(session, deal_id, open_ is not None)


def recompute_deal(session: Session, actor: audit.Actor, deal_id: int) -> list[ClawBack]:
    """Re-compute every live claim on the deal; the claw-backs raised."""
    probes = session.execute(select(RewardClaim.id, RewardClaim.payout_batch_id).where(
        RewardClaim.deal_id == deal_id, RewardClaim.status.in_(LIVE_STATUSES))).all()
    if not probes:
        return []
    for batch_id in sorted({b for _, b in probes if b is not None}):
        payouts.lock_batch(session, batch_id)  # batch before claim: every writer's order
    claims = lock_claims(session, [claim_id for claim_id, _ in probes])
    contract = contract_for_claim(session, deal_id)
    zh, en = _why(contract)
    raised: list[ClawBack] = []
    for claim in claims.values():
        if claim.status not in LIVE_STATUSES:
            continue
        value = worth(session, claim, contract)
        before = snapshot(claim)
        if claim.status == ClaimStatus.PAID:
            owed = claim.amount - value - clawed_so_far(session, claim.id)
            if owed <= 0:
                continue
            row = ClawBack(claim_id=claim.id, kind=ClawBackKind.RECOMPUTE,
                           broker_id=claim.broker_id, amount=owed, to_recover=owed,
                           was_paid=True, previous_status=claim.status,
                           status=ClawBackStatus.PENDING_REVIEW,
                           reason=f"{zh}：已支付{claim.amount}元，现应得{value}元。The claim was paid "
                                  f"{claim.amount} yuan and is now worth {value} yuan: {en}.",
                           region=claim.region, decided_by_id=actor.user_id,
                           decided_at=utcnow())
            session.add(row)
            session.flush()
            raised.append(row)
            audit.record(session, actor, "clawback.create", "claw_back", row.id, after={
                "claim_id": claim.id, "kind": row.kind, "amount": owed, "worth": value,
                "paid": claim.amount, "status": row.status, "reason": row.reason})
        elif value != claim.amount:
            if claim.payout_batch_id is not None:
                payouts.remove_claim(session, claim)  # the batch's total no longer holds
            claim.amount = value
            session.flush()
            audit.record(session, actor, "claim.recompute", "reward_claim", claim.id,
                         before=before, after={**snapshot(claim), "reason": en})
    refresh_hold(session, deal_id)
    return raised


def recompute_deals(session: Session, actor: audit.Actor, deal_ids: Iterable[int]
                    ) -> list[ClawBack]:
    raised: list[ClawBack] = []
    for deal_id in sorted(set(deal_ids)):
        raised += recompute_deal(session, actor, deal_id)
    return raised
