"""Opening a deal on a demand–achievement pair, and the parties' answer to the introduction.

Consent before disclosure: a deal on an anonymous or private demand opens as a *request* to
the demand's firm (stage `requested`). Until the firm accepts, the broker sees only what they
saw before (the demand as listed, its poster still anonymous), the achievement's side is not
involved at all, and nobody is assigned to the demand; the firm sees who asks and for which
achievement. Accepting makes it an ordinary introduction (the firm's side already accepted);
declining, or the broker withdrawing, cancels it. On any deal, the firm's acceptance admits
the deal's brokers to the demand (`pipeline.admit_brokers`) until the deal ends.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import is_verified_broker
from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.types import utcnow
from backend.deals.access import PARTIES, DealAccess, Relation
from backend.deals.events import add_event
from backend.deals.models import (
    Acceptance,
    BrokerRole,
    BrokerStatus,
    Deal,
    DealBroker,
    Stage,
)
from backend.deals.notifications import audience, deal_title, notify
from backend.deals.pipeline import admit_brokers, both_accepted, transition
from backend.listings import lookup as listings
from backend.listings.models import AchievementStatus, DemandStatus, Visibility

_PAIR_TAKEN = ("该需求与该成果之间已有进行中的撮合项目。This demand and achievement already have an "
               "open deal.")
# Listing states in which a broker cannot see a listing at all (→ 404), and in which it is
# visible but no longer open to deals (→ 409).
_DEMAND_UNSEEN = {DemandStatus.DRAFT, DemandStatus.WITHDRAWN}
_DEMAND_DEALABLE = {DemandStatus.PUBLISHED, DemandStatus.IN_NEGOTIATION}
_ACHIEVEMENT_UNSEEN = {AchievementStatus.DRAFT, AchievementStatus.WITHDRAWN}


def pair_key(demand_id: int, achievement_id: int) -> str:
    return f"{demand_id}:{achievement_id}"


def _demand_for_broker(session: Session, broker: User, demand_id: int) -> listings.DemandBrief:
    demand = listings.demand_brief(session, demand_id)
    visible = (not demand.hidden and demand.status not in _DEMAND_UNSEEN
               and (demand.visibility != Visibility.PRIVATE
                    or listings.is_assigned_broker(session, demand.id, broker.id)))
    if not visible:
        raise NotFound("未找到该技术需求。No such demand.")
    if demand.status not in _DEMAND_DEALABLE:
        raise Conflict(f"该技术需求当前不可撮合（{demand.status.value}）。This demand is not open "
                       f"to deals ({demand.status.value}).")
    return demand


def _achievement_for_broker(session: Session, achievement_id: int) -> listings.AchievementBrief:
    achievement = listings.achievement_brief(session, achievement_id)
    if achievement.hidden or achievement.status in _ACHIEVEMENT_UNSEEN:
        raise NotFound("未找到该科技成果。No such achievement.")
    if achievement.status != AchievementStatus.PUBLISHED:
        raise Conflict(f"该科技成果当前不可撮合（{achievement.status.value}）。This achievement is "
                       f"not open to deals ({achievement.status.value}).")
    return achievement


def _pair_is_free(session: Session, key: str) -> bool:
    return session.execute(select(Deal.id).where(Deal.open_pair_key == key)).first() is None


def open_deal(session: Session, actor: audit.Actor, broker: User, demand_id: int,
              achievement_id: int) -> Deal:
    """A verified broker opens a deal on a pair they can see; they lead it with a 100% share.

    A demand already in another open deal (with a different achievement) may get more deals:
    a firm often weighs several offers. One pair, though, has at most one open deal — enforced
    by the unique `open_pair_key`, so two brokers racing for it get 409, not 500.
    """
    if not is_verified_broker(broker):
        raise PermissionDenied("只有已认证的技术经纪人可以发起撮合。Only verified brokers may "
                               "open deals.")
    demand = _demand_for_broker(session, broker, demand_id)
    achievement = _achievement_for_broker(session, achievement_id)
    if demand.organisation_id == achievement.organisation_id:
        raise InvalidInput("achievement_id", "需求和成果须来自不同机构。The demand and the "
                                             "achievement must come from different organisations.")
    key = pair_key(demand.id, achievement.id)
    if not _pair_is_free(session, key):
        raise Conflict(_PAIR_TAKEN)
    held = session.execute(select(Deal.id).where(
        Deal.demand_id == demand.id, Deal.achievement_id == achievement.id,
        Deal.clawback_hold.is_(True))).first()
    if held is not None:
        raise Conflict("该需求与成果之间的前一撮合项目尚有待追回的奖补，追回了结前不能重新撮合。A reward "
                       "on an earlier deal between this demand and achievement is being clawed "
                       "back; the pair cannot be reopened until that is settled.",
                       reason="clawback_open", deal_id=held[0])
    requested = demand.anonymous or demand.visibility == Visibility.PRIVATE
    stage = Stage.REQUESTED if requested else Stage.INTRODUCED
    now = utcnow()
    deal = Deal(demand_id=demand.id, achievement_id=achievement.id,
                demand_org_id=demand.organisation_id,
                achievement_org_id=achievement.organisation_id, stage=stage,
                demand_acceptance=Acceptance.PENDING, achievement_acceptance=Acceptance.PENDING,
                requested=requested, open_pair_key=key, opened_by_id=broker.id, opened_at=now,
                brokers=[DealBroker(broker_id=broker.id, role=BrokerRole.LEAD,
                                    status=BrokerStatus.ACTIVE, share=Decimal("100.00"),
                                    joined_at=now)])
    session.add(deal)
    try:
        session.flush()
    except IntegrityError as exc:
        if "open_pair_key" in str(exc.orig):
            raise Conflict(_PAIR_TAKEN) from None
        raise
    audit.record(session, actor, "deal.request" if requested else "deal.open", "deal", deal.id,
                 after={"demand_id": demand.id, "achievement_id": achievement.id,
                        "demand_org_id": deal.demand_org_id,
                        "achievement_org_id": deal.achievement_org_id,
                        "lead_broker_id": broker.id, "stage": deal.stage})
    if requested:
        add_event(session, deal, broker.id, "requested", to_stage=Stage.REQUESTED,
                  text="经纪人请求为该需求撮合此成果，等待需求方同意。A broker asks to introduce "
                       "this achievement for the demand; awaiting the demand's firm.")
        notify(session, audience(session, deal, brokers=False), "deal.requested",
               deal_title(deal, "经纪人请求撮合您的需求，请确认是否同意 A broker asks to broker "
                                "your demand"),
               f"需求：{demand.title}；成果：{achievement.title}", deal_id=deal.id)
        return deal
    add_event(session, deal, broker.id, "opened", to_stage=Stage.INTRODUCED,
              text="经纪人发起撮合，等待双方接受引荐。A broker introduced the parties; awaiting "
                   "both parties' acceptance.")
    listings.mark_demand_in_negotiation(session, demand.id, actor=actor)
    _announce_introduction(session, deal, demand.title, achievement.title, demand_party=True)
    return deal


def _announce_introduction(session: Session, deal: Deal, demand_title: str,
                           achievement_title: str, *, demand_party: bool) -> None:
    notify(session, audience(session, deal, demand_party=demand_party, brokers=False),
           "deal.introduced",
           deal_title(deal, "新的撮合引荐，请确认是否接受 A new introduction awaits your answer"),
           f"需求：{demand_title}；成果：{achievement_title}", deal_id=deal.id)


def _answer_request(session: Session, actor: audit.Actor, access: DealAccess, accept: bool,
                    reason: str | None) -> None:
    """The demand's firm accepts a broker's request (it becomes an introduction the firm has
    already accepted, and the achievement's side is asked) or declines it (it is cancelled)."""
    deal = access.deal
    if access.relation != Relation.DEMAND_PARTY:
        raise PermissionDenied("只有需求方可以答复撮合请求。Only the demand's firm answers a "
                               "request.")
    answer = Acceptance.ACCEPTED if accept else Acceptance.DECLINED
    deal.demand_acceptance = answer
    session.flush()
    verb_zh, verb = ("同意", "accepted") if accept else ("拒绝", "declined")
    add_event(session, deal, access.user.id, f"request_{verb}",
              text=f"需求方已{verb_zh}撮合请求。The demand's firm {verb} the request."
              + (f" {reason}" if reason else ""), data={"side": Relation.DEMAND_PARTY.value})
    audit.record(session, actor, f"deal.request_{'accept' if accept else 'decline'}", "deal",
                 deal.id, before={"side": Relation.DEMAND_PARTY.value,
                                  "acceptance": Acceptance.PENDING},
                 after={"side": Relation.DEMAND_PARTY.value, "acceptance": answer,
                        "reason": reason})
    if not accept:
        transition(session, actor, deal, Stage.CANCELLED,
                   "需求方拒绝撮合请求。The demand's firm declined the request." + (
                       f" {reason}" if reason else ""))
        return
    transition(session, actor, deal, Stage.INTRODUCED,
               "需求方同意撮合请求。The demand's firm accepted the request.", announce=False)
    admit_brokers(session, actor, deal)
    if deal.demand_id is None or deal.achievement_id is None:  # requests are on pairs only
        raise Conflict("该项目不是撮合请求。This deal is not a request.")
    demand = listings.demand_brief(session, deal.demand_id)
    achievement = listings.achievement_brief(session, deal.achievement_id)
    _announce_introduction(session, deal, demand.title, achievement.title, demand_party=False)
    notify(session, [b.broker_id for b in deal.brokers if b.status == BrokerStatus.ACTIVE],
           "deal.request_accepted",
           deal_title(deal, "需求方已同意您的撮合请求 The firm accepted your request"),
           deal_id=deal.id)


def respond(session: Session, actor: audit.Actor, access: DealAccess, accept: bool,
            reason: str | None) -> None:
    """A party accepts or declines the introduction; a decline cancels the deal."""
    deal, relation = access.deal, access.relation
    if relation not in PARTIES:
        raise PermissionDenied("只有项目双方可以答复引荐。Only the two parties may answer the "
                               "introduction.")
    if deal.stage == Stage.REQUESTED:
        _answer_request(session, actor, access, accept, reason)
        return
    if deal.stage != Stage.INTRODUCED:
        raise Conflict(f"项目已不在引荐阶段（{deal.stage.value}）。The deal is no longer at the "
                       f"introduction stage ({deal.stage.value}).", current_stage=deal.stage.value)
    demand_side = relation == Relation.DEMAND_PARTY
    current = deal.demand_acceptance if demand_side else deal.achievement_acceptance
    if current != Acceptance.PENDING:
        raise Conflict(f"贵方已答复（{current.value}）。Your side has already answered "
                       f"({current.value}).")
    answer = Acceptance.ACCEPTED if accept else Acceptance.DECLINED
    if demand_side:
        deal.demand_acceptance = answer
    else:
        deal.achievement_acceptance = answer
    session.flush()
    side_zh, side = ("需求方", "demand party") if demand_side else ("成果方", "achievement party")
    verb_zh, verb = ("接受", "accepted") if accept else ("拒绝", "declined")
    add_event(session, deal, access.user.id, verb, text=f"{side_zh}已{verb_zh}引荐。The {side} "
              f"{verb} the introduction." + (f" {reason}" if reason else ""),
              data={"side": relation.value})
    audit.record(session, actor, f"deal.{'accept' if accept else 'decline'}", "deal", deal.id,
                 before={"side": relation.value, "acceptance": current},
                 after={"side": relation.value, "acceptance": answer, "reason": reason})
    if not accept:
        transition(session, actor, deal, Stage.CANCELLED,
                   "一方拒绝引荐。A party declined the introduction." + (
                       f" {reason}" if reason else ""))
        return
    if demand_side:
        admit_brokers(session, actor, deal)
    others = audience(session, deal, demand_party=not demand_side, achievement_party=demand_side)
    if both_accepted(deal):
        title = "双方均已接受引荐，可以开始洽谈 Both parties accepted; negotiation may begin"
    else:
        title = f"{side_zh}已接受引荐 The {side} accepted the introduction"
    notify(session, others, "deal.accepted", deal_title(deal, title), deal_id=deal.id)
