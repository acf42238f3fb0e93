"""Claw-backs (追回奖补): after an administrator confirms fraud, the claim's whole reward is
taken back — paid claims included, with the amount to recover on record until it is. A
re-computation (`backend.rewards.recompute`) raises claw-backs of what was overpaid; an
administrator reviews each (the money is due, or there is nothing to recover), and records
its repayment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core import paging
from backend.core.errors import Conflict, NotFound
from backend.core.fetch import one_or_404
from backend.core.types import utcnow
from backend.rewards import payouts
from backend.rewards.claims import lock_claim, snapshot
from backend.rewards.models import (
    LIVE_STATUSES,
    ClaimStatus,
    ClawBack,
    ClawBackKind,
    ClawBackStatus,
    RewardClaim,
)
from backend.rewards.recompute import refresh_hold
from backend.rewards.worth import taken_back

NOT_FOUND = "未找到该追回记录。No such claw-back."


def _snapshot(row: ClawBack) -> dict[str, object]:
    return {"claim_id": row.claim_id, "broker_id": row.broker_id, "amount": row.amount,
            "to_recover": row.to_recover, "was_paid": row.was_paid,
            "previous_status": row.previous_status, "status": row.status,
            "reason": row.reason, "flag_id": row.flag_id, "kind": row.kind,
            "recovery_reference": row.recovery_reference, "review_note": row.review_note}


def claw_back(session: Session, actor: audit.Actor, claim_id: int, reason: str,
              flag_id: int | None = None) -> ClawBack:
    """Claw back the claim's whole reward; a claim already clawed back keeps its record. Of a
    paid reward, what earlier re-computations already hold against it is not counted twice."""
    existing = session.execute(select(ClawBack).where(
        ClawBack.claim_id == claim_id, ClawBack.kind == ClawBackKind.FRAUD)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    probe = session.get(RewardClaim, claim_id)
    if probe is None:
        raise NotFound("未找到该奖补申报。No such reward claim.")
    if probe.payout_batch_id is not None:  # batch before claim: the order every writer uses
        payouts.lock_batch(session, probe.payout_batch_id)
    claim = lock_claim(session, claim_id)
    if claim.status not in LIVE_STATUSES:
        raise Conflict(f"该申报已{'驳回' if claim.status == ClaimStatus.REJECTED else '追回'}，"
                       f"无可追回。The claim is {claim.status.value}: nothing to claw back.",
                       current_status=claim.status.value)
    before = snapshot(claim)
    was_paid = claim.status == ClaimStatus.PAID
    rest = max(Decimal("0.00"), claim.amount - taken_back(session, claim.id))
    row = ClawBack(claim_id=claim.id, kind=ClawBackKind.FRAUD, broker_id=claim.broker_id,
                   amount=claim.amount if not was_paid else rest,
                   to_recover=rest if was_paid else Decimal("0.00"), was_paid=was_paid,
                   previous_status=claim.status,
                   status=ClawBackStatus.DUE if was_paid else ClawBackStatus.CANCELLED,
                   reason=reason, flag_id=flag_id, region=claim.region,
                   decided_by_id=actor.user_id, decided_at=utcnow())
    if not was_paid:
        payouts.remove_claim(session, claim)
    claim.status = ClaimStatus.CLAWED_BACK
    claim.clawed_back_at = row.decided_at
    session.add(row)
    session.flush()
    audit.record(session, actor, "claim.claw_back", "reward_claim", claim.id, before=before,
                 after={**snapshot(claim), "claw_back_id": row.id})
    audit.record(session, actor, "clawback.create", "claw_back", row.id, after=_snapshot(row))
    refresh_hold(session, claim.deal_id)
    return row


def _lock(session: Session, clawback_id: int) -> ClawBack:
    row = one_or_404(session, select(ClawBack).where(ClawBack.id == clawback_id).with_for_update()
                     .execution_options(populate_existing=True), NOT_FOUND)
    return row


def _deal_of(session: Session, row: ClawBack) -> int:
    return session.execute(select(RewardClaim.deal_id).where(
        RewardClaim.id == row.claim_id)).scalar_one()


def review(session: Session, actor: audit.Actor, clawback_id: int, decision: str,
           note: str) -> ClawBack:
    """An administrator reviews a claw-back a re-computation raised: the money is due, or
    (with a reason) there is nothing to recover."""
    row = _lock(session, clawback_id)
    if row.status != ClawBackStatus.PENDING_REVIEW:
        raise Conflict(f"该追回记录为{row.status.value}，无需审核。This claw-back is "
                       f"{row.status.value}: it is not awaiting review.",
                       current_status=row.status.value)
    before = _snapshot(row)
    row.status = ClawBackStatus.DUE if decision == "due" else ClawBackStatus.WAIVED
    if row.status == ClawBackStatus.WAIVED:
        row.to_recover = Decimal("0.00")
    row.reviewed_by_id, row.reviewed_at, row.review_note = actor.user_id, utcnow(), note
    session.flush()
    audit.record(session, actor, f"clawback.{'confirm' if decision == 'due' else 'waive'}",
                 "claw_back", row.id, before=before, after=_snapshot(row))
    refresh_hold(session, _deal_of(session, row))
    return row


def record_recovery(session: Session, actor: audit.Actor, clawback_id: int,
                    reference: str) -> ClawBack:
    row = _lock(session, clawback_id)
    if row.status != ClawBackStatus.DUE:
        raise Conflict(f"该追回记录为{row.status.value}，无需登记退回。This claw-back is "
                       f"{row.status.value}: nothing to recover.", current_status=row.status.value)
    before = _snapshot(row)
    row.status = ClawBackStatus.RECOVERED
    row.recovered_by_id = actor.user_id
    row.recovered_at = utcnow()
    row.recovery_reference = reference
    session.flush()
    audit.record(session, actor, "clawback.recover", "claw_back", row.id, before=before,
                 after=_snapshot(row))
    refresh_hold(session, _deal_of(session, row))
    return row


def get_clawback(session: Session, clawback_id: int) -> ClawBack:
    row = session.get(ClawBack, clawback_id)
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def for_claim(session: Session, claim_id: int) -> list[ClawBack]:
    """Every claw-back on the claim, oldest first."""
    return list(session.execute(select(ClawBack).where(ClawBack.claim_id == claim_id)
                                .order_by(ClawBack.id)).scalars())


def clawback_query(*, since: datetime | None = None, until: datetime | None = None,
                   broker_id: int | None = None, region: str | None = None,
                   status: ClawBackStatus | None = None) -> Select[ClawBack]:
    query = select(ClawBack)
    if since is not None:
        query = query.where(ClawBack.decided_at >= since)
    if until is not None:
        query = query.where(ClawBack.decided_at < until)
    if broker_id is not None:
        query = query.where(ClawBack.broker_id == broker_id)
    if region:
        query = query.where(ClawBack.region == region)
    if status is not None:
        query = query.where(ClawBack.status == status)
    return query


def list_clawbacks(session: Session, query: Select[ClawBack], page: int, page_size: int
                   ) -> tuple[Sequence[ClawBack], int]:
    return paging.page_of(session, query.order_by(ClawBack.id.desc()), page, page_size)
