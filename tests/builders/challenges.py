"""Builders for challenges: a valid body, and a challenge taken to any stage through the
services (so each step is audited as in production)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.service import Actor
from backend.challenges import milestones, proposals, schemas, selection, service
from backend.challenges.models import Challenge, ChallengeStatus, Milestone, Proposal
from backend.core import clock


def actor(user: User) -> Actor:
    return Actor(user.id, user.username)


def challenge_body(prize: str = "1000000.00", deadline: date | None = None, parts: int = 2,
                   **overrides: Any) -> dict[str, Any]:
    """A challenge whose milestones add up to `prize`: by default two (40% and 60%), else
    `parts` equal ones (the last taking the rounding)."""
    deadline = deadline or clock.today() + timedelta(days=30)
    whole = Decimal(prize)
    first = (whole * Decimal("0.4")).quantize(Decimal("0.01"))
    body: dict[str, Any] = {
        "title": "大尺寸基板翘曲控制技术",
        "problem": "封装基板在回流焊后翘曲超标，需要材料与工艺方案。",
        "indicators": [{"name": "翘曲量", "unit": "mm", "comparator": "≤", "threshold": "0.1"}],
        "prize": prize,
        "milestones": [
            {"title": "样品验证", "indicators": [{"name": "翘曲量", "unit": "mm",
                                                   "comparator": "≤", "threshold": "0.2"}],
             "due_on": (deadline + timedelta(days=90)).isoformat(), "amount": str(first)},
            {"title": "小批量验证", "indicators": [],
             "due_on": (deadline + timedelta(days=180)).isoformat(),
             "amount": str(whole - first)},
        ],
        "eligibility": {"regions": [], "org_kinds": [], "joint_teams": True},
        "review_criteria": [{"name": "技术可行性", "weight": 60}, {"name": "团队", "weight": 40}],
        "deadline": deadline.isoformat(),
    }
    if parts != 2:
        each = (whole / parts).quantize(Decimal("0.01"))
        body["milestones"] = [
            {"title": f"第{n}阶段", "indicators": [],
             "due_on": (deadline + timedelta(days=60 * n)).isoformat(),
             "amount": str(each if n < parts else whole - each * (parts - 1))}
            for n in range(1, parts + 1)]
    body.update(overrides)
    return body


def proposal_body(budget: str = "900000.00", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "member_org_ids": [], "approach": "低膨胀树脂体系加分段回流工艺。", "team": "材料学院课题组",
        "indicators": [{"name": "翘曲量", "unit": "mm", "comparator": "≤", "threshold": "0.08"}],
        "plan": [{"title": "样品", "due_on": (clock.today() + timedelta(days=120)).isoformat(),
                  "amount": budget}],
        "budget": budget, "ip_arrangement": "背景知识产权归各自所有，新成果归发榜方。",
    }
    body.update(overrides)
    return body


def make_challenge(db: Session, issuer: User, status: ChallengeStatus = ChallengeStatus.DRAFT,
                   **overrides: Any) -> Challenge:
    challenge = service.create(db, actor(issuer), issuer,
                               schemas.ChallengeIn.model_validate(challenge_body(**overrides)))
    if status != ChallengeStatus.DRAFT:
        service.transition(db, actor(issuer), issuer, challenge, ChallengeStatus.PUBLISHED, None)
    db.flush()
    return challenge


def make_proposal(db: Session, challenge: Challenge, solver: User, **overrides: Any
                  ) -> Proposal:
    return proposals.submit(db, actor(solver), solver, challenge,
                            schemas.ChallengeProposalIn.model_validate(proposal_body(**overrides)))


def pass_deadline(db: Session, challenge: Challenge) -> None:
    """As if the deadline day ended yesterday (Beijing time)."""
    challenge.deadline = clock.today() - timedelta(days=1)
    db.flush()


def award(db: Session, issuer: User, challenge: Challenge, *chosen: Proposal,
          amounts: list[str] | None = None) -> None:
    """From published (with proposals in) to awarded, through close and review."""
    if challenge.status == ChallengeStatus.PUBLISHED:
        service.transition(db, actor(issuer), issuer, challenge, ChallengeStatus.CLOSED, None)
    if challenge.status == ChallengeStatus.CLOSED:
        service.transition(db, actor(issuer), issuer, challenge, ChallengeStatus.UNDER_REVIEW,
                           None)
    whole = challenge.prize + challenge.top_up
    amounts = amounts or [str(whole)]
    selection.select_proposals(db, actor(issuer), issuer, challenge, schemas.SelectionIn(
        awards=[schemas.AwardIn(proposal_id=p.id, amount=Decimal(a), reason="方案最优")
                for p, a in zip(chosen, amounts, strict=True)]))
    db.flush()


def in_delivery(db: Session, issuer: User, winner: User, parts: int = 3
                ) -> tuple[Challenge, Proposal, list[Milestone]]:
    """A challenge awarded whole to `winner`'s proposal and in delivery; its milestones as
    laid out (all pending)."""
    challenge = make_challenge(db, issuer, ChallengeStatus.PUBLISHED, parts=parts)
    proposal = make_proposal(db, challenge, winner)
    award(db, issuer, challenge, proposal)
    service.transition(db, actor(issuer), issuer, challenge, ChallengeStatus.IN_DELIVERY, None)
    db.flush()
    return challenge, proposal, milestones.for_challenge(db, challenge)


def lead_accepts(db: Session, broker: User, deal_id: int) -> None:
    """The broker the solver named accepts leading the award's deal (the deals' invitation)."""
    from backend.deals import brokers
    from backend.deals.access import deal_for

    brokers.answer_invitation(db, actor(broker), deal_for(db, broker, deal_id, lock=True), True)
    db.flush()
