"""Typed builders for experts, proof-of-concept requests and their panels."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import Organisation, User, VerificationStatus
from backend.audit.service import Actor
from backend.core.permissions import Role
from backend.experts import poc, schemas
from backend.experts.models import ExpertInterest, ExpertKind, ExpertProfile, InterestRelation
from tests.builders import accounts as b

_seq = itertools.count(1)

BIO = {ExpertKind.SCIENTIST: "焊缝识别 机器视觉 深度学习 工业机器人 视觉检测",
       ExpertKind.ENTREPRENEUR: "智能装备 机器人集成 企业经营 产线改造",
       ExpertKind.INVESTOR: "硬科技 早期投资 智能制造 机器人",
       ExpertKind.IP_LEGAL: "专利 自由实施 技术合同",
       ExpertKind.FINANCE: "财务 估值"}


def actor(user: User) -> Actor:
    return Actor(user.id, user.username)


def make_expert(db: Session, kind: ExpertKind = ExpertKind.SCIENTIST, *,
                employer: Organisation | None = None, bio: str | None = None,
                fields: tuple[str, ...] = ("equipment.robotics",), capacity: int = 6,
                person_name: str | None = None, person_id_number: str | None = None,
                email: str | None = None, phone_id: int | None = None,
                status: VerificationStatus = VerificationStatus.VERIFIED,
                interests: tuple[tuple[InterestRelation, str, str | None], ...] = ()) -> User:
    n = next(_seq)
    who = accounts.person_for(db, b.person(person_name, person_id_number))
    user = b.make_user(db, Role.EXPERT, username=f"expert{n}_{kind.value}", person_id=who.id)
    user.email = email
    db.add(ExpertProfile(
        user_id=user.id, name=who.name, kind=kind, title="教授",
        organisation_name=employer.name if employer else f"某研究院{n}",
        organisation_credit_code=employer.credit_code if employer else None,
        organisation_id=employer.id if employer else None, fields=list(fields),
        bio=bio if bio is not None else BIO[kind], yearly_capacity=capacity, status=status,
        phone_id=phone_id))
    db.flush()
    db.add_all(ExpertInterest(expert_id=user.id, relation=r, organisation_name=name,
                              credit_code=code) for r, name, code in interests)
    db.flush()
    return user


def panel_pool(db: Session) -> dict[ExpertKind, User]:
    return {k: make_expert(db, k) for k in (ExpertKind.SCIENTIST, ExpertKind.ENTREPRENEUR,
                                            ExpertKind.INVESTOR)}


def request(db: Session, institute: User, achievement_id: int, *, publish: bool = True
            ) -> int:
    return poc.ask(db, actor(institute), institute, schemas.PocRequestIn(
        achievement_id=achievement_id, note="请评估中试可行性", publish_summary=publish)).id


def scores(value: int, **overrides: int) -> dict[str, int]:
    from backend.experts.scoring import POC_FORM

    return {c.code: overrides.get(c.code, value) for c in POC_FORM}


def review(value: int = 4, *, recommendation: str = "pass", trl: int = 5,
           **overrides: int) -> schemas.ReviewIn:
    return schemas.ReviewIn.model_validate({
        "scores": scores(value, **overrides), "comments": {"team": "团队完整"},
        "recommendation": recommendation, "trl": trl, "confidential_note": "仅供组织方参考"})
