"""Earned grades: training records, the promotion rules (data), the nightly evaluation that
proposes promotions, and an administrator's decision on them. Demotion on an upheld finding is
in `demotion.py`. A grade changes only through here, and every change is kept
(`GradeChange`), with the proposal or finding behind it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts import gates
from backend.accounts.models import BrokerLevel, BrokerProfile, User, VerificationStatus
from backend.audit import service as audit
from backend.core import clock
from backend.core.errors import Conflict, InvalidInput
from backend.core.fetch import one_or_404
from backend.core.types import utcnow
from backend.intake import findings, grading, notices, record
from backend.intake.models import (
    GradeChange,
    GradeChangeReason,
    GradeProposal,
    GradeRule,
    ProposalStatus,
    TrainingKind,
    TrainingRecord,
)
from backend.intake.schemas import GradeRuleIn, TrainingIn

PROPOSAL_NOT_FOUND = "未找到该晋级建议。No such promotion proposal."


def _broker(session: Session, broker_id: int, *, lock: bool = False) -> BrokerProfile:
    query = select(BrokerProfile).where(BrokerProfile.user_id == broker_id)
    if lock:
        query = query.with_for_update()
    profile = one_or_404(session, query, "未找到该经纪人。No such broker.")
    return profile


# --- training -----------------------------------------------------------------------------------

def record_training(session: Session, actor: audit.Actor, broker_id: int, data: TrainingIn
                    ) -> TrainingRecord:
    _broker(session, broker_id)
    if data.kind is TrainingKind.COURSE and not data.hours:
        raise InvalidInput("hours", "培训须填写学时。A course needs its hours.")
    if data.kind is TrainingKind.EXAM and (data.exam_level is None or data.passed is None):
        raise InvalidInput("exam_level", "考试须填写对应等级与是否通过。An exam needs the grade it "
                                         "is for and whether it was passed.")
    row = TrainingRecord(broker_id=broker_id, kind=data.kind, title=data.title,
                         hours=data.hours if data.kind is TrainingKind.COURSE else None,
                         exam_level=data.exam_level if data.kind is TrainingKind.EXAM else None,
                         score=data.score, passed=data.passed if data.kind is TrainingKind.EXAM
                         else None, completed_on=data.completed_on,
                         certificate_no=data.certificate_no or None,
                         recorded_by_id=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "training.record", "training_record", row.id,
                 after={"broker_id": broker_id, "kind": row.kind, "title": row.title,
                        "hours": row.hours, "exam_level": row.exam_level, "score": row.score,
                        "passed": row.passed, "completed_on": row.completed_on,
                        "certificate_no": row.certificate_no})
    return row


def training_of(session: Session, broker_id: int) -> list[TrainingRecord]:
    _broker(session, broker_id)
    return list(session.execute(select(TrainingRecord).where(
        TrainingRecord.broker_id == broker_id)
        .order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())).scalars())


# --- rules --------------------------------------------------------------------------------------

def rules(session: Session) -> list[GradeRule]:
    found = session.execute(select(GradeRule)).scalars().all()
    return sorted(found, key=lambda r: gates.rank(r.level))


def put_rule(session: Session, actor: audit.Actor, level: BrokerLevel, data: GradeRuleIn
             ) -> GradeRule:
    if level is BrokerLevel.JUNIOR:
        raise InvalidInput("level", "初级是起点，没有晋级条件。Junior is where brokers start; it "
                                    "has no promotion rule.")
    rule = session.get(GradeRule, level)
    before = _rule_snapshot(rule) if rule is not None else None
    if rule is None:
        rule = GradeRule(level=level, **data.model_dump())
        session.add(rule)
    else:
        for name, value in data.model_dump().items():
            setattr(rule, name, value)
    rule.updated_by_id, rule.updated_at = actor.user_id, utcnow()
    session.flush()
    audit.record(session, actor, "grade_rule.update", "grade_rule", level.value, before=before,
                 after=_rule_snapshot(rule))
    return rule


def _rule_snapshot(rule: GradeRule) -> dict[str, Any]:
    return {"min_training_hours": rule.min_training_hours,
            "min_registered_deals": rule.min_registered_deals,
            "min_deal_value": rule.min_deal_value, "window_months": rule.window_months,
            "exam_required": rule.exam_required, "no_upheld_finding": rule.no_upheld_finding,
            "active": rule.active}


def as_rule(rule: GradeRule) -> grading.Rule:
    return grading.Rule(rule.min_training_hours, rule.min_registered_deals, rule.min_deal_value,
                        rule.window_months, rule.exam_required, rule.no_upheld_finding)


# --- facts and evaluation ---------------------------------------------------------------------

def facts(session: Session, broker_id: int, target: BrokerLevel, today: date) -> grading.Facts:
    hours = session.execute(select(func.sum(TrainingRecord.hours)).where(
        TrainingRecord.broker_id == broker_id,
        TrainingRecord.kind == TrainingKind.COURSE)).scalar_one()
    exam = session.execute(select(TrainingRecord.id).where(
        TrainingRecord.broker_id == broker_id, TrainingRecord.kind == TrainingKind.EXAM,
        TrainingRecord.exam_level == target, TrainingRecord.passed.is_(True))).first()
    registered = [(e.registered_on, e.value or Decimal("0.00"))
                  for e in record.confirmed_evidence(session, [broker_id])
                  if e.registered_on is not None]
    upheld = findings.upheld(session, [broker_id]).get(broker_id, [])
    return grading.Facts(training_hours=Decimal(hours or 0), registered=registered,
                         exam_passed=exam is not None, findings=upheld,
                         listed_now=broker_id in findings.listed_now(session, today, [broker_id]))


def _evidence(verdict: grading.Verdict, rule: GradeRule) -> dict[str, Any]:
    return {"since": verdict.since.isoformat(), "training_hours": str(verdict.training_hours),
            "registered_deals": verdict.deals, "deal_value": str(verdict.value),
            "rule": {k: audit.jsonable(v) for k, v in _rule_snapshot(rule).items()}}


def evaluate_all(session: Session, actor: audit.Actor = audit.SYSTEM,
                 today: date | None = None) -> tuple[int, int]:
    """Propose a promotion to every verified broker who meets the rule for the next grade and
    has none pending. Returns (proposed, evaluated). Running it again proposes nothing new."""
    today = today or clock.today()
    by_level = {r.level: r for r in rules(session) if r.active}
    brokers = session.execute(
        select(BrokerProfile.user_id, BrokerProfile.level).join(User, User.id ==
                                                                BrokerProfile.user_id)
        .where(BrokerProfile.verification_status == VerificationStatus.VERIFIED,
               User.is_active.is_(True)).order_by(BrokerProfile.user_id)).all()
    pending = set(session.execute(select(GradeProposal.broker_id).where(
        GradeProposal.status == ProposalStatus.PENDING)).scalars())
    proposed = evaluated = 0
    for broker_id, level in brokers:
        position = gates.rank(level)
        if position + 1 >= len(gates.ORDER) or broker_id in pending:
            continue
        target = gates.ORDER[position + 1]
        rule = by_level.get(target)
        if rule is None:
            continue
        evaluated += 1
        verdict = grading.evaluate(as_rule(rule), facts(session, broker_id, target, today), today)
        if not verdict.eligible:
            continue
        proposal = GradeProposal(broker_id=broker_id, from_level=level, to_level=target,
                                 evidence=_evidence(verdict, rule), pending_key=broker_id)
        session.add(proposal)
        session.flush()
        audit.record(session, actor, "grade_proposal.create", "grade_proposal", proposal.id,
                     after={"broker_id": broker_id, "from_level": level, "to_level": target,
                            **proposal.evidence})
        proposed += 1
    if proposed:
        notices.send(session, notices.admins(session), "grade.proposed",
                     f"{proposed} 项经纪人晋级建议待确认",
                     f"{proposed} promotion proposal(s) wait for an administrator.")
    return proposed, evaluated


# --- decisions --------------------------------------------------------------------------------

def _proposal(session: Session, proposal_id: int) -> GradeProposal:
    proposal = one_or_404(session, select(GradeProposal).where(GradeProposal.id == proposal_id)
                          .with_for_update(), PROPOSAL_NOT_FOUND)
    if proposal.status is not ProposalStatus.PENDING:
        raise Conflict(f"该建议已处理（{proposal.status.value}）。This proposal has been decided "
                       f"({proposal.status.value}).", current_status=proposal.status.value)
    return proposal


def _decide(session: Session, actor: audit.Actor, proposal: GradeProposal,
            status: ProposalStatus, note: str) -> None:
    proposal.status, proposal.pending_key = status, None
    proposal.decided_by_id, proposal.decided_at = actor.user_id, utcnow()
    proposal.note = note or None
    session.flush()
    audit.record(session, actor, f"grade_proposal.{status.value}", "grade_proposal",
                 proposal.id, before={"status": ProposalStatus.PENDING},
                 after={"status": status, "note": proposal.note})


def confirm(session: Session, actor: audit.Actor, proposal_id: int, note: str) -> GradeProposal:
    proposal = _proposal(session, proposal_id)
    profile = _broker(session, proposal.broker_id, lock=True)
    if profile.level != proposal.from_level:
        raise Conflict("该经纪人的等级已变化，请驳回此建议。The broker's grade changed since the "
                       "proposal; reject it.", reason="grade_changed")
    _decide(session, actor, proposal, ProposalStatus.CONFIRMED, note)
    profile.level = proposal.to_level
    session.add(GradeChange(broker_id=proposal.broker_id, from_level=proposal.from_level,
                            to_level=proposal.to_level, reason=GradeChangeReason.PROMOTION,
                            proposal_id=proposal.id, changed_by_id=actor.user_id,
                            note=note or None))
    session.flush()
    audit.record(session, actor, "broker.promote", "broker", proposal.broker_id,
                 before={"level": proposal.from_level},
                 after={"level": proposal.to_level, "proposal_id": proposal.id})
    notices.send(session, [proposal.broker_id], "grade.promoted",
                 f"恭喜晋级为{gates.LEVEL_ZH[proposal.to_level]}技术经纪人",
                 f"You are now a {proposal.to_level.value} broker.")
    return proposal


def reject(session: Session, actor: audit.Actor, proposal_id: int, note: str) -> GradeProposal:
    proposal = _proposal(session, proposal_id)
    _decide(session, actor, proposal, ProposalStatus.REJECTED, note)
    return proposal


def proposals(session: Session, status: ProposalStatus | None) -> list[GradeProposal]:
    query = select(GradeProposal).order_by(GradeProposal.proposed_at.desc(),
                                           GradeProposal.id.desc())
    if status is not None:
        query = query.where(GradeProposal.status == status)
    return list(session.execute(query.limit(500)).scalars())


def history(session: Session, broker_id: int) -> list[GradeChange]:
    return list(session.execute(select(GradeChange).where(GradeChange.broker_id == broker_id)
                                .order_by(GradeChange.changed_at, GradeChange.id)).scalars())

