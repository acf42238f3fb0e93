"""An award opens a deal in the broker pipeline (撮合项目), carrying the award in place of a
demand–achievement pair: the issuer's firm is the demand side, the winner (the proposal's lead
organisation) the achievement side, both having already agreed (the proposal and the award),
so the deal starts `negotiating`. The broker the solver named on its proposal, if any and
still verified, leads it with the whole share, so the reward rules apply to the contract it
leads to.

A bureau challenge (no issuing firm; administrators act as its issuer) opens a deal too: its
demand side is the bureau's own organisation (kind `bureau`, registered once and verified,
`accounts.bureau_organisation_id`), so the deal has two real parties the integrity rules can
compare (a solver related to the bureau is refused like one related to a firm issuer) and the
reward rules apply as on any deal. Without a bureau organisation on file the award is refused
(409): the bureau registers itself first.

The milestones are the deal's payment schedule (`backend.deals.schedule`): each milestone
payment, once the deal's contract is registered, is a payment on that contract; the winner's
receipt confirmation is that payment's confirmation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import User, VerificationStatus
from backend.audit import service as audit
from backend.challenges.models import (
    Award,
    Challenge,
    ChallengeStatus,
    Milestone,
    MilestoneStatus,
    Proposal,
    ReceiptStatus,
)
from backend.core.errors import Conflict, NotFound
from backend.deals import schedule
from backend.deals.access import load_deal
from backend.deals.events import add_event
from backend.deals.models import (
    Acceptance,
    BrokerRole,
    BrokerStatus,
    Deal,
    DealBroker,
    Payment,
    Stage,
)
from backend.deals.notifications import deal_title, notify
from backend.deals.pipeline import ENDED as DEAL_ENDED
from backend.deals.pipeline import transition as deal_transition

NO_BUREAU = ("科技主管部门尚未登记为平台机构（机构类型“科技主管部门”，且已认证），"
             "授奖无法开启撮合项目；请先登记本部门机构信息。The bureau is not registered as an "
             "organisation on the platform (of kind “bureau”, verified), so the award "
             "cannot open its deal; register the bureau's organisation first.")


def issuer_party(session: Session, challenge: Challenge, acting: User | None = None
                 ) -> int | None:
    """The organisation that is the issuer's party: the firm, or for a bureau challenge the
    bureau's organisation (None when none is on file)."""
    if challenge.issuer_org_id is not None:
        return challenge.issuer_org_id
    return accounts.bureau_organisation_id(session, acting)


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
    issuer_org_id = issuer_party(session, challenge, user)
    if issuer_org_id is None:
        raise Conflict(NO_BUREAU, reason="bureau_not_registered")
    if issuer_org_id == award.winner_org_id:
        raise Conflict("中榜方不能是发榜方本身。The winner cannot be the issuer itself.")
    broker_id = _broker(session, proposal.broker_id)
    now = award.decided_at
    deal = Deal(challenge_award_id=award.id, demand_id=None, achievement_id=None,
                demand_org_id=issuer_org_id, achievement_org_id=award.winner_org_id,
                stage=Stage.NEGOTIATING, demand_acceptance=Acceptance.ACCEPTED,
                achievement_acceptance=Acceptance.ACCEPTED, requested=False,
                open_pair_key=None, opened_by_id=user.id, opened_at=now,
                # the named broker is invited to lead: it leads once it accepts (the deals'
                # own invitation answer), with the whole share
                brokers=[] if broker_id is None else [
                    DealBroker(broker_id=broker_id, role=BrokerRole.LEAD,
                               status=BrokerStatus.INVITED, share=Decimal("0.00"),
                               invited_by_id=user.id)])
    session.add(deal)
    session.flush()
    award.deal_id = deal.id
    session.flush()
    audit.record(session, actor, "deal.open", "deal", deal.id, after={
        "challenge_id": challenge.id, "challenge_award_id": award.id,
        "demand_org_id": deal.demand_org_id, "achievement_org_id": deal.achievement_org_id,
        "invited_lead_broker_id": broker_id, "stage": deal.stage})
    add_event(session, deal, user.id, "opened", to_stage=Stage.NEGOTIATING,
              text=f"揭榜挂帅授奖（榜单 #{challenge.id}），双方进入洽谈。The challenge's award "
                   f"(challenge #{challenge.id}) opens the deal; the parties negotiate.",
              data={"challenge_id": challenge.id, "challenge_award_id": award.id})
    if broker_id is not None:
        # the invitation the deals' answer reads (`brokers.pending_invitation`): all of it
        add_event(session, deal, user.id, "broker_invited", visible_to_parties=False,
                  text="揭榜方指定的经纪人受邀牵头本项目，确认后生效。The broker the solver named "
                       "is invited to lead the deal; it leads once it accepts.",
                  data={"broker_id": broker_id, "shares": {broker_id: "100.00"}})
        # the parties know (they decided it, or are told of the award): the broker is asked
        notify(session, [broker_id], "deal.invitation",
               deal_title(deal, "揭榜挂帅授奖：邀请您牵头撮合项目 The challenge's award: you are "
                                "invited to lead the deal"),
               f"榜单：{challenge.title}。确认后您将作为牵头经纪人（份额100%）。Once you accept "
               "you lead it with the whole share.", deal_id=deal.id, exclude=user.id)
    return deal


def end_for_challenge(session: Session, actor: audit.Actor, challenge: Challenge,
                      reason: str | None) -> None:
    """The challenge failed or was terminated: its award deals still open end with it, in the
    same transaction, through the deal pipeline's own move (timeline, audit, notices), the
    reason naming the challenge. A deal whose contract is fully paid closes (its record
    stands); any other is cancelled. (The challenge cannot end while a payment awaits the
    winner's word, so none is left unanswered here.)"""
    deal_ids = [d for d in session.execute(select(Award.deal_id).where(
        Award.challenge_id == challenge.id)).scalars() if d is not None]
    if not deal_ids:
        return
    word_zh, word = (("验收不通过（失败）", "failed") if challenge.status == ChallengeStatus.FAILED
                     else ("终止", "was terminated"))
    text = (f"揭榜挂帅榜单 #{challenge.id}“{challenge.title}”已{word_zh}，撮合项目随之结束。"
            f"The challenge #{challenge.id} {word}; its deal ends with it."
            + (f" {reason}" if reason else ""))
    for deal_id in sorted(deal_ids):
        deal = load_deal(session, deal_id, lock=True)
        if deal is None or deal.stage in DEAL_ENDED:
            continue
        deal_transition(session, actor, deal,
                        Stage.CLOSED if deal.stage == Stage.PAID else Stage.CANCELLED, text)


# --- the milestones as the deal's payment schedule -----------------------------------------

def _deal_id(session: Session, milestone: Milestone) -> int | None:
    return session.execute(select(Award.deal_id).where(Award.id == milestone.award_id)
                           ).scalar_one()


def _item(milestone: Milestone, fallback_payer: int) -> schedule.MilestonePayment:
    if milestone.paid_amount is None or milestone.paid_on is None \
            or milestone.payment_reference is None:
        raise ValueError("the milestone's payment is not recorded")
    confirmed = milestone.receipt_status == ReceiptStatus.CONFIRMED
    return schedule.MilestonePayment(
        milestone_id=milestone.id, title=milestone.title, amount=milestone.paid_amount,
        paid_on=milestone.paid_on, reference=milestone.payment_reference,
        # rows paid before who paid was kept: the award's decider acted for the issuer
        paid_by_id=milestone.paid_by_id or fallback_payer,
        confirmed_by_id=(milestone.receipt_by_id or milestone.paid_by_id or fallback_payer)
        if confirmed else None)


def _paid(session: Session, award_id: int) -> list[Milestone]:
    return list(session.execute(select(Milestone).where(
        Milestone.award_id == award_id, Milestone.status == MilestoneStatus.PAID,
        Milestone.paid_amount.is_not(None)).order_by(Milestone.seq)).scalars())


def recorded_payments(session: Session, award_id: int) -> list[schedule.MilestonePayment]:
    """The award's milestone payments recorded and not withdrawn (confirmed or not yet)."""
    decider = session.execute(select(Award.decided_by_id).where(Award.id == award_id)
                              ).scalar_one()
    return [_item(m, decider) for m in _paid(session, award_id)]


def check_payment(session: Session, milestone: Milestone, paid_on: date) -> None:
    """Before the issuer records a milestone's payment: it fits under the deal's contract."""
    recorded = sum((m.paid_amount or Decimal(0) for m in _paid(session, milestone.award_id)),
                   Decimal("0.00")) + milestone.amount
    schedule.check_fits(session, _deal_id(session, milestone), recorded, paid_on)


def payment_recorded(session: Session, actor: audit.Actor, milestone: Milestone
                     ) -> Payment | None:
    """The issuer recorded the milestone's payment: on a registered contract, a payment."""
    return schedule.record_milestone_payment(session, actor, _deal_id(session, milestone),
                           _item(milestone, milestone.paid_by_id or actor.user_id or 0))


def receipt_answered(session: Session, actor: audit.Actor, user: User, milestone: Milestone,
                     confirmed: bool, reason: str | None) -> Payment | None:
    return schedule.answer_milestone_payment(session, actor, _deal_id(session, milestone),
                                             milestone.id, user.id, confirmed, reason)
