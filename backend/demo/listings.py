"""Demo listings for `techbroker seed-demo`: 220 demands and 540 achievements across the
field taxonomy, owned by the demo firms and institutes, in realistic Chinese.

Texts are generated from the phrase bank in `listing_phrases.py` (written for this
project; nothing scraped, no real person). Mostly published; some drafts, expired, closed
or withdrawn; some visible to brokers only, private (assigned to a demo broker) or anonymous.
Everything is inserted with bulk statements, so seeding takes a few seconds.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerProfile, Organisation, User, VerificationStatus
from backend.audit.service import SYSTEM
from backend.audit.service import record as audit_record
from backend.core import clock
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.demo.listing_phrases import Phrases, phrases
from backend.listings import search
from backend.listings.achievements import achievement_search_text
from backend.listings.ip_numbers import check_character
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
from backend.listings.service import allocate_ids, enqueue_index

FieldRow = tuple[int, str, str]  # id, code, Chinese name
DEMANDS = 220
ACHIEVEMENTS = 540
CITIES = ["福州市", "厦门市", "泉州市", "漳州市", "莆田市", "三明市", "南平市", "龙岩市", "宁德市",
          "平潭综合实验区"]
# Which demo organisations lean towards which top-level fields (by name fragments).
AFFINITY = {"智造": {"equipment", "electronics", "auto_parts"},
            "新材": {"materials", "chemicals", "construction"},
            "绿能": {"environment", "new_energy"},
            "生物医药": {"biomedicine", "food", "agriculture"},
            "鞋服": {"textiles"},
            "理工大学": {"equipment", "electronics", "materials", "construction", "auto_parts"},
            "海洋": {"agriculture", "food", "environment", "new_energy"},
            "材料": {"materials", "chemicals", "new_energy"},
            "工业技术": {"equipment", "textiles", "biomedicine", "electronics"}}
DEMAND_TITLES = ["寻求{t}技术", "{t}技术攻关", "{t}工艺优化合作", "征集{t}解决方案",
                 "{t}关键技术联合研发", "{t}技术引进", "{t}项目技术合作"]
ACHIEVEMENT_TITLES = ["{t}关键技术及应用", "{t}关键技术研究与产业化", "{t}成套技术",
                      "{t}新技术", "新型{t}技术", "高效{t}技术"]
VAGUE = ["具体技术路线可面谈，欢迎高校院所和技术团队联系。",
         "目前还说不清具体用什么技术，希望专家帮助诊断。",
         "可以接受分阶段合作，先做可行性验证。",
         "详细工艺参数涉及商业秘密，签署保密协议后提供。", ""]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志文晓玲海燕"
TITLES = ["教授", "研究员", "副教授", "副研究员", "高级工程师", "博士"]


def _pick_field(rng: random.Random, org_name: str, fields: list[FieldRow]) -> FieldRow:
    preferred = next((tops for key, tops in AFFINITY.items() if key in org_name), set())
    near = [f for f in fields if f[1].split(".")[0] in preferred]
    return rng.choice(near if near and rng.random() < 0.7 else fields)


def _when(rng: random.Random, now: datetime) -> datetime:
    return now - timedelta(days=rng.randint(1, 240), minutes=rng.randint(0, 24 * 60))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high) * 10_000)


def _modes(rng: random.Random, *pool: str) -> int:
    return modes_to_mask(rng.sample(list(pool), rng.randint(1, min(3, len(pool)))))


def _demand_row(rng: random.Random, owner: User, org_name: str, field: FieldRow,
                p: Phrases, today: date, now: datetime) -> dict[str, Any]:
    topic = rng.choice(p.topics)
    title = rng.choice(DEMAND_TITLES).format(t=topic)
    description = (f"我司产品主要面向{rng.choice(p.uses)}，目前{rng.choice(p.problems)}。"
                   f"希望在{topic}方面寻求技术合作，目标是{rng.choice(p.goals)}。"
                   f"{rng.choice(VAGUE)}")
    keywords = list(dict.fromkeys([topic, field[2]]))
    roll = rng.random()
    status = (DemandStatus.DRAFT if roll < 0.09 else DemandStatus.EXPIRED if roll < 0.14
              else DemandStatus.CLOSED if roll < 0.16 else DemandStatus.PUBLISHED)
    created = _when(rng, now)
    deadline = (today - timedelta(days=rng.randint(1, 60)) if status == DemandStatus.EXPIRED
                else today + timedelta(days=rng.randint(20, 360)))
    budget_min = _money(rng, 5, 200) if rng.random() < 0.85 else None
    budget_max = (budget_min * rng.choice([2, 3, 5]) if budget_min is not None
                  else _money(rng, 50, 500) if rng.random() < 0.3 else None)
    vis_roll = rng.random()
    return {
        "organisation_id": owner.organisation_id, "created_by_id": owner.id, "title": title,
        "description": description, "field_id": field[0], "keywords": ",".join(keywords),
        "budget_min": budget_min, "budget_max": budget_max,
        "modes_mask": _modes(rng, "development", "transfer", "licensing", "consulting",
                             "service", "joint_rd"),
        "min_trl": rng.randint(3, 8) if rng.random() < 0.8 else None, "deadline": deadline,
        "region": owner_region(rng, org_name),
        "visibility": (Visibility.PRIVATE if vis_roll < 0.1 else Visibility.BROKERS
                       if vis_roll < 0.25 else Visibility.PUBLIC),
        "anonymous": rng.random() < 0.15, "status": status, "hidden": False,
        "hidden_reason": None,
        "search_text": search.search_text(title, description, keywords),
        "created_at": created, "updated_at": created,
        "published_at": None if status == DemandStatus.DRAFT else created + timedelta(hours=2),
    }


def owner_region(rng: random.Random, org_name: str) -> str:
    home = {"福州": "福州市", "厦门": "厦门市", "泉州": "泉州市", "漳州": "漳州市", "莆田": "莆田市"}
    city = next((v for k, v in home.items() if k in org_name), None)
    return city if city and rng.random() < 0.75 else rng.choice(CITIES)


def _patent(rng: random.Random, kind: str, year_max: int) -> str:
    digits = f"{rng.randint(2012, year_max)}{kind}{rng.randint(0, 9_999_999):07d}"
    return f"{digits}.{check_character(digits)}"


def _ip_items(rng: random.Random, topic: str, year: int) -> list[tuple[IpKind, str | None, str]]:
    items: list[tuple[IpKind, str | None, str]] = []
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        kind = rng.choice(list(IpKind))
        if kind == IpKind.INVENTION_PATENT:
            items.append((kind, _patent(rng, "1", year - 1), f"一种{topic}方法"))
        elif kind == IpKind.UTILITY_MODEL:
            items.append((kind, _patent(rng, "2", year - 1), f"一种用于{topic}的装置"))
        elif kind == IpKind.SOFTWARE_COPYRIGHT:
            items.append((kind, f"{rng.randint(2015, year - 1)}SR{rng.randint(0, 9_999_999):07d}",
                          f"{topic}管理软件V{rng.randint(1, 3)}.0"))
        else:
            items.append((kind, None, f"{topic}工艺参数与配方"))
    return list({number or title: (k, number, title) for k, number, title in items}.values())


def _achievement_row(rng: random.Random, owner: User, org_name: str, field: FieldRow,
                     p: Phrases, now: datetime, year: int
                     ) -> tuple[dict[str, Any], list[tuple[IpKind, str | None, str]]]:
    topic, method = rng.choice(p.topics), rng.choice(p.methods)
    title = rng.choice(ACHIEVEMENT_TITLES).format(t=topic)
    stage = rng.choice([Stage.LAB, Stage.PILOT, Stage.PILOT, Stage.INDUSTRIALISED])
    trl = {Stage.LAB: rng.randint(2, 4), Stage.PILOT: rng.randint(5, 6),
           Stage.INDUSTRIALISED: rng.randint(7, 9)}[stage]
    stage_text = {Stage.LAB: "已完成实验室验证", Stage.PILOT: "已完成中试，具备小批量生产条件",
                  Stage.INDUSTRIALISED: "已在合作企业实现产业化应用"}[stage]
    ip_items = _ip_items(rng, topic, year)
    ip_text = (f"已获得{len(ip_items)}项知识产权。" if ip_items else "")
    abstract = (f"本成果围绕{topic}，针对{rng.choice(p.problems)}等问题，研发了{method}等关键技术，"
                f"主要指标：{rng.choice(p.goals)}。{stage_text}。{ip_text}"
                f"成果可应用于{rng.choice(p.uses)}等领域。")
    keywords = list(dict.fromkeys([topic, field[2]]))
    low, high = {Stage.LAB: (5, 50), Stage.PILOT: (30, 300), Stage.INDUSTRIALISED: (100, 1000)}[stage]
    price = _money(rng, low, high) if rng.random() < 0.75 else None
    roll = rng.random()
    status = (AchievementStatus.DRAFT if roll < 0.09 else AchievementStatus.WITHDRAWN
              if roll < 0.12 else AchievementStatus.PUBLISHED)
    created = _when(rng, now)
    lead = (rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
            + rng.choice(TITLES))
    row = {
        "organisation_id": owner.organisation_id, "created_by_id": owner.id, "title": title,
        "abstract": abstract, "field_id": field[0], "keywords": ",".join(keywords), "trl": trl,
        "stage": stage, "price": price, "negotiable": price is None or rng.random() < 0.4,
        "modes_mask": _modes(rng, "transfer", "licensing", "development", "consulting",
                             "service", "joint_rd"),
        "team_lead": lead, "region": owner_region(rng, org_name), "status": status,
        "hidden": False, "hidden_reason": None,
        "search_text": achievement_search_text(title, abstract, keywords,
                                               [t for _, _, t in ip_items]),
        "created_at": created, "updated_at": created,
        "published_at": None if status == AchievementStatus.DRAFT else created + timedelta(hours=3),
    }
    return row, ip_items


def seed_listings(session: Session, seed: int = 2026) -> tuple[list[int], list[int]]:
    """Insert the demo listings for the firm and institute users present; return the ids."""
    rng = random.Random(seed)
    bank = phrases()
    fields = [(f.id, f.code, f.name_zh) for f in session.execute(
        select(Field).where(Field.active.is_(True), Field.parent_id.is_not(None))
        .order_by(Field.sort, Field.id)).scalars() if f.code in bank]
    owners = session.execute(select(User).where(User.role.in_([Role.FIRM, Role.INSTITUTE]))
                             .order_by(User.id)).scalars().all()
    firms = [u for u in owners if u.role == Role.FIRM]
    institutes = [u for u in owners if u.role == Role.INSTITUTE]
    brokers = session.execute(select(BrokerProfile.user_id).where(
        BrokerProfile.verification_status == VerificationStatus.VERIFIED)
        .order_by(BrokerProfile.user_id)).scalars().all()
    if not fields or not firms or not institutes:
        return [], []
    now, today = utcnow(), clock.today()
    org_names: dict[int, str] = {user_id: name for user_id, name in session.execute(
        select(User.id, Organisation.name).join(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_([u.id for u in owners])))}

    demand_rows = []
    for i in range(DEMANDS):
        owner = firms[i % len(firms)]
        field = _pick_field(rng, org_names[owner.id], fields)
        demand_rows.append(_demand_row(rng, owner, org_names[owner.id], field,
                                       bank[field[1]], today, now))
    demand_ids = allocate_ids(session, Demand.__tablename__, len(demand_rows))
    for demand_id, row in zip(demand_ids, demand_rows, strict=True):
        row["id"] = demand_id
    session.connection().execute(insert(Demand), demand_rows)
    assignments = [{"demand_id": demand_id, "broker_id": brokers[n % len(brokers)],
                    "assigned_by_id": None, "assigned_at": now}
                   for n, (demand_id, row) in enumerate(zip(demand_ids, demand_rows, strict=True))
                   if row["visibility"] == Visibility.PRIVATE and brokers]
    if assignments:
        session.connection().execute(insert(DemandBroker), assignments)

    achievement_rows, ip_lists = [], []
    for i in range(ACHIEVEMENTS):
        owner = institutes[i % len(institutes)]
        field = _pick_field(rng, org_names[owner.id], fields)
        row, items = _achievement_row(rng, owner, org_names[owner.id], field, bank[field[1]],
                                      now, today.year)
        achievement_rows.append(row)
        ip_lists.append(items)
    achievement_ids = allocate_ids(session, Achievement.__tablename__, len(achievement_rows))
    for achievement_id, row in zip(achievement_ids, achievement_rows, strict=True):
        row["id"] = achievement_id
    session.connection().execute(insert(Achievement), achievement_rows)
    ip_rows = [{"achievement_id": a_id, "kind": kind, "number": number, "title": title}
               for a_id, items in zip(achievement_ids, ip_lists, strict=True)
               for kind, number, title in items]
    if ip_rows:
        session.connection().execute(insert(IpItem), ip_rows)

    audit_record(session, SYSTEM, "demand.import", "demo", "seed-demo",
                 after={"count": len(demand_ids), "ids": demand_ids,
                        "assigned": len(assignments)})
    audit_record(session, SYSTEM, "achievement.import", "demo", "seed-demo",
                 after={"count": len(achievement_ids), "ids": achievement_ids})
    enqueue_index(session, "demand", demand_ids)
    enqueue_index(session, "achievement", achievement_ids)
    return demand_ids, achievement_ids

