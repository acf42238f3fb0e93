"""Who may see a deal, and in what capacity: the one scoping query every read goes through.

A deal is visible to its brokers (active, or invited and still deciding), to the users of
its two parties' organisations, and to administrators. Everyone else gets 404, never 403,
so the existence of a deal does not leak. A deal opened as a request on an anonymous or
private demand is not yet the achievement side's: they see it only once the demand's firm
has accepted it (`achievement_side_admitted`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import Session, selectinload

from backend.accounts.models import User
from backend.core import paging
from backend.core.errors import Conflict, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.deals.models import (
    OPEN_STAGES,
    Acceptance,
    BrokerRole,
    BrokerStatus,
    Deal,
    DealBroker,
    Stage,
)

NOT_FOUND = "未找到该撮合项目。No such deal."


class Relation(StrEnum):
    ADMIN = "admin"
    LEAD = "lead"                         # the broker who opened the deal
    BROKER = "broker"                     # an invited broker who joined
    INVITEE = "invitee"                   # invited, not yet answered
    DEMAND_PARTY = "demand_party"         # a user of the demand's organisation
    ACHIEVEMENT_PARTY = "achievement_party"


BROKERS = frozenset({Relation.LEAD, Relation.BROKER})
PARTIES = frozenset({Relation.DEMAND_PARTY, Relation.ACHIEVEMENT_PARTY})
# Who sees the deal's contents (contract, files, payments, timeline); an invitee sees the
# deal's outline only until they join.
INSIDERS = BROKERS | PARTIES | {Relation.ADMIN}


@dataclass(frozen=True)
class DealAccess:
    deal: Deal
    relation: Relation
    user: User


def achievement_side_admitted(deal: Deal) -> bool:
    """Whether the achievement's organisation is in the deal yet: always, unless the deal is
    a request the demand's firm has not accepted (yet, or ever)."""
    return not deal.requested or deal.demand_acceptance == Acceptance.ACCEPTED


def demand_side_consented(deal: Deal) -> bool:
    """Whether the demand's firm has accepted the deal (and so admitted its brokers)."""
    return deal.demand_acceptance == Acceptance.ACCEPTED


def visible_deals(user: User) -> Select[Deal]:
    """Deals this user may see: reused by list, detail, files, timeline and the lookups."""
    query = select(Deal)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.BROKER:
        mine = select(DealBroker.deal_id).where(
            DealBroker.broker_id == user.id,
            DealBroker.status.in_([BrokerStatus.ACTIVE, BrokerStatus.INVITED]))
        return query.where(Deal.id.in_(mine))
    if user.role in (Role.FIRM, Role.INSTITUTE) and user.organisation_id is not None:
        org = user.organisation_id
        admitted = or_(Deal.requested.is_(False), Deal.demand_acceptance == Acceptance.ACCEPTED)
        return query.where(or_(Deal.demand_org_id == org,
                               and_(Deal.achievement_org_id == org, admitted)))
    return query.where(false())


def list_visible(session: Session, user: User, *, stages: Sequence[Stage] | None,
                 open_only: bool, page: int, page_size: int) -> tuple[Sequence[Deal], int]:
    """A page of the deals this user sees, newest first, with the total."""
    query = visible_deals(user)
    if stages:
        query = query.where(Deal.stage.in_(stages))
    if open_only:
        query = query.where(Deal.stage.in_(OPEN_STAGES))
    return paging.page_of(session, query.options(
        selectinload(Deal.brokers), selectinload(Deal.contract)).order_by(
        Deal.opened_at.desc(), Deal.id.desc()), page, page_size)


def relation_of(user: User, deal: Deal) -> Relation | None:
    if user.role == Role.ADMIN:
        return Relation.ADMIN
    if user.role == Role.BROKER:
        for row in deal.brokers:
            if row.broker_id != user.id:
                continue
            if row.status == BrokerStatus.ACTIVE:
                return Relation.LEAD if row.role == BrokerRole.LEAD else Relation.BROKER
            if row.status == BrokerStatus.INVITED:
                return Relation.INVITEE
        return None
    if user.role in (Role.FIRM, Role.INSTITUTE) and user.organisation_id is not None:
        if user.organisation_id == deal.demand_org_id:
            return Relation.DEMAND_PARTY
        if user.organisation_id == deal.achievement_org_id and achievement_side_admitted(deal):
            return Relation.ACHIEVEMENT_PARTY
    return None


def load_deal(session: Session, deal_id: int, *, user: User | None = None,
              lock: bool = False) -> Deal | None:
    query = (visible_deals(user) if user is not None else select(Deal)).where(Deal.id == deal_id)
    if lock:  # writers on one deal queue up behind each other (SQLite: BEGIN IMMEDIATE does it)
        query = query.with_for_update(of=Deal)
    return session.execute(
        query.options(selectinload(Deal.brokers), selectinload(Deal.contract))
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def deal_for(session: Session, user: User, deal_id: int, *, lock: bool = False) -> DealAccess:
    """The deal as this user may see it, or NotFound; `lock` for the writers."""
    deal = load_deal(session, deal_id, user=user, lock=lock)
    relation = relation_of(user, deal) if deal is not None else None
    if deal is None or relation is None:
        raise NotFound(NOT_FOUND)
    return DealAccess(deal, relation, user)


def insider(access: DealAccess) -> DealAccess:
    """The deal's contents are for its brokers, parties and administrators, not invitees."""
    if access.relation not in INSIDERS:
        raise NotFound(NOT_FOUND)
    return access


def require_broker(access: DealAccess) -> None:
    if access.relation not in BROKERS:
        raise PermissionDenied("只有本项目的经纪人可以进行此操作。Only this deal's brokers may "
                               "do this.")


def require_lead(access: DealAccess) -> None:
    if access.relation != Relation.LEAD:
        raise PermissionDenied("只有牵头经纪人可以进行此操作。Only the lead broker may do this.")


def require_open(deal: Deal) -> None:
    if deal.stage not in OPEN_STAGES:
        raise Conflict(f"该撮合项目已结束（{deal.stage.value}）。This deal has ended "
                       f"({deal.stage.value}).", current_stage=deal.stage.value)


def active_brokers(deal: Deal) -> list[DealBroker]:
    return [b for b in deal.brokers if b.status == BrokerStatus.ACTIVE]
