"""Payout batches: approved claims gathered for the finance office, exported, then recorded
as paid in one step by an administrator who approved none of them (four eyes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core import paging
from backend.core.errors import Conflict, NotFound, PermissionDenied
from backend.core.fetch import one_or_404
from backend.core.types import utcnow
from backend.rewards import payees
from backend.rewards.claims import lock_claims
from backend.rewards.models import BatchStatus, ClaimStatus, PayoutBatch, RewardClaim
from backend.rewards.review import check_four_eyes, mark_paid

NOT_FOUND = "未找到该支付批次。No such payout batch."


def _snapshot(batch: PayoutBatch, claim_ids: Sequence[int]) -> dict[str, object]:
    return {"status": batch.status, "total": batch.total, "claim_count": batch.claim_count,
            "claim_ids": list(claim_ids), "bank_reference": batch.bank_reference}


def batch_claim_ids(session: Session, batch_id: int) -> list[int]:
    return list(session.execute(select(RewardClaim.id).where(
        RewardClaim.payout_batch_id == batch_id).order_by(RewardClaim.id)).scalars())


def lock_batch(session: Session, batch_id: int) -> PayoutBatch:
    batch = one_or_404(session, select(PayoutBatch).where(PayoutBatch.id == batch_id)
                       .with_for_update().execution_options(populate_existing=True), NOT_FOUND)
    return batch


def _require_open(batch: PayoutBatch) -> None:
    if batch.status != BatchStatus.OPEN:
        raise Conflict(f"该批次已{'支付' if batch.status == BatchStatus.PAID else '撤销'}。The batch "
                       f"is {batch.status.value}.", current_status=batch.status.value)


def create_batch(session: Session, actor: audit.Actor, claim_ids: Sequence[int] | None,
                 note: str | None) -> PayoutBatch:
    """A batch of approved claims not in another open batch: those listed, or all of them."""
    if claim_ids is None:
        candidates = list(session.execute(select(RewardClaim.id).where(
            RewardClaim.status == ClaimStatus.APPROVED,
            RewardClaim.payout_batch_id.is_(None))).scalars())
    else:
        candidates = sorted(set(claim_ids))
    claims = lock_claims(session, candidates)
    unfit = sorted(set(candidates) - {c.id for c in claims.values()
                                      if c.status == ClaimStatus.APPROVED
                                      and c.payout_batch_id is None})
    if unfit:
        raise Conflict(f"这些申报不是待支付状态或已在其他批次中：{unfit}。These claims are not approved "
                       f"or are already in a batch: {unfit}.", claim_ids=unfit)
    if not claims:
        raise Conflict("没有待支付的已批准申报。There are no approved claims to pay.")
    payees.require_verified(session, [c.broker_id for c in claims.values()])
    batch = PayoutBatch(total=sum((c.amount for c in claims.values()), Decimal(0)),
                        claim_count=len(claims), note=note, created_by_id=actor.user_id)
    session.add(batch)
    session.flush()
    for claim in claims.values():
        claim.payout_batch_id = batch.id
    session.flush()
    audit.record(session, actor, "payout.create", "payout_batch", batch.id,
                 after=_snapshot(batch, sorted(claims)))
    return batch


def pay_batch(session: Session, actor: audit.Actor, batch_id: int, bank_reference: str
              ) -> PayoutBatch:
    """Record the whole batch paid; refused if this administrator approved any claim in it."""
    batch = lock_batch(session, batch_id)
    _require_open(batch)
    claims = lock_claims(session, batch_claim_ids(session, batch_id))
    mine = sorted(c.id for c in claims.values() if c.approved_by_id == actor.user_id)
    if mine:
        zh = "、".join(f"#{i}" for i in mine)
        en = ", ".join(f"#{i}" for i in mine)
        raise PermissionDenied(f"您批准了本批次中的申报 {zh}，须由另一名管理员支付（双人复核）。You "
                               f"approved claim {en} in this batch; another administrator must "
                               "pay it (four eyes).", reason="four_eyes", claim_ids=mine)
    payees.require_verified(session, [c.broker_id for c in claims.values()])
    for claim in claims.values():
        if claim.status != ClaimStatus.APPROVED:  # batches only hold approved claims
            raise Conflict(f"申报{claim.id}不是已批准状态。Claim {claim.id} is "
                           f"{claim.status.value}.", claim_id=claim.id)
        check_four_eyes(claim, actor.user_id)
        mark_paid(session, actor, claim, bank_reference)
    before = _snapshot(batch, sorted(claims))
    batch.status = BatchStatus.PAID
    batch.paid_by_id = actor.user_id
    batch.paid_at = utcnow()
    batch.bank_reference = bank_reference
    session.flush()
    audit.record(session, actor, "payout.pay", "payout_batch", batch.id, before=before,
                 after=_snapshot(batch, sorted(claims)))
    return batch


def cancel_batch(session: Session, actor: audit.Actor, batch_id: int) -> PayoutBatch:
    batch = lock_batch(session, batch_id)
    _require_open(batch)
    claims = lock_claims(session, batch_claim_ids(session, batch_id))
    before = _snapshot(batch, sorted(claims))
    for claim in claims.values():
        claim.payout_batch_id = None
    batch.status = BatchStatus.CANCELLED
    batch.cancelled_by_id = actor.user_id
    batch.cancelled_at = utcnow()
    session.flush()
    audit.record(session, actor, "payout.cancel", "payout_batch", batch.id, before=before,
                 after=_snapshot(batch, []))
    return batch


def remove_claim(session: Session, claim: RewardClaim) -> None:
    """Take a (locked) claim out of its open batch, e.g. when it is clawed back; the caller
    holds the batch's lock."""
    if claim.payout_batch_id is None:
        return
    batch = session.get(PayoutBatch, claim.payout_batch_id)
    if batch is None or batch.status != BatchStatus.OPEN:
        return
    batch.total -= claim.amount
    batch.claim_count -= 1
    claim.payout_batch_id = None


def get_batch(session: Session, batch_id: int) -> PayoutBatch:
    batch = session.get(PayoutBatch, batch_id)
    if batch is None:
        raise NotFound(NOT_FOUND)
    return batch


def list_batches(session: Session, *, status: BatchStatus | None, since: datetime | None,
                 until: datetime | None, page: int, page_size: int
                 ) -> tuple[Sequence[PayoutBatch], int]:
    query = select(PayoutBatch)
    if status is not None:
        query = query.where(PayoutBatch.status == status)
    if since is not None:
        query = query.where(PayoutBatch.created_at >= since)
    if until is not None:
        query = query.where(PayoutBatch.created_at < until)
    return paging.page_of(session, query.order_by(PayoutBatch.id.desc()), page, page_size)
