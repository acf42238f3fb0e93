"""Technology demands (技术需求): post, edit, publish, withdraw, close, expire, moderate,
assign brokers, list and search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, joinedload

from backend.accounts import gates
from backend.accounts.models import BrokerProfile, User, VerificationStatus
from backend.audit import service as audit
from backend.core import clock, paging
from backend.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from backend.core.fetch import one_or_404
from backend.core.permissions import Role
from backend.listings import search, taxonomy, visibility
from backend.listings.models import Demand, DemandBroker, DemandStatus, Visibility, modes_to_mask
from backend.listings.schemas import DemandIn, DemandUpdate
from backend.listings.service import (
    DEMAND_EDITABLE,
    DEMAND_TRANSITIONS,
    ListingFilters,
    check_editable,
    check_transition,
    enqueue_index,
    hide,
    modes_clause,
    require_verified_organisation,
    stamp,
    unhide,
)

MAX_DEADLINE_YEARS = 5
NOT_FOUND = "未找到该技术需求。No such demand."


class DemandSort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    DEADLINE = "deadline"
    BUDGET_HIGH = "budget_high"
    BUDGET_LOW = "budget_low"
    TRL_HIGH = "trl_high"
    TRL_LOW = "trl_low"


def snapshot(d: Demand) -> dict[str, Any]:
    return {"title": d.title, "description": d.description, "field_id": d.field_id,
            "keywords": d.keywords, "budget_min": d.budget_min, "budget_max": d.budget_max,
            "modes_mask": d.modes_mask, "min_trl": d.min_trl, "deadline": d.deadline,
            "region": d.region, "visibility": d.visibility, "anonymous": d.anonymous,
            "status": d.status, "hidden": d.hidden}


def _search_text(d: Demand) -> str:
    return search.search_text(d.title, d.description, d.keywords.split(","))


def _check_deadline(deadline: date | None) -> None:
    if deadline is None:
        return
    today = clock.today()
    if deadline < today:
        raise InvalidInput("deadline", "截止日期不能早于今天。The deadline cannot be in the past.")
    if deadline > today + timedelta(days=366 * MAX_DEADLINE_YEARS):
        raise InvalidInput("deadline", f"截止日期不能晚于{MAX_DEADLINE_YEARS}年后。"
                                       f"The deadline is more than {MAX_DEADLINE_YEARS} years away.")


def _check_budget(low: Decimal | None, high: Decimal | None) -> None:
    if low is not None and high is not None and low > high:
        raise InvalidInput("budget_max", "最高预算不能低于最低预算。"
                                         "The budget maximum is below the minimum.")


# --- finding ---------------------------------------------------------------------------------

def get_demand(session: Session, user: User | None, demand_id: int) -> Demand:
    """A demand `user` may see (404 otherwise), with its field loaded."""
    demand = one_or_404(session, visibility.visible_demands(user).where(Demand.id == demand_id)
                        .options(joinedload(Demand.field)), NOT_FOUND)
    return demand


def check_visible(session: Session, user: User | None, demand_id: int) -> int:
    """`demand_id`, if `user` may see that demand (404 otherwise)."""
    if demand_id not in visibility.visible_demand_ids(session, user, [demand_id]):
        raise NotFound(NOT_FOUND)
    return demand_id


def _locked(session: Session, user: User, demand_id: int) -> Demand:
    demand = one_or_404(session, visibility.visible_demands(user).where(Demand.id == demand_id)
                        .options(joinedload(Demand.field)).with_for_update(of=Demand), NOT_FOUND)
    return demand


def demand_for_owner(session: Session, user: User, demand_id: int) -> Demand:
    """A demand `user`'s organisation owns, locked for change: 404 when they cannot see it,
    403 when they can but it is not theirs."""
    demand = _locked(session, user, demand_id)
    if not visibility.owns(user, demand.organisation_id):
        raise PermissionDenied("只有发布该需求的企业可以修改它。Only the firm that posted this "
                               "demand may change it.")
    return demand


def demand_for_moderation(session: Session, user: User, demand_id: int) -> Demand:
    return _locked(session, user, demand_id)


# --- changes ---------------------------------------------------------------------------------

def create_demand(session: Session, actor: audit.Actor, user: User, data: DemandIn) -> Demand:
    if user.role != Role.FIRM or user.organisation_id is None:
        raise PermissionDenied("只有企业用户可以发布技术需求。Only firm users post demands.")
    taxonomy.usable_field(session, data.field_id)
    _check_budget(data.budget_min, data.budget_max)
    _check_deadline(data.deadline)
    demand = Demand(organisation_id=user.organisation_id, created_by_id=user.id,
                    title=data.title, description=data.description, field_id=data.field_id,
                    keywords=",".join(data.keywords), budget_min=data.budget_min,
                    budget_max=data.budget_max, modes_mask=modes_to_mask(list(data.modes)),
                    min_trl=data.min_trl, deadline=data.deadline, region=data.region,
                    visibility=data.visibility, anonymous=data.anonymous,
                    status=DemandStatus.DRAFT, hidden=False)
    demand.search_text = _search_text(demand)
    session.add(demand)
    session.flush()
    audit.record(session, actor, "demand.create", "demand", demand.id, after=snapshot(demand))
    if data.publish:
        publish_demand(session, actor, demand)
    else:
        enqueue_index(session, "demand", [demand.id])
    return demand


_SIMPLE = ("title", "description", "field_id", "budget_min", "budget_max", "min_trl",
           "deadline", "region", "visibility", "anonymous")
_REQUIRED = {"title", "description", "field_id", "region", "visibility", "anonymous",
             "keywords", "modes"}


def update_demand(session: Session, actor: audit.Actor, demand: Demand,
                  data: DemandUpdate) -> Demand:
    check_editable("demand", demand.status, DEMAND_EDITABLE)
    sent = data.model_fields_set
    for name in sent & _REQUIRED:
        if getattr(data, name) is None:
            raise InvalidInput(name, "不能为空。Must not be null.")
    if "field_id" in sent and data.field_id is not None:
        taxonomy.usable_field(session, data.field_id)
    if "deadline" in sent:
        _check_deadline(data.deadline)
    _check_budget(data.budget_min if "budget_min" in sent else demand.budget_min,
                  data.budget_max if "budget_max" in sent else demand.budget_max)
    before = snapshot(demand)
    for name in sent & set(_SIMPLE):
        setattr(demand, name, getattr(data, name))
    if data.keywords is not None:
        demand.keywords = ",".join(data.keywords)
    if data.modes is not None:
        demand.modes_mask = modes_to_mask(list(data.modes))
    after = snapshot(demand)
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        return demand
    if changed & {"title", "description", "keywords"}:
        demand.search_text = _search_text(demand)
    stamp(demand)
    session.flush()
    audit.record(session, actor, "demand.update", "demand", demand.id,
                 before={k: before[k] for k in sorted(changed)},
                 after={k: after[k] for k in sorted(changed)})
    enqueue_index(session, "demand", [demand.id])
    return demand


def _move(session: Session, actor: audit.Actor, demand: Demand, target: DemandStatus,
          verb: str) -> Demand:
    check_transition("demand", demand.status, target, DEMAND_TRANSITIONS)
    before = demand.status
    demand.status = target
    stamp(demand, published=target == DemandStatus.PUBLISHED)
    session.flush()
    audit.record(session, actor, f"demand.{verb}", "demand", demand.id,
                 before={"status": before}, after={"status": target})
    enqueue_index(session, "demand", [demand.id])
    return demand


# A demand's open deals, oldest first. Deals sit above listings (a deal is on a demand) and
# hand this over as they load (`backend/deals/lookup.py`); listings does not import deals.
OpenDeals = Callable[[Session, int], list[int]]
_open_deals: OpenDeals | None = None


def install_open_deals(finder: OpenDeals) -> None:
    global _open_deals
    _open_deals = finder


def _no_open_deal(session: Session, demand: Demand, action_zh: str, action_en: str) -> None:
    """While a deal on the demand is open, its owner may not take it back to "published"
    (the deal is why it is in negotiation) nor withdraw it from under the deal."""
    if _open_deals is None:
        raise RuntimeError("No lookup of a demand's open deals: import backend.deals.lookup "
                           "at start-up.")
    open_ids = _open_deals(session, demand.id)
    if open_ids:
        named = "、".join(f"#{i}" for i in open_ids)
        raise Conflict(f"该需求有进行中的撮合项目{named}，请先结束该项目再{action_zh}。This demand has "
                       f"an open deal ({', '.join(f'#{i}' for i in open_ids)}); close it before "
                       f"you {action_en} the demand.", open_deal_ids=open_ids)


def publish_demand(session: Session, actor: audit.Actor, demand: Demand) -> Demand:
    check_transition("demand", demand.status, DemandStatus.PUBLISHED, DEMAND_TRANSITIONS)
    _no_open_deal(session, demand, "重新发布", "publish")
    require_verified_organisation(session, demand.organisation_id)
    if demand.deadline is not None and demand.deadline < clock.today():
        raise Conflict("截止日期已过，请先修改截止日期再发布。The deadline has passed; move it "
                       "before publishing.", errors=[{"field": "deadline", "message": "已过期 past"}])
    return _move(session, actor, demand, DemandStatus.PUBLISHED, "publish")


def withdraw_demand(session: Session, actor: audit.Actor, demand: Demand) -> Demand:
    check_transition("demand", demand.status, DemandStatus.WITHDRAWN, DEMAND_TRANSITIONS)
    _no_open_deal(session, demand, "撤回", "withdraw")
    return _move(session, actor, demand, DemandStatus.WITHDRAWN, "withdraw")


def close_demand(session: Session, actor: audit.Actor, demand: Demand) -> Demand:
    return _move(session, actor, demand, DemandStatus.CLOSED, "close")


def hide_demand(session: Session, actor: audit.Actor, demand: Demand, reason: str) -> Demand:
    hide(session, actor, "demand", demand, reason)
    return demand


def unhide_demand(session: Session, actor: audit.Actor, demand: Demand) -> Demand:
    unhide(session, actor, "demand", demand)
    return demand


def demand_for_assignment(session: Session, user: User, demand_id: int) -> Demand:
    """A demand whose brokers `user` may assign: the owning firm's, or any for administrators
    (404 when they cannot see it, 403 when they can but it is not theirs)."""
    if visibility.is_admin(user):
        return demand_for_moderation(session, user, demand_id)
    return demand_for_owner(session, user, demand_id)


def assign_broker(session: Session, actor: audit.Actor, demand: Demand, broker_id: int) -> None:
    """Let a verified broker see the demand whatever its visibility, and who posted it, until
    the firm or an administrator unassigns them (an assignment a deal made becomes theirs)."""
    status = session.execute(select(BrokerProfile.verification_status).where(
        BrokerProfile.user_id == broker_id)).scalar_one_or_none()
    if status is None:
        raise InvalidInput("broker_id", "未找到该经纪人。No such broker.")
    if status != VerificationStatus.VERIFIED:
        raise Conflict("该经纪人尚未通过认证，不能指派。Only verified brokers can be assigned.",
                       errors=[{"field": "broker_id", "message": "未认证 not verified"}])
    if demand.visibility == Visibility.PRIVATE:
        gates.require_grade(session, gates.Gate.PRIVATE_DEMAND, [broker_id])
    row = session.execute(select(DemandBroker).where(
        DemandBroker.demand_id == demand.id, DemandBroker.broker_id == broker_id)
    ).scalar_one_or_none()
    if row is not None and not row.by_deal:
        return
    if row is None:
        session.add(DemandBroker(demand_id=demand.id, broker_id=broker_id,
                                 assigned_by_id=actor.user_id, by_deal=False))
    else:
        row.by_deal, row.assigned_by_id = False, actor.user_id
    session.flush()
    audit.record(session, actor, "demand.assign_broker", "demand", demand.id,
                 after={"broker_id": broker_id})


def unassign_broker(session: Session, actor: audit.Actor, demand: Demand, broker_id: int) -> None:
    row = one_or_404(session, select(DemandBroker).where(
                     DemandBroker.demand_id == demand.id, DemandBroker.broker_id == broker_id),
                     "该经纪人未被指派到此需求。This broker is not assigned to the demand.")
    session.delete(row)
    session.flush()
    audit.record(session, actor, "demand.unassign_broker", "demand", demand.id,
                 before={"broker_id": broker_id})


def expire_overdue(session: Session, today: date | None = None) -> list[int]:
    """Published or negotiating demands whose deadline is before today (China time) expire.
    Running it again changes nothing."""
    today = today or clock.today()
    overdue = session.execute(
        select(Demand).where(Demand.status.in_([DemandStatus.PUBLISHED,
                                                DemandStatus.IN_NEGOTIATION]),
                             Demand.deadline < today)
        .order_by(Demand.id).with_for_update()).scalars().all()
    for demand in overdue:
        before = demand.status
        demand.status = DemandStatus.EXPIRED
        stamp(demand)
        audit.record(session, audit.SYSTEM, "demand.expire", "demand", demand.id,
                     before={"status": before, "deadline": demand.deadline},
                     after={"status": DemandStatus.EXPIRED})
    session.flush()
    ids = [d.id for d in overdue]
    if ids:
        enqueue_index(session, "demand", ids)
    return ids


# --- lists -----------------------------------------------------------------------------------

_ORDER: dict[DemandSort, list[Any]] = {
    DemandSort.NEWEST: [Demand.published_at.desc().nulls_last(), Demand.created_at.desc(),
                        Demand.id.desc()],
    DemandSort.OLDEST: [Demand.published_at.asc().nulls_last(), Demand.created_at.asc(),
                        Demand.id.asc()],
    DemandSort.DEADLINE: [Demand.deadline.asc().nulls_last(), Demand.id.asc()],
    DemandSort.BUDGET_HIGH: [Demand.budget_max.desc().nulls_last(),
                             Demand.budget_min.desc().nulls_last(), Demand.id.desc()],
    DemandSort.BUDGET_LOW: [Demand.budget_min.asc().nulls_last(),
                            Demand.budget_max.asc().nulls_last(), Demand.id.asc()],
    DemandSort.TRL_HIGH: [Demand.min_trl.desc().nulls_last(), Demand.id.desc()],
    DemandSort.TRL_LOW: [Demand.min_trl.asc().nulls_last(), Demand.id.asc()],
}


def demand_query(user: User | None, f: ListingFilters) -> Select[Demand]:
    """Visible demands matching the filters (the one query behind list, search and export)."""
    query = visibility.visible_demands(user).where(search.keyword_clause(Demand.search_text, f.q))
    if f.mine:
        if user is None:
            raise NotAuthenticated("请先登录。Please log in.")
        query = query.where(Demand.organisation_id == (user.organisation_id or -1))
    if f.field_id is not None:
        query = query.where(taxonomy.subtree_clause(Demand.field_id, f.field_id))
    if f.region:
        query = query.where(Demand.region.startswith(f.region, autoescape=True))
    if f.modes:
        query = query.where(modes_clause(Demand.modes_mask, f.modes))
    if f.trl_min is not None:
        query = query.where(Demand.min_trl >= f.trl_min)
    if f.trl_max is not None:
        query = query.where(Demand.min_trl <= f.trl_max)
    # A budget is the range [min or 0, max or no limit]; demands with neither are left out.
    if f.amount_min is not None:  # the range reaches up to at least this much
        query = query.where(or_(Demand.budget_max >= f.amount_min,
                                and_(Demand.budget_max.is_(None), Demand.budget_min.is_not(None))))
    if f.amount_max is not None:  # the range starts at or below this much
        query = query.where(or_(Demand.budget_min <= f.amount_max,
                                and_(Demand.budget_min.is_(None), Demand.budget_max.is_not(None))))
    if f.statuses:
        query = query.where(Demand.status.in_(f.statuses))
    if f.hidden is not None:
        query = query.where(Demand.hidden.is_(f.hidden))
    return query


def list_demands(session: Session, user: User | None, f: ListingFilters, sort: DemandSort,
                 page: int, page_size: int) -> tuple[list[int], int]:
    """The ids of one page of the demands `user` sees that match `f`, and how many match."""
    return paging.ids_page(session, demand_query(user, f), _ORDER[sort], page, page_size)
