"""The review of a claim: submitted → under review → approved → paid, or rejected.

Every step locks the claim row (SELECT ... FOR UPDATE; SQLite serialises writers at BEGIN)
and re-reads it, and the row carries a version checked on write, so of two administrators
acting on one claim at once the second sees the first's result and is refused. Approval and
payment need two different administrators (four eyes).
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core import clock
from backend.core.errors import Conflict, PermissionDenied
from backend.core.types import utcnow
from backend.deals.lookup import contract_for_claim
from backend.rewards import calculation as calc
from backend.rewards import payees
from backend.rewards.checks import checks
from backend.rewards.claims import (
    broker_year_total,
    lock_claim,
    lock_claims,
    refuse_unless_evidenced,
    refused,
    registry_ok,
    snapshot,
    year_of,
)
from backend.rewards.models import (
    ClaimStatus,
    RewardClaim,
    RewardPolicy,
)
from backend.rewards.worth import worth

_ZH = {ClaimStatus.SUBMITTED: "已提交", ClaimStatus.UNDER_REVIEW: "审核中",
       ClaimStatus.APPROVED: "已批准", ClaimStatus.PAID: "已支付", ClaimStatus.REJECTED: "已驳回",
       ClaimStatus.CLAWED_BACK: "已追回"}
SETTLED = frozenset({ClaimStatus.APPROVED, ClaimStatus.PAID})


def require_status(claim: RewardClaim, allowed: Collection[ClaimStatus], action_zh: str,
                   action_en: str) -> None:
    if claim.status not in allowed:
        raise Conflict(f"该申报当前为“{_ZH[claim.status]}”，不能{action_zh}。The claim is "
                       f"{claim.status.value}; it cannot be {action_en}.",
                       current_status=claim.status.value)


def start_review(session: Session, actor: audit.Actor, claim_id: int) -> RewardClaim:
    claim = lock_claim(session, claim_id)
    require_status(claim, {ClaimStatus.SUBMITTED}, "开始审核", "taken into review")
    before = snapshot(claim)
    claim.status = ClaimStatus.UNDER_REVIEW
    claim.review_started_by_id = actor.user_id
    claim.review_started_at = utcnow()
    session.flush()
    audit.record(session, actor, "claim.review", "reward_claim", claim.id, before=before,
                 after=snapshot(claim))
    return claim


def _settle_year_cap(session: Session, claim: RewardClaim) -> None:
    """Settle the per-broker-year cap against what is approved or paid now (at submission it
    was estimated against every live claim, some of which may since have been rejected)."""
    policy = session.get(RewardPolicy, claim.policy_id)
    if policy is None or policy.cap_per_broker_year is None:
        return
    already = broker_year_total(session, claim.broker_id, year_of(claim), SETTLED,
                                exclude=claim.id, person_id=claim.broker_person_id)
    share_amount = calc.to_fen(Decimal(claim.breakdown["share_amount"]))
    amount, caps = calc.apply_caps(share_amount, cap_per_claim=policy.cap_per_claim,
                                   already_paid_this_year=already,
                                   cap_per_broker_year=policy.cap_per_broker_year)
    if amount == claim.amount and str(already) == claim.breakdown["already_this_year"]:
        return
    claim.amount = amount
    # Settled against what was awarded only: nothing pending is reserved any more.
    claim.breakdown = {**claim.breakdown, "already_this_year": str(already),
                       "awarded_this_year": str(already), "pending_this_year": "0.00",
                       "amount": str(amount),
                       "caps": [{"kind": str(c.kind), "limit": str(c.limit),
                                 "reduced_by": str(c.reduced_by)} for c in caps]}


def _broker_claim_ids(session: Session, broker_id: int) -> list[int]:
    return list(session.execute(select(RewardClaim.id).where(
        RewardClaim.broker_id == broker_id)).scalars())


def approve(session: Session, actor: audit.Actor, claim_id: int) -> RewardClaim:
    """Approve a claim under review whose flags (but those for information) have all been
    decided, whose contract's terms are confirmed as they stand and matched to the registry
    (or still in the policy's grace period)."""
    probe = session.get(RewardClaim, claim_id)
    if probe is not None:
        # Lock the broker's claims (in id order) so the year cap is settled against a
        # stable total, not one a concurrent approval is changing.
        lock_claims(session, _broker_claim_ids(session, probe.broker_id))
    claim = lock_claim(session, claim_id)
    require_status(claim, {ClaimStatus.UNDER_REVIEW}, "批准", "approved")
    pending = checks().blocking_flag_count(session, claim.id)
    if pending:
        raise Conflict(f"该申报还有{pending}条风险提示未处理：请先逐条排除或确认。The claim has "
                       f"{pending} undecided integrity flag(s): dismiss or confirm each first.",
                       reason="open_flags", open_flags=pending)
    contract = contract_for_claim(session, claim.deal_id)
    refuse_unless_evidenced(contract)
    policy = session.get(RewardPolicy, claim.policy_id)
    if policy is None or not registry_ok(policy, contract, clock.today()):
        raise refused("registry_unverified", "该合同尚未与技术合同登记机构的登记数据核对一致，不能批准。",
                      "The contract has not been matched to the registration office's record; "
                      "the claim cannot be approved.",
                      registry_status=contract.registry_status.value)
    before = snapshot(claim)
    _settle_year_cap(session, claim)
    claim.amount = min(claim.amount, worth(session, claim, contract))
    claim.status = ClaimStatus.APPROVED
    claim.approved_by_id = actor.user_id
    claim.approved_at = utcnow()
    session.flush()
    audit.record(session, actor, "claim.approve", "reward_claim", claim.id, before=before,
                 after=snapshot(claim))
    return claim


def reject(session: Session, actor: audit.Actor, claim_id: int, reason: str) -> RewardClaim:
    claim = lock_claim(session, claim_id)
    require_status(claim, {ClaimStatus.SUBMITTED, ClaimStatus.UNDER_REVIEW, ClaimStatus.APPROVED},
                   "驳回", "rejected")
    if claim.payout_batch_id is not None:
        raise Conflict(f"该申报已列入第{claim.payout_batch_id}批支付，请先撤销该批次。The claim is in "
                       f"payout batch {claim.payout_batch_id}; cancel the batch first.",
                       payout_batch_id=claim.payout_batch_id)
    before = snapshot(claim)
    claim.status = ClaimStatus.REJECTED
    claim.rejected_by_id = actor.user_id
    claim.rejected_at = utcnow()
    claim.rejection_reason = reason
    session.flush()
    audit.record(session, actor, "claim.reject", "reward_claim", claim.id, before=before,
                 after={**snapshot(claim), "reason": reason})
    return claim


def check_four_eyes(claim: RewardClaim, payer_id: int | None) -> None:
    if payer_id is not None and payer_id == claim.approved_by_id:
        raise PermissionDenied("批准该申报的管理员不能再支付它，须由另一名管理员支付（双人复核）。"
                               "The administrator who approved this claim may not also pay it; "
                               "another administrator must (four eyes).",
                               reason="four_eyes", claim_id=claim.id)


def mark_paid(session: Session, actor: audit.Actor, claim: RewardClaim, reference: str
              ) -> None:
    """Record a locked, approved claim as paid (four eyes checked by the caller)."""
    before = snapshot(claim)
    claim.status = ClaimStatus.PAID
    claim.paid_by_id = actor.user_id
    claim.paid_at = utcnow()
    claim.payment_reference = reference
    session.flush()
    audit.record(session, actor, "claim.pay", "reward_claim", claim.id, before=before,
                 after={**snapshot(claim), "payment_reference": reference})


def pay(session: Session, actor: audit.Actor, claim_id: int, reference: str) -> RewardClaim:
    """Pay one approved claim outside a batch."""
    claim = lock_claim(session, claim_id)
    # Four eyes first: the approver is refused whatever state a colleague's payment left.
    check_four_eyes(claim, actor.user_id)
    require_status(claim, {ClaimStatus.APPROVED}, "支付", "paid")
    payees.require_verified(session, [claim.broker_id])
    if claim.payout_batch_id is not None:
        raise Conflict(f"该申报已列入第{claim.payout_batch_id}批支付，请按批次支付。The claim is in "
                       f"payout batch {claim.payout_batch_id}; pay the batch.",
                       payout_batch_id=claim.payout_batch_id)
    mark_paid(session, actor, claim, reference)
    return claim
