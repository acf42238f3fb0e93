"""An award opens a deal in the broker pipeline (撮合项目), carrying the award in place of a
demand–achievement pair: the issuer's firm is the demand side, the winner (the proposal's lead
organisation) the achievement side, both having already agreed (the proposal and the award),
so the deal starts `negotiating`. The broker the solver named on its proposal, if any and
still verified, leads it with the whole share, so the reward rules apply to the contract it
leads to. A bureau challenge has no issuing organisation to be a party: it opens no deal (its
milestones are paid on the challenge)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import User, VerificationStatus
from backend.audit import service as audit
from backend.challenges.models import Award, Challenge, Proposal
from backend.core.errors import NotFound
from backend.deals.events import add_event
from backend.deals.models import Acceptance, BrokerRole, BrokerStatus, Deal, DealBroker, Stage
from backend.deals.notifications import audience, deal_title, notify


def _broker(session: Session, broker_id: int | None) -> int | None:
    if broker_id is None:
        return None
    try:
        row = accounts.get_broker(session, broker_id)
    except NotFound:
        return None
    if row is None or row.profile.verification_status != VerificationStatus.VERIFIED \
            or not row.user.is_active:
        return None
    return broker_id


def open_for_award(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
                   award: Award, proposal: Proposal) -> Deal | None:
    if challenge.issuer_org_id is None:
        return None
    broker_id = _broker(session, proposal.broker_id)
    now = award.decided_at
    deal = Deal(challenge_award_id=award.id, demand_id=None, achievement_id=None,
                demand_org_id=challenge.issuer_org_id, achievement_org_id=award.winner_org_id,
                stage=Stage.NEGOTIATING, demand_acceptance=Acceptance.ACCEPTED,
                achievement_acceptance=Acceptance.ACCEPTED, requested=False,
                open_pair_key=None, opened_by_id=user.id, opened_at=now,
                brokers=[] if broker_id is None else [
                    DealBroker(broker_id=broker_id, role=BrokerRole.LEAD,
                               status=BrokerStatus.ACTIVE, share=Decimal("100.00"),
                               joined_at=now)])
    session.add(deal)
    session.flush()
    award.deal_id = deal.id
    session.flush()
    audit.record(session, actor, "deal.open", "deal", deal.id, after={
        "challenge_id": challenge.id, "challenge_award_id": award.id,
        "demand_org_id": deal.demand_org_id, "achievement_org_id": deal.achievement_org_id,
        "lead_broker_id": broker_id, "stage": deal.stage})
    add_event(session, deal, user.id, "opened", to_stage=Stage.NEGOTIATING,
              text=f"揭榜挂帅授奖（榜单 #{challenge.id}），双方进入洽谈。The challenge's award "
                   f"(challenge #{challenge.id}) opens the deal; the parties negotiate.",
              data={"challenge_id": challenge.id, "challenge_award_id": award.id})
    # the parties know (they decided it, or are told of the award): the broker is told here
    notify(session, audience(session, deal, demand_party=False, achievement_party=False),
           "deal.accepted",
           deal_title(deal, "揭榜挂帅授奖，撮合项目已开启 The challenge's award opened a deal"),
           f"榜单：{challenge.title}", deal_id=deal.id, exclude=user.id)
    return deal
