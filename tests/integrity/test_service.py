"""Rules against the database: flags stored at submission and by scans, decisions that stick,
confirming fraud (claw-back, the dishonesty list) and the five-year block."""

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
from backend.core.errors import Conflict
from backend.integrity import dishonesty, review, service, tasks
from backend.integrity.context import Severity, SubjectKind
from backend.integrity.models import FlagStatus, IntegrityFlag, IntegrityScan, ScanTrigger
from backend.rewards import clawbacks, payouts
from backend.rewards import review as claim_review
from backend.rewards.lookup import total_rewards_paid
from backend.rewards.models import ClaimStatus, ClawBack, ClawBackStatus, RewardClaim
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import rewards as r

D = Decimal


def share_phone(db: Session, w: d.World) -> int:
    """The seller takes the buyer's phone number; returns the seller's own."""
    buyer = db.get(Organisation, w.deal.demand_org_id)
    seller = db.get(Organisation, w.deal.achievement_org_id)
    assert buyer is not None and seller is not None
    own = seller.phone_id
    seller.phone_id = buyer.phone_id
    db.flush()
    return own


def set_seller_phone(db: Session, w: d.World, phone_id: int) -> None:
    seller = db.get(Organisation, w.deal.achievement_org_id)
    assert seller is not None
    seller.phone_id = phone_id
    db.flush()


def flags_of(db: Session, claim_id: int) -> list[IntegrityFlag]:
    db.flush()
    return list(db.execute(select(IntegrityFlag).where(IntegrityFlag.claim_id == claim_id)
                           .order_by(IntegrityFlag.id)).scalars())


def test_a_scan_raises_keeps_clears_and_reopens_one_flag(db: Session) -> None:
    w = r.paid_world(db)
    claim = r.claim(db, w)
    assert flags_of(db, claim.id) == []
    own_phone = share_phone(db, w)
    report = r.rescan(db)
    [flag] = flags_of(db, claim.id)
    assert (flag.rule, flag.status, flag.severity) == ("related_party", FlagStatus.OPEN,
                                                       Severity.WARNING)
    assert flag.evidence["links"] == [{"attribute": "phone", "key": flag.evidence["links"][0]["key"]}]
    assert report.scan.trigger == ScanTrigger.ON_DEMAND
    assert report.scan.claims_scanned == 1 and report.scan.flags_raised == 1

    r.rescan(db)
    assert [f.id for f in flags_of(db, claim.id)] == [flag.id]  # found again: the same flag

    set_seller_phone(db, w, own_phone)
    r.rescan(db)
    db.refresh(flag)
    assert flag.status == FlagStatus.CLEARED

    share_phone(db, w)
    r.rescan(db)
    db.refresh(flag)
    assert (flag.status, flag.cleared_at) == (FlagStatus.OPEN, None)


def test_a_dismissal_sticks_across_scans(db: Session) -> None:
    admin = b.make_admin(db)
    w = r.paid_world(db)
    share_phone(db, w)
    claim = r.claim(db, w)
    [flag] = flags_of(db, claim.id)
    review.dismiss(db, r.actor(admin), flag.id, "同一园区共用总机")
    r.rescan(db)
    db.refresh(flag)
    assert (flag.status, flag.review_reason, flag.reviewed_by_id) == (
        FlagStatus.DISMISSED, "同一园区共用总机", admin.id)
    with pytest.raises(Conflict):
        review.dismiss(db, r.actor(admin), flag.id, "再次")


def test_submission_and_scan_find_the_same_flags(db: Session) -> None:
    w = r.paid_world(db, uncounted=D("1000.00"))  # not counted, flagged
    share_phone(db, w)
    claim = r.claim(db, w)
    at_submission = sorted((f.rule, f.fingerprint) for f in flags_of(db, claim.id))
    assert [rule for rule, _ in at_submission] == ["payment_evidence", "related_party"]
    report = r.rescan(db)
    assert sorted((f.rule, service.fingerprint(f)) for f in report.flags[claim.id]) == \
        at_submission
    assert report.scan.flags_raised == 0


def test_payment_evidence_is_shown_not_counted(db: Session) -> None:
    w = r.paid_world(db, uncounted=D("5000.00"))
    claim = r.claim(db, w)
    assert claim.received_amount == d.AMOUNT  # the uncounted payment is not received
    [flag] = flags_of(db, claim.id)
    assert (flag.rule, flag.severity, flag.evidence["uncounted_amount"]) == (
        "payment_evidence", Severity.INFO, "5000.00")
    assert flag.evidence["payments"][0]["invoice_reference"] == "发票：另一份合同"


def test_confirming_fraud_claws_back_a_paid_claim_and_lists_for_five_years(db: Session
                                                                          ) -> None:
    admins = r.admins(db)
    w = r.paid_world(db)
    claim = r.claim(db, w)
    r.paid(db, claim.id, admins.a, admins.b)
    assert total_rewards_paid(db) == D("4500.00")
    share_phone(db, w)
    r.rescan(db)  # paid claims are scanned too
    [flag] = flags_of(db, claim.id)

    done = review.confirm(db, r.actor(admins.a), flag.id, "买卖双方实为同一控制人",
                          ["buyer", "seller_legal_representative"], [])
    db.refresh(claim)
    assert claim.status == ClaimStatus.CLAWED_BACK
    clawed = done.claw_back
    assert (clawed.amount, clawed.to_recover, clawed.was_paid, clawed.status,
            clawed.previous_status) == (D("4500.00"), D("4500.00"), True, ClawBackStatus.DUE,
                                        ClaimStatus.PAID)
    assert total_rewards_paid(db) == D("0.00")
    today = clock.today()
    until = dishonesty.add_years(today, 5) - timedelta(days=1)
    broker = db.get(User, claim.broker_id)
    buyer = db.get(Organisation, w.deal.demand_org_id)
    seller = db.get(Organisation, w.deal.achievement_org_id)
    assert broker is not None and buyer is not None and seller is not None
    assert sorted((e.subject_kind, e.subject_key, e.role, e.listed_on, e.listed_until)
                  for e in done.listings) == sorted([
        (SubjectKind.BROKER, str(broker.id), "broker", today, until),
        (SubjectKind.PERSON, str(broker.person_id), "broker", today, until),
        (SubjectKind.ORG, buyer.credit_code, "buyer", today, until),
        (SubjectKind.PERSON, str(seller.legal_rep_id), "seller_legal_representative", today,
         until)])
    assert flag.status == FlagStatus.CONFIRMED
    actions = db.execute(select(AuditEntry.action).where(AuditEntry.actor_id == admins.a.id)
                         .order_by(AuditEntry.seq)).scalars().all()
    # listing the broker's account is an upheld finding: it costs the broker a grade
    assert actions[-8:] == ["claim.claw_back", "clawback.create", "dishonesty.list",
                            "broker.demote", "dishonesty.list", "dishonesty.list",
                            "dishonesty.list", "flag.confirm"]
    assert audit.verify(db).ok

    # The broker may not claim again until the listing expires.
    with pytest.raises(Conflict) as exc:
        nested = db.begin_nested()
        try:
            r.submit(db, r.world_for(db, broker))
        finally:
            nested.rollback()
    assert exc.value.extra["reason"] == "dishonesty_listed"


def test_recovery_of_a_clawed_back_payment(db: Session) -> None:
    admins = r.admins(db)
    claim = r.claim(db)
    r.paid(db, claim.id, admins.a, admins.b)
    row = clawbacks.claw_back(db, r.actor(admins.a), claim.id, "虚假申报")
    done = clawbacks.record_recovery(db, r.actor(admins.b), row.id, "RET-001")
    assert (done.status, done.recovery_reference) == (ClawBackStatus.RECOVERED, "RET-001")
    with pytest.raises(Conflict):
        clawbacks.record_recovery(db, r.actor(admins.b), row.id, "RET-002")


def test_clawing_back_an_unpaid_claim_takes_it_out_of_its_batch(db: Session) -> None:
    admin = b.make_admin(db)
    one, two = r.claim(db), r.claim(db)
    r.approved(db, one.id, admin)
    r.approved(db, two.id, admin)
    batch = payouts.create_batch(db, r.actor(admin), None, None)
    row = clawbacks.claw_back(db, r.actor(admin), one.id, "虚假申报")
    assert (row.to_recover, row.status) == (D("0.00"), ClawBackStatus.CANCELLED)
    db.refresh(batch)
    assert (batch.claim_count, batch.total) == (1, two.amount)
    assert payouts.batch_claim_ids(db, batch.id) == [two.id]


def _listed_since(db: Session, user: User, listed_on_days_ago: int, admin: User) -> None:
    start = clock.today() - timedelta(days=listed_on_days_ago)
    for subject in dishonesty.broker_subjects(db, user.id):
        dishonesty.list_subject(db, r.actor(admin), subject, reason="虚假申报", listed_on=start)


def five_years_ago() -> int:
    today = clock.today()
    return (today - dishonesty.add_years(today, -5)).days


def test_the_block_lasts_five_years_to_the_day(db: Session) -> None:
    admin = b.make_admin(db)
    w = r.paid_world(db)
    _listed_since(db, w.lead, five_years_ago() - 1, admin)  # the last listed day is today
    nested = db.begin_nested()
    with pytest.raises(Conflict) as exc:
        r.submit(db, w)
    nested.rollback()
    assert exc.value.extra["reason"] == "dishonesty_listed"


def test_after_five_years_the_broker_may_claim_again(db: Session) -> None:
    admin = b.make_admin(db)
    w = r.paid_world(db)
    _listed_since(db, w.lead, five_years_ago(), admin)  # the last listed day was yesterday
    claim, created = r.submit(db, w)
    assert created and flags_of(db, claim.id) == []


def test_a_revoked_listing_no_longer_blocks(db: Session) -> None:
    admin = b.make_admin(db)
    w = r.paid_world(db)
    _listed_since(db, w.lead, 10, admin)
    for entry in dishonesty.list_entries(db, dishonesty.listing_query(), 1, 10)[0]:
        dishonesty.revoke(db, r.actor(admin), entry.id, "误列")
    _, created = r.submit(db, w)
    assert created


def test_a_blocking_flag_on_an_existing_claim_cannot_be_dismissed(db: Session) -> None:
    admin = b.make_admin(db)
    w = r.paid_world(db)
    claim = r.claim(db, w)
    _listed_since(db, w.lead, 0, admin)
    r.rescan(db)
    blocking = [f for f in flags_of(db, claim.id) if f.blocking]
    assert [f.rule for f in blocking] == ["dishonesty_list", "dishonesty_list"]
    with pytest.raises(Conflict) as exc:
        review.dismiss(db, r.actor(admin), blocking[0].id, "误报")
    assert exc.value.extra["reason"] == "blocking_flag"


def test_the_scan_task_body(db: Session) -> None:
    r.claim(db)
    db.flush()
    scan_id = tasks.scan_open_claims(None)
    scan = db.get(IntegrityScan, scan_id)
    assert scan is not None
    assert (scan.trigger, scan.claims_scanned, scan.requested_by_id) == (
        ScanTrigger.SCHEDULE, 1, None)


def test_rejected_and_clawed_back_claims_are_not_scanned(db: Session) -> None:
    admin = b.make_admin(db)
    claim = r.claim(db)
    claim_review.reject(db, r.actor(admin), claim.id, "不符合条件")
    report = r.rescan(db)
    assert report.scan.claims_scanned == 0
    assert db.get(RewardClaim, claim.id) is not None
    assert db.execute(select(ClawBack)).first() is None
