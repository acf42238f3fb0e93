"""Demotion on an upheld finding: when a broker is put on the dishonesty list (a confirmed fraud,
or an administrator's listing), their grade drops one step at once (a junior stays junior) and
any pending promotion is withdrawn. Integrity calls it in the same transaction as the listing,
without importing intake: this module registers itself with the dishonesty list as it loads
(the integrity router and the intake front door load it)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts import gates
from backend.accounts.models import BrokerLevel, BrokerProfile
from backend.audit import service as audit
from backend.core.types import utcnow
from backend.intake import notices
from backend.intake.models import GradeChange, GradeChangeReason, GradeProposal, ProposalStatus
from backend.integrity import dishonesty


def withdraw_pending(session: Session, broker_id: int) -> None:
    session.execute(update(GradeProposal).where(
        GradeProposal.broker_id == broker_id, GradeProposal.status == ProposalStatus.PENDING)
        .values(status=ProposalStatus.WITHDRAWN, pending_key=None, decided_at=utcnow())
        .execution_options(synchronize_session=False))


def demote_for_finding(session: Session, actor: audit.Actor, broker_id: int,
                       finding_id: int) -> GradeChange | None:
    """Drop the broker one grade for this finding (once per finding)."""
    profile = session.execute(select(BrokerProfile).where(BrokerProfile.user_id == broker_id)
                              .with_for_update()).scalar_one_or_none()
    if profile is None:
        return None
    withdraw_pending(session, broker_id)
    done = session.execute(select(GradeChange.id).where(
        GradeChange.broker_id == broker_id, GradeChange.finding_id == finding_id)).first()
    position = gates.rank(profile.level)
    if done is not None or position == 0:
        return None
    lower = gates.ORDER[position - 1]
    change = GradeChange(broker_id=broker_id, from_level=profile.level, to_level=lower,
                         reason=GradeChangeReason.DEMOTION, finding_id=finding_id,
                         changed_by_id=actor.user_id, note=None)
    before = profile.level
    profile.level = BrokerLevel(lower)
    session.add(change)
    session.flush()
    audit.record(session, actor, "broker.demote", "broker", broker_id,
                 before={"level": before},
                 after={"level": lower, "finding_id": finding_id})
    notices.send(session, [broker_id], "grade.demoted",
                 f"经纪人等级调整为{gates.LEVEL_ZH[lower]}",
                 f"Your grade is now {lower.value}, after an upheld integrity finding.")
    return change


dishonesty.when_broker_listed(demote_for_finding)
