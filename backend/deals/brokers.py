"""Several brokers on one deal: invitations and the split of the reward between them.

Rules: a broker joins only when invited by the lead and only by accepting; the shares of the
active brokers always sum to exactly 100.00; a proposed split takes effect only when it is
accepted; and no co-broker's share ever goes down without their consent — an invitation may
only hand over part of the lead's own share, and a later re-split that lowers someone's share
waits for that broker to accept it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from backend.accounts.service import is_verified_broker, load_user
from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput, PermissionDenied
from backend.core.types import utcnow
from backend.deals.access import (
    BROKERS,
    DealAccess,
    Relation,
    active_brokers,
    demand_side_consented,
    require_lead,
    require_open,
)
from backend.deals.events import add_event, events_of
from backend.deals.models import BrokerRole, BrokerStatus, Deal, DealBroker, Stage
from backend.deals.notifications import audience, deal_title, notify
from backend.listings import lookup as listings

HUNDRED = Decimal("100.00")
_PROPOSAL_KINDS = ("shares_proposed", "shares_changed", "shares_rejected")


def current_shares(deal: Deal) -> dict[int, Decimal]:
    return {b.broker_id: b.share for b in active_brokers(deal)}


def _check_split(shares: dict[int, Decimal], expected: set[int]) -> None:
    if set(shares) != expected:
        raise InvalidInput("shares", "须为每位参与经纪人给出份额，且只能是他们。Give a share to "
                                     f"each broker on the deal and no one else: {sorted(expected)}.")
    total = sum(shares.values(), Decimal(0))
    if total != HUNDRED:
        raise InvalidInput("shares", f"份额合计须为100%，现为{total}%。Shares must sum to 100%; "
                                     f"they sum to {total}%.")


def _apply(deal: Deal, shares: dict[int, Decimal]) -> None:
    for row in deal.brokers:
        if row.broker_id in shares:
            row.share = shares[row.broker_id]


def require_shares_open(deal: Deal) -> None:
    """Shares change only before the first reward claim on the deal; then they are frozen, so
    the claims can never add up to more than the deal."""
    if deal.shares_frozen_at is not None:
        raise Conflict("本项目已有奖补申报，经纪人份额已冻结，不能再调整或邀请新经纪人。A reward has "
                       "been claimed on this deal: the brokers' shares are frozen and can no "
                       "longer change, nor can brokers join.", reason="shares_frozen")


def freeze_shares(session: Session, deal: Deal) -> None:
    """Called when the first claim on the deal is submitted (by the rewards domain)."""
    if deal.shares_frozen_at is None:
        deal.shares_frozen_at = utcnow()
        session.flush()


def _pending_invitation(deal: Deal) -> DealBroker | None:
    return next((b for b in deal.brokers if b.status == BrokerStatus.INVITED), None)


# --- invitations -------------------------------------------------------------------------

@dataclass(frozen=True)
class Invitation:
    broker_id: int
    invited_by_id: int | None
    at: datetime
    shares: dict[int, Decimal]


def pending_invitation(session: Session, deal: Deal) -> Invitation | None:
    row = _pending_invitation(deal)
    if row is None:
        return None
    for event in events_of(session, deal.id, parties_only=False, kinds=("broker_invited",),
                           newest_first=True):
        if event.data and event.data.get("broker_id") == row.broker_id:
            shares = {int(k): Decimal(v) for k, v in event.data["shares"].items()}
            return Invitation(row.broker_id, row.invited_by_id, event.at, shares)
    return None


def invite(session: Session, actor: audit.Actor, access: DealAccess, broker_id: int,
           shares: dict[int, Decimal]) -> DealBroker:
    deal = access.deal
    require_lead(access)
    require_open(deal)
    if deal.stage == Stage.REQUESTED:
        raise Conflict("需求方同意撮合请求后才能邀请其他经纪人。Other brokers can be invited once "
                       "the demand's firm has accepted the request.",
                       current_stage=deal.stage.value)
    require_shares_open(deal)
    if _pending_invitation(deal) is not None:
        raise Conflict("已有一份待答复的邀请。Another invitation is still awaiting an answer.")
    if pending_share_proposal(session, deal) is not None:
        raise Conflict("份额调整方案尚待确认，请先处理。A share proposal is still awaiting "
                       "acceptance.")
    current = current_shares(deal)
    if broker_id in current:
        raise Conflict("该经纪人已在本项目中。This broker is already on the deal.")
    invitee = load_user(session, broker_id)
    if invitee is None or not invitee.is_active or not is_verified_broker(invitee):
        raise InvalidInput("broker_id", "只能邀请已认证的技术经纪人。Only verified brokers can be "
                                        "invited.")
    _check_split(shares, set(current) | {broker_id})
    lowered = [b for b, share in current.items()
               if b != access.user.id and shares[b] < share]
    if lowered:
        raise InvalidInput("shares", "邀请只能分出牵头经纪人自己的份额；调低其他经纪人的份额请另行"
                                     "提出份额调整。An invitation may only hand over part of the "
                                     "lead's share; propose a re-split to lower anyone else's.")
    row = next((b for b in deal.brokers if b.broker_id == broker_id), None)
    if row is None:
        row = DealBroker(broker_id=broker_id, role=BrokerRole.INVITED,
                         status=BrokerStatus.INVITED, share=Decimal("0.00"),
                         invited_by_id=access.user.id)
        deal.brokers.append(row)
    else:  # invited before and declined: invite again
        row.status, row.share, row.invited_by_id = BrokerStatus.INVITED, Decimal("0.00"), \
            access.user.id
    session.flush()
    add_event(session, deal, access.user.id, "broker_invited", visible_to_parties=False,
              text="牵头经纪人邀请另一位经纪人加入。The lead broker invited another broker.",
              data={"broker_id": broker_id, "shares": shares})
    audit.record(session, actor, "deal.broker_invite", "deal", deal.id,
                 before={"shares": current},
                 after={"invited_broker_id": broker_id, "proposed_shares": shares})
    notify(session, [broker_id], "deal.invitation",
           deal_title(deal, "邀请您作为经纪人加入 You are invited to join as a broker"),
           f"拟分配给您的份额：{shares[broker_id]}%。Proposed share: {shares[broker_id]}%.",
           deal_id=deal.id)
    return row


def answer_invitation(session: Session, actor: audit.Actor, access: DealAccess,
                      accept: bool) -> None:
    deal = access.deal
    if access.relation not in BROKERS | {Relation.INVITEE}:
        raise PermissionDenied("只有受邀的经纪人可以答复邀请。Only the invited broker answers an "
                               "invitation.")
    if access.relation != Relation.INVITEE:
        raise Conflict("您在本项目没有待答复的邀请。You have no pending invitation on this deal.")
    require_open(deal)
    row = next(b for b in deal.brokers if b.broker_id == access.user.id)
    invitation = pending_invitation(session, deal)
    before = current_shares(deal)
    lead_ids = [b.broker_id for b in active_brokers(deal) if b.role == BrokerRole.LEAD]
    if not accept:
        row.status = BrokerStatus.DECLINED
        session.flush()
        add_event(session, deal, access.user.id, "invitation_declined", visible_to_parties=False,
                  text="受邀经纪人谢绝加入，份额不变。The invited broker declined; shares are "
                       "unchanged.", data={"broker_id": row.broker_id})
        audit.record(session, actor, "deal.invitation_decline", "deal", deal.id,
                     before={"shares": before}, after={"shares": before,
                                                       "declined_broker_id": row.broker_id})
        if lead_ids:
            notify(session, lead_ids, "deal.invitation_declined",
                   deal_title(deal, "受邀经纪人谢绝加入 The invited broker declined"),
                   deal_id=deal.id)
        else:  # a challenge award's deal: the broker the solver named was to lead it
            notify(session, audience(session, deal, brokers=False), "deal.invitation_declined",
                   deal_title(deal, "指定的经纪人谢绝牵头，本项目暂无经纪人 The named broker "
                                    "declined to lead; the deal has no broker"),
                   deal_id=deal.id)
        return
    require_shares_open(deal)
    if invitation is None or set(invitation.shares) != set(before) | {row.broker_id}:
        raise Conflict("该邀请已失效，请牵头经纪人重新邀请。This invitation is out of date; ask the "
                       "lead broker to invite you again.")
    row.status, row.joined_at = BrokerStatus.ACTIVE, utcnow()
    _apply(deal, invitation.shares)
    session.flush()
    # else when the firm accepts (pipeline.admit_brokers); a challenge's deal has no demand
    if demand_side_consented(deal) and deal.demand_id is not None:
        listings.assign_broker_by_deal(session, actor, deal.demand_id, row.broker_id, deal.id)
    add_event(session, deal, access.user.id, "broker_joined",
              text="一位经纪人加入本项目。A broker joined the deal.",
              data={"broker_id": row.broker_id})
    add_event(session, deal, access.user.id, "shares_changed", visible_to_parties=False,
              text="新经纪人加入，份额按邀请生效。Shares set as proposed in the invitation.",
              data={"shares": invitation.shares})
    audit.record(session, actor, "deal.invitation_accept", "deal", deal.id,
                 before={"shares": before}, after={"shares": current_shares(deal)})
    notify(session, [b.broker_id for b in active_brokers(deal)], "deal.broker_joined",
           deal_title(deal, "新经纪人已加入，份额已更新 A broker joined; shares updated"),
           deal_id=deal.id, exclude=access.user.id)


def withdraw_invitation(session: Session, actor: audit.Actor, access: DealAccess,
                        broker_id: int) -> None:
    deal = access.deal
    require_lead(access)
    row = _pending_invitation(deal)
    if row is None or row.broker_id != broker_id:
        raise Conflict("该经纪人没有待答复的邀请。This broker has no pending invitation.")
    row.status = BrokerStatus.DECLINED
    session.flush()
    add_event(session, deal, access.user.id, "invitation_withdrawn", visible_to_parties=False,
              text="牵头经纪人撤回了邀请。The lead broker withdrew the invitation.",
              data={"broker_id": broker_id})
    audit.record(session, actor, "deal.invitation_withdraw", "deal", deal.id,
                 before={"invited_broker_id": broker_id}, after={"invited_broker_id": None})
    notify(session, [broker_id], "deal.invitation_withdrawn",
           deal_title(deal, "邀请已撤回 The invitation was withdrawn"), deal_id=deal.id)


# --- re-splitting the shares --------------------------------------------------------------

@dataclass(frozen=True)
class ShareProposal:
    event_id: int
    proposed_by_id: int | None
    at: datetime
    shares: dict[int, Decimal]
    awaiting: list[int]          # brokers whose acceptance is still needed


def pending_share_proposal(session: Session, deal: Deal) -> ShareProposal | None:
    latest = events_of(session, deal.id, parties_only=False, kinds=_PROPOSAL_KINDS,
                       newest_first=True)
    if not latest or latest[0].kind != "shares_proposed":
        return None
    proposal = latest[0]
    accepted = {e.actor_id for e in events_of(session, deal.id, parties_only=False,
                                              kinds=("shares_accepted",))
                if e.data and e.data.get("proposal_id") == proposal.id}
    data = proposal.data or {}
    return ShareProposal(proposal.id, proposal.actor_id, proposal.at,
                         {int(k): Decimal(v) for k, v in data["shares"].items()},
                         [b for b in data["needs"] if b not in accepted])


def _set_shares(session: Session, actor: audit.Actor, deal: Deal, by: int,
                shares: dict[int, Decimal], before: dict[int, Decimal]) -> None:
    _apply(deal, shares)
    session.flush()
    add_event(session, deal, by, "shares_changed", visible_to_parties=False,
              text="经纪人份额已调整。The brokers' shares changed.", data={"shares": shares})
    audit.record(session, actor, "deal.shares_change", "deal", deal.id,
                 before={"shares": before}, after={"shares": shares})
    notify(session, [b.broker_id for b in active_brokers(deal)], "deal.shares_changed",
           deal_title(deal, "经纪人份额已调整 The brokers' shares changed"), deal_id=deal.id,
           exclude=by)


def propose_shares(session: Session, actor: audit.Actor, access: DealAccess,
                   shares: dict[int, Decimal]) -> ShareProposal | None:
    """The lead proposes a new split. It applies at once unless it lowers a co-broker's share;
    then it waits for each such broker to accept. A newer proposal replaces a pending one."""
    deal = access.deal
    require_lead(access)
    require_open(deal)
    require_shares_open(deal)
    if _pending_invitation(deal) is not None:
        raise Conflict("有待答复的邀请，请待其答复后再调整份额。An invitation is awaiting an answer; "
                       "re-split after it is answered.")
    current = current_shares(deal)
    _check_split(shares, set(current))
    if shares == current:
        raise InvalidInput("shares", "份额没有变化。The shares are unchanged.")
    needs = sorted(b for b, share in current.items() if b != access.user.id and shares[b] < share)
    if not needs:
        _set_shares(session, actor, deal, access.user.id, shares, current)
        return None
    add_event(session, deal, access.user.id, "shares_proposed", visible_to_parties=False,
                      text="牵头经纪人提出份额调整，待相关经纪人确认。The lead broker proposed a new "
                           "split, awaiting the brokers whose share goes down.",
                      data={"shares": shares, "needs": needs})
    audit.record(session, actor, "deal.shares_propose", "deal", deal.id,
                 before={"shares": current}, after={"proposed_shares": shares, "needs": needs})
    notify(session, needs, "deal.shares_proposed",
           deal_title(deal, "份额调整待您确认 A share re-split awaits your acceptance"),
           deal_id=deal.id)
    return pending_share_proposal(session, deal)


def answer_share_proposal(session: Session, actor: audit.Actor, access: DealAccess,
                          accept: bool) -> None:
    deal = access.deal
    if access.relation not in BROKERS:
        raise PermissionDenied("只有本项目的经纪人可以答复份额调整。Only this deal's brokers answer "
                               "share proposals.")
    require_open(deal)
    proposal = pending_share_proposal(session, deal)
    if proposal is None or access.user.id not in proposal.awaiting:
        raise Conflict("没有等待您确认的份额调整。No share proposal awaits your answer.")
    current = current_shares(deal)
    if not accept:
        add_event(session, deal, access.user.id, "shares_rejected", visible_to_parties=False,
                  text="份额调整被拒绝，份额不变。The re-split was rejected; shares are unchanged.",
                  data={"proposal_id": proposal.event_id})
        audit.record(session, actor, "deal.shares_reject", "deal", deal.id,
                     before={"proposed_shares": proposal.shares}, after={"shares": current})
        notify(session, [proposal.proposed_by_id] if proposal.proposed_by_id else [],
               "deal.shares_rejected",
               deal_title(deal, "份额调整被拒绝 The share re-split was rejected"), deal_id=deal.id)
        return
    require_shares_open(deal)
    add_event(session, deal, access.user.id, "shares_accepted", visible_to_parties=False,
              data={"proposal_id": proposal.event_id},
              text="一位经纪人同意了份额调整。A broker accepted the re-split.")
    if proposal.awaiting == [access.user.id]:
        if set(proposal.shares) != set(current):
            raise Conflict("经纪人已变化，该方案已失效。The brokers changed; the proposal is out of "
                           "date.")
        _set_shares(session, actor, deal, access.user.id, proposal.shares, current)
    else:
        audit.record(session, actor, "deal.shares_accept", "deal", deal.id,
                     after={"proposal_id": proposal.event_id})
