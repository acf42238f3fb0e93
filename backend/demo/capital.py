"""Demo capital chain (资金链): `investor1`'s mandate, two published financing requests (one of
`inst1`'s achievements, one project of `firm2`'s), `investor1`'s interest in the first with a
term sheet awaiting the institute's word, and a planned roadshow to which both requests are
invited — the institute has consented, the firm not yet — and `investor1` has registered."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.service import SYSTEM, Actor
from backend.capital import roadshows, schemas, service
from backend.capital.models import (
    FinancingRequest,
    FinancingSubject,
    Instrument,
    InterestStatus,
    InvestorKind,
)
from backend.core import clock
from backend.core.types import utcnow
from backend.listings.models import Achievement, AchievementStatus, Field


def _user(session: Session, username: str) -> User:
    return session.execute(select(User).where(User.username == username)).scalar_one()


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username)


def seed_capital(session: Session) -> None:
    if session.execute(select(FinancingRequest.id)).first():
        return
    investor, institute, firm = (_user(session, u) for u in ("investor1", "inst1", "firm2"))
    admin = _user(session, "admin")
    achievement = session.execute(select(Achievement).where(
        Achievement.organisation_id == institute.organisation_id,
        Achievement.status == AchievementStatus.PUBLISHED, Achievement.hidden.is_(False))
        .order_by(Achievement.id)).scalars().first()
    if achievement is None:
        return
    top_fields = list(session.execute(select(Field.id).where(
        Field.parent_id.is_(None), Field.active.is_(True)).order_by(Field.sort)).scalars())
    service.set_mandate(session, _actor(investor), investor, schemas.MandateIn(
        investor_kind=InvestorKind.VENTURE_FUND, description="专注硬科技早期项目，偏好中试阶段。",
        field_ids=top_fields, trl_min=3, trl_max=8, ticket_min=Decimal("500000"),
        ticket_max=Decimal("20000000"), regions=[], instruments=[]))
    today = clock.today()
    on_achievement = service.create_request(session, _actor(institute), institute,
                                            schemas.FinancingIn(
        subject=FinancingSubject.ACHIEVEMENT, achievement_id=achievement.id,
        title=f"{achievement.title}中试线建设融资", summary="成果已完成小试，需建设中试线验证量产工艺。",
        field_id=achievement.field_id, region=achievement.region, amount=Decimal("3000000"),
        instrument=Instrument.EQUITY, use_of_funds="中试设备采购、工艺验证与团队扩充。",
        milestones=[schemas.MilestoneIn(text="中试线建成", due_on=today + timedelta(days=180))],
        trl_current=5, trl_target=7))
    service.publish(session, _actor(institute), on_achievement)
    project = service.create_request(session, _actor(firm), firm, schemas.FinancingIn(
        subject=FinancingSubject.PROJECT, title="产线智能化改造项目贷款",
        summary="注塑车间引入在线检测与自动换模，提升良品率。", field_id=top_fields[0],
        region="福州市", amount=Decimal("1500000"), instrument=Instrument.LOAN,
        use_of_funds="检测设备与换模系统采购。", trl_current=6, trl_target=8))
    service.publish(session, _actor(firm), project)
    service.mark_interest(session, _actor(investor), investor, on_achievement.id,
                          schemas.InterestIn(note="团队与技术路线符合我们的方向。"))
    service.record_outcome(session, _actor(investor), investor, on_achievement.id,
                           schemas.OutcomeIn(status=InterestStatus.TERM_SHEET, amount=Decimal("2500000")))
    show = roadshows.create(session, SYSTEM, admin, schemas.RoadshowIn(
        theme="新材料与智能制造专场路演", description="面向创投机构的硬科技项目路演。",
        starts_at=utcnow() + timedelta(days=14), place="福州市科技大厦三楼路演厅"))
    for request in (on_achievement, project):
        roadshows.invite_request(session, SYSTEM, admin, show.id,
                                 schemas.PresentationIn(request_id=request.id))
    roadshows.invite_investor(session, SYSTEM, admin, show.id, schemas.RoadshowInvestorIn(
        organisation_id=investor.organisation_id))
    roadshows.answer_invitation(session, _actor(institute), institute, show.id,
                                on_achievement.id, True)
    roadshows.register(session, _actor(investor), investor, show.id)
