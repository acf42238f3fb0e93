"""An administrator's decision on a flag: dismiss it (with a reason), or confirm fraud — which
claws back the claim's whole reward and lists the broker, and the parties the administrator
found to have colluded, on the dishonesty list for five years from the decision."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerProfile
from backend.audit import service as audit
from backend.core import clock
from backend.core.errors import Conflict, NotFound, PermissionDenied
from backend.core.fetch import one_or_404
from backend.core.types import utcnow
from backend.deals.lookup import contract_for_claim
from backend.integrity import dishonesty
from backend.integrity.context import Severity
from backend.integrity.models import DishonestyListing, FlagStatus, IntegrityFlag
from backend.integrity.schemas import CollusionRole
from backend.rewards.clawbacks import claw_back
from backend.rewards.models import ClawBack, RewardClaim

NOT_FOUND = "未找到该风险提示。No such integrity flag."


def _lock_flag(session: Session, flag_id: int) -> IntegrityFlag:
    flag = one_or_404(session, select(IntegrityFlag).where(IntegrityFlag.id == flag_id)
                      .with_for_update().execution_options(populate_existing=True), NOT_FOUND)
    return flag


def _snapshot(flag: IntegrityFlag) -> dict[str, object]:
    return {"claim_id": flag.claim_id, "rule": flag.rule, "severity": flag.severity,
            "status": flag.status, "review_reason": flag.review_reason,
            "dismissal_requested_by_id": flag.dismissal_requested_by_id,
            "dismissal_reason": flag.dismissal_reason}


def dismiss(session: Session, actor: audit.Actor, flag_id: int, reason: str) -> IntegrityFlag:
    """Dismiss a flag with a reason. A critical flag takes two administrators, as approvals
    do: the first asks (the flag stays open), a different one agrees."""
    flag = _lock_flag(session, flag_id)
    if flag.status != FlagStatus.OPEN:
        raise Conflict(f"该风险提示已处理（{flag.status.value}）。This flag has already been "
                       f"decided ({flag.status.value}).", current_status=flag.status.value)
    if flag.blocking:
        raise Conflict("失信名单上的主体在期满前不得申报，不能排除此提示；如名单有误请撤销该名单条目。"
                       "A party on the dishonesty list may not claim until the listing expires; this flag "
                       "cannot be dismissed. Revoke the listing if it is wrong.",
                       reason="blocking_flag")
    before = _snapshot(flag)
    if flag.severity == Severity.CRITICAL:
        if flag.dismissal_requested_by_id is None:
            flag.dismissal_requested_by_id = actor.user_id
            flag.dismissal_requested_at = utcnow()
            flag.dismissal_reason = reason
            session.flush()
            audit.record(session, actor, "flag.dismiss_request", "integrity_flag", flag.id,
                         before=before, after=_snapshot(flag))
            return flag
        if flag.dismissal_requested_by_id == actor.user_id:
            raise PermissionDenied("严重风险提示须由另一名管理员同意排除（双人复核）。Another "
                                   "administrator must agree to dismiss a critical flag (four "
                                   "eyes).", reason="four_eyes")
    flag.status = FlagStatus.DISMISSED
    flag.reviewed_by_id = actor.user_id
    flag.reviewed_at = utcnow()
    flag.review_reason = reason
    session.flush()
    audit.record(session, actor, "flag.dismiss", "integrity_flag", flag.id, before=before,
                 after=_snapshot(flag))
    return flag


@dataclass(frozen=True)
class Confirmation:
    flag: IntegrityFlag
    claw_back: ClawBack
    listings: list[DishonestyListing]


def _colluders(session: Session, claim: RewardClaim, roles: list[CollusionRole],
               broker_ids: list[int]) -> list[dishonesty.Subject]:
    subjects = dishonesty.broker_subjects(session, claim.broker_id)
    if roles:
        contract = contract_for_claim(session, claim.deal_id)
        orgs = {"buyer": contract.buyer_org_id, "seller": contract.seller_org_id}
        for role in dict.fromkeys(roles):
            if role in orgs:
                subjects.append(dishonesty.org_subject(session, orgs[role], role))
            elif role in ("buyer_legal_representative", "seller_legal_representative"):
                subjects.append(dishonesty.legal_rep_subject(
                    session, orgs[role.split("_")[0]], role))
            else:  # broker_agency
                agency = session.execute(select(BrokerProfile.agency_id).where(
                    BrokerProfile.user_id == claim.broker_id)).scalar_one_or_none()
                if agency is None:
                    raise Conflict("该经纪人没有所属机构。The broker has no agency on record.",
                                   reason="no_agency")
                subjects.append(dishonesty.org_subject(session, agency, role))
    for broker_id in dict.fromkeys(broker_ids):
        if broker_id != claim.broker_id:
            subjects += dishonesty.broker_subjects(session, broker_id, "colluding_broker")
    unique: dict[tuple[str, str], dishonesty.Subject] = {}
    for subject in subjects:
        unique.setdefault((subject.kind.value, subject.key), subject)
    return list(unique.values())


def confirm(session: Session, actor: audit.Actor, flag_id: int, reason: str,
            colluding: list[CollusionRole], colluding_broker_ids: list[int]) -> Confirmation:
    """Confirm fraud on the flag's claim: claw back the whole reward (paid or not) and list the
    broker and the named colluding parties for five years from today."""
    flag = _lock_flag(session, flag_id)
    if flag.status not in (FlagStatus.OPEN, FlagStatus.DISMISSED):
        raise Conflict(f"该风险提示已处理（{flag.status.value}）。This flag has already been "
                       f"decided ({flag.status.value}).", current_status=flag.status.value)
    claim = session.get(RewardClaim, flag.claim_id)
    if claim is None:  # a foreign key makes this impossible
        raise NotFound("未找到该奖补申报。No such reward claim.")
    subjects = _colluders(session, claim, colluding, colluding_broker_ids)
    before = _snapshot(flag)
    clawed = claw_back(session, actor, claim.id, reason, flag.id)
    today = clock.today()
    listings = [dishonesty.list_subject(session, actor, subject, reason=reason, listed_on=today,
                                        claim_id=claim.id, flag_id=flag.id)
                for subject in subjects]
    flag.status = FlagStatus.CONFIRMED
    flag.reviewed_by_id = actor.user_id
    flag.reviewed_at = utcnow()
    flag.review_reason = reason
    session.flush()
    audit.record(session, actor, "flag.confirm", "integrity_flag", flag.id, before=before,
                 after={**_snapshot(flag), "claw_back_id": clawed.id,
                        "listings": [e.id for e in listings]})
    return Confirmation(flag, clawed, listings)
