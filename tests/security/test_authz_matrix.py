"""The authorisation matrix: every route × every kind of caller × own and others' objects.

The rules are in `tests/security/authz_rules.py` (which the README's permission tables are
rendered from, by `scripts/permission_tables.py`). The routes come from the application's
route table, so a route added without a rule there fails `test_every_route_has_a_rule` — add
a `Case` to RULES (or, for a domain still being built, its key to PENDING with a TODO) in the
same change.

Two symmetric sets of parties are built. Each has a firm, an institute and a lead broker with
their listings and a deal at every stage the routes need. The callers are: a visitor (not
logged in), the own set's firm, institute and broker, the other set's firm ("other firm") and
broker ("other broker"), and an administrator. Every case is sent by every caller, against
the own set's object and against the other set's, each request inside a savepoint rolled
back afterwards, so the world is the same for all.

Rules name the expected answer by the caller's relation to the object (see authz_rules).
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import membership
from backend.accounts.models import (
    BrokerLevel,
    Organisation,
    OrgKind,
    User,
    VerificationStatus,
)
from backend.audit import checkpoint
from backend.audit.service import Actor
from backend.capital import dossiers as capital_dossiers
from backend.capital import roadshows
from backend.capital import schemas as capital_schemas
from backend.capital import service as capital
from backend.capital.models import RoadshowStatus
from backend.challenges import dossiers as challenge_dossiers
from backend.challenges import files as challenge_files
from backend.challenges import milestones
from backend.challenges import service as challenge_service
from backend.challenges.models import ChallengeStatus, ReviewSeat, ReviewSeatStatus
from backend.config import get_settings
from backend.core import jobs
from backend.core.clock import today
from backend.core.permissions import Role
from backend.deals import brokers, files, opening, pipeline
from backend.deals.models import Notification, Stage
from backend.deals.storage import file_store
from backend.experts import conflicts as expert_conflicts
from backend.experts import dossier as expert_dossier
from backend.experts import poc
from backend.experts import pool as expert_pool
from backend.experts.models import (
    AssignmentStatus,
    DossierCategory,
    ExpertKind,
    ExpertProfile,
    PocRequest,
    PocStatus,
    Recommendation,
    ReviewAssignment,
)
from backend.experts.schemas import ExpertInvitationIn, ManualConflictIn
from backend.intake import dossiers, visits
from backend.intake import schemas as intake_schemas
from backend.intake.access import request_for
from backend.intake.models import GradeProposal
from backend.integrity import dishonesty
from backend.listings import imports
from backend.listings.models import AchievementStatus, DemandStatus
from backend.rewards import clawbacks, payouts, recompute, review
from backend.rewards.models import RewardClaim
from tests.builders import accounts as b
from tests.builders import capital as capb
from tests.builders import chains as chainb
from tests.builders import challenges as cb
from tests.builders import deals as d
from tests.builders import experts as ex
from tests.builders import intake as ib
from tests.builders import listings as lb
from tests.builders import rewards as r
from tests.security.authz_rules import (
    BASE_RELATIONS,
    NOT_API,
    OK,
    PDF,
    PENDING,
    RULES,
    TARGETS,
    Case,
    Expected,
    Obj,
    PartySet,
    World,
    import_csv,
)

CALLERS = ("anon", "firm", "other_firm", "institute", "broker", "other_broker", "expert",
           "other_expert", "admin", "investor", "other_investor")


# --- the world --------------------------------------------------------------------------------

def _deal_world(db: Session, s: PartySet, stage: Stage) -> d.World:
    demand = d.make_demand(db, s.firm)
    achievement = d.make_achievement(db, s.institute)
    broker = d.with_profile(db, s.broker)
    deal = opening.open_deal(db, d.actor(broker), broker, demand.id, achievement.id)
    w = d.World(s.firm, s.institute, broker, demand, achievement, deal)
    if stage == Stage.INTRODUCED:
        return w
    d.accept_both(db, w)
    d.move(db, w, Stage.NEGOTIATING)
    if stage == Stage.NEGOTIATING:
        return w
    d.record_contract(db, w)
    d.move(db, w, Stage.SIGNED)
    if stage == Stage.SIGNED:
        return w
    d.register(db, w)
    return w


def _deal_obj(w: d.World, *brokers_: User, invitees: tuple[User, ...] = (),
              cobrokers: tuple[User, ...] = ()) -> Obj:
    return Obj(w.deal.id, orgs=frozenset({w.deal.demand_org_id, w.deal.achievement_org_id}),
               users=frozenset({w.lead.id, *(x.id for x in brokers_)}),
               invitees=frozenset(x.id for x in invitees),
               cobrokers=frozenset(x.id for x in cobrokers))


def _build(db: Session, s: PartySet, invitee: User) -> None:
    firm_org, inst_org = s.firm.organisation_id, s.institute.organisation_id
    assert firm_org is not None and inst_org is not None
    f, i = frozenset({firm_org}), frozenset({inst_org})
    o = s.objects
    o["demand"] = Obj(lb.make_demand(db, s.firm).id, orgs=f)
    o["demand_draft"] = Obj(lb.make_demand(db, s.firm, status=DemandStatus.DRAFT).id, orgs=f)
    o["demand_hidden"] = Obj(lb.make_demand(db, s.firm, hidden=True).id, orgs=f)
    assigned = lb.make_demand(db, s.firm)
    lb.assign(db, assigned, s.spare)
    o["demand_assigned"] = Obj(assigned.id, orgs=f)
    o["achievement"] = Obj(lb.make_achievement(db, s.institute).id, orgs=i)
    o["achievement_draft"] = Obj(lb.make_achievement(
        db, s.institute, status=AchievementStatus.DRAFT).id, orgs=i)
    o["achievement_hidden"] = Obj(lb.make_achievement(db, s.institute, hidden=True).id, orgs=i)
    o["firm_org"] = Obj(firm_org, orgs=f)
    o["inst_org"] = Obj(inst_org, orgs=i)
    firm = db.get(Organisation, firm_org)
    assert firm is not None
    applicant = b.make_user(db, Role.FIRM)
    request = membership.join(db, d.actor(applicant), applicant, membership.Target(firm, None))
    assert request is not None
    o["join_request"] = Obj(request.id, orgs=f)
    invitation, _ = membership.create_invitation(db, d.actor(s.firm), firm)
    o["invitation"] = Obj(invitation.id, orgs=f)
    # A deal on an anonymous demand: a request to the firm, unseen by the institute.
    anonymous = d.make_demand(db, s.firm, anonymous=True)
    offered = d.make_achievement(db, s.institute)
    lead = d.with_profile(db, s.broker)
    requested = opening.open_deal(db, d.actor(lead), lead, anonymous.id, offered.id)
    o["deal_request"] = _deal_obj(d.World(s.firm, s.institute, lead, anonymous, offered,
                                          requested))
    o["broker_profile"] = Obj(s.broker.id, users=frozenset({s.broker.id}))
    upload = imports.submit(db, Actor(s.institute.id, s.institute.username), s.institute,
                            import_csv(None, s)[1], "成果.csv", False)  # type: ignore[arg-type]
    jobs.take(db)  # left queued: the world's session sends nothing
    o["import"] = Obj(upload.id, users=frozenset({s.institute.id}))  # its uploader only
    s.extra["firm_credit_code"] = firm.credit_code

    intro = _deal_world(db, s, Stage.INTRODUCED)
    o["deal"] = _deal_obj(intro)
    o["deal_negotiating"] = _deal_obj(_deal_world(db, s, Stage.NEGOTIATING))
    signed = _deal_world(db, s, Stage.SIGNED)
    o["deal_signed"] = _deal_obj(signed)
    row = files.upload(db, d.actor(signed.lead), d.access(db, signed.lead, signed.id),
                       file_store(), "合同正本.pdf", io.BytesIO(PDF))
    s.extra["file_id"] = row.id
    registered = _deal_world(db, s, Stage.REGISTERED)
    o["deal_registered"] = _deal_obj(registered)
    contract = d.reload_contract(d.World(
        s.firm, s.institute, registered.lead, registered.demand, registered.achievement,
        d.reload(db, registered.id)))
    s.extra["registration_no"] = contract.registration_no
    s.extra["receipt_id"] = d.evidence_file(db, registered).id
    s.extra["payment_id"] = d.pay(db, registered, Decimal("1000.00")).id
    # Not confirmed yet, so the deal's broker may still correct or void it.
    s.extra["pending_payment_id"] = d.pay(db, registered, Decimal("500.00"), confirm=False).id
    s.extra["contract_version"] = d.reload_contract(d.World(
        s.firm, s.institute, registered.lead, registered.demand, registered.achievement,
        d.reload(db, registered.id))).evidence_version

    invited = _deal_world(db, s, Stage.NEGOTIATING)
    brokers.invite(db, d.actor(invited.lead), d.access(db, invited.lead, invited.id, lock=True),
                   invitee.id, {invited.lead.id: Decimal("50"), invitee.id: Decimal("50")})
    o["deal_invitation"] = _deal_obj(invited, invitees=(invitee,))
    s.extra["invitee_id"] = invitee.id

    pair = _two_brokers(db, s, s.spare)
    o["deal_two_brokers"] = _deal_obj(pair, s.spare)
    # The lead proposes new shares; the co-broker (the other set's broker) has to answer.
    proposed = _two_brokers(db, s, invitee)
    brokers.propose_shares(db, d.actor(proposed.lead),
                           d.access(db, proposed.lead, proposed.id, lock=True),
                           {proposed.lead.id: Decimal("60"), invitee.id: Decimal("40")})
    o["deal_share_proposal"] = _deal_obj(proposed, cobrokers=(invitee,))

    _intake(db, s)
    _experts(db, s)
    _challenges(db, s)
    _capital(db, s)

    db.flush()
    note = db.execute(select(Notification).where(Notification.user_id == s.firm.id)
                      .order_by(Notification.id)).scalars().first()
    assert note is not None
    o["notification"] = Obj(note.id, users=frozenset({s.firm.id}))


def _intake(db: Session, s: PartySet) -> None:
    """Help requests (open, offered to the set's broker; accepted by it, with a visit, a photo
    and two drafts: one being written, one submitted to the firm)."""
    f = frozenset({s.firm.organisation_id or 0})
    o, mine = s.objects, frozenset({s.broker.id})
    o["help_open"] = Obj(ib.ask(db, s.firm, broker_id=s.broker.id).id, orgs=f, users=mine)
    taken = ib.accepted(db, s.firm, s.broker)
    o["help_accepted"] = Obj(taken.id, orgs=f, users=mine)
    visit = ib.visit(db, taken, s.broker)
    s.extra["visit_id"] = visit.id
    s.extra["visit_file_id"] = visits.attach(
        db, d.actor(s.broker), request_for(db, d.with_profile(db, s.broker), taken.id),
        visit.id, file_store(), "现场.pdf", io.BytesIO(PDF)).id
    o["draft_writing"] = Obj(ib.draft(db, taken, s.broker).id, orgs=f, users=mine)
    o["draft_submitted"] = Obj(ib.draft(db, taken, s.broker, submit=True).id, orgs=f,
                               users=mine)
    # A public demand with a dossier: the institute asked for access, the spare broker holds it.
    demand_id, dossier = ib.demand_with_dossier(db, s.firm)
    o["dossier_demand"] = Obj(demand_id, orgs=f)
    o["dossier"] = Obj(dossier.id, orgs=f)
    owner = d.with_profile(db, s.firm)
    dossiers.request_access(db, d.actor(s.institute), dossiers.dossier_for(
        db, d.with_profile(db, s.institute), dossier.id), "希望了解详细参数")
    dossiers.grant(db, d.actor(owner), dossiers.dossier_for(db, owner, dossier.id), s.spare.id)
    s.extra["dossier_file_id"] = dossiers.attach(
        db, d.actor(owner), dossiers.dossier_for(db, owner, dossier.id), file_store(),
        "图纸.pdf", io.BytesIO(PDF)).id
    # A pending promotion for the set's broker.
    proposal = GradeProposal(broker_id=s.broker.id, from_level=BrokerLevel.INTERMEDIATE,
                             to_level=BrokerLevel.SENIOR, evidence={}, pending_key=s.broker.id)
    db.add(proposal)
    db.flush()
    o["proposal"] = Obj(proposal.id, users=mine)


def _experts(db: Session, s: PartySet) -> None:
    """The set's expert (a scientist) with an entrepreneur and an investor; an invitation and a
    pending application; proof-of-concept requests of the set's institute at each stage: asked,
    with a proposed panel, under review (the expert invited to one seat, accepted another),
    reviewed with an outlier, and decided."""
    o = s.objects
    inst = frozenset({s.institute.organisation_id or 0})
    admin = b.make_admin(db)
    s.expert = ex.make_expert(db, ExpertKind.SCIENTIST)
    mine = frozenset({s.expert.id})
    ent = ex.make_expert(db, ExpertKind.ENTREPRENEUR)
    inv = ex.make_expert(db, ExpertKind.INVESTOR)
    o["expert_profile"] = Obj(s.expert.id, users=mine)
    s.extra["manual_conflict_id"] = expert_conflicts.add_manual(
        db, d.actor(admin), s.expert.id, ManualConflictIn(
            organisation_id=b.make_institute_user(db).organisation_id or 0,
            reason="曾任该单位顾问")).id
    o["expert_pending"] = Obj(ex.make_expert(db, ExpertKind.FINANCE,
                                             status=VerificationStatus.PENDING).id)
    invitation, _ = expert_pool.invite(db, d.actor(admin), ExpertInvitationIn(
        name="受邀专家", contact="invitee@example.cn", kind=ExpertKind.INVESTOR))
    o["expert_invitation"] = Obj(invitation.id)
    s.extra["spare_investor"] = ex.make_expert(db, ExpertKind.INVESTOR).id

    def request(status: PocStatus, seats: list[tuple[User, AssignmentStatus, int | None]]
                ) -> PocRequest:
        achievement = lb.make_achievement(db, s.institute)
        row = PocRequest(achievement_id=achievement.id,
                         organisation_id=s.institute.organisation_id,
                         requested_by_id=s.institute.id, field_code="equipment.robotics",
                         mix=["scientist", "entrepreneur", "investor"][:max(len(seats), 1)],
                         status=status)
        db.add(row)
        db.flush()
        for who, seat_status, score in seats:
            profile = db.get(ExpertProfile, who.id)
            assert profile is not None
            db.add(ReviewAssignment(
                request_id=row.id, expert_id=who.id, kind=profile.kind, status=seat_status,
                scores=ex.scores(score) if score else None, trl=5 if score else None,
                recommendation=Recommendation.PASS if score else None))
        db.flush()
        return row

    o["poc_request"] = Obj(request(PocStatus.REQUESTED, []).id, orgs=inst)
    o["poc_achievement"] = Obj(lb.make_achievement(db, s.institute).id, orgs=inst)
    panel = request(PocStatus.PANEL, [(s.expert, AssignmentStatus.PROPOSED, None),
                                      (ent, AssignmentStatus.PROPOSED, None),
                                      (inv, AssignmentStatus.PROPOSED, None)])
    o["poc_panel"] = Obj(panel.id, orgs=inst)
    s.extra["investor_seat"] = next(a.id for a in poc.seats(db, panel.id)
                                    if a.expert_id == inv.id)
    reviewing = request(PocStatus.REVIEWING, [(s.expert, AssignmentStatus.INVITED, None),
                                              (ent, AssignmentStatus.INVITED, None),
                                              (inv, AssignmentStatus.INVITED, None)])
    o["assignment_invited"] = Obj(poc.seats(db, reviewing.id)[0].id, users=mine)
    o["poc_reviewing"] = Obj(reviewing.id, orgs=inst)
    accepted = request(PocStatus.REVIEWING, [(s.expert, AssignmentStatus.ACCEPTED, None),
                                             (ent, AssignmentStatus.SUBMITTED, 4),
                                             (inv, AssignmentStatus.SUBMITTED, 4)])
    o["assignment_accepted"] = Obj(poc.seats(db, accepted.id)[0].id, users=mine)
    o["poc_accepted"] = Obj(accepted.id, orgs=inst)
    outlier = request(PocStatus.REVIEWING, [(s.expert, AssignmentStatus.SUBMITTED, 1),
                                            (ent, AssignmentStatus.SUBMITTED, 4),
                                            (inv, AssignmentStatus.SUBMITTED, 4)])
    o["poc_outlier"] = Obj(outlier.id, orgs=inst)
    decided = request(PocStatus.PASSED, [(ent, AssignmentStatus.SUBMITTED, 4)])
    o["poc_decided"] = Obj(decided.id, orgs=inst)
    o["poc_dossier"] = Obj(accepted.id, orgs=inst, users=mine)
    s.extra["poc_file_id"] = expert_dossier.attach(
        db, d.actor(s.institute), s.institute, file_store(), accepted.id, DossierCategory.DATA,
        "中试数据.pdf", io.BytesIO(PDF)).id
def _challenges(db: Session, s: PartySet) -> None:
    """The set's firm issues challenges: a draft; an open one the set's institute has answered;
    one under review; one in delivery the institute won, its milestones pending, submitted
    and accepted."""
    both = frozenset({s.firm.organisation_id or 0, s.institute.organisation_id or 0})
    o = s.objects
    o["challenge_draft"] = Obj(cb.make_challenge(db, s.firm).id,
                               orgs=frozenset({s.firm.organisation_id or 0}))
    opened = cb.make_challenge(db, s.firm, ChallengeStatus.PUBLISHED)
    o["challenge_open"] = Obj(opened.id, orgs=both)
    answer_open = cb.make_proposal(db, opened, s.institute)
    o["challenge_proposal"] = Obj(answer_open.id, orgs=both)
    s.extra["challenge_proposal_file_id"] = challenge_files.attach_to_proposal(
        db, cb.actor(s.institute), s.institute, file_store(), opened, answer_open, "方案.pdf",
        io.BytesIO(PDF)).id
    s.extra["challenge_open_id"] = opened.id
    # The open challenge carries a dossier (its content behind the issuer's terms).
    challenge_dossiers.put(db, cb.actor(s.firm), s.firm, opened.id,
                           intake_schemas.DossierIn(details="基板叠层结构（保密）"))
    reviewed = cb.make_challenge(db, s.firm, ChallengeStatus.PUBLISHED)
    s.extra["review_proposal_id"] = cb.make_proposal(db, reviewed, s.institute).id
    for to in (ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW):
        challenge_service.transition(db, cb.actor(s.firm), s.firm, reviewed, to, None)
    o["challenge_review"] = Obj(reviewed.id, orgs=both)
    delivering, _, (pending, submitted, accepted, paid) = cb.in_delivery(
        db, s.firm, s.institute, parts=4)
    o["challenge_delivery"] = Obj(delivering.id, orgs=both)
    for step in (submitted, accepted, paid):
        milestones.record_evidence(db, cb.actor(s.institute), s.institute, delivering, step.id,
                                   "测试报告")
    for step in (accepted, paid):
        milestones.record_decision(db, cb.actor(s.firm), s.firm, delivering, step.id, True,
                                   None)
    milestones.record_payment(db, cb.actor(s.firm), s.firm, delivering, paid.id, today(),
                              "BANK-MX")
    s.extra["challenge_milestone_file_id"] = challenge_files.attach_to_milestone(
        db, cb.actor(s.institute), s.institute, file_store(), delivering, pending, "报告.pdf",
        io.BytesIO(PDF)).id
    s.extra.update(milestone_pending=pending.id, milestone_submitted=submitted.id,
                   milestone_accepted=accepted.id, milestone_paid=paid.id)
    # Proposals closed; and one under review by a panel with the set's expert seated.
    closed = cb.make_challenge(db, s.firm, ChallengeStatus.PUBLISHED)
    cb.make_proposal(db, closed, s.institute)
    challenge_service.transition(db, cb.actor(s.firm), s.firm, closed, ChallengeStatus.CLOSED,
                                 None)
    o["challenge_closed"] = Obj(closed.id, orgs=both)
    panelled = cb.make_challenge(db, s.firm, ChallengeStatus.PUBLISHED)
    answer = cb.make_proposal(db, panelled, s.institute)
    for to in (ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW):
        challenge_service.transition(db, cb.actor(s.firm), s.firm, panelled, to, None)
    assert s.expert is not None
    seat = ReviewSeat(challenge_id=panelled.id, expert_id=s.expert.id, kind="scientist",
                      status=ReviewSeatStatus.SEATED)
    db.add(seat)
    db.flush()
    seated = frozenset({s.expert.id})
    o["challenge_panel"] = Obj(panelled.id, orgs=both, users=seated)
    o["panel_proposal"] = Obj(answer.id, orgs=both, users=seated)
    s.extra["panel_seat_id"] = seat.id
    # The panel's challenge carries a dossier: the seated expert reads it after the terms.
    s.extra["challenge_dossier_id"] = challenge_dossiers.put(
        db, cb.actor(s.firm), s.firm, panelled.id,
        intake_schemas.DossierIn(details="评审用保密资料")).id
def _capital(db: Session, s: PartySet) -> None:
    """The set's investor (verified, with a mandate); the set's firm's financing requests: a
    draft, one published to every investor with the set's investor's interest, and one
    published to the set's investor by name."""
    firm, inv = frozenset({s.firm.organisation_id or 0}), s.investor.organisation_id or 0
    capb.set_mandate(db, s.investor)
    o = s.objects
    o["financing_draft"] = Obj(capb.make_request(db, s.firm, publish=False).id, orgs=firm)
    shown = capb.make_request(db, s.firm)
    capital.mark_interest(db, capb.actor(s.investor), s.investor, shown.id,
                          capital_schemas.InterestIn())
    o["financing"] = Obj(shown.id, orgs=firm | {inv})
    named = capb.make_request(db, s.firm, audience="named", named_investor_ids=[inv])
    o["financing_named"] = Obj(named.id, orgs=firm | {inv})
    # A term sheet waiting for the owner's word; a question in the named request's thread.
    pending = capital.record_outcome(db, capb.actor(s.investor), s.investor, shown.id,
                                     capital_schemas.OutcomeIn(status="term_sheet",
                                                               amount=Decimal("2000000")))
    s.extra["financing_interest_id"] = pending.id
    capital.ask(db, capb.actor(s.investor), s.investor, named.id,
                capital_schemas.QuestionIn(body="请提供财务数据。"))
    # The published request carries a dossier (its content behind the owner's terms).
    capital_dossiers.put(db, capb.actor(s.firm), s.firm, shown.id,
                         intake_schemas.DossierIn(details="融资尽调资料（保密）"))
    # Roadshows: a planned one (the published request invited, its owner consented; the
    # investor invited, not yet registered) and a held one (the investor registered).
    admin = b.make_admin(db)
    for key, held in (("roadshow", False), ("roadshow_held", True)):
        show = capb.make_roadshow(db, admin)
        roadshows.invite_request(db, capb.actor(admin), admin, show.id,
                                 capital_schemas.PresentationIn(request_id=shown.id))
        roadshows.invite_investor(db, capb.actor(admin), admin, show.id,
                                  capital_schemas.RoadshowInvestorIn(organisation_id=inv))
        roadshows.answer_invitation(db, capb.actor(s.firm), s.firm, show.id, shown.id, True)
        if held:
            roadshows.register(db, capb.actor(s.investor), s.investor, show.id)
            roadshows.end(db, capb.actor(admin), admin, show.id, RoadshowStatus.HELD)
        o[key] = Obj(show.id, orgs=firm | {inv})
    s.extra["spare_investor_org"] = b.make_org(db, OrgKind.INVESTOR, verified=True).id


def _claim_obj(claim: RewardClaim) -> Obj:
    """A reward claim belongs to its broker; the deal's parties have no view of it."""
    return Obj(claim.id, users=frozenset({claim.broker_id}))


def _rewards(db: Session, s: PartySet, approver: User, payer: User) -> None:
    """The set's broker's reward claims at each state the routes need, a payout batch, a
    claw-back, an integrity flag and a dishonesty listing. Each claim is on a deal of its own
    with fresh parties (so the integrity rules find nothing between them), approved by an
    administrator other than the matrix's, so the matrix's may pay (four eyes)."""
    o, lead = s.objects, s.broker
    claimable = r.world_for(db, lead)
    o["deal_paid"] = Obj(claimable.id, users=frozenset({lead.id}))

    def clean_claim() -> RewardClaim:
        made = r.claim(db, r.world_for(db, lead))
        assert r.open_flags(db, made.id) == [], "a clean claim was flagged"
        return made

    o["claim"] = _claim_obj(clean_claim())
    under_review = clean_claim()
    review.start_review(db, r.actor(approver), under_review.id)
    o["claim_under_review"] = _claim_obj(under_review)
    approved = clean_claim()
    r.approved(db, approved.id, approver)
    o["claim_approved"] = _claim_obj(approved)

    batched = clean_claim()
    r.approved(db, batched.id, approver)
    batch = payouts.create_batch(db, r.actor(approver), [batched.id], "矩阵测试批次")
    o["batch"] = Obj(batch.id)

    paid = clean_claim()
    r.paid(db, paid.id, approver, payer)
    clawed = clawbacks.claw_back(db, r.actor(approver), paid.id, "合同无效，追回奖补")
    o["clawback"] = Obj(clawed.id, users=frozenset({lead.id}))

    # A paid claim whose deal is then cancelled: a claw-back awaiting review.
    w_cancel = r.world_for(db, lead)
    cancelled = r.claim(db, w_cancel)
    r.paid(db, cancelled.id, approver, payer)
    pipeline.transition(db, r.actor(lead), d.reload(db, w_cancel.id), Stage.CANCELLED, "买方放弃")
    [pending] = recompute.recompute_deal(db, r.actor(lead), w_cancel.id)
    o["clawback_pending"] = Obj(pending.id, users=frozenset({lead.id}))

    w = r.world_for(db, lead)
    buyer = db.get(Organisation, w.deal.demand_org_id)
    seller = db.get(Organisation, w.deal.achievement_org_id)
    assert buyer is not None and seller is not None
    seller.legal_rep_id = buyer.legal_rep_id  # one legal representative for both sides
    db.flush()
    flagged = r.claim(db, w)
    [flag] = r.open_flags(db, flagged.id)
    o["flag"] = Obj(flag.id, users=frozenset({lead.id}))

    stranger = b.make_firm_user(db)
    assert stranger.organisation_id is not None
    entry = dishonesty.list_subject(
        db, r.actor(approver), dishonesty.org_subject(db, stranger.organisation_id, "buyer"),
        reason="虚假申报（其他部门认定）", listed_on=today())
    o["dishonesty"] = Obj(entry.id)


def _two_brokers(db: Session, s: PartySet, co: User) -> d.World:
    w = _deal_world(db, s, Stage.NEGOTIATING)
    brokers.invite(db, d.actor(w.lead), d.access(db, w.lead, w.id, lock=True), co.id,
                   {w.lead.id: Decimal("50"), co.id: Decimal("50")})
    brokers.answer_invitation(db, d.actor(co), d.access(db, co, w.id, lock=True), True)
    return w


def build_world(db: Session) -> World:
    def party_set() -> PartySet:
        return PartySet(b.make_firm_user(db), b.make_institute_user(db),
                        d.with_profile(db, b.make_broker(db)),
                        d.with_profile(db, b.make_broker(db)), capb.make_investor(db))

    own, other = party_set(), party_set()
    _build(db, own, invitee=other.broker)
    _build(db, other, invitee=own.broker)
    approver, payer = b.make_admin(db), b.make_admin(db)
    _rewards(db, own, approver, payer)
    _rewards(db, other, approver, payer)
    policy = r.policy(db, approver, key="matrix", effective_from=today().replace(year=2090))
    chain = chainb.make_chain(db, approver, code="matrix")
    for each in (own, other):
        each.extra["chain_id"] = chain.id
        each.extra["placement_id"] = chainb.place(db, approver, chain, each["demand"].id).id
    admin = b.make_admin(db)
    assert own.expert is not None and other.expert is not None
    users = {"firm": own.firm, "institute": own.institute, "broker": own.broker,
             "other_firm": other.firm, "other_broker": other.broker, "expert": own.expert,
             "other_expert": other.expert, "admin": admin,
             "investor": own.investor, "other_investor": other.investor}
    logins = {name: b.login_as(db, user) for name, user in users.items()}
    db.flush()
    signed = checkpoint.take_checkpoint(db, checkpoint.instance_key(get_settings().var_dir))
    return World(own, other, admin, users, {n: x.headers for n, x in logins.items()},
                 logins["firm"].refresh_token, lb.field_id(db), policy.id,
                 dataclasses.asdict(signed))

# --- running it -------------------------------------------------------------------------------

def route_keys(app: FastAPI) -> set[str]:
    keys = set()
    for route in iter_route_contexts(app.routes):
        for method in route.methods or ():
            if method != "HEAD":
                keys.add(f"{method} {route.path}")
    return keys


def test_every_route_has_a_rule(app: FastAPI) -> None:
    routes = route_keys(app)
    ruled = {c.key for c in RULES}
    missing = routes - ruled - set(PENDING) - NOT_API
    assert not missing, ("routes without an authorisation rule (add Cases to RULES in "
                         f"tests/security/authz_rules.py): {sorted(missing)}")
    stale = (ruled | set(PENDING)) - routes
    assert not stale, f"rules for routes that no longer exist: {sorted(stale)}"
    assert not ruled & set(PENDING), "a route is both ruled and pending"


def relation(caller: str, user: User | None, obj: Obj | None) -> str:
    if user is None:
        return "anon"
    role = {"firm": "firm", "institute": "inst", "broker": "broker", "admin": "admin",
            "expert": "expert", "investor": "inv"}[str(user.role)]
    if role == "admin" or obj is None:
        return role
    if user.id in obj.invitees:
        return "invitee"
    if user.id in obj.cobrokers:
        return "cobroker"
    related = user.id in obj.users or (user.organisation_id in obj.orgs)
    return f"{role}_own" if related else role


def matches(expected: Expected, status: int) -> bool:
    return 200 <= status < 300 if expected == OK else status == expected


def _run(client: TestClient, db: Session, w: World, case: Case, caller: str, s: PartySet
         ) -> int:
    params = case.params(w, s) if case.params else {}
    path_params = {k: v for k, v in params.items() if "{" + k + "}" in case.path}
    query = {**(case.query or {}), **{k: v for k, v in params.items() if k not in path_params}}
    kwargs: dict[str, Any] = {"params": query, "headers": w.tokens.get(caller, {})}
    if case.json:
        kwargs["json"] = case.json(w, s)
    if case.form:
        kwargs["data"] = case.form(w, s)
    if case.upload:
        kwargs["files"] = {"file": case.upload(w, s)}
    db.flush()
    savepoint = db.begin_nested()
    db.connection()  # emit the SAVEPOINT now: the request's own units of work nest inside it
    try:
        response = client.request(case.method, case.path.format(**path_params), **kwargs)
    finally:
        savepoint.rollback()
        db.expire_all()
    assert response.status_code < 500, (case.key, caller, response.text)
    return response.status_code


def _cells(w: World) -> Iterator[tuple[Case, str, PartySet | None]]:
    for case in RULES:
        for caller in CALLERS:
            if case.target is None:
                yield case, caller, None
            else:
                yield case, caller, w.own
                yield case, caller, w.other


def test_authorisation_matrix(client: TestClient, db: Session) -> None:
    """Every cell of the matrix, then the lists and exports (see below)."""
    w = build_world(db)
    wrong, seen = [], []
    related: dict[str, set[str]] = {}  # per kind of object, the "own" relations callers had
    for case, caller, s in _cells(w):
        user = w.users.get(caller)
        obj = s[case.target] if s is not None and case.target else None
        rel = relation(caller, user, obj)
        if case.target:
            related.setdefault(case.target, set()).update({rel} - set(BASE_RELATIONS))
        expected = case.rule[rel]
        status = _run(client, db, w, case, caller, s or w.own)
        which = "" if s is None else ("own" if s is w.own else "others'")
        seen.append(f"{case.key:60} {case.target or '':22} {which:7} {caller:13} {rel:11} "
                    f"{status}")
        if not matches(expected, status):
            wrong.append(f"{case.key} [{case.target or '-'} {which}] as {caller} ({rel}): "
                         f"expected {expected}, got {status}")
    if os.environ.get("AUTHZ_DUMP"):
        print("\n".join(seen))
    assert not wrong, f"{len(wrong)} cells differ from the rules:\n" + "\n".join(wrong)
    # The README's tables show, per kind of object, the relations TARGETS names: the world's.
    declared = {target: TARGETS[target][1] for target in related}
    assert related == declared, "TARGETS (tests/security/authz_rules.py) differs from the world"
    _lists_show_only_what_each_caller_may_see(client, w)


DEAL_KEYS = ("deal", "deal_negotiating", "deal_signed", "deal_registered", "deal_invitation",
             "deal_two_brokers", "deal_share_proposal")


def _ids_in(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> set[int]:
    r = client.get(path, headers=headers, params={"page_size": 100, **params})
    assert r.status_code == 200, (path, r.text)
    body = r.json()
    assert body["total"] <= 100, "raise page_size: the check must see every row"
    return {item["id"] for item in body["items"]}


def _csv_ids(client: TestClient, path: str, headers: dict[str, str]) -> set[int]:
    r = client.get(path, headers=headers)
    assert r.status_code == 200, (path, r.text)
    rows = r.content.decode("utf-8-sig").splitlines()[1:]
    return {int(row.split(",", 1)[0]) for row in rows if row}


def _lists_show_only_what_each_caller_may_see(client: TestClient, w: World) -> None:
    """No IDOR through lists or exports: they hold exactly what the detail routes allow."""
    own, other = w.own, w.other

    def deals(s: PartySet, *keys: str) -> set[int]:
        return {s[k].id for k in (keys or DEAL_KEYS)}

    # Deals: the parties see their own; a broker sees those they lead, joined or are invited to.
    assert _ids_in(client, "/api/v1/deals", w.tokens["firm"]) >= deals(own)
    assert not _ids_in(client, "/api/v1/deals", w.tokens["firm"]) & deals(other)
    assert not _ids_in(client, "/api/v1/deals", w.tokens["other_firm"]) & deals(own)
    # A request on an anonymous demand: the firm's and its broker's, not the institute's yet.
    assert own["deal_request"].id in _ids_in(client, "/api/v1/deals", w.tokens["firm"])
    assert own["deal_request"].id not in _ids_in(client, "/api/v1/deals", w.tokens["institute"])
    broker_sees = _ids_in(client, "/api/v1/deals", w.tokens["broker"])
    assert broker_sees >= deals(own)
    assert broker_sees & deals(other) == deals(other, "deal_invitation", "deal_share_proposal")
    assert _ids_in(client, "/api/v1/deals", w.tokens["admin"]) >= deals(own) | deals(other)

    # Reward claims: a broker lists their own only; administrators every one.
    claim_keys = ("claim", "claim_under_review", "claim_approved")
    own_claims = {own[k].id for k in claim_keys}
    other_claims = {other[k].id for k in claim_keys}
    broker_claims = _ids_in(client, "/api/v1/claims", w.tokens["broker"])
    assert broker_claims >= own_claims and not broker_claims & other_claims
    assert not _ids_in(client, "/api/v1/claims", w.tokens["other_broker"]) & own_claims
    assert _ids_in(client, "/api/v1/claims", w.tokens["admin"]) >= own_claims | other_claims

    # Notifications are the recipient's alone.
    assert own["notification"].id in _ids_in(client, "/api/v1/notifications", w.tokens["firm"])
    for caller in ("other_firm", "institute", "broker", "admin"):
        assert own["notification"].id not in _ids_in(client, "/api/v1/notifications",
                                                     w.tokens[caller]), caller

    # Help requests and broker drafts: the firm's own, the broker's offers and work.
    own_help = {own["help_open"].id, own["help_accepted"].id}
    assert _ids_in(client, "/api/v1/help-requests", w.tokens["firm"]) >= own_help
    assert _ids_in(client, "/api/v1/help-requests", w.tokens["broker"]) >= own_help
    for caller in ("other_firm", "other_broker"):
        assert not _ids_in(client, "/api/v1/help-requests", w.tokens[caller]) & own_help
    own_drafts = {own["draft_writing"].id, own["draft_submitted"].id}
    assert _ids_in(client, "/api/v1/demand-drafts", w.tokens["firm"]) >= own_drafts
    for caller in ("other_firm", "other_broker"):
        assert not _ids_in(client, "/api/v1/demand-drafts", w.tokens[caller]) & own_drafts
    assert _ids_in(client, "/api/v1/help-requests", w.tokens["admin"]) >= own_help

    # Review seats are each expert's own; proof-of-concept requests the institute's own.
    def listed(path: str, caller: str) -> set[int]:
        r = client.get(path, headers=w.tokens[caller])
        assert r.status_code == 200, (path, r.text)
        return {item["id"] for item in r.json()}

    seats = ("assignment_invited", "assignment_accepted")
    assert listed("/api/v1/review-assignments", "expert") >= {own[k].id for k in seats}
    assert not listed("/api/v1/review-assignments", "expert") & {other[k].id for k in seats}
    asked = ("poc_request", "poc_panel", "poc_reviewing", "poc_accepted", "poc_outlier",
             "poc_decided")
    assert listed("/api/v1/poc-requests", "institute") == {own[k].id for k in asked}
    assert listed("/api/v1/poc-requests", "admin") >= {x[k].id for x in (own, other)
                                                       for k in asked}

    # Drafts and hidden listings: only their owners and administrators, in lists and exports.
    unlisted_d = {own["demand_draft"].id, own["demand_hidden"].id}
    unlisted_a = {own["achievement_draft"].id, own["achievement_hidden"].id}
    for caller in ("anon", "other_firm", "institute", "broker", "other_broker"):
        headers = w.tokens.get(caller, {})
        assert not _ids_in(client, "/api/v1/demands", headers) & unlisted_d, caller
        if caller != "anon":
            assert not _csv_ids(client, "/api/v1/demands/export", headers) & unlisted_d, caller
    for caller in ("anon", "firm", "other_firm", "broker", "other_broker"):
        headers = w.tokens.get(caller, {})
        assert not _ids_in(client, "/api/v1/achievements", headers) & unlisted_a, caller
        if caller != "anon":
            assert not _csv_ids(client, "/api/v1/achievements/export", headers) & unlisted_a
    assert _csv_ids(client, "/api/v1/demands/export", w.tokens["firm"]) >= unlisted_d
    assert _csv_ids(client, "/api/v1/achievements/export", w.tokens["institute"]) >= unlisted_a
    assert _ids_in(client, "/api/v1/demands", w.tokens["admin"]) >= unlisted_d

    # Financing requests: a firm lists its own only; an investor the published ones in its
    # audience; nobody else's drafts.
    fin = ("financing_draft", "financing", "financing_named")
    assert _ids_in(client, "/api/v1/financing-requests", w.tokens["firm"]) >= {
        own[k].id for k in fin}
    for caller in ("other_firm", "institute", "broker"):
        assert not _ids_in(client, "/api/v1/financing-requests", w.tokens[caller]) & {
            own[k].id for k in fin}, caller
    seen = _ids_in(client, "/api/v1/financing-requests", w.tokens["other_investor"])
    assert own["financing"].id in seen
    assert not seen & {own["financing_draft"].id, own["financing_named"].id}

