"""Delivery by milestone: the winner submits evidence, the issuer accepts or rejects it (with a
reason), and only an accepted milestone's payment is recorded — never more in all than the
prize plus top-up. A milestone past its due date and not accepted is late.

Evidence before money: a recorded payment counts as paid (in the challenge's paid total, in
the statistics, for the challenge's acceptance) only once the winner confirmed receiving it.
The winner may instead dispute it with a reason: the record is withdrawn (the audit log keeps
it), the milestone is accepted-but-unpaid again and the issuer records the payment anew.

The rules on one milestone (`submit_evidence`, `accept`, `reject`, `pay`) are plain functions
over the rows, with no session, so the property test can drive them directly; the `record_*`
calls around them check who acts, and audit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.challenges import deal as challenge_deal
from backend.challenges import notices, proposals
from backend.challenges.models import (
    Award,
    Challenge,
    ChallengeStatus,
    ExpertVerdict,
    Milestone,
    MilestoneStatus,
    ReceiptStatus,
)
from backend.challenges.rules import is_issuer, require_issuer, total
from backend.core.clock import CHINA_TZ
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.core.types import FEN, utcnow

M = MilestoneStatus
NOT_FOUND = "未找到该里程碑。No such milestone."
DONE = frozenset({M.ACCEPTED, M.PAID})


def split(plan: Sequence[Mapping[str, object]], amount: Decimal, whole: Decimal) -> list[Decimal]:
    """The plan's amounts scaled to one award's part of the whole prize, to the fen; the last
    milestone takes the rounding, so they add up to `amount` exactly."""
    if amount == whole:
        return [Decimal(str(m["amount"])) for m in plan]
    parts = [(Decimal(str(m["amount"])) * amount / whole).quantize(FEN, ROUND_HALF_UP)
             for m in plan[:-1]]
    parts.append(amount - sum(parts, Decimal(0)))
    if any(p <= 0 for p in parts):
        raise InvalidInput("awards", f"授奖金额{amount}元过小，无法按里程碑分期。An award of "
                                     f"{amount} yuan is too small to split over the milestones.")
    return parts


def is_late(milestone: Milestone, today: date) -> bool:
    return milestone.due_on < today and milestone.status not in DONE


def paid_total(milestones: Iterable[Milestone]) -> Decimal:
    """Every recorded payment, confirmed or not: what the ceiling is checked against."""
    return sum((m.paid_amount or Decimal(0) for m in milestones), Decimal(0))


def is_confirmed(milestone: Milestone) -> bool:
    return milestone.status == M.PAID and milestone.receipt_status == ReceiptStatus.CONFIRMED


def confirmed_total(milestones: Iterable[Milestone]) -> Decimal:
    """What counts as paid: payments the winner confirmed receiving."""
    return sum((m.paid_amount or Decimal(0) for m in milestones if is_confirmed(m)), Decimal(0))


# --- the rules on one milestone (pure) ------------------------------------------------------

def _refuse(milestone: Milestone, action_zh: str, action: str) -> Conflict:
    return Conflict(f"里程碑处于“{milestone.status.value}”状态，不能{action_zh}。A milestone that is "
                    f"{milestone.status.value} cannot be {action}.",
                    current_status=milestone.status.value)


def submit_evidence(milestone: Milestone, text: str, now: datetime) -> None:
    if milestone.status not in (M.PENDING, M.REJECTED):
        raise _refuse(milestone, "提交成果材料", "given evidence")
    milestone.status = M.SUBMITTED
    milestone.evidence = text
    milestone.evidence_at = now


def accept(milestone: Milestone, reason: str | None, now: datetime) -> None:
    if milestone.status != M.SUBMITTED:
        raise _refuse(milestone, "验收通过", "accepted")
    milestone.status = M.ACCEPTED
    milestone.decision_reason = reason
    milestone.decided_at = now


def reject(milestone: Milestone, reason: str | None, now: datetime) -> None:
    if not reason:
        raise InvalidInput("reason", "驳回须说明理由。A rejection needs a reason.")
    if milestone.status != M.SUBMITTED:
        raise _refuse(milestone, "驳回", "rejected")
    milestone.status = M.REJECTED
    milestone.decision_reason = reason
    milestone.decided_at = now


def pay(milestone: Milestone, all_milestones: Iterable[Milestone], ceiling: Decimal,
        paid_on: date, reference: str) -> None:
    if milestone.status != M.ACCEPTED:
        raise Conflict(f"只有验收通过的里程碑才能记录付款（当前：{milestone.status.value}）。Only an "
                       f"accepted milestone's payment can be recorded (this one is "
                       f"{milestone.status.value}).", current_status=milestone.status.value)
    if milestone.decided_at is not None:
        accepted_on = milestone.decided_at.astimezone(CHINA_TZ).date()
        if paid_on < accepted_on:
            raise InvalidInput("paid_on", f"付款日期不能早于验收日期（{accepted_on}）：只有验收通过后才付款。"
                               f"A milestone is paid after its acceptance ({accepted_on}).")
    already = paid_total(all_milestones)
    if already + milestone.amount > ceiling:
        raise Conflict(f"付款合计将超过榜额加悬赏{ceiling}元。Payments would exceed the prize plus "
                       f"top-up, {ceiling} yuan.")
    milestone.status = M.PAID
    milestone.paid_amount = milestone.amount
    milestone.paid_on = paid_on
    milestone.payment_reference = reference
    milestone.receipt_status = milestone.receipt_reason = milestone.receipt_at = None


def confirm_receipt(milestone: Milestone, now: datetime) -> None:
    if milestone.status != M.PAID or milestone.receipt_status is not None:
        raise Conflict("只有已记录且尚未确认的付款可以确认收款。Only a recorded payment not yet "
                       "answered can be confirmed.", current_status=milestone.status.value)
    milestone.receipt_status = ReceiptStatus.CONFIRMED
    milestone.receipt_at = now


def dispute_receipt(milestone: Milestone, reason: str | None, now: datetime) -> None:
    """The winner did not receive it (as recorded): the record is withdrawn."""
    if not reason:
        raise InvalidInput("reason", "对付款有异议须说明理由。A dispute needs a reason.")
    if milestone.status != M.PAID or milestone.receipt_status is not None:
        raise Conflict("只有已记录且尚未确认的付款可以提出异议。Only a recorded payment not yet "
                       "answered can be disputed.", current_status=milestone.status.value)
    milestone.status = M.ACCEPTED
    milestone.paid_amount = milestone.paid_on = milestone.payment_reference = None
    milestone.receipt_status = ReceiptStatus.DISPUTED
    milestone.receipt_reason = reason
    milestone.receipt_at = now


# --- who acts, and the record ---------------------------------------------------------------

def for_challenge(session: Session, challenge: Challenge) -> list[Milestone]:
    return list(session.execute(select(Milestone).where(Milestone.challenge_id == challenge.id)
                                .order_by(Milestone.award_id, Milestone.seq)).scalars())


def _winner_orgs(session: Session, challenge: Challenge) -> dict[int, int]:
    """award id → winning organisation."""
    rows = session.execute(select(Award.id, Award.winner_org_id)
                           .where(Award.challenge_id == challenge.id))
    return {award_id: org_id for award_id, org_id in rows}


def visible(session: Session, user: User, challenge: Challenge) -> list[Milestone]:
    """The issuer and administrators see every milestone; a winner its own; anyone else
    nothing (404)."""
    rows = for_challenge(session, challenge)
    if user.role == Role.ADMIN or is_issuer(user, challenge):
        return rows
    if challenge.milestone_expert_check and proposals.reviewing(session, user, challenge):
        return rows  # the seated reviewers check the evidence
    winners = _winner_orgs(session, challenge)
    own = [m for m in rows if winners.get(m.award_id) == user.organisation_id]
    if user.organisation_id is None or user.organisation_id not in winners.values():
        raise NotFound(NOT_FOUND)
    return own


def _milestone(session: Session, user: User, challenge: Challenge, milestone_id: int
               ) -> Milestone:
    for m in visible(session, user, challenge):
        if m.id == milestone_id:
            return m
    raise NotFound(NOT_FOUND)


def milestone_for(session: Session, user: User, challenge: Challenge, milestone_id: int
                  ) -> Milestone:
    """The milestone if `user` sees it (the issuer, administrators, its winner), else 404."""
    return _milestone(session, user, challenge, milestone_id)


def is_winner(session: Session, user: User, milestone: Milestone) -> bool:
    if user.organisation_id is None or user.role == Role.ADMIN:
        return False
    return session.execute(select(Award.winner_org_id).where(
        Award.id == milestone.award_id)).scalar_one() == user.organisation_id


def _in_delivery(challenge: Challenge) -> None:
    if challenge.status != ChallengeStatus.IN_DELIVERY:
        raise Conflict(f"榜单不在履约阶段（{challenge.status.value}）。The challenge is not in "
                       f"delivery ({challenge.status.value}).",
                       current_status=challenge.status.value)


def _change(session: Session, milestone: Milestone, before: MilestoneStatus, **extra: object
            ) -> tuple[dict[str, object], dict[str, object]]:
    session.flush()
    return ({"status": before},
            {"status": milestone.status, "challenge_id": milestone.challenge_id,
             "award_id": milestone.award_id, "amount": milestone.amount, **extra})


def record_evidence(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
                    milestone_id: int, text: str) -> Milestone:
    milestone = _milestone(session, user, challenge, milestone_id)
    winners = _winner_orgs(session, challenge)
    if winners.get(milestone.award_id) != user.organisation_id or user.role == Role.ADMIN:
        raise PermissionDenied("只有中榜方可以提交里程碑成果。Only the winner submits a "
                               "milestone's evidence.")
    _in_delivery(challenge)
    before = milestone.status
    submit_evidence(milestone, text, utcnow())
    # new evidence is checked anew
    milestone.expert_checked_by_id = milestone.expert_checked_at = None
    milestone.expert_check_note = milestone.expert_verdict = None
    was, now = _change(session, milestone, before, evidence=text)
    audit.record(session, actor, "challenge_milestone.submit", "challenge_milestone",
                 milestone.id, before=was, after=now)
    notices.evidence_submitted(session, challenge, milestone)
    return milestone


def record_decision(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
                    milestone_id: int, accepted: bool, reason: str | None) -> Milestone:
    milestone = _milestone(session, user, challenge, milestone_id)
    require_issuer(user, challenge)
    _in_delivery(challenge)
    if accepted and challenge.milestone_expert_check and milestone.expert_checked_at is None:
        raise Conflict("该榜单要求评审专家先确认里程碑成果，才能验收。This challenge needs a "
                       "seated reviewer to confirm the milestone's evidence before it is "
                       "accepted.", reason="expert_check_pending")
    if accepted and milestone.expert_verdict == ExpertVerdict.FAILED:
        raise Conflict(f"评审专家认定该里程碑成果未通过（{milestone.expert_check_note}），不能验收；"
                       f"可以驳回，待中榜方补充成果后重新评审。A seated reviewer found the evidence "
                       f"failed ({milestone.expert_check_note}): the milestone cannot be accepted; "
                       "it may be rejected, and new evidence is checked anew.",
                       reason="expert_verdict_fail")
    before = milestone.status
    (accept if accepted else reject)(milestone, reason, utcnow())
    was, now = _change(session, milestone, before, reason=reason)
    audit.record(session, actor, "challenge_milestone.accept" if accepted
                 else "challenge_milestone.reject", "challenge_milestone", milestone.id,
                 before=was, after=now)
    notices.milestone_decided(session, challenge, milestone, accepted)
    return milestone


def record_payment(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
                   milestone_id: int, paid_on: date, reference: str) -> Milestone:
    milestone = _milestone(session, user, challenge, milestone_id)
    require_issuer(user, challenge)
    _in_delivery(challenge)
    before = milestone.status
    if milestone.status == M.ACCEPTED:  # else `pay` says why not
        challenge_deal.check_payment(session, milestone, paid_on)
    pay(milestone, for_challenge(session, challenge), total(challenge), paid_on, reference)
    milestone.paid_by_id, milestone.receipt_by_id = user.id, None
    was, now = _change(session, milestone, before, paid_on=paid_on, reference=reference)
    audit.record(session, actor, "challenge_milestone.pay", "challenge_milestone", milestone.id,
                 before=was, after=now)
    challenge_deal.payment_recorded(session, actor, milestone)
    notices.milestone_paid(session, challenge, milestone)
    return milestone


def record_receipt(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
                   milestone_id: int, confirmed: bool, reason: str | None) -> Milestone:
    """The winner confirms receiving a recorded payment, or disputes it with a reason."""
    milestone = _milestone(session, user, challenge, milestone_id)
    winners = _winner_orgs(session, challenge)
    if winners.get(milestone.award_id) != user.organisation_id or user.role == Role.ADMIN:
        raise PermissionDenied("只有中榜方可以确认收款。Only the winner confirms receiving a "
                               "payment.")
    _in_delivery(challenge)
    before = milestone.status
    recorded = {"paid_amount": milestone.paid_amount, "paid_on": milestone.paid_on,
                "reference": milestone.payment_reference}
    if confirmed:
        confirm_receipt(milestone, utcnow())
    else:
        dispute_receipt(milestone, reason, utcnow())
    milestone.receipt_by_id = user.id
    was, now = _change(session, milestone, before, receipt=milestone.receipt_status,
                       reason=reason, **recorded)
    audit.record(session, actor, "challenge_milestone.confirm" if confirmed
                 else "challenge_milestone.dispute", "challenge_milestone", milestone.id,
                 before=was, after=now)
    challenge_deal.receipt_answered(session, actor, user, milestone, confirmed, reason)
    notices.receipt_answered(session, challenge, milestone, confirmed)
    return milestone


require_delivery = _in_delivery


def record_expert_check(session: Session, actor: audit.Actor, user: User,
                        challenge: Challenge, milestone_id: int, note: str,
                        verdict: ExpertVerdict = ExpertVerdict.PASSED) -> Milestone:
    """A reviewer seated on the challenge (which asks for the check) records a verdict on the
    submitted evidence: on a pass the issuer may accept it; on a fail (the note its reason)
    the issuer may only reject it. One verdict a submission. Anyone else: 404."""
    if not (challenge.milestone_expert_check and proposals.reviewing(session, user, challenge)):
        raise NotFound(NOT_FOUND)
    milestone = _milestone(session, user, challenge, milestone_id)
    _in_delivery(challenge)
    if milestone.status != M.SUBMITTED or milestone.expert_checked_at is not None:
        raise Conflict(f"只有已提交、尚未评审的里程碑成果可以评审（当前：{milestone.status.value}）。"
                       f"Only submitted evidence without a verdict can be given one "
                       f"({milestone.status.value}).", current_status=milestone.status.value)
    milestone.expert_checked_by_id = user.id
    milestone.expert_checked_at = utcnow()
    milestone.expert_check_note = note
    milestone.expert_verdict = verdict
    was, now = _change(session, milestone, milestone.status, note=note, verdict=verdict)
    audit.record(session, actor, "challenge_milestone.expert_check", "challenge_milestone",
                 milestone.id, before=was, after=now)
    return milestone


def check_all_paid(session: Session, challenge: Challenge) -> None:
    open_ = [m for m in for_challenge(session, challenge) if not is_confirmed(m)]
    if open_:
        raise Conflict(f"尚有{len(open_)}个里程碑未验收付款或未经中榜方确认收款，不能结项。"
                       f"{len(open_)} milestone(s) are not yet accepted, paid and confirmed "
                       "received; the challenge cannot be accepted.")

