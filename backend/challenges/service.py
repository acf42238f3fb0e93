"""Challenges: who issues them, who sees them, and the lifecycle.

draft → published → closed → under_review → awarded | not_awarded;
awarded → in_delivery → accepted | failed | terminated.

The issuer of a firm's challenge is that firm (any of its members); of a bureau challenge,
the administrators. Administrators see every challenge (and add the bureau's top-up to a
draft) but do not act for a firm. A published challenge closes by itself at the end of its
deadline day (Beijing time): whoever reads or acts on it next finds it closed, its proposals
frozen (`proposals.freeze_all`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import OrgKind, User, VerificationStatus
from backend.audit import service as audit
from backend.capital.schemas import MONEY_CEILING
from backend.challenges import deal as challenge_deal
from backend.challenges import milestones, proposals, schemas
from backend.challenges.models import Challenge, ChallengeStatus, MilestoneStatus
from backend.challenges.rules import NOT_FOUND, closes_at, may_see, require_issuer, total
from backend.core import clock, paging
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.listings import lookup as listings

S = ChallengeStatus
# What the issuer may move a challenge to by hand; awarding has its own call (selection).
TRANSITIONS: dict[ChallengeStatus, frozenset[ChallengeStatus]] = {
    S.DRAFT: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.UNDER_REVIEW}),
    S.UNDER_REVIEW: frozenset(),           # → awarded / not_awarded by the selection
    S.AWARDED: frozenset({S.IN_DELIVERY}),
    S.NOT_AWARDED: frozenset(),
    S.IN_DELIVERY: frozenset({S.ACCEPTED, S.FAILED, S.TERMINATED}),
    S.ACCEPTED: frozenset(),
    S.FAILED: frozenset(),
    S.TERMINATED: frozenset(),
}
NEEDS_REASON = frozenset({S.FAILED, S.TERMINATED})
ENDED = frozenset({S.NOT_AWARDED, S.ACCEPTED, S.FAILED, S.TERMINATED})


def snapshot(challenge: Challenge) -> dict[str, Any]:
    return {"title": challenge.title, "issuer_org_id": challenge.issuer_org_id,
            "prize": challenge.prize, "top_up": challenge.top_up,
            "deadline": challenge.deadline, "demand_id": challenge.demand_id,
            "status": challenge.status, "indicators": challenge.indicators,
            "milestones": challenge.milestones, "eligibility": challenge.eligibility,
            "review_criteria": challenge.review_criteria}


# --- reading --------------------------------------------------------------------------------

def _load(session: Session, challenge_id: int, lock: bool) -> Challenge | None:
    query = select(Challenge).where(Challenge.id == challenge_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def challenge_for(session: Session, user: User | None, challenge_id: int, *,
                  lock: bool = False) -> Challenge:
    """The challenge as `user` may see it (404 otherwise), closed first if its deadline
    passed."""
    challenge = _load(session, challenge_id, lock)
    if challenge is None or not may_see(user, challenge):
        raise NotFound(NOT_FOUND)
    close_if_due(session, challenge)
    return challenge


def close_if_due(session: Session, challenge: Challenge) -> bool:
    if challenge.status != S.PUBLISHED or utcnow() < closes_at(challenge):
        return False
    _close(session, audit.SYSTEM, challenge, automatic=True)
    return True


def list_visible(session: Session, user: User | None, status: ChallengeStatus | None,
                 page: int, page_size: int) -> tuple[list[Challenge], int]:
    """Published and past challenges for everyone; drafts to their issuer (and
    administrators)."""
    due = session.execute(select(Challenge).where(Challenge.status == S.PUBLISHED,
                                                  Challenge.deadline < clock.today())
                          ).scalars().all()
    for challenge in due:
        close_if_due(session, challenge)
    session.flush()
    seen = Challenge.status != S.DRAFT
    if user is not None and user.role == Role.ADMIN:
        seen = Challenge.id.is_not(None)
    elif user is not None and user.role == Role.FIRM and user.organisation_id is not None:
        seen = or_(seen, Challenge.issuer_org_id == user.organisation_id)
    query = select(Challenge).where(seen)
    if status is not None:
        query = query.where(Challenge.status == status)
    rows, total_rows = paging.page_of(session, query.order_by(Challenge.id.desc()), page,
                                      page_size)
    return list(rows), total_rows


# --- writing --------------------------------------------------------------------------------

def _issuer_org(session: Session, user: User) -> int | None:
    """The issuing organisation for a new challenge: the user's verified firm, or None for an
    administrator (the bureau)."""
    if user.role == Role.ADMIN:
        return None
    if user.role != Role.FIRM or user.organisation_id is None:
        raise PermissionDenied("只有已认证的企业或科技主管部门可以发榜。Only a verified firm or "
                               "the bureau may issue a challenge.")
    org = accounts.get_organisation(session, user.organisation_id)
    if org.kind != OrgKind.FIRM or org.verification_status != VerificationStatus.VERIFIED:
        raise PermissionDenied("只有已认证的企业或科技主管部门可以发榜。Only a verified firm or "
                               "the bureau may issue a challenge.")
    return org.id


def _check_demand(session: Session, issuer_org_id: int | None, demand_id: int | None) -> None:
    if demand_id is None:
        return
    try:
        demand = listings.demand_brief(session, demand_id)
    except NotFound:
        demand = None
    if demand is None or issuer_org_id is None or demand.organisation_id != issuer_org_id:
        raise InvalidInput("demand_id", "关联的技术需求须为发榜方自己的需求。The linked demand "
                                        "must be one of the issuer's own.")


def _apply(challenge: Challenge, data: schemas.ChallengeIn) -> None:
    challenge.title = data.title
    challenge.problem = data.problem
    challenge.indicators = [i.model_dump(mode="json") for i in data.indicators]
    challenge.prize = data.prize
    challenge.milestones = [m.model_dump(mode="json") for m in data.milestones]
    challenge.eligibility = data.eligibility.model_dump(mode="json")
    challenge.review_criteria = [c.model_dump(mode="json") for c in data.review_criteria]
    challenge.deadline = data.deadline
    challenge.demand_id = data.demand_id
    challenge.milestone_expert_check = data.milestone_expert_check


def create(session: Session, actor: audit.Actor, user: User,
           data: schemas.ChallengeIn) -> Challenge:
    issuer_org_id = _issuer_org(session, user)
    _check_demand(session, issuer_org_id, data.demand_id)
    challenge = Challenge(issuer_org_id=issuer_org_id, created_by_id=user.id,
                          top_up=Decimal("0.00"), status=S.DRAFT)
    _apply(challenge, data)
    session.add(challenge)
    session.flush()
    audit.record(session, actor, "challenge.create", "challenge", challenge.id,
                 after=snapshot(challenge))
    return challenge


def update(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
           data: schemas.ChallengeIn) -> None:
    require_issuer(user, challenge)
    if challenge.status != S.DRAFT:
        raise Conflict(f"榜单发布后不能再修改（{challenge.status.value}）。A challenge can be "
                       f"changed only as a draft ({challenge.status.value}).",
                       current_status=challenge.status.value)
    _check_demand(session, challenge.issuer_org_id, data.demand_id)
    before = snapshot(challenge)
    _apply(challenge, data)
    session.flush()
    audit.record(session, actor, "challenge.update", "challenge", challenge.id, before=before,
                 after=snapshot(challenge))


def set_top_up(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
               top_up: Decimal) -> None:
    """The bureau's top-up (悬赏) to a draft; the issuer then fits the milestone plan to the
    new total before publishing."""
    if user.role != Role.ADMIN:
        raise PermissionDenied("只有科技主管部门可以追加悬赏。Only the bureau adds a top-up.")
    if challenge.status != S.DRAFT:
        raise Conflict("只能为未发布的榜单追加悬赏。A top-up is added to a draft challenge only.",
                       current_status=challenge.status.value)
    _check_ceiling("top_up", challenge.prize + top_up)
    before = challenge.top_up
    challenge.top_up = top_up
    session.flush()
    audit.record(session, actor, "challenge.top_up", "challenge", challenge.id,
                 before={"top_up": before}, after={"top_up": top_up, "total": total(challenge)})


def _check_ceiling(field: str, whole: Decimal) -> None:
    if whole > MONEY_CEILING:
        raise InvalidInput(field, f"榜额加悬赏合计{whole}元，超过上限{MONEY_CEILING}元。The prize "
                                  f"plus top-up come to {whole} yuan, above the ceiling of "
                                  f"{MONEY_CEILING} yuan.")


def _check_publishable(challenge: Challenge) -> None:
    _check_ceiling("prize", total(challenge))
    planned = sum((Decimal(m["amount"]) for m in challenge.milestones), Decimal(0))
    if planned != total(challenge):
        raise InvalidInput("milestones", f"里程碑金额合计{planned}元，须等于榜额加悬赏"
                           f"{total(challenge)}元。The milestones add up to {planned} yuan; they "
                           f"must add up to the prize plus top-up, {total(challenge)} yuan.")
    if challenge.deadline <= clock.today():
        raise InvalidInput("deadline", f"揭榜截止日{challenge.deadline}须晚于今天"
                           f"（{clock.today()}）。The proposal deadline {challenge.deadline} must "
                           f"be after today ({clock.today()}).")


def _close(session: Session, actor: audit.Actor, challenge: Challenge, *,
           automatic: bool) -> None:
    challenge.status = S.CLOSED
    challenge.closed_at = utcnow()
    session.flush()
    audit.record(session, actor, "challenge.close", "challenge", challenge.id,
                 before={"status": S.PUBLISHED},
                 after={"status": S.CLOSED, "automatic": automatic})
    proposals.freeze_all(session, actor, challenge)


def transition(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
               to: ChallengeStatus, reason: str | None) -> None:
    require_issuer(user, challenge)
    current = challenge.status
    if to not in TRANSITIONS[current]:
        hint = ("；授奖或不授奖请使用评选。Award (or award none) through the selection."
                if to in (S.AWARDED, S.NOT_AWARDED) else "")
        raise Conflict(f"榜单不能从“{current.value}”转为“{to.value}”{hint}。A challenge cannot "
                       f"go from {current.value} to {to.value}.", current_status=current.value)
    if to in NEEDS_REASON and not reason:
        raise InvalidInput("reason", "须说明理由。A reason is required.")
    if to == S.PUBLISHED:
        _check_publishable(challenge)
        challenge.published_at = utcnow()
    if to == S.CLOSED:
        _close(session, actor, challenge, automatic=False)
        return
    if to == S.ACCEPTED:
        milestones.check_all_paid(session, challenge)
    if to in (S.FAILED, S.TERMINATED):
        _check_no_unanswered_payment(session, challenge)
    challenge.status = to
    if to in ENDED:
        challenge.ended_at = utcnow()
        challenge.outcome_reason = reason
    session.flush()
    audit.record(session, actor, "challenge.transition", "challenge", challenge.id,
                 before={"status": current}, after={"status": to, "reason": reason})
    if to in (S.FAILED, S.TERMINATED):
        challenge_deal.end_for_challenge(session, actor, challenge, reason)


def _check_no_unanswered_payment(session: Session, challenge: Challenge) -> None:
    """A recorded payment waits for the winner's word (confirm or dispute), which an ended
    challenge no longer takes: the issuer could record a payment and end the challenge at once,
    leaving a “paid” milestone its winner can never dispute. It ends once every one is
    answered."""
    waiting = [m for m in milestones.for_challenge(session, challenge)
               if m.status == MilestoneStatus.PAID and m.receipt_status is None]
    if waiting:
        titles = "、".join(f"“{m.title}”" for m in waiting)
        raise Conflict(f"里程碑{titles}的付款尚待中榜方确认收款或提出异议，榜单暂不能结束。"
                       f"{len(waiting)} recorded payment(s) still wait for the winner to confirm "
                       "receiving them or dispute them; the challenge cannot end before that.",
                       current_status=challenge.status.value,
                       milestone_ids=[m.id for m in waiting])


def aimed_at_demands(session: Session, demand_ids: list[int]
                     ) -> list[tuple[int, int, str, ChallengeStatus]]:
    """(challenge id, demand id, title, status) of the challenges past their draft aimed at
    these demands, oldest first: the industry-chain map's gaps and quarterly report."""
    if not demand_ids:
        return []
    rows = session.execute(select(Challenge.id, Challenge.demand_id, Challenge.title,
                                  Challenge.status).where(
        Challenge.demand_id.in_(demand_ids), Challenge.status != ChallengeStatus.DRAFT)
        .order_by(Challenge.id))
    return [(cid, did, title, status) for cid, did, title, status in rows if did is not None]
