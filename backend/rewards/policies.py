"""Reward policies as data: versions kept, the contract's signing date and regions pick one.

Editing a policy saves a new version under the same key and marks the old one superseded;
superseded versions are kept (claims computed under them point at them) but no longer
picked. A regional policy says whose region it looks at (`region_basis`): the buyer's
(technology absorbed into the region, 吸纳), the seller's (output, 输出), either party's, or
both parties' (a deal inside the region, still paid once). Picking, among the current
versions in force on the signing date that apply to the contract's parties: a regional
policy beats a region-wide one, then the latest `effective_from`, then the newest row — so
a new policy from 1 January takes over from an open-ended older one without editing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.fetch import one_or_404
from backend.core.types import utcnow
from backend.rewards import calculation as calc
from backend.rewards import schemas
from backend.rewards.models import RegionBasis, RewardPolicy

NOT_FOUND = "未找到该奖补政策。No such reward policy."


def brackets_of(policy: RewardPolicy) -> tuple[calc.Bracket, ...]:
    return tuple(calc.Bracket(None if b["upper"] is None else Decimal(b["upper"]),
                              Decimal(b["rate"])) for b in policy.brackets)


def calculator(policy: RewardPolicy) -> calc.RewardPolicy:
    """The pure calculator's view of a stored policy version."""
    return calc.RewardPolicy(brackets=brackets_of(policy), base=calc.RewardBase(policy.base),
                             cap_per_claim=policy.cap_per_claim,
                             cap_per_broker_year=policy.cap_per_broker_year,
                             grade_percent=grade_percent_of(policy))


def grade_percent_of(policy: RewardPolicy) -> dict[str, Decimal]:
    return {grade: Decimal(percent) for grade, percent in (policy.grade_percent or {}).items()}


def _stored_brackets(data: schemas.PolicyTerms) -> list[dict[str, str | None]]:
    try:
        brackets = calc.validate_brackets([calc.Bracket(b.upper, b.rate) for b in data.brackets])
    except calc.RewardCalculationError as exc:
        raise InvalidInput("brackets", f"分段设置有误：{exc}。The brackets are not valid: {exc}."
                           ) from None
    return [{"upper": None if b.upper is None else str(b.upper), "rate": str(b.rate)}
            for b in brackets]


def _check_terms(data: schemas.PolicyTerms) -> list[dict[str, str | None]]:
    if data.effective_until is not None and data.effective_until < data.effective_from:
        raise InvalidInput("effective_until", "失效日期不能早于生效日期。The end date cannot precede "
                                              "the start date.")
    return _stored_brackets(data)


def snapshot(policy: RewardPolicy) -> dict[str, Any]:
    return {"key": policy.key, "version": policy.version, "name": policy.name,
            "region": policy.region, "region_basis": policy.region_basis,
            "registry_grace_days": policy.registry_grace_days,
            "agency_share_percent": policy.agency_share_percent,
            "base": policy.base, "brackets": policy.brackets,
            "grade_percent": policy.grade_percent,
            "cap_per_claim": policy.cap_per_claim,
            "cap_per_broker_year": policy.cap_per_broker_year,
            "effective_from": policy.effective_from, "effective_until": policy.effective_until,
            "claim_window_days": policy.claim_window_days, "note": policy.note}


def _row(key: str, version: int, data: schemas.PolicyTerms, brackets: list[dict[str, str | None]],
         created_by_id: int | None) -> RewardPolicy:
    return RewardPolicy(
        key=key, version=version, name=data.name, region=data.region or None,
        region_basis=data.region_basis, registry_grace_days=data.registry_grace_days,
        agency_share_percent=data.agency_share_percent, base=data.base,
        brackets=brackets, cap_per_claim=data.cap_per_claim,
        grade_percent={str(grade): str(calc.to_fen(percent))
                       for grade, percent in data.grade_percent.items()},
        cap_per_broker_year=data.cap_per_broker_year, effective_from=data.effective_from,
        effective_until=data.effective_until, claim_window_days=data.claim_window_days,
        note=data.note, created_by_id=created_by_id)


def create_policy(session: Session, actor: audit.Actor, data: schemas.PolicyCreate
                  ) -> RewardPolicy:
    brackets = _check_terms(data)
    if session.execute(select(RewardPolicy.id).where(RewardPolicy.key == data.key)).first():
        raise Conflict(f"政策标识“{data.key}”已存在；修改请保存新版本。The policy key {data.key!r} "
                       "exists; edit it to save a new version.")
    policy = _row(data.key, 1, data, brackets, actor.user_id)
    session.add(policy)
    session.flush()
    audit.record(session, actor, "policy.create", "reward_policy", policy.id,
                 after=snapshot(policy))
    return policy


def revise_policy(session: Session, actor: audit.Actor, policy_id: int,
                  data: schemas.PolicyTerms) -> RewardPolicy:
    """Save a new version of the policy; the edited version is kept, superseded."""
    brackets = _check_terms(data)
    current = one_or_404(session, select(RewardPolicy).where(RewardPolicy.id == policy_id)
                         .with_for_update()
                         .execution_options(populate_existing=True), NOT_FOUND)
    if current.superseded_at is not None:
        raise Conflict(f"该版本已被第{current.superseded_by_id}号版本取代，请修改最新版本。This "
                       "version has been superseded; edit the newest one.",
                       superseded_by=current.superseded_by_id)
    new = _row(current.key, current.version + 1, data, brackets, actor.user_id)
    session.add(new)
    session.flush()
    current.superseded_at = utcnow()
    current.superseded_by_id = new.id
    session.flush()
    audit.record(session, actor, "policy.revise", "reward_policy", new.id,
                 before={"id": current.id, **snapshot(current)}, after=snapshot(new))
    return new


def get_policy(session: Session, policy_id: int) -> RewardPolicy:
    policy = session.get(RewardPolicy, policy_id)
    if policy is None:
        raise NotFound(NOT_FOUND)
    return policy


def list_policies(session: Session, *, include_superseded: bool = False
                  ) -> Sequence[RewardPolicy]:
    query = select(RewardPolicy)
    if not include_superseded:
        query = query.where(RewardPolicy.superseded_at.is_(None))
    return session.execute(query.order_by(RewardPolicy.key, RewardPolicy.version)
                           ).scalars().all()


def versions(session: Session, key: str) -> Sequence[RewardPolicy]:
    rows = session.execute(select(RewardPolicy).where(RewardPolicy.key == key)
                           .order_by(RewardPolicy.version)).scalars().all()
    if not rows:
        raise NotFound(NOT_FOUND)
    return rows


def applies(policy: RewardPolicy, buyer_region: str | None, seller_region: str | None) -> bool:
    """Whether a policy covers a contract between parties in these regions."""
    if policy.region is None:
        return True
    basis = RegionBasis(policy.region_basis)
    buyer, seller = policy.region == buyer_region, policy.region == seller_region
    if basis is RegionBasis.BUYER:
        return buyer
    if basis is RegionBasis.SELLER:
        return seller
    if basis is RegionBasis.BOTH:
        return buyer and seller
    return buyer or seller


def select_policy(session: Session, signed_on: date, seller_region: str | None,
                  buyer_region: str | None = None) -> RewardPolicy | None:
    """The policy version in force for a contract signed on `signed_on` between a buyer and a
    seller in these regions."""
    regions = {r for r in (buyer_region, seller_region) if r}
    scope: list[ColumnElement[bool]] = [RewardPolicy.region.is_(None)]
    if regions:
        scope.append(RewardPolicy.region.in_(sorted(regions)))
    candidates = [p for p in session.execute(
        select(RewardPolicy).where(
            RewardPolicy.superseded_at.is_(None), RewardPolicy.effective_from <= signed_on,
            or_(RewardPolicy.effective_until.is_(None), RewardPolicy.effective_until >= signed_on),
            or_(*scope))).scalars().all() if applies(p, buyer_region, seller_region)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.region is not None, p.effective_from, p.id))
