"""Shaping claims, batches and claw-backs for the API: what a broker sees of their own claim,
and what administrators see beside it (the integrity flags with their evidence)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.permissions import Role
from backend.rewards import clawbacks, schemas
from backend.rewards.checks import checks
from backend.rewards.models import PayoutBatch, RewardClaim, RewardPolicy
from backend.rewards.payouts import batch_claim_ids


def user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
                .all())


def _summary_fields(claim: RewardClaim, names: dict[int, str]) -> dict[str, object]:
    return {
        "id": claim.id, "broker_id": claim.broker_id,
        "broker_name": names.get(claim.broker_id, ""), "deal_id": claim.deal_id,
        "contract_id": claim.contract_id, "contract_name": claim.contract_name,
        "registration_no": claim.registration_no, "region": claim.region,
        "field_code": claim.field_code, "status": claim.status,
        "share_percent": claim.share_percent, "base_amount": claim.base_amount,
        "amount": claim.amount, "submitted_at": claim.submitted_at,
        "approved_at": claim.approved_at, "paid_at": claim.paid_at,
        "payout_batch_id": claim.payout_batch_id}


def claim_summaries(session: Session, viewer: User, claims: Sequence[RewardClaim]
                    ) -> list[schemas.ClaimSummary]:
    names = user_names(session, (c.broker_id for c in claims))
    counts = (checks().open_flag_counts(session, (c.id for c in claims))
              if viewer.role == Role.ADMIN else {})
    return [schemas.ClaimSummary.model_validate(
        {**_summary_fields(c, names),
         "open_flags": counts.get(c.id, 0) if viewer.role == Role.ADMIN else None})
        for c in claims]


def claim_view(session: Session, viewer: User, claim: RewardClaim) -> schemas.ClaimOut:
    admin = viewer.role == Role.ADMIN
    names = user_names(session, [claim.broker_id])
    flags = checks().flags_for_claim(session, claim.id) if admin else None
    clawed = clawbacks.for_claim(session, claim.id)
    return schemas.ClaimOut.model_validate({
        **_summary_fields(claim, names),
        "open_flags": (sum(1 for f in flags if f.status == "open") if flags is not None
                       else None),
        "policy_id": claim.policy_id, "side": claim.side, "contract_type": claim.contract_type,
        "contract_amount": claim.contract_amount, "technology_amount": claim.technology_amount,
        "received_amount": claim.received_amount, "deal_reward": claim.deal_reward,
        "signed_on": claim.signed_on, "breakdown": claim.breakdown,
        "review_started_by_id": claim.review_started_by_id,
        "review_started_at": claim.review_started_at, "approved_by_id": claim.approved_by_id,
        "rejected_by_id": claim.rejected_by_id, "rejected_at": claim.rejected_at,
        "rejection_reason": claim.rejection_reason, "paid_by_id": claim.paid_by_id,
        "payment_reference": claim.payment_reference, "clawed_back_at": claim.clawed_back_at,
        "claw_back": None if not clawed else schemas.ClawBackBrief.model_validate(clawed[-1]),
        "claw_backs": [schemas.ClawBackBrief.model_validate(c) for c in clawed],
        "flags": flags,
    })


def policy_view(policy: RewardPolicy) -> schemas.PolicyOut:
    return schemas.PolicyOut.model_validate(policy)


def batch_view(session: Session, batch: PayoutBatch) -> schemas.BatchOut:
    return schemas.BatchOut.model_validate(
        {**{c: getattr(batch, c) for c in schemas.BatchOut.model_fields if c != "claim_ids"},
         "claim_ids": batch_claim_ids(session, batch.id)})
