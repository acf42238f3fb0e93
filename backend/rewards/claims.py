"""Submitting a reward claim: one per broker per contract, refused with a reason when the
contract, the broker or the policy does not allow it, computed once and checked by the
integrity rules in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, false, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import get_organisation, is_verified_broker
from backend.audit import service as audit
from backend.core import clock
from backend.core.errors import Conflict, NotFound
from backend.core.permissions import Role
from backend.deals.lookup import ContractSummary, contract_for_claim, deal_is_visible
from backend.deals.models import Stage
from backend.integrity import service as integrity
from backend.integrity.context import ClaimSide
from backend.listings.lookup import demand_brief
from backend.rewards import calculation as calc
from backend.rewards.models import LIVE_STATUSES, ClaimStatus, RewardClaim, RewardPolicy
from backend.rewards.policies import calculator, select_policy

NOT_FOUND = "未找到该奖补申报。No such reward claim."
RECEIVED_BASES = frozenset({calc.RewardBase.RECEIVED_AMOUNT,
                            calc.RewardBase.MIN_TECHNOLOGY_RECEIVED})
PAID_STAGES = frozenset({Stage.PAID, Stage.CLOSED})


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
    claim = session.execute(visible_claims(user).where(RewardClaim.id == claim_id)
                            ).scalar_one_or_none()
    if claim is None:
        raise NotFound(NOT_FOUND)
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
                      exclude: int | None = None) -> Decimal:
    """What a broker's claims in these statuses, submitted in `year` (Beijing), add up to."""
    start, end = clock.year_bounds(year)
    query = select(RewardClaim.amount).where(
        RewardClaim.broker_id == broker_id, RewardClaim.status.in_(statuses),
        RewardClaim.submitted_at >= start, RewardClaim.submitted_at < end)
    if exclude is not None:
        query = query.where(RewardClaim.id != exclude)
    rows = session.execute(query).scalars().all()
    return calc.to_fen(sum(rows, Decimal(0)))


def breakdown(policy: RewardPolicy, reward: calc.ClaimReward, *, contract_amount: Decimal,
              technology_amount: Decimal | None, received_amount: Decimal,
              already_this_year: Decimal) -> dict[str, Any]:
    """The calculation as brokers and administrators see it: JSON, amounts as strings."""
    deal = reward.deal

    def money(value: Decimal | None) -> str | None:
        return None if value is None else str(calc.to_fen(value))

    return {
        "policy_id": policy.id, "policy_key": policy.key, "policy_version": policy.version,
        "base_kind": str(policy.base), "base": money(deal.base),
        "contract_amount": money(contract_amount), "technology_amount": money(technology_amount),
        "received_amount": money(received_amount),
        "lines": [{"lower": money(line.lower), "upper": money(line.upper),
                   "rate": str(line.rate), "portion": money(line.portion),
                   "amount": money(line.amount)} for line in deal.lines],
        "deal_reward": money(deal.amount), "share": str(reward.share),
        "share_amount": money(reward.share_amount), "already_this_year": money(already_this_year),
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


def _window(policy: RewardPolicy, contract: ContractSummary) -> tuple[date, date]:
    """The claim window: from registration (under a received-amount policy, from the last
    counted payment if later) for the policy's number of days, both ends inclusive."""
    opens = contract.registered_on or contract.signed_on
    if policy.base in RECEIVED_BASES:
        counted = [p.paid_on for p in contract.payments if p.counted]
        if counted:
            opens = max(opens, max(counted))
    return opens, opens + timedelta(days=policy.claim_window_days)


def submit_claim(session: Session, actor: audit.Actor, user: User, deal_id: int, *,
                 side: ClaimSide | None = None, device_id: str | None = None
                 ) -> tuple[RewardClaim, bool]:
    """The broker's claim on the deal's contract, and whether it was created now (a repeated
    submission returns the existing claim, whatever its status)."""
    if not is_verified_broker(user):
        raise refused("broker_unverified", "经纪人资格尚未通过审核，不能申报奖补。",
                      "Your broker profile has not been verified; you cannot claim a reward yet.")
    if not deal_is_visible(session, user, deal_id):
        raise NotFound("未找到该撮合项目。No such deal.")
    contract = contract_for_claim(session, deal_id)
    shares = {b.broker_id: b.share for b in contract.brokers}
    if user.id not in shares:
        raise refused("not_a_broker", "您不是该项目的在册经纪人。",
                      "You are not an active broker on this deal.")
    existing = _existing(session, user.id, contract.contract_id)
    if existing is not None:
        return existing, False
    if contract.registration_no is None:
        raise refused("contract_unregistered", "合同尚未登记（无技术合同登记号），不能申报。",
                      "The contract is not registered yet (no registration number).")
    region = get_organisation(session, contract.seller_org_id).region
    policy = select_policy(session, contract.signed_on, region)
    if policy is None:
        raise refused("no_policy", f"合同签订日（{contract.signed_on}）没有适用于{region}的奖补政策。",
                      f"No reward policy covers {region} on the signing date "
                      f"({contract.signed_on}).")
    if policy.base in RECEIVED_BASES and contract.deal_stage not in PAID_STAGES:
        raise refused("not_paid", f"按到账金额计奖的政策要求合同款全部到账，目前已到账"
                                  f"{contract.received_amount}元（合同金额{contract.amount}元）。",
                      f"This policy pays on money received: the contract must be fully paid; "
                      f"{contract.received_amount} of {contract.amount} yuan has been received.",
                      received_amount=str(contract.received_amount))
    opens, closes = _window(policy, contract)
    today = clock.today()
    if today > closes:
        raise refused("window_closed", f"申报期已过：应在{opens}至{closes}之间申报。",
                      f"The claim window has closed: claims were due between {opens} and "
                      f"{closes}.", window_opened=opens.isoformat(),
                      window_closed=closes.isoformat())
    already = broker_year_total(session, user.id, today.year, LIVE_STATUSES)
    try:
        reward = calc.compute_claim(calculator(policy), user.id, shares,
                                    contract_amount=contract.amount,
                                    technology_amount=contract.technology_amount,
                                    received_amount=contract.received_amount,
                                    already_paid_this_year=already)
    except calc.RewardCalculationError as exc:
        raise refused("not_computable", f"无法按政策计算奖补：{exc}。",
                      f"The reward cannot be computed under the policy: {exc}.") from None
    claim = RewardClaim(
        broker_id=user.id, deal_id=deal_id, contract_id=contract.contract_id,
        policy_id=policy.id, side=side, share_percent=shares[user.id],
        contract_amount=contract.amount, technology_amount=contract.technology_amount,
        received_amount=contract.received_amount, base_amount=reward.deal.base,
        deal_reward=reward.deal.amount, amount=reward.amount,
        breakdown=breakdown(policy, reward, contract_amount=contract.amount,
                            technology_amount=contract.technology_amount,
                            received_amount=contract.received_amount,
                            already_this_year=already),
        region=region, field_code=demand_brief(session, contract.demand_id).field_code,
        contract_type=str(contract.type), contract_name=contract.name,
        registration_no=contract.registration_no, signed_on=contract.signed_on,
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
    audit.record(session, actor, "claim.submit", "reward_claim", claim.id, after=snapshot(claim))
    flags = integrity.check_claim(session, actor, claim.id)
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
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(RewardClaim.submitted_at.desc(), RewardClaim.id.desc())
                           .offset((page - 1) * page_size).limit(page_size)).scalars().all()
    return rows, total
