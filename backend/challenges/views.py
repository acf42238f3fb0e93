"""Shaping challenges, proposals and milestones for the API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import User
from backend.challenges import dossiers, milestones, proposals, review, schemas, selection
from backend.challenges.models import (
    Award,
    Challenge,
    MemberConsent,
    Milestone,
    Proposal,
    ProposalMember,
)
from backend.challenges.rules import closes_at, is_issuer, total
from backend.core import clock
from backend.core.permissions import Role


def challenge_view(session: Session, user: User | None, challenge: Challenge
                   ) -> schemas.ChallengeOut:
    session.flush()
    rows = selection.awards_of(session, challenge)
    names = accounts.organisation_names(session, sorted(
        {a.winner_org_id for a in rows} | ({challenge.issuer_org_id}
                                            if challenge.issuer_org_id is not None else set())))
    awards = [schemas.AwardOut.model_validate(a).model_copy(
        update={"winner_name": names.get(a.winner_org_id, "")}) for a in rows]
    return schemas.ChallengeOut(
        id=challenge.id, issuer_org_id=challenge.issuer_org_id,
        bureau=challenge.issuer_org_id is None, title=challenge.title,
        problem=challenge.problem, indicators=challenge.indicators, prize=challenge.prize,
        top_up=challenge.top_up, total=total(challenge), milestones=challenge.milestones,
        eligibility=challenge.eligibility, review_criteria=challenge.review_criteria,
        deadline=challenge.deadline, proposals_close_at=closes_at(challenge),
        demand_id=challenge.demand_id, status=challenge.status,
        outcome_reason=challenge.outcome_reason, published_at=challenge.published_at,
        closed_at=challenge.closed_at, decided_at=challenge.decided_at,
        ended_at=challenge.ended_at, awards=awards, is_issuer=is_issuer(user, challenge),
        milestone_expert_check=challenge.milestone_expert_check,
        ranking_departure_reason=challenge.ranking_departure_reason
        if is_issuer(user, challenge) or (user is not None and user.role == Role.ADMIN)
        else None,
        issuer_name=names.get(challenge.issuer_org_id)
        if challenge.issuer_org_id is not None else None,
        has_dossier=dossiers.has_dossier(session, user, challenge))


def summary(challenge: Challenge) -> schemas.ChallengeSummary:
    return schemas.ChallengeSummary(
        id=challenge.id, issuer_org_id=challenge.issuer_org_id,
        bureau=challenge.issuer_org_id is None, title=challenge.title, prize=challenge.prize,
        top_up=challenge.top_up, deadline=challenge.deadline, status=challenge.status)


def summaries(session: Session, challenges: Sequence[Challenge]
              ) -> list[schemas.ChallengeSummary]:
    """Summaries with the issuer's and the winners' names (public, unlike proposals)."""
    ids = [c.id for c in challenges]
    winners: dict[int, list[int]] = defaultdict(list)
    if ids:
        for cid, org_id in session.execute(select(Award.challenge_id, Award.winner_org_id)
                                           .where(Award.challenge_id.in_(ids))
                                           .order_by(Award.id)):
            winners[cid].append(org_id)
    names = accounts.organisation_names(session, sorted(
        {o for orgs in winners.values() for o in orgs}
        | {c.issuer_org_id for c in challenges if c.issuer_org_id is not None}))
    return [summary(c).model_copy(update={
        "issuer_name": names.get(c.issuer_org_id) if c.issuer_org_id is not None else None,
        "winner_names": [names.get(o, "") for o in winners[c.id]]}) for c in challenges]


def proposal_view(session: Session, user: User, proposal: Proposal
                  ) -> schemas.ChallengeProposalOut:
    """The team sees every organisation it named and its answer; anyone else (the issuer,
    reviewers, administrators) only the members who agreed to be on it."""
    session.flush()
    rows = {m.org_id: m for m in session.execute(select(ProposalMember).where(
        ProposalMember.proposal_id == proposal.id)).scalars()}
    answers = {o: m.status for o, m in rows.items()}
    team = proposals.on_team(user, proposal, answers)
    shown = [o for o in proposal.member_org_ids
             if o in rows and (team or rows[o].status == MemberConsent.ACCEPTED)]
    challenge = session.get(Challenge, proposal.challenge_id)
    named_lead = team or user.role == Role.ADMIN or (
        challenge is not None and is_issuer(user, challenge))
    names = accounts.organisation_names(session, [*shown, *(
        [proposal.lead_org_id] if named_lead else [])])
    out = schemas.ChallengeProposalOut.model_validate(proposal)
    out.lead_org_name = names.get(proposal.lead_org_id, "") if named_lead else None
    out.member_org_ids = shown
    out.members = [schemas.ProposalMemberOut(org_id=o, org_name=names.get(o, ""),
                                             status=rows[o].status,
                                             answered_at=rows[o].answered_at) for o in shown]
    return out


def invitation_views(session: Session, rows: list[tuple[ProposalMember, Proposal, Challenge]]
                     ) -> list[schemas.InvitationOut]:
    names = accounts.organisation_names(session, sorted({p.lead_org_id for _, p, _ in rows}))
    challenges = {c.id: c for _, _, c in rows}
    named = {s.id: s for s in summaries(session, list(challenges.values()))}
    return [schemas.InvitationOut(challenge=named[c.id], proposal_id=p.id,
                                  lead_org_id=p.lead_org_id,
                                  lead_org_name=names.get(p.lead_org_id, ""), status=m.status,
                                  invited_at=m.invited_at, answered_at=m.answered_at)
            for m, p, c in rows]


def milestone_view(milestone: Milestone) -> schemas.MilestoneOut:
    return schemas.MilestoneOut(
        id=milestone.id, award_id=milestone.award_id, seq=milestone.seq, title=milestone.title,
        indicators=milestone.indicators, due_on=milestone.due_on, amount=milestone.amount,
        status=milestone.status, late=milestones.is_late(milestone, clock.today()),
        evidence=milestone.evidence, evidence_at=milestone.evidence_at,
        decision_reason=milestone.decision_reason, decided_at=milestone.decided_at,
        paid_amount=milestone.paid_amount, paid_on=milestone.paid_on,
        payment_reference=milestone.payment_reference, receipt_status=milestone.receipt_status,
        receipt_reason=milestone.receipt_reason, receipt_at=milestone.receipt_at,
        expert_checked_at=milestone.expert_checked_at,
        expert_check_note=milestone.expert_check_note, expert_verdict=milestone.expert_verdict)


def review_board(session: Session, user: User, challenge: Challenge) -> schemas.ReviewBoardOut:
    session.flush()
    lead_ids = sorted({r.proposal.lead_org_id for r in review.ranking(session, challenge)})
    return review.board(session, user, challenge,
                        accounts.organisation_names(session, lead_ids))
