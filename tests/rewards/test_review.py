"""The review: submitted → under review → approved → paid, or rejected; four eyes; payout
batches; the per-broker-year cap settled at approval."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.audit import service as audit
from backend.audit.models import AuditEntry
from backend.core import clock
from backend.core.errors import Conflict, PermissionDenied
from backend.integrity import review as flag_review
from backend.integrity.models import IntegrityFlag
from backend.rewards import payouts, review
from backend.rewards.lookup import total_rewards_paid
from backend.rewards.models import BatchStatus, ClaimStatus
from tests.builders import accounts as b
from tests.builders import rewards as r

D = Decimal


def test_the_whole_lifecycle_is_audited(db: Session) -> None:
    admins = r.admins(db)
    claim = r.claim(db)
    review.start_review(db, r.actor(admins.a), claim.id)
    review.approve(db, r.actor(admins.a), claim.id)
    paid = review.pay(db, r.actor(admins.b), claim.id, "BK-0001")
    assert (paid.status, paid.approved_by_id, paid.paid_by_id, paid.payment_reference) == (
        ClaimStatus.PAID, admins.a.id, admins.b.id, "BK-0001")
    rows = db.execute(select(AuditEntry.action, AuditEntry.actor_id).where(
        AuditEntry.object_type == "reward_claim", AuditEntry.object_id == str(claim.id))
        .order_by(AuditEntry.seq)).all()
    assert [tuple(row) for row in rows] == [
        ("claim.submit", claim.broker_id), ("claim.review", admins.a.id),
        ("claim.approve", admins.a.id), ("claim.pay", admins.b.id)]
    assert total_rewards_paid(db) == D("4500.00")
    assert audit.verify(db).ok


def test_the_approver_may_not_pay(db: Session) -> None:
    admins = r.admins(db)
    claim = r.claim(db)
    r.approved(db, claim.id, admins.a)
    with pytest.raises(PermissionDenied) as exc:
        review.pay(db, r.actor(admins.a), claim.id, "BK-1")
    assert exc.value.extra["reason"] == "four_eyes"
    assert review.pay(db, r.actor(admins.b), claim.id, "BK-1").status == ClaimStatus.PAID


@pytest.mark.parametrize(("step", "from_status"), [
    ("approve", ClaimStatus.SUBMITTED), ("pay", ClaimStatus.UNDER_REVIEW),
    ("review", ClaimStatus.APPROVED), ("reject", ClaimStatus.PAID)])
def test_steps_out_of_order_are_conflicts(db: Session, step: str, from_status: ClaimStatus
                                          ) -> None:
    admins = r.admins(db)
    claim = r.claim(db)
    if from_status != ClaimStatus.SUBMITTED:
        review.start_review(db, r.actor(admins.a), claim.id)
    if from_status in (ClaimStatus.APPROVED, ClaimStatus.PAID):
        review.approve(db, r.actor(admins.a), claim.id)
    if from_status == ClaimStatus.PAID:
        review.pay(db, r.actor(admins.b), claim.id, "BK")
    actions = {
        "approve": lambda: review.approve(db, r.actor(admins.a), claim.id),
        "pay": lambda: review.pay(db, r.actor(admins.b), claim.id, "BK"),
        "review": lambda: review.start_review(db, r.actor(admins.a), claim.id),
        "reject": lambda: review.reject(db, r.actor(admins.a), claim.id, "不符合"),
    }
    with pytest.raises(Conflict) as exc:
        actions[step]()
    assert exc.value.extra["current_status"] == from_status.value


def test_reject_keeps_the_reason(db: Session) -> None:
    admin = b.make_admin(db)
    claim = r.claim(db)
    review.start_review(db, r.actor(admin), claim.id)
    rejected = review.reject(db, r.actor(admin), claim.id, "合同与发票不符")
    assert (rejected.status, rejected.rejection_reason, rejected.rejected_by_id) == (
        ClaimStatus.REJECTED, "合同与发票不符", admin.id)


def test_open_flags_block_approval_until_decided(db: Session) -> None:
    admin = b.make_admin(db)
    w = r.paid_world(db)
    # A related party: the seller shares the buyer's phone number.
    buyer = db.get(Organisation, w.deal.demand_org_id)
    seller = db.get(Organisation, w.deal.achievement_org_id)
    assert buyer is not None and seller is not None
    seller.phone_id = buyer.phone_id
    db.flush()
    claim = r.claim(db, w)
    [flag] = r.open_flags(db, claim.id)
    assert (flag.rule, flag.severity) == ("related_party", "warning")
    review.start_review(db, r.actor(admin), claim.id)
    with pytest.raises(Conflict) as exc:
        review.approve(db, r.actor(admin), claim.id)
    assert exc.value.extra == {"reason": "open_flags", "open_flags": 1}
    flag_review.dismiss(db, r.actor(admin), flag.id, "同一园区共用总机")
    assert review.approve(db, r.actor(admin), claim.id).status == ClaimStatus.APPROVED


def test_year_cap_is_settled_at_approval(db: Session) -> None:
    admins = r.admins(db)
    r.policy(db, admins.a, key="yearcap", effective_from=clock.today() - timedelta(days=400),
             region="福州市", cap_per_broker_year=D("20000.00"))
    first = r.claim(db, r.paid_world(db, amount=D("1000000.00")))
    broker = db.get(User, first.broker_id)
    assert broker is not None
    second = r.claim(db, r.world_for(db, broker, amount=D("1000000.00")))
    assert second.amount == D("5000.00")
    review.reject(db, r.actor(admins.a), first.id, "重复")
    settled = r.approved(db, second.id, admins.a)
    assert settled.amount == D("15000.00")
    assert settled.breakdown["already_this_year"] == "0.00"
    assert (settled.breakdown["awarded_this_year"], settled.breakdown["pending_this_year"]) == (
        "0.00", "0.00")
    assert settled.breakdown["caps"] == []


# --- payout batches -----------------------------------------------------------------------

def test_a_batch_is_paid_by_an_administrator_who_approved_none_of_it(db: Session) -> None:
    admins = r.admins(db)
    third = b.make_admin(db)
    one = r.claim(db)
    two = r.claim(db, r.paid_world(db, amount=D("2000000.00")))
    r.approved(db, one.id, admins.a)
    r.approved(db, two.id, admins.b)
    batch = payouts.create_batch(db, r.actor(admins.a), None, "2026年第一批")
    assert (batch.status, batch.total, batch.claim_count) == (
        BatchStatus.OPEN, D("29500.00"), 2)
    assert payouts.batch_claim_ids(db, batch.id) == [one.id, two.id]
    for approver, mine in ((admins.a, one.id), (admins.b, two.id)):
        with pytest.raises(PermissionDenied) as refused:
            payouts.pay_batch(db, r.actor(approver), batch.id, "BK-BATCH")
        # the claims named as people read them (#12), never as a Python list ("[12]")
        assert f"申报 #{mine}" in refused.value.detail and f"claim #{mine}" in refused.value.detail
        assert "[" not in refused.value.detail
    with pytest.raises(Conflict):  # in a batch: paid with the batch, not alone
        review.pay(db, r.actor(third), one.id, "BK-ALONE")
    done = payouts.pay_batch(db, r.actor(third), batch.id, "BK-BATCH")
    assert (done.status, done.paid_by_id, done.bank_reference) == (
        BatchStatus.PAID, third.id, "BK-BATCH")
    db.refresh(one)
    db.refresh(two)
    assert {one.status, two.status} == {ClaimStatus.PAID}
    assert one.payment_reference == "BK-BATCH"
    with pytest.raises(Conflict):
        payouts.pay_batch(db, r.actor(third), batch.id, "BK-AGAIN")


def test_only_approved_claims_not_in_a_batch_go_into_one(db: Session) -> None:
    admin = b.make_admin(db)
    submitted = r.claim(db)
    approved = r.claim(db)
    r.approved(db, approved.id, admin)
    with pytest.raises(Conflict) as exc:
        payouts.create_batch(db, r.actor(admin), [submitted.id, approved.id], None)
    assert exc.value.extra["claim_ids"] == [submitted.id]
    batch = payouts.create_batch(db, r.actor(admin), [approved.id], None)
    with pytest.raises(Conflict):
        payouts.create_batch(db, r.actor(admin), [approved.id], None)
    payouts.cancel_batch(db, r.actor(admin), batch.id)
    db.refresh(approved)
    assert approved.payout_batch_id is None
    assert payouts.create_batch(db, r.actor(admin), None, None).claim_count == 1


def test_no_flag_row_is_written_for_a_clean_claim(db: Session) -> None:
    claim = r.claim(db)
    assert db.execute(select(IntegrityFlag).where(IntegrityFlag.claim_id == claim.id)
                      ).first() is None
