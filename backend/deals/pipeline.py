"""The stage machine: (requested →) introduced → negotiating → signed → registered → paid →
closed, with lost and cancelled from any open stage (only cancelled from requested). The
allowed moves are data (`TRANSITIONS`); every move goes through `transition`, which checks
the move and its guard, records who, when and why on the timeline and in the audit log,
drives the listings' lifecycle, ends the demand assignments the deal made when it ends, and
notifies the parties and brokers.

`requested` is where a deal on an anonymous or private demand starts: a request to the
demand's firm, which alone moves it on (by accepting, `opening.respond`) or ends it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput, PermissionDenied
from backend.core.types import utcnow
from backend.deals.access import BROKERS, DealAccess, Relation, active_brokers
from backend.deals.events import add_event
from backend.deals.ledger import received
from backend.deals.models import (
    OPEN_STAGES,
    Acceptance,
    BrokerStatus,
    ContractType,
    Deal,
    DealBroker,
    DealEvent,
    Stage,
)
from backend.deals.notifications import STAGE_ZH, audience, deal_title, notify
from backend.listings import lookup as listings

ENDED = frozenset({Stage.CLOSED, Stage.LOST, Stage.CANCELLED})
_OUT = frozenset({Stage.LOST, Stage.CANCELLED})

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.REQUESTED: frozenset({Stage.INTRODUCED, Stage.CANCELLED}),
    Stage.INTRODUCED: frozenset({Stage.NEGOTIATING}) | _OUT,
    Stage.NEGOTIATING: frozenset({Stage.SIGNED}) | _OUT,
    Stage.SIGNED: frozenset({Stage.REGISTERED}) | _OUT,
    Stage.REGISTERED: frozenset({Stage.PAID}) | _OUT,
    Stage.PAID: frozenset({Stage.CLOSED}) | _OUT,
    Stage.CLOSED: frozenset(),
    Stage.LOST: frozenset(),
    Stage.CANCELLED: frozenset(),
}
_ORDER = list(Stage)


def allowed_next(stage: Stage) -> list[Stage]:
    return sorted(TRANSITIONS[stage], key=_ORDER.index)


def _not_allowed(current: Stage, target: Stage) -> Conflict:
    nxt = allowed_next(current)
    zh = "、".join(f"{STAGE_ZH[s]}（{s.value}）" for s in nxt) or "无（项目已结束）"
    en = ", ".join(s.value for s in nxt) or "none (the deal has ended)"
    return Conflict(
        f"当前阶段为{STAGE_ZH[current]}（{current.value}），不能转入{STAGE_ZH[target]}"
        f"（{target.value}）；可转入：{zh}。The deal is at stage '{current.value}' and cannot "
        f"move to '{target.value}'; allowed next: {en}.",
        current_stage=current.value, allowed_next=[s.value for s in nxt])


def _check_guard(session: Session, deal: Deal, to_stage: Stage, reason: str | None) -> None:
    if to_stage in _OUT:
        if not reason:
            raise InvalidInput("reason", "结束项目须说明原因。Say why the deal is being ended.")
        return
    contract = deal.contract
    if to_stage == Stage.INTRODUCED and deal.demand_acceptance != Acceptance.ACCEPTED:
        raise Conflict("需求方同意撮合请求后才能引荐。The demand's firm must accept the request "
                       "before the introduction.", current_stage=deal.stage.value)
    if to_stage == Stage.NEGOTIATING and not both_accepted(deal):
        raise Conflict("双方都接受引荐后才能进入洽谈。Both parties must accept the introduction "
                       "before negotiating.", current_stage=deal.stage.value)
    if to_stage == Stage.SIGNED and contract is None:
        raise Conflict("请先录入合同。Record the contract first.", current_stage=deal.stage.value)
    if to_stage == Stage.REGISTERED and (contract is None or not contract.registration_no
                                         or contract.registered_on is None):
        raise Conflict("合同尚未登记（须有技术合同登记号和登记日期）。The contract is not "
                       "registered yet (needs its registration number and date).",
                       current_stage=deal.stage.value)
    if to_stage == Stage.PAID:
        paid = received(session, contract.id) if contract is not None else None
        if contract is None or paid != contract.amount:
            raise Conflict(f"合同款尚未全额到账（已计入{paid or 0}元）。The contract amount has not "
                           f"been fully received ({paid or 0} yuan counted so far).",
                           current_stage=deal.stage.value)


def both_accepted(deal: Deal) -> bool:
    return (deal.demand_acceptance == Acceptance.ACCEPTED
            and deal.achievement_acceptance == Acceptance.ACCEPTED)


def transition(session: Session, actor: audit.Actor, deal: Deal, to_stage: Stage,
               reason: str | None, *, announce: bool = True) -> DealEvent:
    """Move the deal to `to_stage` if the machine allows it and its guard holds (`announce`:
    tell the parties and brokers; off when the caller sends notices of its own)."""
    current = deal.stage
    if to_stage not in TRANSITIONS[current]:
        raise _not_allowed(current, to_stage)
    _check_guard(session, deal, to_stage, reason)
    deal.stage = to_stage
    if to_stage in ENDED:
        deal.open_pair_key = None
        deal.ended_at = utcnow()
    session.flush()
    event = add_event(session, deal, actor.user_id, "stage_changed", text=reason,
                      from_stage=current, to_stage=to_stage)
    audit.record(session, actor, "deal.transition", "deal", deal.id,
                 before={"stage": current}, after={"stage": to_stage, "reason": reason})
    _drive_listings(session, actor, deal, current, to_stage)
    if to_stage in ENDED:
        end_assignments(session, actor, deal)
    if announce:
        notify(session, audience(session, deal), "deal.stage",
               deal_title(deal, f"进入「{STAGE_ZH[to_stage]}」阶段 moved to {to_stage.value}"),
               reason or "", deal_id=deal.id, exclude=actor.user_id)
    return event


def _other_open_deal(session: Session, deal: Deal, *, broker_id: int | None = None
                     ) -> int | None:
    """Another open deal on the same demand that is past its request (with this broker on it,
    the firm having accepted it, when `broker_id` is given)."""
    query = select(Deal.id).where(Deal.demand_id == deal.demand_id, Deal.id != deal.id,
                                  Deal.stage.in_(OPEN_STAGES - {Stage.REQUESTED}))
    if broker_id is not None:
        query = query.join(DealBroker, DealBroker.deal_id == Deal.id).where(
            DealBroker.broker_id == broker_id, DealBroker.status == BrokerStatus.ACTIVE,
            Deal.demand_acceptance == Acceptance.ACCEPTED)
    return session.execute(query.limit(1)).scalar_one_or_none()


def admit_brokers(session: Session, actor: audit.Actor, deal: Deal) -> None:
    """The demand's firm accepted the deal: its active brokers may see the demand (and who
    posted it) until the deal ends."""
    if deal.demand_id is None:  # a challenge award's deal: no listing to open to them
        return
    for row in active_brokers(deal):
        listings.assign_broker_by_deal(session, actor, deal.demand_id, row.broker_id, deal.id)


def end_assignments(session: Session, actor: audit.Actor, deal: Deal) -> None:
    """The deal ended: the demand assignments it made end too, but for a broker whom another
    open deal on the demand that the firm accepted still holds."""
    if deal.demand_id is None:
        return
    for row in active_brokers(deal):
        if _other_open_deal(session, deal, broker_id=row.broker_id) is None:
            listings.end_deal_assignment(session, actor, deal.demand_id, row.broker_id, deal.id)


def _drive_listings(session: Session, actor: audit.Actor, deal: Deal, current: Stage,
                    to_stage: Stage) -> None:
    if deal.demand_id is None or deal.achievement_id is None:
        return  # a challenge award's deal moves no listing
    if to_stage == Stage.INTRODUCED:  # a request the firm accepted
        listings.mark_demand_in_negotiation(session, deal.demand_id, actor=actor)
    elif to_stage in _OUT:
        # A request never put the demand in negotiation. Otherwise the demand may be in other
        # open deals (with other achievements): keep it in negotiation until the last ends.
        if current != Stage.REQUESTED and _other_open_deal(session, deal) is None:
            listings.release_demand(session, deal.demand_id, actor=actor)
    elif to_stage == Stage.CLOSED:
        listings.mark_demand_fulfilled(session, deal.demand_id, actor=actor)
        if deal.contract is not None and deal.contract.type == ContractType.TRANSFER:
            listings.mark_achievement_transferred(session, deal.achievement_id, actor=actor)


def request_transition(session: Session, actor: audit.Actor, access: DealAccess,
                       to_stage: Stage, reason: str | None) -> DealEvent:
    """A person asks to move the deal: its brokers may make any allowed move; an administrator
    may only cancel (e.g. a deal found to be fictitious)."""
    relation = access.relation
    if not (relation in BROKERS or (relation == Relation.ADMIN and to_stage == Stage.CANCELLED)):
        raise PermissionDenied("只有本项目的经纪人可以推进阶段（管理员只能取消项目）。Only this "
                               "deal's brokers may change its stage (administrators may only "
                               "cancel it).")
    return transition(session, actor, access.deal, to_stage, reason)


def advance_if_fully_paid(session: Session, actor: audit.Actor, deal: Deal) -> bool:
    """A registered deal whose counted payments reach the contract amount becomes paid."""
    contract = deal.contract
    if deal.stage != Stage.REGISTERED or contract is None:
        return False
    if received(session, contract.id) != contract.amount:
        return False
    transition(session, actor, deal, Stage.PAID, "合同款已全额到账。The contract amount has been "
               "received in full.")
    return True

