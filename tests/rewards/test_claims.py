"""Submitting a claim: the amount and its breakdown, one claim per broker and contract, and
each refusal with its reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerProfile, User, VerificationStatus
from backend.audit.models import AuditEntry
from backend.core import clock
from backend.core.errors import Conflict, NotFound
from backend.deals import brokers as deal_brokers
from backend.deals.models import Stage
from backend.integrity import dishonesty
from backend.rewards import policies, review, schemas
from backend.rewards.calculation import RewardBase
from backend.rewards.models import ClaimStatus, RewardClaim, RewardPolicy
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import rewards as r

D = Decimal


def refusal(exc: pytest.ExceptionInfo[Conflict]) -> str:
    return str(exc.value.extra["reason"])


def test_a_claim_on_a_paid_registered_deal_pays_the_default_policy(db: Session) -> None:
    w = r.paid_world(db, amount=D("800000.00"))
    claim, created = r.submit(db, w)
    assert created
    assert (claim.status, claim.amount, claim.deal_reward, claim.base_amount) == (
        ClaimStatus.SUBMITTED, D("12000.00"), D("12000.00"), D("800000.00"))
    assert claim.share_percent == D("100.00")
    assert claim.region == "福州市" and claim.field_code == "electronics"
    assert claim.breakdown["lines"] == [
        {"lower": "0.00", "upper": "1000000.00", "rate": "0.015", "portion": "800000.00",
         "amount": "12000.00"},
        {"lower": "1000000.00", "upper": None, "rate": "0.01", "portion": "0.00",
         "amount": "0.00"}]
    assert claim.breakdown["policy_key"] == "default"
    assert claim.breakdown["policy_name"] == "技术经纪人奖补默认政策（分段累计）"
    assert r.open_flags(db, claim.id) == []
    actions = db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type.in_(["reward_claim", "integrity_scan"])).order_by(AuditEntry.seq)
    ).scalars().all()
    assert actions == ["claim.submit", "integrity.scan"]


@pytest.mark.parametrize(("amount", "reward"), [
    ("1000000.00", "15000.00"), ("2500000.00", "30000.00"), ("3000000.00", "35000.00")])
def test_worked_examples(db: Session, amount: str, reward: str) -> None:
    assert r.claim(db, r.paid_world(db, amount=D(amount))).amount == D(reward)


def test_resubmitting_returns_the_existing_claim(db: Session) -> None:
    w = r.paid_world(db)
    first, created = r.submit(db, w)
    again, created_again = r.submit(db, w)
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert db.execute(select(func.count()).select_from(RewardClaim)).scalar_one() == 1


def test_resubmitting_a_rejected_claim_still_returns_it(db: Session) -> None:
    w = r.paid_world(db)
    claim = r.claim(db, w)
    review.reject(db, r.actor(b.make_admin(db)), claim.id, "材料不全")
    again, created = r.submit(db, w)
    assert (again.id, again.status, created) == (claim.id, ClaimStatus.REJECTED, False)


def test_two_brokers_split_by_their_shares(db: Session) -> None:
    w = r.paid_world(db, amount=D("1000000.00"))
    other = b.make_broker(db)
    deal = d.reload(db, w.id)
    deal_brokers.invite(db, d.actor(w.lead), d.access(db, w.lead, w.id), other.id,
                        {w.lead.id: D("66.67"), other.id: D("33.33")})
    deal_brokers.answer_invitation(db, d.actor(other), d.access(db, other, deal.id), True)
    lead_claim = r.claim(db, w)
    other_claim = r.claim(db, w, broker=other)
    assert lead_claim.deal_reward == other_claim.deal_reward == D("15000.00")
    assert (lead_claim.amount, other_claim.amount) == (D("10000.50"), D("4999.50"))
    assert lead_claim.amount + other_claim.amount == D("15000.00")


def test_caps_apply_after_the_split(db: Session) -> None:
    admin = b.make_admin(db)
    r.policy(db, admin, key="capped", effective_from=clock.today() - timedelta(days=400),
             region="福州市", cap_per_claim=D("10000.00"))
    claim = r.claim(db, r.paid_world(db, amount=D("3000000.00")))
    assert (claim.deal_reward, claim.amount) == (D("35000.00"), D("10000.00"))
    assert claim.breakdown["caps"] == [
        {"kind": "per_claim", "limit": "10000.00", "reduced_by": "25000.00"}]


def test_per_broker_year_cap_counts_the_brokers_other_claims(db: Session) -> None:
    admin = b.make_admin(db)
    r.policy(db, admin, key="yearcap", effective_from=clock.today() - timedelta(days=400),
             region="福州市", cap_per_broker_year=D("20000.00"))
    first = r.claim(db, r.paid_world(db, amount=D("1000000.00")))
    broker = db.get(User, first.broker_id)
    assert broker is not None
    second = r.claim(db, r.world_for(db, broker, amount=D("1000000.00")))
    third = r.claim(db, r.world_for(db, broker, amount=D("1000000.00")))
    assert (first.amount, second.amount, third.amount) == (
        D("15000.00"), D("5000.00"), D("0.00"))
    assert second.breakdown["caps"] == [
        {"kind": "per_broker_year", "limit": "5000.00", "reduced_by": "10000.00"}]
    assert second.breakdown["already_this_year"] == "15000.00"
    # Shown apart: the first claim is still pending, nothing is awarded yet; the cap above
    # reserves it all the same.
    assert (second.breakdown["awarded_this_year"], second.breakdown["pending_this_year"]) == (
        "0.00", "15000.00")


def test_the_years_claims_are_shown_awarded_and_pending_apart(db: Session) -> None:
    admins = r.admins(db)
    r.policy(db, admins.a, key="yearcap", effective_from=clock.today() - timedelta(days=400),
             region="福州市", cap_per_broker_year=D("40000.00"))
    first = r.claim(db, r.paid_world(db, amount=D("1000000.00")))
    r.approved(db, first.id, admins.a)
    broker = db.get(User, first.broker_id)
    assert broker is not None
    second = r.claim(db, r.world_for(db, broker, amount=D("1000000.00")))
    third = r.claim(db, r.world_for(db, broker, amount=D("1000000.00")))
    assert third.breakdown["already_this_year"] == "30000.00"    # what the cap reserves
    assert (third.breakdown["awarded_this_year"], third.breakdown["pending_this_year"]) == (
        "15000.00", "15000.00")
    assert second.amount + third.amount == D("25000.00")


# --- refusals -----------------------------------------------------------------------------

def test_an_unverified_broker_is_refused(db: Session) -> None:
    w = r.paid_world(db)
    profile = db.get(BrokerProfile, w.lead.id)
    assert profile is not None
    profile.verification_status = VerificationStatus.PENDING
    db.flush()
    db.expire_all()
    with pytest.raises(Conflict) as exc:
        r.submit(db, w)
    assert refusal(exc) == "broker_unverified"
    assert "Your broker profile has not been verified" in exc.value.detail


def test_an_unregistered_contract_is_refused(db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    with pytest.raises(Conflict) as exc:
        r.submit(db, w)
    assert refusal(exc) == "contract_unregistered"
    assert exc.value.detail.startswith("合同尚未登记")


def test_an_unpaid_contract_is_refused_under_a_received_amount_policy(db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    with pytest.raises(Conflict) as exc:
        r.submit(db, w)
    assert refusal(exc) == "not_paid"
    assert exc.value.extra["received_amount"] == "0.00"


def test_an_unpaid_contract_may_claim_under_a_contract_amount_policy(db: Session) -> None:
    r.policy(db, b.make_admin(db), key="on-contract", region="福州市",
             effective_from=clock.today() - timedelta(days=400),
             base=RewardBase.CONTRACT_AMOUNT)
    w = d.deal_at(db, Stage.REGISTERED)
    r.backdate_deal(db, w.id)
    claim, created = r.submit(db, w)
    assert created and claim.amount == D("4500.00")
    assert [f.rule for f in r.open_flags(db, claim.id)] == ["unbacked_amount"]


def test_a_claim_past_the_window_is_refused(db: Session) -> None:
    r.policy(db, b.make_admin(db), key="short-window", region="福州市",
             effective_from=clock.today() - timedelta(days=400), window=3)
    w = r.paid_world(db)  # paid five days ago
    with pytest.raises(Conflict) as exc:
        r.submit(db, w)
    assert refusal(exc) == "window_closed"
    assert exc.value.extra["window_closed"] == (d.days_ago(5) + timedelta(days=3)).isoformat()


def test_someone_elses_deal_is_not_found(db: Session) -> None:
    w = r.paid_world(db)
    with pytest.raises(NotFound):
        r.submit(db, w, broker=b.make_broker(db))


def test_a_listed_broker_cannot_claim_and_nothing_is_stored(db: Session) -> None:
    w = r.paid_world(db)
    admin = b.make_admin(db)
    for subject in dishonesty.broker_subjects(db, w.lead.id):
        dishonesty.list_subject(db, r.actor(admin), subject, reason="虚假申报",
                                listed_on=clock.today())
    db.flush()
    savepoint = db.begin_nested()
    with pytest.raises(Conflict) as exc:
        r.submit(db, w)
    savepoint.rollback()
    assert refusal(exc) == "dishonesty_listed"
    assert "严重失信名单" in exc.value.detail
    assert db.execute(select(func.count()).select_from(RewardClaim)).scalar_one() == 0


def test_a_listed_buyer_blocks_the_claim(db: Session) -> None:
    w = r.paid_world(db)
    admin = b.make_admin(db)
    subject = dishonesty.org_subject(db, w.deal.demand_org_id, "buyer")
    dishonesty.list_subject(db, r.actor(admin), subject, reason="虚假交易", listed_on=clock.today())
    savepoint = db.begin_nested()
    with pytest.raises(Conflict) as exc:
        r.submit(db, w)
    savepoint.rollback()
    assert refusal(exc) == "dishonesty_listed"


# --- policy selection ---------------------------------------------------------------------

def test_the_signing_date_picks_the_policy(db: Session) -> None:
    admin = b.make_admin(db)
    older = r.policy(db, admin, key="from-40-days", effective_from=d.days_ago(40),
                     rates=("0.02", "0.01"))
    r.policy(db, admin, key="from-20-days", effective_from=d.days_ago(20),
             rates=("0.03", "0.01"))
    claim = r.claim(db)  # signed 30 days ago
    assert (claim.policy_id, claim.amount) == (older.id, D("6000.00"))


def test_a_regional_policy_beats_a_region_wide_one(db: Session) -> None:
    admin = b.make_admin(db)
    r.policy(db, admin, key="all-regions", effective_from=d.days_ago(40), rates=("0.03", "0.01"))
    regional = r.policy(db, admin, key="fuzhou", effective_from=d.days_ago(100),
                        region="福州市", rates=("0.02", "0.01"))
    r.policy(db, admin, key="xiamen", effective_from=d.days_ago(35), region="厦门市",
             rates=("0.05", "0.01"))
    claim = r.claim(db)
    assert (claim.policy_id, claim.amount) == (regional.id, D("6000.00"))


def test_an_edited_policy_keeps_its_old_version_for_old_claims(db: Session) -> None:
    admin = b.make_admin(db)
    first = r.policy(db, admin, key="edited", effective_from=d.days_ago(100), region="福州市",
                     rates=("0.02", "0.01"))
    old_claim = r.claim(db)
    terms = schemas.PolicyTerms(
        name="修订", region="福州市", effective_from=d.days_ago(100),
        brackets=[schemas.BracketIn(upper=D(1_000_000), rate=D("0.025")),
                  schemas.BracketIn(upper=None, rate=D("0.01"))])
    second = policies.revise_policy(db, r.actor(admin), first.id, terms)
    new_claim = r.claim(db)
    assert (old_claim.policy_id, old_claim.amount) == (first.id, D("6000.00"))
    assert (new_claim.policy_id, new_claim.amount) == (second.id, D("7500.00"))
    assert [p.version for p in policies.versions(db, "edited")] == [1, 2]
    assert first.superseded_by_id == second.id


def test_no_policy_in_force_is_a_refusal(db: Session) -> None:
    for row in db.execute(select(RewardPolicy)).scalars():
        row.effective_from = clock.today()
    db.flush()
    with pytest.raises(Conflict) as exc:
        r.submit(db, r.paid_world(db))
    assert refusal(exc) == "no_policy"
