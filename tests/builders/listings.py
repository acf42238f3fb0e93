"""Typed builders for demands, achievements and broker assignments."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import clock
from backend.core.types import utcnow
from backend.listings import search
from backend.listings.achievements import achievement_search_text
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandBroker,
    DemandStatus,
    Field,
    IpItem,
    IpKind,
    Stage,
    Visibility,
    modes_to_mask,
)

_seq = itertools.count(1)
VALID_PATENT = "201710601862.3"
VALID_OLD_PATENT = "98123456.9"


def field_id(db: Session, code: str = "equipment.robotics") -> int:
    return db.execute(select(Field.id).where(Field.code == code)).scalar_one()


def make_demand(db: Session, owner: User, *, title: str | None = None,
                description: str = "需要一套焊接机器人视觉引导方案，提升焊缝跟踪精度。",
                field: str = "equipment.robotics", keywords: tuple[str, ...] = ("焊接", "机器视觉"),
                status: DemandStatus = DemandStatus.PUBLISHED,
                visibility: Visibility = Visibility.PUBLIC, anonymous: bool = False,
                hidden: bool = False, budget_min: Decimal | None = Decimal("100000"),
                budget_max: Decimal | None = Decimal("500000"), min_trl: int | None = 5,
                modes: tuple[str, ...] = ("development",), region: str = "福州市",
                deadline: date | None = None) -> Demand:
    assert owner.organisation_id is not None
    title = title or f"寻求焊接机器人视觉引导技术{next(_seq)}"
    published = status != DemandStatus.DRAFT
    demand = Demand(organisation_id=owner.organisation_id, created_by_id=owner.id, title=title,
                    description=description, field_id=field_id(db, field),
                    keywords=",".join(keywords), budget_min=budget_min, budget_max=budget_max,
                    min_trl=min_trl, modes_mask=modes_to_mask(list(modes)), region=region,
                    deadline=deadline or clock.today() + timedelta(days=90),
                    visibility=visibility, anonymous=anonymous, status=status, hidden=hidden,
                    hidden_reason="违规 test" if hidden else None,
                    search_text=search.search_text(title, description, keywords),
                    published_at=utcnow() if published else None)
    db.add(demand)
    db.flush()
    return demand


def make_achievement(db: Session, owner: User, *, title: str | None = None,
                     abstract: str = "研发了基于深度学习的焊缝识别算法，识别精度达到0.1毫米。",
                     field: str = "equipment.robotics", keywords: tuple[str, ...] = ("焊缝识别",),
                     status: AchievementStatus = AchievementStatus.PUBLISHED, trl: int = 6,
                     stage: Stage = Stage.PILOT, price: Decimal | None = Decimal("300000"),
                     negotiable: bool = False, modes: tuple[str, ...] = ("transfer",),
                     region: str = "福州市", hidden: bool = False,
                     with_patent: bool = True) -> Achievement:
    assert owner.organisation_id is not None
    title = title or f"焊缝智能识别关键技术{next(_seq)}"
    patent_title = "一种焊缝识别方法"
    achievement = Achievement(
        organisation_id=owner.organisation_id, created_by_id=owner.id, title=title,
        abstract=abstract, field_id=field_id(db, field), keywords=",".join(keywords), trl=trl,
        stage=stage, price=price, negotiable=negotiable, modes_mask=modes_to_mask(list(modes)),
        team_lead="李教授", region=region, status=status, hidden=hidden,
        hidden_reason="违规 test" if hidden else None,
        search_text=achievement_search_text(title, abstract, list(keywords),
                                            [patent_title] if with_patent else []),
        published_at=utcnow() if status != AchievementStatus.DRAFT else None,
        ip_items=[IpItem(kind=IpKind.INVENTION_PATENT, number=VALID_PATENT,
                         title=patent_title)] if with_patent else [])
    db.add(achievement)
    db.flush()
    return achievement


def assign(db: Session, demand: Demand, broker: User) -> None:
    db.add(DemandBroker(demand_id=demand.id, broker_id=broker.id))
    db.flush()


def demand_body(db: Session, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "寻求锂电池正极材料包覆改性技术",
        "description": "我司生产三元正极材料，循环寿命不足，希望合作开发表面包覆改性工艺。",
        "field_id": field_id(db, "new_energy.storage"),
        "keywords": ["正极材料", "包覆改性"],
        "budget_min": "200000", "budget_max": "800000",
        "modes": ["development", "joint_rd"],
        "min_trl": 4,
        "deadline": (clock.today() + timedelta(days=60)).isoformat(),
        "region": "宁德市",
        "visibility": "public",
        "anonymous": False,
    }
    body.update(overrides)
    return body


def achievement_body(db: Session, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "高镍三元正极材料表面包覆改性技术",
        "abstract": "采用原子层沉积包覆氧化铝，循环1000次容量保持率提升至92%。",
        "field_id": field_id(db, "new_energy.storage"),
        "keywords": ["正极材料", "原子层沉积"],
        "trl": 6, "stage": "pilot",
        "ip_items": [{"kind": "invention_patent", "number": VALID_PATENT,
                      "title": "一种正极材料包覆方法"},
                     {"kind": "know_how", "title": "包覆工艺参数"}],
        "price": "1500000", "negotiable": True,
        "modes": ["transfer", "licensing"],
        "team_lead": "王教授", "region": "厦门市",
    }
    body.update(overrides)
    return body
