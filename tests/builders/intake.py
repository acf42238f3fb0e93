"""Typed builders for help requests, visits, drafts and dossiers (through the services, so a
built object is one the rules allow)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import clock
from backend.core.permissions import Role
from backend.intake import dossiers, drafts, requests, visits
from backend.intake.access import request_for
from backend.intake.models import DemandDraft, Dossier, HelpRequest, Visit
from backend.intake.schemas import DossierIn, DraftIn, HelpRequestIn, VisitIn
from tests.builders import deals as d
from tests.builders import listings as lb

_seq = itertools.count(1)
SECRET = "保密工艺参数：烧结温度1420摄氏度，保温3小时，配方编号ZX-77"


def ask(db: Session, firm: User, **overrides: Any) -> HelpRequest:
    data: dict[str, Any] = {"description": "我们的焊接产线良率不高，说不清需要什么技术，希望经纪人上门看看。",
                            "preferred_times": "工作日上午", "field_id": lb.field_id(db)}
    data.update(overrides)
    return requests.ask(db, d.actor(firm), d.with_profile(db, firm),
                        HelpRequestIn.model_validate(data))


def accepted(db: Session, firm: User, broker: User, **overrides: Any) -> HelpRequest:
    """A request the firm addressed to `broker`, who accepted it."""
    request = ask(db, firm, broker_id=broker.id, **overrides)
    requests.accept(db, d.actor(broker), request_for(db, d.with_profile(db, broker), request.id))
    db.flush()
    return request


def visit(db: Session, request: HelpRequest, broker: User) -> Visit:
    data = VisitIn(visited_on=clock.today() - timedelta(days=1), attendees="生产总监、工艺工程师",
                   findings="焊缝跟踪偏差大，返修率12%。", follow_ups="提供产线数据")
    return visits.record_visit(db, d.actor(broker),
                               request_for(db, d.with_profile(db, broker), request.id), data)


def demand_content(db: Session, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": f"焊接机器人焊缝跟踪精度提升{next(_seq)}",
        "description": "需要将焊缝跟踪偏差控制在0.2毫米以内，降低返修率。",
        "field_id": lb.field_id(db), "keywords": ["焊缝跟踪"], "budget_min": "200000",
        "budget_max": "600000", "modes": ["development"], "min_trl": 5,
        "deadline": (clock.today() + timedelta(days=90)).isoformat(), "region": "福州市",
        "visibility": "public", "anonymous": False}
    body.update(overrides)
    return body


def draft(db: Session, request: HelpRequest, broker: User, *, submit: bool = False,
          **overrides: Any) -> DemandDraft:
    who = d.with_profile(db, broker)
    made = drafts.create_draft(db, d.actor(broker), request_for(db, who, request.id),
                               DraftIn.model_validate({"demand": demand_content(db, **overrides)}))
    if submit:
        row, access = drafts.draft_for(db, who, made.id)
        drafts.submit(db, d.actor(broker), row, access)
    db.flush()
    return made


def draft_dossier(db: Session, draft_row: DemandDraft, broker: User, details: str = SECRET
                  ) -> Dossier:
    who = d.with_profile(db, broker)
    row, access = drafts.draft_for(db, who, draft_row.id)
    return dossiers.put_for_draft(db, d.actor(broker), row, access.seat, who,
                                  DossierIn(details=details, volumes="年需求2万件",
                                            budget=Decimal("500000")))


def demand_with_dossier(db: Session, firm: User, details: str = SECRET, **demand: Any
                        ) -> tuple[int, Dossier]:
    """A published demand of `firm` with a dossier the firm wrote."""
    assert firm.role == Role.FIRM
    made = lb.make_demand(db, firm, **demand)
    dossier = dossiers.put_for_demand(db, d.actor(firm), d.with_profile(db, firm), made.id,
                                      DossierIn(details=details, volumes="年需求2万件",
                                                budget=Decimal("500000")))
    db.flush()
    return made.id, dossier
