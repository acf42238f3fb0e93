"""Who is told what during a proof-of-concept review: the expert when a seat is offered or
withdrawn, the administrators when an expert answers (a decline re-proposes under the same
exclusions), the institute when the outcome is recorded."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.deals.models import Notification
from backend.experts import poc, schemas
from backend.experts.models import AssignmentStatus, ExpertKind, PocRequest
from tests.builders import accounts as b
from tests.builders import experts as e
from tests.builders import listings as lb


def _req(db: Session, request_id: int) -> PocRequest:
    request = db.get(PocRequest, request_id)
    assert request is not None
    return request


def _kinds(db: Session, user: User) -> list[str]:
    return list(db.execute(select(Notification.kind).where(Notification.user_id == user.id)
                           .order_by(Notification.id)).scalars())


def test_invitation_answers_and_outcome_are_notified(db: Session) -> None:
    institute = b.make_institute_user(db)
    admin = b.make_admin(db)
    achievement = lb.make_achievement(db, institute)
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    assert [_kinds(db, x) for x in pool.values()] == [[], [], []]  # a proposal tells nobody
    poc.confirm(db, e.actor(admin), _req(db, rid))
    assert [_kinds(db, x) for x in pool.values()] == [["panel.invited"]] * 3
    for expert in pool.values():
        [seat] = [s for s in poc.seats(db, rid) if s.expert_id == expert.id]
        poc.answer(db, e.actor(expert), expert, seat.id, True)
        poc.submit(db, e.actor(expert), expert, seat.id, e.review(4))
    assert _kinds(db, admin) == ["panel.accepted"] * 3
    assert _kinds(db, institute) == ["poc.decided"]
    [told] = db.execute(select(Notification).where(Notification.user_id == institute.id)
                        ).scalars()
    assert "通过概念验证" in told.title and achievement.title in told.body
    # The institute never learns who sat on its panel.
    for expert in pool.values():
        profile_name = poc.load(db, expert.id).profile.name
        assert profile_name not in told.title + told.body


def test_a_swap_of_an_invited_seat_withdraws_and_invites(db: Session) -> None:
    institute = b.make_institute_user(db)
    admin = b.make_admin(db)
    achievement = lb.make_achievement(db, institute)
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    poc.confirm(db, e.actor(admin), _req(db, rid))
    seat = next(s for s in poc.seats(db, rid) if s.kind == ExpertKind.INVESTOR)
    other = e.make_expert(db, ExpertKind.INVESTOR)
    poc.swap(db, e.actor(admin), _req(db, rid), schemas.SwapIn(assignment_id=seat.id,
                                                               expert_id=other.id))
    assert _kinds(db, pool[ExpertKind.INVESTOR]) == ["panel.invited", "panel.withdrawn"]
    assert _kinds(db, other) == ["panel.invited"]


def test_a_decline_re_proposes_under_the_same_exclusions_and_tells_the_admin(db: Session
                                                                            ) -> None:
    institute = b.make_institute_user(db)
    admin = b.make_admin(db)
    achievement = lb.make_achievement(db, institute)
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    poc.confirm(db, e.actor(admin), _req(db, rid))
    # Spares: one conflicted (works for the institute), one with no capacity left, one fit.
    owner = db.get(Organisation, institute.organisation_id)
    conflicted = e.make_expert(db, ExpertKind.ENTREPRENEUR, employer=owner,
                               bio=e.BIO[ExpertKind.ENTREPRENEUR])
    full = e.make_expert(db, ExpertKind.ENTREPRENEUR, capacity=1,
                         bio=e.BIO[ExpertKind.ENTREPRENEUR])
    other_inst = b.make_institute_user(db)
    other = e.request(db, other_inst, lb.make_achievement(db, other_inst).id)
    poc.accept(db, e.actor(admin), _req(db, other),
               schemas.AcceptIn(mix=[ExpertKind.ENTREPRENEUR]))
    [busy] = poc.seats(db, other)
    busy.expert_id = full.id
    poc.confirm(db, e.actor(admin), _req(db, other))
    fit = e.make_expert(db, ExpertKind.ENTREPRENEUR, bio="完全无关的领域")

    decliner = pool[ExpertKind.ENTREPRENEUR]
    [seat] = [s for s in poc.seats(db, rid) if s.expert_id == decliner.id]
    poc.answer(db, e.actor(decliner), decliner, seat.id, False)
    proposed = [s.expert_id for s in poc.seats(db, rid) if s.status == AssignmentStatus.PROPOSED]
    assert proposed == [fit.id]  # not the conflicted one, not the full one, not the decliner
    assert conflicted.id not in proposed and full.id not in proposed
    assert _kinds(db, admin) == ["panel.declined"]
    [told] = db.execute(select(Notification).where(Notification.user_id == admin.id)).scalars()
    assert "替补" in told.body and "请确认或替换" in told.body

    # The fit spare declines too: nobody is left, and the administrator is told to swap by hand.
    poc.confirm(db, e.actor(admin), _req(db, rid))
    [seat] = [s for s in poc.seats(db, rid) if s.expert_id == fit.id]
    poc.answer(db, e.actor(fit), fit, seat.id, False)
    assert [s.expert_id for s in poc.seats(db, rid)
            if s.status == AssignmentStatus.PROPOSED] == []
    last = db.execute(select(Notification).where(Notification.user_id == admin.id)
                      .order_by(Notification.id.desc())).scalars().first()
    assert last is not None and "请手动替换" in last.body
