"""The demo market: its logins work, seeding is idempotent, and production refuses it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.deals.models import Deal, Stage
from backend.demo.data import seed
from backend.demo.rewards import DEALS
from backend.experts.models import (
    AssignmentStatus,
    ExpertKind,
    PocRequest,
    PocStatus,
    ReviewAssignment,
)
from backend.intake.models import (
    DemandDraft,
    Dossier,
    DraftStatus,
    HelpRequest,
    HelpStatus,
    TrainingRecord,
    Visit,
)


def test_demo_logins_work_and_seeding_twice_adds_nothing(client: TestClient, db: Session) -> None:
    logins = seed()
    assert {x.role for x in logins} == {"admin", "firm", "institute", "broker", "expert", "investor"}
    again = seed()
    assert [x.username for x in again] == [x.username for x in logins]
    for login in logins:
        r = client.post("/api/v1/auth/token",
                        data={"username": login.username, "password": login.password})
        assert r.status_code == 200, login.username
        if login.role == "broker":  # the agency's members, not applicants
            me = client.get("/api/v1/auth/me", headers={
                "Authorization": f"Bearer {r.json()['access_token']}"}).json()
            assert me["organisation"] is not None and me["join_request"] is None
            assert me["broker"]["agency_id"] == me["organisation"]["id"]
    assert audit.verify(db).ok
    # The demo's fully paid deals, confirmed by their parties, are the landing's "completed".
    paid = db.execute(select(func.count(Deal.id)).where(
        Deal.stage.in_([Stage.PAID, Stage.CLOSED]))).scalar_one()
    assert paid >= len(DEALS)
    assert client.get("/api/v1/market/figures").json()["completed"] == paid


def test_the_demo_shows_help_requests_a_visit_dossiers_and_training(db: Session) -> None:
    seed()
    statuses = db.execute(select(HelpRequest.status, HelpRequest.confidential,
                                 HelpRequest.escalated_at.is_not(None))
                          .order_by(HelpRequest.id)).all()
    assert [tuple(r) for r in statuses] == [(HelpStatus.ACCEPTED, False, False),
                                            (HelpStatus.OPEN, True, False),
                                            (HelpStatus.OPEN, False, True)]
    assert db.execute(select(func.count()).select_from(Visit)).scalar_one() == 1
    assert db.execute(select(DemandDraft.status)).scalars().all() == [DraftStatus.SUBMITTED]
    assert db.execute(select(func.count()).select_from(Dossier)).scalar_one() == 2
    assert db.execute(select(func.count()).select_from(TrainingRecord)).scalar_one() == 4
    assert audit.verify(db).ok


def test_the_demo_has_a_proof_of_concept_review_under_way(db: Session) -> None:
    seed()
    [request] = db.execute(select(PocRequest)).scalars().all()
    assert request.status == PocStatus.REVIEWING
    seats = db.execute(select(ReviewAssignment.kind, ReviewAssignment.status)
                       .order_by(ReviewAssignment.id)).all()
    assert [tuple(r) for r in seats] == [
        (ExpertKind.SCIENTIST, AssignmentStatus.ACCEPTED),
        (ExpertKind.ENTREPRENEUR, AssignmentStatus.INVITED),
        (ExpertKind.INVESTOR, AssignmentStatus.INVITED)]
    assert audit.verify(db).ok


def test_seed_demo_refuses_to_run_in_production(db: Session, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    from typer.testing import CliRunner

    from backend.cli import app
    from backend.config import get_settings

    monkeypatch.setattr(get_settings(), "environment", "production")
    result = CliRunner().invoke(app, ["seed-demo"])
    assert result.exit_code == 2
    assert "Refusing to load the demo market in production" in result.output
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_the_demo_shows_the_challenge_features(db: Session) -> None:
    """An open challenge with two joint teams (one member's invitation pending, one accepted);
    one in delivery whose first milestone is paid as a confirmed payment on its deal's
    registered contract; one under review with its panel seated; the bureau's own."""
    from backend.challenges import milestones
    from backend.challenges.models import (
        Award,
        Challenge,
        ChallengeStatus,
        MemberConsent,
        Proposal,
        ProposalMember,
        ReviewSeat,
    )
    from backend.deals.ledger import confirmed_received
    from backend.deals.models import Contract, EvidenceStatus, Payment

    seed()
    rows = db.execute(select(Challenge).order_by(Challenge.id)).scalars().all()
    assert [c.status for c in rows] == [ChallengeStatus.PUBLISHED, ChallengeStatus.IN_DELIVERY,
                                        ChallengeStatus.UNDER_REVIEW, ChallengeStatus.PUBLISHED]
    assert [c.issuer_org_id is None for c in rows] == [False, False, False, True]
    assert db.execute(select(func.count()).select_from(Proposal)
                      .where(Proposal.challenge_id == rows[0].id)).scalar_one() == 2
    consents = db.execute(select(ProposalMember.status).join(
        Proposal, Proposal.id == ProposalMember.proposal_id).where(
        Proposal.challenge_id == rows[0].id).order_by(ProposalMember.id)).scalars().all()
    assert consents == [MemberConsent.INVITED, MemberConsent.ACCEPTED]
    paid = milestones.for_challenge(db, rows[1])
    assert milestones.confirmed_total(paid) == paid[0].amount > 0
    award = db.execute(select(Award).where(Award.challenge_id == rows[1].id)).scalar_one()
    deal = db.get_one(Deal, award.deal_id)
    assert deal.stage == Stage.REGISTERED
    contract = db.execute(select(Contract).where(Contract.deal_id == deal.id)).scalar_one()
    assert contract.evidence_status == EvidenceStatus.CONFIRMED
    [payment] = db.execute(select(Payment).where(Payment.contract_id == contract.id)).scalars()
    assert payment.challenge_milestone_id == paid[0].id
    assert confirmed_received(db, contract.id) == paid[0].amount
    assert db.execute(select(func.count()).select_from(ReviewSeat)
                      .where(ReviewSeat.challenge_id == rows[2].id)).scalar_one() == 2
    assert audit.verify(db).ok


def test_the_demo_investor_has_a_mandate_requests_to_see_and_a_roadshow(db: Session) -> None:
    """investor1's feed is not empty: a mandate, two published requests, a term sheet the
    institute has not confirmed yet (so it counts nowhere), a roadshow it registered for."""
    from backend.capital import stats
    from backend.capital.models import (
        FinancingRequest,
        FinancingStatus,
        Interest,
        OutcomeConfirmation,
        Presentation,
        PresentationConsent,
        RoadshowInvestor,
    )

    seed()
    statuses = db.execute(select(FinancingRequest.status)).scalars().all()
    assert statuses == [FinancingStatus.PUBLISHED, FinancingStatus.PUBLISHED]
    [interest] = db.execute(select(Interest)).scalars().all()
    assert interest.confirmation == OutcomeConfirmation.PENDING and interest.amount > 0
    consents = db.execute(select(Presentation.consent).order_by(Presentation.request_id))
    assert consents.scalars().all() == [PresentationConsent.ACCEPTED, PresentationConsent.INVITED]
    assert db.execute(select(RoadshowInvestor.registered_at)).scalar_one() is not None
    assert stats.public_totals(db).committed == 0
    assert audit.verify(db).ok
