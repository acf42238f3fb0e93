"""In-app notifications about a challenge, written with the change they announce (the deals'
notification table and kinds). A title names the challenge by number and title only, never a
solver or another solver's proposal: every solver learns the outcome, not who else answered."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.challenges.models import Award, Challenge, Milestone, Proposal
from backend.core.permissions import Role
from backend.deals.notifications import notify, party_user_ids


def _title(challenge: Challenge, text: str) -> str:
    return f"揭榜挂帅 #{challenge.id}：{text}"


def issuer_users(session: Session, challenge: Challenge) -> list[int]:
    """The firm's users, or for the bureau's challenge its administrators."""
    if challenge.issuer_org_id is not None:
        return party_user_ids(session, challenge.issuer_org_id)
    return list(session.execute(select(User.id).where(
        User.role == Role.ADMIN, User.is_active.is_(True)).order_by(User.id)).scalars())


def _orgs_users(session: Session, org_ids: Iterable[int]) -> list[int]:
    return [u for o in dict.fromkeys(org_ids) for u in party_user_ids(session, o)]


def _winner_users(session: Session, milestone: Milestone) -> list[int]:
    org = session.execute(select(Award.winner_org_id).where(Award.id == milestone.award_id)
                          ).scalar_one()
    return party_user_ids(session, org)


def proposal_received(session: Session, challenge: Challenge, proposal: Proposal) -> None:
    notify(session, issuer_users(session, challenge), "challenge.proposal_received",
           _title(challenge, "收到新的揭榜方案 A new proposal arrived"), challenge.title,
           exclude=proposal.submitted_by_id)


def members_invited(session: Session, challenge: Challenge, org_ids: Iterable[int]) -> None:
    notify(session, _orgs_users(session, org_ids), "challenge.member_invited",
           _title(challenge, "贵单位被列为联合体成员，请确认 Your organisation is named on a "
                             "joint team; please answer"), challenge.title)


def decided(session: Session, challenge: Challenge, awards: list[Award]) -> None:
    """Every solver's lead organisation: chosen, not chosen, or nobody chosen."""
    leads = list(session.execute(select(Proposal.lead_org_id).where(
        Proposal.challenge_id == challenge.id).order_by(Proposal.id)).scalars())
    won = {a.winner_org_id for a in awards}
    if not awards:
        notify(session, _orgs_users(session, leads), "challenge.not_awarded",
               _title(challenge, "本榜单不授奖 No proposal was chosen"), challenge.title)
        return
    notify(session, _orgs_users(session, [o for o in leads if o in won]), "challenge.awarded",
           _title(challenge, "贵单位的方案中榜 Your proposal was chosen"), challenge.title)
    notify(session, _orgs_users(session, [o for o in leads if o not in won]),
           "challenge.not_chosen",
           _title(challenge, "贵单位的方案未中榜 Your proposal was not chosen"), challenge.title)


def evidence_submitted(session: Session, challenge: Challenge, milestone: Milestone) -> None:
    notify(session, issuer_users(session, challenge), "challenge.evidence_submitted",
           _title(challenge, f"里程碑“{milestone.title}”已提交成果，请验收 Milestone evidence "
                             "awaits your decision"), challenge.title)


def milestone_decided(session: Session, challenge: Challenge, milestone: Milestone,
                      accepted: bool) -> None:
    text = "已通过验收 was accepted" if accepted else "未通过验收 was rejected"
    notify(session, _winner_users(session, milestone),
           "challenge.milestone_accepted" if accepted else "challenge.milestone_rejected",
           _title(challenge, f"里程碑“{milestone.title}”{text}"), milestone.decision_reason or "")


def milestone_paid(session: Session, challenge: Challenge, milestone: Milestone) -> None:
    notify(session, _winner_users(session, milestone), "challenge.milestone_paid",
           _title(challenge, f"里程碑“{milestone.title}”已付款，请确认收款 A payment was recorded; "
                             "please confirm receiving it"),
           f"{milestone.paid_amount} 元 yuan，{milestone.payment_reference}")


def receipt_answered(session: Session, challenge: Challenge, milestone: Milestone,
                     confirmed: bool) -> None:
    text = "收款已确认 receipt confirmed" if confirmed else "收款有异议 receipt disputed"
    notify(session, issuer_users(session, challenge),
           "challenge.receipt_confirmed" if confirmed else "challenge.receipt_disputed",
           _title(challenge, f"里程碑“{milestone.title}”{text}"), milestone.receipt_reason or "")
