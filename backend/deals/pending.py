"""What waits on this user: introductions to answer, broker invitations, share re-splits.

The workspace shows these as badges; each count is of things the user can act on now.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.permissions import Role
from backend.deals import schemas
from backend.deals.brokers import pending_share_proposal
from backend.deals.models import OPEN_STAGES, Acceptance, BrokerStatus, Deal, DealBroker, Stage


def _introductions(session: Session, user: User) -> int:
    """Deals still at `introduced` whose side this user's organisation has not answered."""
    org = user.organisation_id
    if user.role not in (Role.FIRM, Role.INSTITUTE) or org is None:
        return 0
    return session.execute(select(func.count(Deal.id)).where(
        Deal.stage == Stage.INTRODUCED,
        or_((Deal.demand_org_id == org) & (Deal.demand_acceptance == Acceptance.PENDING),
            (Deal.achievement_org_id == org)
            & (Deal.achievement_acceptance == Acceptance.PENDING)))).scalar_one()


def pending(session: Session, user: User) -> schemas.PendingOut:
    if user.role != Role.BROKER:
        return schemas.PendingOut(introductions=_introductions(session, user), invitations=0,
                                  share_proposals=0)
    invitations = session.execute(select(func.count(DealBroker.id)).join(Deal).where(
        DealBroker.broker_id == user.id, DealBroker.status == BrokerStatus.INVITED,
        Deal.stage.in_(OPEN_STAGES))).scalar_one()
    mine = session.execute(select(Deal).join(DealBroker).where(
        DealBroker.broker_id == user.id, DealBroker.status == BrokerStatus.ACTIVE,
        Deal.stage.in_(OPEN_STAGES))).scalars().all()
    proposals = 0
    for deal in mine:
        proposal = pending_share_proposal(session, deal)
        proposals += proposal is not None and user.id in proposal.awaiting
    return schemas.PendingOut(introductions=0, invitations=invitations,
                              share_proposals=proposals)
