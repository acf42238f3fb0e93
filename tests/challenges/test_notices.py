"""Who is told what about a challenge: the issuer of proposals, evidence and receipts; every
solver of the outcome (without other solvers' content); the winner of decisions and payments;
a named member organisation of its invitation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.challenges import milestones, service
from backend.challenges.models import ChallengeStatus
from backend.core import clock
from backend.deals.models import Notification
from tests.builders import accounts as b
from tests.builders import challenges as c


def _kinds(db: Session, user: User) -> list[str]:
    db.flush()
    return list(db.execute(select(Notification.kind).where(Notification.user_id == user.id)
                           .order_by(Notification.id)).scalars())


def test_proposals_invitations_and_the_outcome(db: Session) -> None:
    issuer = b.make_firm_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    winner, loser, member = b.make_institute_user(db), b.make_institute_user(db), \
        b.make_firm_user(db)
    p1 = c.make_proposal(db, ch, winner)
    c.make_proposal(db, ch, loser, member_org_ids=[member.organisation_id])
    assert _kinds(db, issuer) == ["challenge.proposal_received"] * 2
    assert _kinds(db, member) == ["challenge.member_invited"]
    c.award(db, issuer, ch, p1)
    assert _kinds(db, winner) == ["challenge.awarded"]
    assert _kinds(db, loser) == ["challenge.not_chosen"]
    db.flush()
    body = db.execute(select(Notification.title, Notification.body).where(
        Notification.user_id == loser.id)).one()
    assert str(p1.id) not in body.body and ch.title == body.body


def test_nobody_chosen_is_told_to_every_solver(db: Session) -> None:
    issuer = b.make_firm_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    solvers = [b.make_institute_user(db) for _ in range(2)]
    for s in solvers:
        c.make_proposal(db, ch, s)
    for to in (ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW):
        service.transition(db, c.actor(issuer), issuer, ch, to, None)
    from backend.challenges import schemas, selection
    selection.select_proposals(db, c.actor(issuer), issuer, ch,
                               schemas.SelectionIn(awards=[], reason="均未达到指标"))
    for s in solvers:
        assert _kinds(db, s) == ["challenge.not_awarded"]


def test_delivery_notices_go_to_the_issuer_and_the_winner(db: Session) -> None:
    issuer, winner = b.make_firm_user(db), b.make_institute_user(db)
    ch, _, (m1, *_rest) = c.in_delivery(db, issuer, winner)
    before_issuer, before_winner = len(_kinds(db, issuer)), len(_kinds(db, winner))
    milestones.record_evidence(db, c.actor(winner), winner, ch, m1.id, "样品测试报告")
    milestones.record_decision(db, c.actor(issuer), issuer, ch, m1.id, False, "数据不全")
    milestones.record_evidence(db, c.actor(winner), winner, ch, m1.id, "补充数据")
    milestones.record_decision(db, c.actor(issuer), issuer, ch, m1.id, True, None)
    milestones.record_payment(db, c.actor(issuer), issuer, ch, m1.id, clock.today(), "BANK-1")
    milestones.record_receipt(db, c.actor(winner), winner, ch, m1.id, False, "未到账")
    milestones.record_payment(db, c.actor(issuer), issuer, ch, m1.id, clock.today(), "BANK-2")
    milestones.record_receipt(db, c.actor(winner), winner, ch, m1.id, True, None)
    assert _kinds(db, issuer)[before_issuer:] == [
        "challenge.evidence_submitted", "challenge.evidence_submitted",
        "challenge.receipt_disputed", "challenge.receipt_confirmed"]
    assert _kinds(db, winner)[before_winner:] == [
        "challenge.milestone_rejected", "challenge.milestone_accepted",
        "challenge.milestone_paid", "challenge.milestone_paid"]
