"""Submitting a reward claim: one per broker per contract, refused with a reason when the
contract, the broker or the policy does not allow it, computed once and checked by the
integrity rules in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerProfile, User
from backend.accounts.service import get_organisation, is_verified_broker
from backend.audit import service as audit
from backend.core import clock, paging
from backend.core.errors import Conflict, NotFound
from backend.core.fetch import one_or_404
from backend.core.permissions import Role
from backend.deals import lookup as deal_lookup
from backend.deals.lookup import (
    ConfirmedTerms,
    ContractSummary,
    contract_for_claim,
    deal_is_ended,
    deal_is_visible,
    freeze_shares,
)
from backend.deals.models import RegistryStatus
from backend.listings.lookup import demand_brief
from backend.rewards import calculation as calc
from backend.rewards.checks import checks
from backend.rewards.models import LIVE_STATUSES, ClaimStatus, RewardClaim, RewardPolicy
from backend.rewards.policies import calculator, select_policy
from backend.rewards.sides import ClaimSide

NOT_FOUND = "未找到该奖补申报。No such reward claim."
# Claims awarded: approved or paid (those submitted or under review are pending).
AWARDED_STATUSES = frozenset({ClaimStatus.APPROVED, ClaimStatus.PAID})
RECEIVED_BASES = frozenset({calc.RewardBase.RECEIVED_AMOUNT,
                            calc.RewardBase.MIN_TECHNOLOGY_RECEIVED})


def refused(reason: str, zh: str, en: str, **extra: Any) -> Conflict:
    """A claim the rules do not allow: 409 with a machine-readable `reason`."""
    return Conflict(f"{zh}{en}", reason=reason, **extra)


# --- who sees which claims ----------------------------------------------------------------

def visible_claims(user: User) -> Select[RewardClaim]:
    """Administrators see every claim; a broker their own; nobody else any."""
    query = select(RewardClaim)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.BROKER:
        return query.where(RewardClaim.broker_id == user.id)
    return query.where(false())


def claim_for(session: Session, user: User, claim_id: int) -> RewardClaim:
    claim = one_or_404(session, visible_claims(user).where(RewardClaim.id == claim_id), NOT_FOUND)
    return claim


def lock_claims(session: Session, claim_ids: list[int]) -> dict[int, RewardClaim]:
    """Lock claims for a change, in id order (every writer locks in this order, so two
    writers never wait on each other in a cycle), reading them fresh."""
    rows = session.execute(select(RewardClaim).where(RewardClaim.id.in_(sorted(claim_ids)))
                           .order_by(RewardClaim.id).with_for_update()
                           .execution_options(populate_existing=True)).scalars().all()
    return {row.id: row for row in rows}


def lock_claim(session: Session, claim_id: int) -> RewardClaim:
    claim = lock_claims(session, [claim_id]).get(claim_id)
    if claim is None:
        raise NotFound(NOT_FOUND)
    return claim


# --- amounts ------------------------------------------------------------------------------

def year_of(claim: RewardClaim) -> int:
    return claim.submitted_at.astimezone(clock.CHINA_TZ).year


def broker_year_total(session: Session, broker_id: int, year: int, statuses: frozenset[str],
                      exclude: int | None = None, person_id: int | None = None) -> Decimal:
    """What a broker's claims in these statuses, submitted in `year` (Beijing), add up to —
    under every broker account the same person holds (one per agency), when known."""
    start, end = clock.year_bounds(year)
    whose = RewardClaim.broker_id == broker_id
    if person_id is not None:
        whose = or_(whose, RewardClaim.broker_person_id == person_id)
    query = select(RewardClaim.amount).where(
        whose, RewardClaim.status.in_(statuses),
        RewardClaim.submitted_at >= start, RewardClaim.submitted_at < end)
    if exclude is not None:
        query = query.where(RewardClaim.id != exclude)
    rows = session.execute(query).scalars().all()
    return calc.to_fen(sum(rows, Decimal(0)))


def broker_grade(session: Session, broker_id: int) -> str | None:
    """The broker's grade now (初级/中级/高级): the one the policy's rate by grade looks at when
    the claim is made, kept in the claim's breakdown."""
    level = session.execute(select(BrokerProfile.level).where(
        BrokerProfile.user_id == broker_id)).scalar_one_or_none()
    return None if level is None else str(level)


def breakdown(policy: RewardPolicy, reward: calc.ClaimReward, *, contract_amount: Decimal,
              technology_amount: Decimal | None, received_amount: Decimal,
              already_this_year: Decimal, awarded_this_year: Decimal | None = None,
              pending_this_year: Decimal | None = None) -> dict[str, Any]:
    """The calculation as brokers and administrators see it: JSON, amounts as strings.

    `already_this_year` is what the annual cap was reckoned against (at submission every
    live claim, those under review included, so the cap is never overrun); it is shown split
    into what was awarded (approved or paid) and what is still pending review."""
    deal = reward.deal

    def money(value: Decimal | None) -> str | None:
        return None if value is None else str(calc.to_fen(value))

    return {
        "policy_id": policy.id, "policy_key": policy.key, "policy_version": policy.version,
        "policy_name": policy.name, "base_kind": str(policy.base), "base": money(deal.base),
        "contract_amount": money(contract_amount), "technology_amount": money(technology_amount),
        "received_amount": money(received_amount),
        "lines": [{"lower": money(line.lower), "upper": money(line.upper),
                   "rate": str(line.rate), "portion": money(line.portion),
                   "amount": money(line.amount)} for line in deal.lines],
        "deal_reward": money(deal.amount), "share": str(reward.share),
        "share_amount": money(reward.share_amount),
        "grade": reward.grade, "grade_percent": str(reward.grade_percent),
        "graded_amount": money(reward.graded_amount),
        "already_this_year": money(already_this_year),
        "awarded_this_year": money(awarded_this_year),
        "pending_this_year": money(pending_this_year),
        "caps": [{"kind": str(cap.kind), "limit": money(cap.limit),
                  "reduced_by": money(cap.reduced_by)} for cap in reward.caps_applied],
        "amount": money(reward.amount),
    }


def snapshot(claim: RewardClaim) -> dict[str, Any]:
    return {"broker_id": claim.broker_id, "deal_id": claim.deal_id,
            "contract_id": claim.contract_id, "policy_id": claim.policy_id,
            "status": claim.status, "share_percent": claim.share_percent,
            "base_amount": claim.base_amount, "deal_reward": claim.deal_reward,
            "amount": claim.amount, "region": claim.region,
            "payout_batch_id": claim.payout_batch_id}


# --- submission ---------------------------------------------------------------------------

def _existing(session: Session, broker_id: int, contract_id: int) -> RewardClaim | None:
    return session.execute(select(RewardClaim).where(
        RewardClaim.broker_id == broker_id, RewardClaim.contract_id == contract_id)
    ).scalar_one_or_none()


def _window(policy: RewardPolicy, contract: ContractSummary, terms: ConfirmedTerms
            ) -> tuple[date, date]:
    """The claim window: from registration (under a received-amount policy, from the last
    confirmed counted payment if later) for the policy's number of days, both ends inclusive."""
    opens = terms.registered_on or terms.signed_on
    if policy.base in RECEIVED_BASES:
        counted = [p.paid_on for p in contract.payments
                   if p.counted and p.confirmed_amount is not None]
        if counted:
            opens = max(opens, max(counted))
    return opens, opens + timedelta(days=policy.claim_window_days)


def registry_ok(policy: RewardPolicy, contract: ContractSummary, today: date) -> bool:
    """The registry's record matches the contract — or, under a policy with a grace period,
    no export has named its number yet and the grace period since registration has not run
    out. A mismatch or a cancelled registration never passes."""
    if contract.registry_status == RegistryStatus.VERIFIED:
        return True
    registered = contract.confirmed.registered_on if contract.confirmed else None
    return (contract.registry_status == RegistryStatus.UNCHECKED and registered is not None
            and policy.registry_grace_days > 0
            and today <= registered + timedelta(days=policy.registry_grace_days))


def refuse_unless_evidenced(contract: ContractSummary) -> ConfirmedTerms:
    """The contract's current terms must be confirmed by its parties: a claim rests on
    nothing one broker alone declared."""
    if deal_is_ended(contract.deal_stage):
        ended = "取消" if contract.deal_stage.value == "cancelled" else "终止"
        raise refused("deal_ended", f"该撮合项目已{ended}。",
                      f"The deal has ended ({contract.deal_stage.value}).")
    if contract.registration_no is None:
        raise refused("contract_unregistered", "合同尚未登记（无技术合同登记号），不能申报。",
                      "The contract is not registered yet (no registration number).")
    terms = contract.confirmed
    if not contract.evidence_current or terms is None or terms.registration_no is None:
        raise refused("evidence_unconfirmed", "合同信息（金额、类型、日期、登记号）尚未经买卖双方在平台确认"
                                              "（超过上限的金额还需管理员确认），不能申报。",
                      "The contract's terms (amount, type, dates, registration number) have not "
                      "been confirmed by the buyer and the seller on the platform (and, above "
                      "the ceiling, by an administrator); no claim can rest on them yet.",
                      evidence_status=contract.evidence_status.value,
                      evidence_version=contract.evidence_version)
    return terms


def regions_of(session: Session, terms: ConfirmedTerms) -> tuple[str, str]:
    return (get_organisation(session, terms.buyer_org_id).region,
            get_organisation(session, terms.seller_org_id).region)


def claimed_share(session: Session, contract_id: int, exclude: int | None = None) -> Decimal:
    """The shares of the live claims on a contract, added up."""
    query = select(func.sum(RewardClaim.share_percent)).where(
        RewardClaim.contract_id == contract_id, RewardClaim.status.in_(LIVE_STATUSES))
    if exclude is not None:
        query = query.where(RewardClaim.id != exclude)
    total = session.execute(query).scalar_one()
    return Decimal(total) if total is not None else Decimal(0)


def submit_claim(session: Session, actor: audit.Actor, user: User, deal_id: int, *,
                 side: ClaimSide | None = None, device_id: str | None = None
                 ) -> tuple[RewardClaim, bool]:
    """The broker's claim on the deal's contract, and whether it was created now (a repeated
    submission returns the existing claim, whatever its status).

    Everything it rests on is confirmed evidence: the contract's terms and the payments as the
    parties confirmed them, matched to the registration office's record. The deal's row is
    locked, so two brokers' claims on one deal are decided one after the other, and claims
    that would add up to more than 100% of the deal are refused outright."""
    if not is_verified_broker(user):
        raise refused("broker_unverified", "经纪人资格尚未通过审核，不能申报奖补。",
                      "Your broker profile has not been verified; you cannot claim a reward yet.")
    if not deal_is_visible(session, user, deal_id):
        raise NotFound("未找到该撮合项目。No such deal.")
    contract = contract_for_claim(session, deal_id, lock=True)
    shares = {b.broker_id: b.share for b in contract.brokers}
    if user.id not in shares:
        raise refused("not_a_broker", "您不是该项目的在册经纪人。",
                      "You are not an active broker on this deal.")
    existing = _existing(session, user.id, contract.contract_id)
    if existing is not None:
        return existing, False
    terms = refuse_unless_evidenced(contract)
    buyer_region, seller_region = regions_of(session, terms)
    policy = select_policy(session, terms.signed_on, seller_region, buyer_region)
    if policy is None:
        raise refused("no_policy", f"合同签订日（{terms.signed_on}）没有适用于买方{buyer_region}、"
                                   f"卖方{seller_region}的奖补政策。",
                      f"No reward policy covers a buyer in {buyer_region} and a seller in "
                      f"{seller_region} on the signing date ({terms.signed_on}).")
    today = clock.today()
    if not registry_ok(policy, contract, today):
        raise refused("registry_unverified", "该合同尚未与技术合同登记机构的登记数据核对一致，不能申报。",
                      "The contract has not been matched to the registration office's record; "
                      "no claim can be made on it yet.",
                      registry_status=contract.registry_status.value)
    if policy.base in RECEIVED_BASES and terms.received_amount < terms.amount:
        raise refused("not_paid", f"按到账金额计奖的政策要求合同款全部到账并经双方确认，目前已确认到账"
                                  f"{terms.received_amount}元（合同金额{terms.amount}元）。",
                      f"This policy pays on money received: the contract must be fully paid and "
                      f"the payments confirmed; {terms.received_amount} of {terms.amount} yuan "
                      f"has been confirmed.", received_amount=str(terms.received_amount))
    opens, closes = _window(policy, contract, terms)
    if today > closes:
        raise refused("window_closed", f"申报期已过：应在{opens}至{closes}之间申报。",
                      f"The claim window has closed: claims were due between {opens} and "
                      f"{closes}.", window_opened=opens.isoformat(),
                      window_closed=closes.isoformat())
    claimed = claimed_share(session, contract.contract_id)
    if claimed + shares[user.id] > calc.HUNDRED:
        raise refused("shares_exceeded", f"该合同已申报{claimed}%，再申报{shares[user.id]}%将超过100%。",
                      f"{claimed}% of this contract has been claimed already; another "
                      f"{shares[user.id]}% would exceed 100%.", claimed_share=str(claimed))
    person_id = user.person_id
    already = broker_year_total(session, user.id, today.year, LIVE_STATUSES,
                                person_id=person_id)
    # Only shown: the annual cap above reserves the claims under review too.
    awarded = broker_year_total(session, user.id, today.year, AWARDED_STATUSES,
                                person_id=person_id)
    try:
        reward = calc.compute_claim(calculator(policy), user.id, shares,
                                    contract_amount=terms.amount,
                                    technology_amount=terms.technology_amount,
                                    received_amount=terms.received_amount,
                                    already_paid_this_year=already,
                                    grade=broker_grade(session, user.id))
    except calc.RewardCalculationError as exc:
        raise refused("not_computable", f"无法按政策计算奖补：{exc}。",
                      f"The reward cannot be computed under the policy: {exc}.") from None
    claim = RewardClaim(
        broker_id=user.id, broker_person_id=person_id, deal_id=deal_id,
        contract_id=contract.contract_id, policy_id=policy.id, side=side,
        share_percent=shares[user.id], contract_amount=terms.amount,
        technology_amount=terms.technology_amount, received_amount=terms.received_amount,
        base_amount=reward.deal.base, deal_reward=reward.deal.amount, amount=reward.amount,
        breakdown=breakdown(policy, reward, contract_amount=terms.amount,
                            technology_amount=terms.technology_amount,
                            received_amount=terms.received_amount,
                            already_this_year=already, awarded_this_year=awarded,
                            pending_this_year=already - awarded),
        region=policy.region or seller_region,
        field_code=(demand_brief(session, contract.demand_id).field_code
                    if contract.demand_id is not None
                    else deal_lookup.challenge_field_code(session, contract.challenge_award_id)),
        contract_type=str(terms.type), contract_name=contract.name,
        registration_no=terms.registration_no, signed_on=terms.signed_on,
        submitted_ip=actor.ip, device_id=device_id)
    try:
        with session.begin_nested():
            session.add(claim)
            session.flush()
    except IntegrityError:
        # The same broker submitted the same claim concurrently: theirs won, return it.
        winner = _existing(session, user.id, contract.contract_id)
        if winner is None:
            raise
        return winner, False
    freeze_shares(session, deal_id)
    audit.record(session, actor, "claim.submit", "reward_claim", claim.id, after=snapshot(claim))
    flags = checks().check_claim(session, actor, claim.id)
    blocking = [f for f in flags if f.blocking]
    if blocking:
        # Rolls back with the request: a listed party's claim is never stored.
        raise refused("dishonesty_listed", blocking[0].message_zh, " " + blocking[0].message_en,
                      flags=[f.rule for f in blocking])
    return claim, True


# --- lists ----------------------------------------------------------------------------------

def claim_query(user: User, *, status: Sequence[ClaimStatus] | None = None,
                broker_id: int | None = None, region: str | None = None,
                field_code: str | None = None, since: datetime | None = None,
                until: datetime | None = None) -> Select[RewardClaim]:
    """The claims this user sees, filtered; reused by the list and the exports."""
    query = visible_claims(user)
    if status:
        query = query.where(RewardClaim.status.in_(status))
    if broker_id is not None:
        query = query.where(RewardClaim.broker_id == broker_id)
    if region:
        query = query.where(RewardClaim.region == region)
    if field_code:
        query = query.where(RewardClaim.field_code == field_code)
    if since is not None:
        query = query.where(RewardClaim.submitted_at >= since)
    if until is not None:
        query = query.where(RewardClaim.submitted_at < until)
    return query


def list_claims(session: Session, query: Select[RewardClaim], page: int, page_size: int
                ) -> tuple[Sequence[RewardClaim], int]:
    return paging.page_of(session, query.order_by(RewardClaim.submitted_at.desc(),
                                                  RewardClaim.id.desc()), page, page_size)
