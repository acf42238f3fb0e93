"""Proof-of-concept reviews: request, panel proposal (conflicts and capacity excluded),
confirmation and swaps, answers (a decline re-proposes), blind reviews, outcome on the listing,
statistics."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.core.clock import today
from backend.core.errors import Conflict, InvalidInput
from backend.experts import poc, schemas, views
from backend.experts.models import AssignmentStatus, ExpertKind, PocRequest, PocStatus
from backend.listings.models import Achievement
from backend.matches import documents
from backend.matches.service import Offer
from tests.builders import accounts as b
from tests.builders import experts as e
from tests.builders import listings as lb


def _world(db: Session) -> tuple[User, User, Achievement]:
    institute = b.make_institute_user(db)
    admin = b.make_admin(db)
    achievement = lb.make_achievement(db, institute, trl=6)
    return institute, admin, achievement


def _req(db: Session, request_id: int) -> PocRequest:
    request = db.get(PocRequest, request_id)
    assert request is not None
    return request


def _active(db: Session, request_id: int) -> dict[ExpertKind, int]:
    return {s.kind: s.expert_id for s in poc.seats(db, request_id)
            if s.status in poc.ACTIVE}


def test_the_panel_has_one_of_each_kind_and_the_closest_expertise(db: Session) -> None:
    institute, admin, achievement = _world(db)
    near = e.make_expert(db, ExpertKind.SCIENTIST, bio="焊缝识别 深度学习 机器视觉 焊接机器人")
    e.make_expert(db, ExpertKind.SCIENTIST, bio="古典文献 训诂学 版本目录", fields=())
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    panel = _active(db, rid)
    assert panel == {ExpertKind.SCIENTIST: panel[ExpertKind.SCIENTIST],
                     ExpertKind.ENTREPRENEUR: pool[ExpertKind.ENTREPRENEUR].id,
                     ExpertKind.INVESTOR: pool[ExpertKind.INVESTOR].id}
    assert panel[ExpertKind.SCIENTIST] in (near.id, pool[ExpertKind.SCIENTIST].id)
    assert _req(db, rid).status == PocStatus.PANEL


def test_conflicted_and_full_experts_are_excluded(db: Session) -> None:
    institute, admin, achievement = _world(db)
    owner = db.get(Organisation, institute.organisation_id)
    colleague = e.make_expert(db, ExpertKind.SCIENTIST, employer=owner)  # conflict
    full = e.make_expert(db, ExpertKind.ENTREPRENEUR, capacity=1)
    free = e.make_expert(db, ExpertKind.SCIENTIST, bio="完全无关的领域")
    ent = e.make_expert(db, ExpertKind.ENTREPRENEUR, bio="完全无关的领域")
    inv = e.make_expert(db, ExpertKind.INVESTOR)
    # The full entrepreneur holds a seat on another review this year.
    other_inst = b.make_institute_user(db)
    other = e.request(db, other_inst, lb.make_achievement(db, other_inst).id)
    poc.accept(db, e.actor(admin), _req(db, other), schemas.AcceptIn(mix=[ExpertKind.ENTREPRENEUR]))
    [seat] = poc.seats(db, other)
    seat.expert_id = full.id
    poc.confirm(db, e.actor(admin), _req(db, other))

    rid = e.request(db, institute, achievement.id)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    assert _active(db, rid) == {ExpertKind.SCIENTIST: free.id, ExpertKind.ENTREPRENEUR: ent.id,
                                ExpertKind.INVESTOR: inv.id}
    assert colleague.id not in _active(db, rid).values()


def test_no_eligible_expert_refuses_to_accept_naming_the_kind(db: Session) -> None:
    institute, admin, achievement = _world(db)
    e.make_expert(db, ExpertKind.SCIENTIST)
    e.make_expert(db, ExpertKind.ENTREPRENEUR)
    rid = e.request(db, institute, achievement.id)
    with pytest.raises(Conflict) as raised:
        poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    assert raised.value.extra["missing_kinds"] == ["investor"]


def test_swap_refuses_a_conflicted_expert_and_takes_a_fitting_one(db: Session) -> None:
    institute, admin, achievement = _world(db)
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    seat = next(s for s in poc.seats(db, rid) if s.kind == ExpertKind.INVESTOR)
    owner = db.get(Organisation, institute.organisation_id)
    conflicted = e.make_expert(db, ExpertKind.INVESTOR, employer=owner)
    with pytest.raises(Conflict, match="利益冲突"):
        poc.swap(db, e.actor(admin), _req(db, rid), schemas.SwapIn(
            assignment_id=seat.id, expert_id=conflicted.id))
    wrong_kind = e.make_expert(db, ExpertKind.SCIENTIST)
    with pytest.raises(InvalidInput):
        poc.swap(db, e.actor(admin), _req(db, rid), schemas.SwapIn(
            assignment_id=seat.id, expert_id=wrong_kind.id))
    other = e.make_expert(db, ExpertKind.INVESTOR)
    poc.swap(db, e.actor(admin), _req(db, rid), schemas.SwapIn(assignment_id=seat.id,
                                                               expert_id=other.id))
    assert _active(db, rid)[ExpertKind.INVESTOR] == other.id
    assert pool[ExpertKind.INVESTOR].id not in _active(db, rid).values()


def test_a_decline_proposes_a_replacement_of_the_same_kind(db: Session) -> None:
    institute, admin, achievement = _world(db)
    pool = e.panel_pool(db)
    spare = e.make_expert(db, ExpertKind.ENTREPRENEUR, bio="无关")
    rid = e.request(db, institute, achievement.id)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    poc.confirm(db, e.actor(admin), _req(db, rid))
    entrepreneurs = {pool[ExpertKind.ENTREPRENEUR].id: pool[ExpertKind.ENTREPRENEUR],
                     spare.id: spare}
    seat = next(s for s in poc.seats(db, rid) if s.kind == ExpertKind.ENTREPRENEUR)
    decliner = entrepreneurs.pop(seat.expert_id)
    [other] = entrepreneurs.values()
    poc.answer(db, e.actor(decliner), decliner, seat.id, False)
    replacement = [s for s in poc.seats(db, rid) if s.status == AssignmentStatus.PROPOSED]
    assert [(s.expert_id, s.kind) for s in replacement] == [(other.id, ExpertKind.ENTREPRENEUR)]
    poc.confirm(db, e.actor(admin), _req(db, rid))
    assert _active(db, rid)[ExpertKind.ENTREPRENEUR] == other.id
    # Declining again: nobody else of the kind is left, so no replacement is proposed.
    seat = next(s for s in poc.seats(db, rid) if s.expert_id == other.id)
    poc.answer(db, e.actor(other), other, seat.id, False)
    assert ExpertKind.ENTREPRENEUR not in _active(db, rid)


def _run_panel(db: Session, institute: User, admin: User, achievement: Achievement,
               reviews: list[schemas.ReviewIn]) -> tuple[int, list[int]]:
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    poc.confirm(db, e.actor(admin), _req(db, rid))
    seat_ids = []
    for kind, body in zip(pool, reviews, strict=True):
        expert = pool[kind]
        [seat] = [s for s in poc.seats(db, rid) if s.expert_id == expert.id]
        poc.answer(db, e.actor(expert), expert, seat.id, True)
        poc.submit(db, e.actor(expert), expert, seat.id, body)
        seat_ids.append(seat.id)
    return rid, seat_ids


def test_reviewers_see_others_only_after_submitting(db: Session) -> None:
    institute, admin, achievement = _world(db)
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    poc.confirm(db, e.actor(admin), _req(db, rid))
    first, second = pool[ExpertKind.SCIENTIST], pool[ExpertKind.INVESTOR]
    seat1 = next(s for s in poc.seats(db, rid) if s.expert_id == first.id)
    seat2 = next(s for s in poc.seats(db, rid) if s.expert_id == second.id)
    for who, seat in ((first, seat1), (second, seat2)):
        poc.answer(db, e.actor(who), who, seat.id, True)
    poc.submit(db, e.actor(first), first, seat1.id, e.review(4))
    before = views.assignment_view(db, poc.seat_for(db, second, seat2.id))
    assert before.others is None and before.mine is None
    poc.submit(db, e.actor(second), second, seat2.id, e.review(3))
    after = views.assignment_view(db, poc.seat_for(db, second, seat2.id))
    assert after.others is not None
    assert [(o.assignment_id, o.scores["team"]) for o in after.others] == [(seat1.id, 4)]
    assert after.others[0].confidential_note is None
    with pytest.raises(Conflict):
        poc.submit(db, e.actor(second), second, seat2.id, e.review(5))


def test_three_reviews_record_the_outcome_on_the_listing(db: Session) -> None:
    institute, admin, achievement = _world(db)
    rid, _ = _run_panel(db, institute, admin, achievement,
                        [e.review(4, trl=5), e.review(4, trl=4), e.review(3, trl=7,
                                                                          recommendation="revise")])
    request = _req(db, rid)
    assert request.status == PocStatus.PASSED
    assert request.reviewed_trl == 5
    db.refresh(achievement)
    assert (achievement.trl, achievement.reviewed_trl, achievement.poc_passed_on) == (6, 5,
                                                                                    today())
    assert achievement.poc_summary is not None and "2人建议通过" in achievement.poc_summary


def test_an_outlier_waits_for_the_organiser(db: Session) -> None:
    institute, admin, achievement = _world(db)
    rid, seats = _run_panel(db, institute, admin, achievement,
                            [e.review(4), e.review(4), e.review(1, recommendation="fail")])
    request = _req(db, rid)
    assert request.status == PocStatus.REVIEWING and poc.needs_attention(db, request)
    report = views.report(db, admin, request)
    assert report.aggregate is not None and report.aggregate.outliers == [seats[2]]
    assert [r.outlier for r in report.reviews] == [False, False, True]
    assert report.reviews[0].confidential_note == "仅供组织方参考"
    with pytest.raises(Conflict):
        views.report(db, institute, request)
    poc.decide(db, e.actor(admin), request, schemas.PocDecisionIn(passed=True, reviewed_trl=6,
                                                                summary="专家组复核后通过"))
    db.refresh(achievement)
    assert (request.status, achievement.reviewed_trl, achievement.poc_summary) == (
        PocStatus.PASSED, 6, "专家组复核后通过")
    seen = views.report(db, institute, request)
    assert [r.confidential_note for r in seen.reviews] == [None, None, None]
    assert seen.aggregate is not None and seen.aggregate.outliers == []


def test_an_unpublished_summary_stays_off_the_listing(db: Session) -> None:
    institute = b.make_institute_user(db)
    admin = b.make_admin(db)
    achievement = lb.make_achievement(db, institute)
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id, publish=False)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    poc.confirm(db, e.actor(admin), _req(db, rid))
    for expert in pool.values():
        [seat] = [s for s in poc.seats(db, rid) if s.expert_id == expert.id]
        poc.answer(db, e.actor(expert), expert, seat.id, True)
        poc.submit(db, e.actor(expert), expert, seat.id, e.review(2, recommendation="fail"))
    db.refresh(achievement)
    assert _req(db, rid).status == PocStatus.NOT_PASSED
    assert (achievement.reviewed_trl, achievement.poc_passed_on, achievement.poc_summary) == (
        5, None, None)
    poc.set_publish(db, e.actor(institute), _req(db, rid), True)
    db.refresh(achievement)
    assert achievement.poc_summary == _req(db, rid).summary


def test_statistics_by_field(db: Session) -> None:
    institute, admin, achievement = _world(db)
    _run_panel(db, institute, admin, achievement, [e.review(4), e.review(4), e.review(4)])
    other = lb.make_achievement(db, institute, field="equipment.robotics")
    declined = e.request(db, institute, other.id)
    poc.decline(db, e.actor(admin), _req(db, declined), "材料不全")
    stats = views.stats(db)
    assert (stats.total.requests, stats.total.decided, stats.total.passed,
            str(stats.total.pass_rate)) == (2, 1, 1, "1.00")
    assert [(r.field_code, r.requests) for r in stats.by_field] == [("equipment.robotics", 2)]
    assert stats.total.median_days_to_decision == 0


def test_the_trl_filter_uses_the_reviewed_trl(client: TestClient, db: Session) -> None:
    institute, admin, achievement = _world(db)  # declared 6
    _run_panel(db, institute, admin, achievement,
               [e.review(4, trl=4), e.review(4, trl=4), e.review(4, trl=4)])
    ids = {a["id"] for a in client.get("/api/v1/achievements",
                                       params={"trl_min": 6, "page_size": 100}).json()["items"]}
    assert achievement.id not in ids
    body = client.get(f"/api/v1/achievements/{achievement.id}").json()
    assert (body["trl"], body["reviewed_trl"], body["poc_passed_on"]) == (
        6, 4, today().isoformat())
    ids = {a["id"] for a in client.get("/api/v1/achievements",
                                       params={"trl_max": 4, "page_size": 100}).json()["items"]}
    assert achievement.id in ids


def test_the_matcher_sees_the_reviewed_trl_and_the_passed_review(db: Session) -> None:
    institute, admin, achievement = _world(db)  # declared 6
    before = documents.documents(db, "achievement", [achievement.id])[achievement.id]
    assert (before.trl, before.poc_passed) == (6, False)
    _run_panel(db, institute, admin, achievement,
               [e.review(4, trl=4), e.review(4, trl=4), e.review(4, trl=4)])
    after = documents.documents(db, "achievement", [achievement.id])[achievement.id]
    assert (after.trl, after.poc_passed) == (4, True)  # the TRL filters and the re-ranker's feature
    assert Offer.of(achievement).trl == 4


def test_only_the_owner_may_ask_and_only_once_at_a_time(db: Session) -> None:
    institute, _, achievement = _world(db)
    stranger = b.make_institute_user(db)
    with pytest.raises(Exception, match="No such achievement"):
        e.request(db, stranger, achievement.id)
    e.request(db, institute, achievement.id)
    with pytest.raises(Conflict):
        e.request(db, institute, achievement.id)
