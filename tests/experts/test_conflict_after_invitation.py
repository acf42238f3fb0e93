"""A conflict of interest found after the panel was formed (an administrator records it, or the
expert's declared ties change) keeps the expert from accepting or reviewing; the organiser
swaps the seat, even an accepted one."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.errors import Conflict
from backend.experts import conflicts, poc, schemas
from backend.experts.models import (
    AssignmentStatus,
    ExpertKind,
    PocRequest,
    PocStatus,
    ReviewAssignment,
)
from tests.builders import accounts as b
from tests.builders import experts as e
from tests.builders import listings as lb


def _panel(db: Session) -> tuple[User, User, PocRequest, dict[ExpertKind, User]]:
    institute = b.make_institute_user(db)
    admin = b.make_admin(db)
    achievement = lb.make_achievement(db, institute, trl=4)
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    request = db.get(PocRequest, rid)
    assert request is not None
    poc.accept(db, e.actor(admin), request, schemas.AcceptIn())
    poc.confirm(db, e.actor(admin), request)
    return institute, admin, request, pool


def _seat_of(db: Session, request: PocRequest, expert: User) -> int:
    [seat] = [s for s in poc.seats(db, request.id) if s.expert_id == expert.id]
    return seat.id


def _record_conflict(db: Session, admin: User, expert: User, institute: User) -> None:
    assert institute.organisation_id is not None
    conflicts.add_manual(db, e.actor(admin), expert.id, schemas.ManualConflictIn(
        organisation_id=institute.organisation_id, reason="其配偶任该校副校长"))


def test_a_conflict_recorded_after_the_invitation_refuses_the_acceptance(db: Session) -> None:
    institute, admin, request, pool = _panel(db)
    expert = pool[ExpertKind.ENTREPRENEUR]
    seat_id = _seat_of(db, request, expert)
    _record_conflict(db, admin, expert, institute)
    with pytest.raises(Conflict, match="利益冲突"):
        poc.answer(db, e.actor(expert), expert, seat_id, True)


def test_a_conflicted_review_does_not_count_and_the_seat_can_be_swapped(db: Session) -> None:
    institute, admin, request, pool = _panel(db)
    for expert in pool.values():
        poc.answer(db, e.actor(expert), expert, _seat_of(db, request, expert), True)
    for kind in (ExpertKind.SCIENTIST, ExpertKind.INVESTOR):
        expert = pool[kind]
        poc.submit(db, e.actor(expert), expert, _seat_of(db, request, expert), e.review(2))
    conflicted = pool[ExpertKind.ENTREPRENEUR]
    seat_id = _seat_of(db, request, conflicted)
    _record_conflict(db, admin, conflicted, institute)
    with pytest.raises(Conflict, match="利益冲突"):
        poc.submit(db, e.actor(conflicted), conflicted, seat_id,
                   e.review(5, trl=9))
    assert request.status == PocStatus.REVIEWING
    assert poc.seat_for(db, conflicted, seat_id).status == AssignmentStatus.ACCEPTED
    # The organiser replaces the accepted but conflicted seat.
    other = e.make_expert(db, ExpertKind.ENTREPRENEUR)
    poc.swap(db, e.actor(admin), request, schemas.SwapIn(assignment_id=seat_id,
                                                         expert_id=other.id))
    active = {s.kind: s.expert_id for s in poc.seats(db, request.id) if s.status in poc.ACTIVE}
    assert active[ExpertKind.ENTREPRENEUR] == other.id


def test_an_accepted_seat_without_a_conflict_still_cannot_be_swapped(db: Session) -> None:
    _, admin, request, pool = _panel(db)
    expert = pool[ExpertKind.SCIENTIST]
    seat_id = _seat_of(db, request, expert)
    poc.answer(db, e.actor(expert), expert, seat_id, True)
    with pytest.raises(Conflict, match="尚未接受"):
        poc.swap(db, e.actor(admin), request, schemas.SwapIn(
            assignment_id=seat_id, expert_id=e.make_expert(db, ExpertKind.SCIENTIST).id))


def test_a_review_submitted_before_a_conflict_was_recorded_stops_counting(db: Session) -> None:
    institute, admin, request, pool = _panel(db)
    for expert in pool.values():
        poc.answer(db, e.actor(expert), expert, _seat_of(db, request, expert), True)
    conflicted = pool[ExpertKind.ENTREPRENEUR]
    seat_id = _seat_of(db, request, conflicted)
    poc.submit(db, e.actor(conflicted), conflicted, seat_id, e.review(5, trl=9))
    _record_conflict(db, admin, conflicted, institute)  # found out after the review was in
    for kind in (ExpertKind.SCIENTIST, ExpertKind.INVESTOR):
        expert = pool[kind]
        poc.submit(db, e.actor(expert), expert, _seat_of(db, request, expert), e.review(2))
    # two reviews count, not three: nothing is decided on the conflicted one's scores
    assert request.status == PocStatus.REVIEWING
    agg = poc.aggregate_of(db, request)
    assert agg is not None and agg.reviews == 2
    # the organiser replaces the seat; the new expert is asked, never seated unasked
    other = e.make_expert(db, ExpertKind.ENTREPRENEUR)
    new = poc.swap(db, e.actor(admin), request, schemas.SwapIn(assignment_id=seat_id,
                                                               expert_id=other.id))
    assert new.status == AssignmentStatus.INVITED and new.scores is None
    old = db.get(ReviewAssignment, seat_id)
    assert old is not None and old.status == AssignmentStatus.REMOVED
