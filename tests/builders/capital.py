"""Investors with mandates and financing requests, built through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind, User
from backend.audit.service import Actor
from backend.capital import schemas, service
from backend.capital.models import FinancingRequest, FinancingStatus
from backend.core.clock import today
from backend.core.permissions import Role
from tests.builders import accounts as b
from tests.builders import listings as lb


def actor(user: User) -> Actor:
    return Actor(user.id, user.username)


def make_investor(db: Session, verified: bool = True, **org: object) -> User:
    return b.make_user(db, Role.INVESTOR, b.make_org(db, OrgKind.INVESTOR, verified=verified,
                                                     **org))


def mandate_body(db: Session, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "investor_kind": "venture_fund",
        "description": "专注工业机器人、智能装备早中期项目，关注视觉检测与柔性产线。",
        "field_ids": [lb.field_id(db, "equipment")], "trl_min": 3, "trl_max": 7,
        "ticket_min": "1000000.00", "ticket_max": "10000000.00", "regions": [],
        "instruments": []}
    return {**body, **overrides}


def set_mandate(db: Session, investor: User, **overrides: Any) -> None:
    service.set_mandate(db, actor(investor), investor,
                        schemas.MandateIn.model_validate(mandate_body(db, **overrides)))


def request_body(db: Session, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject": "project", "title": "工业机器人视觉检测中试线",
        "summary": "基于深度学习的工业机器人视觉检测系统，已完成样机，拟建设中试线。",
        "field_id": lb.field_id(db, "equipment.robotics"), "region": "福建省福州市",
        "amount": "3000000.00", "instrument": "equity",
        "use_of_funds": "中试线设备采购与调试、检测算法工程化。",
        "milestones": [{"text": "中试线建成", "due_on": (today() + timedelta(days=180))
                        .isoformat()}],
        "trl_current": 4, "trl_target": 6, "audience": "all_investors",
        "named_investor_ids": []}
    return {**body, **overrides}


def make_request(db: Session, owner: User, publish: bool = True, **overrides: Any
                 ) -> FinancingRequest:
    data = schemas.FinancingIn.model_validate(request_body(db, **overrides))
    request = service.create_request(db, actor(owner), owner, data)
    if publish:
        service.publish(db, actor(owner), request)
    return request


D = Decimal
__all__ = ["FinancingStatus", "service"]


def make_roadshow(db: Session, admin: User, **overrides: Any) -> Any:
    from backend.capital import roadshows

    body: dict[str, Any] = {"theme": "智能制造专场路演", "description": "早中期项目",
                            "starts_at": "2026-12-20T14:00:00", "place": "福州市海峡会展中心"}
    return roadshows.create(db, actor(admin), admin,
                            schemas.RoadshowIn.model_validate({**body, **overrides}))
