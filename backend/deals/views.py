"""A deal shaped for the person looking at it.

Brokers and administrators see everything, but for who posted an anonymous demand: the
brokers learn it only once the demand's firm has accepted the deal. Each party sees its own
side in full and the other side's public listing data; the demand's organisation stays
hidden from the achievement's side until both parties have accepted when the demand is
anonymous or not public (after both accept they must know whom they negotiate with). Parties do not see the
brokers' split or the brokers' internal notes and events. An invited broker sees the outline
and the proposed split, not the contents, until they join.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.deals import brokers as broker_rules
from backend.deals import evidence, schemas
from backend.deals.access import (
    BROKERS,
    INSIDERS,
    PARTIES,
    DealAccess,
    Relation,
    demand_side_consented,
    relation_of,
)
from backend.deals.ledger import confirmed_received, received
from backend.deals.models import (
    OPEN_STAGES,
    BrokerStatus,
    Contract,
    ContractFile,
    Deal,
    DealEvent,
    EvidenceAnswer,
    EvidenceKind,
    EvidenceSide,
    Payment,
    Stage,
)
from backend.deals.pipeline import allowed_next, both_accepted
from backend.listings import lookup as listings
from backend.listings.models import Demand, Field, Visibility

_SEES_EVERYTHING = BROKERS | {Relation.ADMIN}


def names_of_orgs(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Organisation.id, Organisation.name)
                           .where(Organisation.id.in_(wanted)))
    return {org_id: name for org_id, name in rows}


def names_of_users(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def demand_org_visible(relation: Relation, demand: listings.DemandBrief, deal: Deal) -> bool:
    """Who posted the demand: its own side and administrators always know; the deal's brokers
    once the firm accepted the deal (before, only if the demand is not anonymous); the
    achievement's side once both accepted (before, only if the demand is public and named)."""
    if relation in (Relation.ADMIN, Relation.DEMAND_PARTY):
        return True
    if relation in BROKERS:
        return demand_side_consented(deal) or not demand.anonymous
    public = not demand.anonymous and demand.visibility == Visibility.PUBLIC
    if relation == Relation.ACHIEVEMENT_PARTY:
        return public or both_accepted(deal)
    return not demand.anonymous and demand.visibility != Visibility.PRIVATE  # an invitee


def viewer_next_stages(relation: Relation, stage: Stage) -> list[Stage]:
    if relation in BROKERS:  # a request moves on only by the firm's acceptance
        return [s for s in allowed_next(stage)
                if not (stage == Stage.REQUESTED and s == Stage.INTRODUCED)]
    if relation == Relation.ADMIN and stage in OPEN_STAGES:
        return [Stage.CANCELLED]
    return []


def my_side(access: DealAccess, contract: Contract) -> EvidenceSide | None:
    """The side this viewer answers for on the contract's evidence, if any."""
    if access.relation == Relation.ADMIN:
        return EvidenceSide.ADMIN if evidence.needs_admin(contract) else None
    if access.relation in PARTIES:
        org = access.user.organisation_id
        if org == contract.buyer_org_id:
            return EvidenceSide.BUYER
        if org == contract.seller_org_id:
            return EvidenceSide.SELLER
    return None


def _evidence(kind: EvidenceKind, item: Contract | Payment, contract: Contract, deal: Deal,
              answers: dict[tuple[int, int], list[EvidenceAnswer]], side: EvidenceSide | None
              ) -> schemas.EvidenceOut:
    latest: dict[EvidenceSide, EvidenceAnswer] = {}
    for row in answers.get((item.id, item.evidence_version), []):
        latest[row.side] = row
    required = list(evidence.required_sides(kind, contract))
    going = deal.stage not in (Stage.CANCELLED, Stage.LOST)
    return schemas.EvidenceOut(
        version=item.evidence_version, status=item.evidence_status, required=required,
        answers=[schemas.AnswerOut(side=a.side, confirmed=a.confirmed, reason=a.reason, at=a.at)
                 for a in latest.values()],
        my_side=side, awaiting_me=going and side in required and side not in latest
        and getattr(item, "voided_at", None) is None)


def _contract(session: Session, access: DealAccess) -> schemas.ContractOut | None:
    deal = access.deal
    c = deal.contract
    if c is None:
        return None
    payments = session.execute(select(Payment).where(Payment.contract_id == c.id)
                               .order_by(Payment.paid_on, Payment.id)).scalars().all()
    files = session.execute(select(ContractFile).where(ContractFile.contract_id == c.id)
                            .order_by(ContractFile.id)).scalars().all()
    counted = received(session, c.id)
    side = my_side(access, c)
    contract_answers = evidence.answers_for(session, EvidenceKind.CONTRACT, [c.id])
    payment_answers = evidence.answers_for(session, EvidenceKind.PAYMENT,
                                           [p.id for p in payments])
    return schemas.ContractOut(
        id=c.id, name=c.name, type=c.type, amount=c.amount, technology_amount=c.technology_amount,
        signed_on=c.signed_on, buyer_org_id=c.buyer_org_id, seller_org_id=c.seller_org_id,
        registration_no=c.registration_no, registered_on=c.registered_on,
        received_amount=counted, uncounted_amount=received(session, c.id, counted=False),
        remaining_amount=c.amount - counted,
        payments=[schemas.PaymentOut.model_validate({
            **{k: getattr(p, k) for k in schemas.PaymentOut.model_fields if k != "evidence"},
            "evidence": _evidence(EvidenceKind.PAYMENT, p, c, deal, payment_answers, side)})
            for p in payments],
        files=[schemas.ContractFileOut.model_validate(f) for f in files],
        evidence=_evidence(EvidenceKind.CONTRACT, c, c, deal, contract_answers, side),
        confirmed_amount=c.confirmed_amount, confirmed_received_amount=confirmed_received(
            session, c.id), confirmed_version=c.confirmed_version,
        amount_ceiling=evidence.ceiling(), registry_status=c.registry_status,
        registry_issues=list(c.registry_issues or []))


@dataclass(frozen=True)
class _AwardDeal:
    challenge_id: int
    award_id: int
    proposal_id: int
    title: str
    amount: Decimal
    field_code: str


def _award_deals(session: Session, deals: Iterable[Deal]) -> dict[int, _AwardDeal]:
    """The challenge awards these deals carry out, by award id."""
    ids = [d.challenge_award_id for d in deals if d.challenge_award_id is not None]
    if not ids:
        return {}
    # challenges sit above deals (they open deals): read their tables only when a deal is one
    from backend.challenges.models import Award, Challenge

    # the field is the challenge's linked demand's, if any (as lookup.challenge_field_code)
    rows = session.execute(select(Award.id, Award.challenge_id, Award.proposal_id,
                                  Award.amount, Challenge.title, Field.code)
                           .join(Challenge, Challenge.id == Award.challenge_id)
                           .outerjoin(Demand, Demand.id == Challenge.demand_id)
                           .outerjoin(Field, Field.id == Demand.field_id)
                           .where(Award.id.in_(ids))).all()
    return {a: _AwardDeal(c, a, p, title, amount, code or "")
            for a, c, p, amount, title, code in rows}


def _award_deal_view(session: Session, access: DealAccess, award: _AwardDeal
                     ) -> tuple[schemas.DemandSide, schemas.AchievementSide,
                                schemas.DealChallengeRef]:
    """A challenge award's deal: the challenge (public, its issuer named) as the demand, the
    winning proposal and the winner as the achievement."""
    deal = access.deal
    orgs = names_of_orgs(session, [deal.demand_org_id, deal.achievement_org_id])
    regions: dict[int, str] = {i: r for i, r in session.execute(
        select(Organisation.id, Organisation.region).where(
            Organisation.id.in_([deal.demand_org_id, deal.achievement_org_id])))}
    demand = schemas.DemandSide(
        listing_id=None, title=award.title, field_code=award.field_code,
        region=regions.get(deal.demand_org_id, ""), modes=[], budget_min=None, budget_max=None,
        min_trl=None, anonymous=False,
        organisation=schemas.OrganisationRef(id=deal.demand_org_id,
                                             name=orgs[deal.demand_org_id]),
        acceptance=deal.demand_acceptance)
    achievement = schemas.AchievementSide(
        listing_id=None, title=f"揭榜方案 #{award.proposal_id} Proposal #{award.proposal_id}",
        field_code=award.field_code, region=regions.get(deal.achievement_org_id, ""), modes=[],
        trl=None, price=award.amount,
        organisation=schemas.OrganisationRef(id=deal.achievement_org_id,
                                             name=orgs[deal.achievement_org_id]),
        acceptance=deal.achievement_acceptance)
    return demand, achievement, schemas.DealChallengeRef(
        challenge_id=award.challenge_id, award_id=award.award_id,
        proposal_id=award.proposal_id, title=award.title, amount=award.amount)


def deal_view(session: Session, access: DealAccess) -> schemas.DealOut:
    deal, relation = access.deal, access.relation
    orgs = names_of_orgs(session, [deal.demand_org_id, deal.achievement_org_id])
    sees_all = relation in _SEES_EVERYTHING
    shown_brokers = [b for b in deal.brokers
                     if sees_all or b.status == BrokerStatus.ACTIVE
                     or (relation == Relation.INVITEE and b.broker_id == access.user.id)]
    pending = (broker_rules.pending_invitation(session, deal)
               if sees_all or relation == Relation.INVITEE else None)
    pending_split = broker_rules.pending_share_proposal(session, deal) if sees_all else None
    people = names_of_users(session, [
        *(b.broker_id for b in deal.brokers),
        *(() if pending is None else (pending.invited_by_id, *pending.shares)),
        *(() if pending_split is None else (pending_split.proposed_by_id, *pending_split.shares,
                                            *pending_split.awaiting))])
    invitation = None
    if pending is not None:
        invitation = schemas.InvitationOut(
            broker_id=pending.broker_id, display_name=people.get(pending.broker_id, ""),
            invited_by_id=pending.invited_by_id,
            invited_by_name=(None if pending.invited_by_id is None
                             else people.get(pending.invited_by_id)),
            invited_at=pending.at, proposed_shares=pending.shares,
            names={i: people.get(i, "") for i in pending.shares})
    proposal = None
    if pending_split is not None:
        named = {*pending_split.shares, *pending_split.awaiting}
        if pending_split.proposed_by_id is not None:
            named.add(pending_split.proposed_by_id)
        proposal = schemas.ShareProposalOut(
            proposed_by_id=pending_split.proposed_by_id, proposed_at=pending_split.at,
            shares=pending_split.shares, awaiting=pending_split.awaiting,
            names={i: people.get(i, "") for i in sorted(named)})
    challenge = None
    if deal.demand_id is None or deal.achievement_id is None:
        award = _award_deals(session, [deal])[deal.challenge_award_id or 0]
        demand_side, achievement_side, challenge = _award_deal_view(session, access, award)
    else:
        demand_side, achievement_side = _listing_sides(session, access, orgs, deal.demand_id,
                                                       deal.achievement_id)
    return schemas.DealOut(
        id=deal.id, stage=deal.stage, relation=relation,
        allowed_next=viewer_next_stages(relation, deal.stage), both_accepted=both_accepted(deal),
        opened_at=deal.opened_at, ended_at=deal.ended_at,
        demand=demand_side, achievement=achievement_side, challenge=challenge,
        brokers=[schemas.DealBrokerOut(
            broker_id=b.broker_id, display_name=people.get(b.broker_id, ""), role=b.role,
            status=b.status, share=None if relation in PARTIES else b.share,
            joined_at=b.joined_at) for b in shown_brokers],
        contract=_contract(session, access) if relation in INSIDERS else None,
        invitation=invitation, share_proposal=proposal)


def _listing_sides(session: Session, access: DealAccess, orgs: dict[int, str], demand_id: int,
                   achievement_id: int) -> tuple[schemas.DemandSide, schemas.AchievementSide]:
    deal, relation = access.deal, access.relation
    demand = listings.demand_brief(session, demand_id)
    achievement = listings.achievement_brief(session, achievement_id)
    demand_org = (schemas.OrganisationRef(id=deal.demand_org_id, name=orgs[deal.demand_org_id])
                  if demand_org_visible(relation, demand, deal) else None)
    return (schemas.DemandSide(
            listing_id=demand.id, title=demand.title, field_code=demand.field_code,
            region=demand.region, modes=demand.modes, budget_min=demand.budget_min,
            budget_max=demand.budget_max, min_trl=demand.min_trl, anonymous=demand.anonymous,
            organisation=demand_org, acceptance=deal.demand_acceptance),
            schemas.AchievementSide(
            listing_id=achievement.id, title=achievement.title,
            field_code=achievement.field_code, region=achievement.region,
            modes=achievement.modes, trl=achievement.trl, price=achievement.price,
            organisation=schemas.OrganisationRef(id=deal.achievement_org_id,
                                                 name=orgs[deal.achievement_org_id]),
            acceptance=deal.achievement_acceptance))


def deal_summaries(session: Session, user: User, deals: Sequence[Deal]
                   ) -> list[schemas.DealSummary]:
    orgs = names_of_orgs(session, {d.demand_org_id for d in deals}
                         | {d.achievement_org_id for d in deals})
    demands = listings.demand_briefs(session, [d.demand_id for d in deals
                                               if d.demand_id is not None])
    achievements = listings.achievement_briefs(session, [d.achievement_id for d in deals
                                                         if d.achievement_id is not None])
    awards = _award_deals(session, deals)
    out = []
    for deal in deals:
        relation = relation_of(user, deal)
        if relation is None:  # the scoping query already excludes these
            continue
        if deal.demand_id is None or deal.achievement_id is None:
            award = awards[deal.challenge_award_id or 0]
            out.append(schemas.DealSummary(
                id=deal.id, stage=deal.stage, relation=relation, opened_at=deal.opened_at,
                ended_at=deal.ended_at, demand_title=award.title,
                demand_organisation=orgs[deal.demand_org_id],
                achievement_title=f"揭榜方案 #{award.proposal_id} Proposal #{award.proposal_id}",
                achievement_organisation=orgs[deal.achievement_org_id],
                contract_amount=(deal.contract.amount if deal.contract is not None
                                 and relation in INSIDERS else None),
                challenge_id=award.challenge_id))
            continue
        demand = demands[deal.demand_id]
        out.append(schemas.DealSummary(
            id=deal.id, stage=deal.stage, relation=relation, opened_at=deal.opened_at,
            ended_at=deal.ended_at, demand_title=demand.title,
            demand_organisation=(orgs[deal.demand_org_id]
                                 if demand_org_visible(relation, demand, deal) else None),
            achievement_title=achievements[deal.achievement_id].title,
            achievement_organisation=orgs[deal.achievement_org_id],
            contract_amount=(deal.contract.amount if deal.contract is not None
                             and relation in INSIDERS else None)))
    return out


def event_views(session: Session, access: DealAccess, events: Sequence[DealEvent]
                ) -> list[schemas.EventOut]:
    """Timeline rows; the parties see an actor's name only for brokers and their own side."""
    names = names_of_users(session, [e.actor_id for e in events])
    deal, relation = access.deal, access.relation
    broker_ids = {b.broker_id for b in deal.brokers}
    own_side = (access.user.organisation_id if relation in PARTIES else None)
    own_users: set[int] = set()
    if own_side is not None:
        own_users = set(session.execute(select(User.id).where(
            User.organisation_id == own_side, User.id.in_(names))).scalars())
    out = []
    for e in events:
        name = names.get(e.actor_id) if e.actor_id is not None else None
        if relation in PARTIES and e.actor_id not in broker_ids and e.actor_id not in own_users:
            name = None
        out.append(schemas.EventOut(
            id=e.id, at=e.at, kind=e.kind, from_stage=e.from_stage, to_stage=e.to_stage,
            text=e.text, data=e.data, actor_id=(e.actor_id if name is not None or
                                                relation not in PARTIES else None),
            actor_name=name, visible_to_parties=e.visible_to_parties))
    return out

