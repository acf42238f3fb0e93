"""Demo experts (专家库) and a proof-of-concept review under way: three verified experts (a
scientist, an entrepreneur, an investor), and a review of one of `inst1`'s achievements whose
panel the administrator confirmed; `expert1` has accepted and can fill in the form."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.schemas import UserIn
from backend.audit.service import SYSTEM, Actor
from backend.experts import poc, pool, schemas
from backend.experts.models import ExpertKind, PocRequest
from backend.listings.models import Achievement, AchievementStatus, Field

EXPERTS = (
    ("expert1", "陈立新", ExpertKind.SCIENTIST, "福州大学", "教授",
     "长期从事新材料、智能制造与电子信息领域的研究，主持多项国家重点研发计划项目。"),
    ("expert2", "林海峰", ExpertKind.ENTREPRENEUR, "福建某智能装备有限公司", "董事长",
     "创办智能装备企业二十年，熟悉产线改造、中试放大与产品化。"),
    ("expert3", "王若琳", ExpertKind.INVESTOR, "福建省某创业投资基金", "合伙人",
     "专注硬科技早期投资，关注新材料、新能源与高端装备。"),
)


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username)


def seed_experts(session: Session, password: str) -> None:
    if session.execute(select(PocRequest.id)).first():
        return
    codes = [c for c in session.execute(select(Field.code).where(
        Field.parent_id.is_(None), Field.active.is_(True)).order_by(Field.sort)).scalars()][:4]
    for username, name, kind, org, title, bio in EXPERTS:
        pool.register(session, schemas.ExpertRegistration(
            user=UserIn(username=username, password=password, display_name=name),
            profile=schemas.ExpertProfileIn(name=name, organisation_name=org, title=title,
                                            fields=codes, kind=kind, bio=bio,
                                            yearly_capacity=8)), None)
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        pool.verify(session, SYSTEM, user.id, True, "演示数据 demo")
    institute = session.execute(select(User).where(User.username == "inst1")).scalar_one()
    achievement = session.execute(select(Achievement).where(
        Achievement.organisation_id == institute.organisation_id,
        Achievement.status == AchievementStatus.PUBLISHED, Achievement.hidden.is_(False))
        .order_by(Achievement.id)).scalars().first()
    if achievement is None:
        return
    request = poc.ask(session, _actor(institute), institute, schemas.PocRequestIn(
        achievement_id=achievement.id, note="样机已完成中试，申请概念验证以便对接投资。",
        publish_summary=True))
    poc.accept(session, SYSTEM, request, schemas.AcceptIn())
    poc.confirm(session, SYSTEM, request)
    scientist = session.execute(select(User).where(User.username == "expert1")).scalar_one()
    seat = next(s for s in poc.seats(session, request.id) if s.expert_id == scientist.id)
    poc.answer(session, _actor(scientist), scientist, seat.id, True)
