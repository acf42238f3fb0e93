"""The issuer's choice: one proposal, several (a split award whose amounts add up to the
prize plus top-up), or none with the reason. Each choice carries its reason, so a departure
from the expert reviewers' ranking is on record: when the panel reviewed (`review.py`), every
review must be in, and a choice that is not the ranking's top proposals needs its own reason.

An award lays out its milestones from the challenge's plan, scaled to its part of the prize,
and opens a deal in the broker pipeline (`deal.py`: a firm's challenge; the bureau's open none).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import User
from backend.audit import service as audit
from backend.challenges import deal as challenge_deal
from backend.challenges import milestones, notices, proposals, review, schemas
from backend.challenges.models import Award, Challenge, ChallengeStatus, Milestone, Proposal
from backend.challenges.rules import require_issuer, total
from backend.core.errors import Conflict, InvalidInput
from backend.core.types import utcnow


def select_proposals(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
                     data: schemas.SelectionIn) -> list[Award]:
    require_issuer(user, challenge)
    if challenge.status != ChallengeStatus.UNDER_REVIEW:
        raise Conflict(f"只有评审中的榜单可以评选（当前：{challenge.status.value}）。Only a "
                       f"challenge under review can be decided ({challenge.status.value}).",
                       current_status=challenge.status.value)
    now = utcnow()
    top = review.departure(session, challenge, [a.proposal_id for a in data.awards])
    if top is not None and data.awards and not data.departure_reason:
        raise InvalidInput("departure_reason", f"评选结果与专家评审排序（前列：{top}）不一致，须说明理由。"
                                               f"The choice departs from the reviewers' ranking "
                                               f"(top: {top}); give the reason.")
    if top is not None and data.awards:
        challenge.ranking_departure_reason = data.departure_reason
    if not data.awards:
        challenge.status = ChallengeStatus.NOT_AWARDED
        challenge.outcome_reason = data.reason
        challenge.decided_at = challenge.ended_at = now
        session.flush()
        audit.record(session, actor, "challenge.not_awarded", "challenge", challenge.id,
                     before={"status": ChallengeStatus.UNDER_REVIEW},
                     after={"status": challenge.status, "reason": data.reason})
        notices.decided(session, challenge, [])
        return []
    if challenge.milestone_expert_check and not review.active_seats(session, challenge):
        raise Conflict("该榜单要求评审专家确认里程碑成果，授奖前须先申请专家评审；否则无人能确认，里程碑"
                       "无法验收。This challenge needs a seated reviewer to check each milestone's "
                       "evidence: ask for the expert review before the award, or no milestone "
                       "could ever be accepted.", reason="review_panel_required")
    whole = total(challenge)
    chosen = sum((a.amount for a in data.awards), whole * 0)
    if chosen != whole:
        raise InvalidInput("awards", f"授奖金额合计{chosen}元，须等于榜额加悬赏{whole}元。The awards "
                                     f"add up to {chosen} yuan; they must add up to the prize plus "
                                     f"top-up, {whole} yuan.")
    ids = [a.proposal_id for a in data.awards]
    found = {p.id: p for p in session.execute(select(Proposal).where(
        Proposal.id.in_(ids), Proposal.challenge_id == challenge.id)).scalars()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput("awards", f"方案{missing}不属于该榜单。Proposals {missing} are not on "
                                     "this challenge.")
    for choice in data.awards:
        _check_selectable(session, challenge, found[choice.proposal_id])
    awards = []
    for choice in data.awards:
        proposal = found[choice.proposal_id]
        award = Award(challenge_id=challenge.id, proposal_id=proposal.id,
                      winner_org_id=proposal.lead_org_id, amount=choice.amount,
                      reason=choice.reason, decided_by_id=user.id, decided_at=now)
        session.add(award)
        session.flush()
        amounts = milestones.split(challenge.milestones, choice.amount, whole)
        for seq, (plan, amount) in enumerate(zip(challenge.milestones, amounts, strict=True),
                                             start=1):
            session.add(Milestone(challenge_id=challenge.id, award_id=award.id, seq=seq,
                                  title=plan["title"], indicators=plan["indicators"],
                                  due_on=date.fromisoformat(plan["due_on"]),
                                  amount=amount))
        awards.append(award)
        challenge_deal.open_for_award(session, actor, user, challenge, award, proposal)
    challenge.status = ChallengeStatus.AWARDED
    challenge.outcome_reason = data.reason
    challenge.decided_at = now
    session.flush()
    audit.record(session, actor, "challenge.award", "challenge", challenge.id,
                 before={"status": ChallengeStatus.UNDER_REVIEW},
                 after={"status": challenge.status, "reason": data.reason,
                        "ranking_top": top, "departure_reason":
                            challenge.ranking_departure_reason,
                        "awards": [{"proposal_id": a.proposal_id, "winner_org_id":
                                    a.winner_org_id, "amount": a.amount, "reason": a.reason}
                                   for a in awards]})
    notices.decided(session, challenge, awards)
    return awards


def _check_selectable(session: Session, challenge: Challenge, proposal: Proposal) -> None:
    """Every named member organisation agreed to be on the team, and nobody on it is related
    to the issuer as the links stand now (a relation recorded after submission counts)."""
    waiting = proposals.unconsented(session, proposal)
    if waiting:
        names = accounts.organisation_names(session, waiting)
        listed = "、".join(names.get(o, str(o)) for o in waiting)
        raise Conflict(f"方案{proposal.id}的联合体成员（{listed}）尚未同意加入，不能选定。Proposal "
                       f"{proposal.id} cannot be chosen: its member organisations {listed} "
                       f"have not agreed to be on the team.", proposal_id=proposal.id,
                       unconsented_org_ids=waiting)
    found = proposals.related_problem(session, challenge, proposal.lead_org_id,
                                      list(proposal.member_org_ids))
    if found is not None:
        raise Conflict(f"方案{proposal.id}不能选定：{found[1]}Proposal {proposal.id} cannot be "
                       f"chosen.", proposal_id=proposal.id)


def awards_of(session: Session, challenge: Challenge) -> list[Award]:
    return list(session.execute(select(Award).where(Award.challenge_id == challenge.id)
                                .order_by(Award.id)).scalars())
