"""Builders for industry chains: a valid graph document (a small pumps-and-valves chain on
the seeded taxonomy) and a chain saved through the service."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.service import Actor
from backend.chains import placement, schemas, service, workbook
from backend.chains.models import Chain, ChainPlacement

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NODES: list[dict[str, Any]] = [
    {"key": "castings", "name_zh": "阀体铸件", "name_en": "Valve body castings",
     "stage": "materials", "description": "不锈钢、球墨铸铁阀体精密铸造",
     "keywords": ["精密铸造", "阀体", "不锈钢"], "field_codes": ["materials.metals"]},
    {"key": "seals", "name_zh": "密封件", "name_en": "Seals", "stage": "components",
     "description": "高温高压密封材料与机械密封", "keywords": ["机械密封", "密封", "石墨"],
     "field_codes": ["materials.polymers", "materials.ceramics"],
     "marks": [{"kind": "bottleneck", "reason": "高端机械密封依赖进口",
                "marked_on": "2026-10-01", "evidence": "2026 年企业走访：8 家中 6 家进口"}]},
    {"key": "actuators", "name_zh": "智能执行器", "name_en": "Smart actuators",
     "stage": "components", "description": "电动、气动执行机构与阀门定位器",
     "keywords": ["执行器", "定位器", "电动执行机构"], "field_codes": ["equipment.sensing"]},
    {"key": "valves", "name_zh": "工业阀门", "name_en": "Industrial valves", "stage": "products",
     "description": "球阀、蝶阀、调节阀整机", "keywords": ["球阀", "蝶阀", "调节阀"],
     "field_codes": ["equipment.cnc"]},
    {"key": "maintenance", "name_zh": "运维服务", "name_en": "Maintenance services",
     "stage": "services", "description": "阀门在线监测与预测性维护",
     "keywords": ["在线监测", "预测性维护", "泄漏检测"], "field_codes": ["electronics.software"]},
]
EDGES = [("castings", "valves"), ("seals", "valves"), ("actuators", "valves"),
         ("valves", "maintenance")]


def graph_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name_zh": "泵阀产业链", "name_en": "Pumps and valves", "region": "温州市",
        "description": "温州泵阀产业链（示例）", "is_dag": True,
        "nodes": copy.deepcopy(NODES),
        "edges": [{"source": s, "target": t, "note": ""} for s, t in EDGES],
        "note": "初版",
    }
    body.update(overrides)
    return body


def chain_body(code: str = "pv-test", **overrides: Any) -> dict[str, Any]:
    return {"code": code, **graph_body(**overrides)}


def make_chain(db: Session, admin: User, code: str = "pv-test", **overrides: Any) -> Chain:
    return service.create(db, Actor(admin.id, admin.username), admin,
                          schemas.ChainIn.model_validate(chain_body(code, **overrides)))


def chain_xlsx(code: str = "pv-test", **overrides: Any) -> bytes:
    return workbook.to_xlsx(schemas.ChainIn.model_validate(chain_body(code, **overrides)))


def make_chain_from(db: Session, admin: User, document: dict[str, Any]) -> Chain:
    return service.create(db, Actor(admin.id, admin.username), admin,
                          schemas.ChainIn.model_validate(document))


def place(db: Session, admin: User, chain: Chain, listing_id: int, node_key: str = "valves",
          kind: str = "demand") -> ChainPlacement:
    return placement.place(db, Actor(admin.id, admin.username), admin, chain,
                           schemas.PlacementIn(node_key=node_key, listing_kind=kind,
                                               listing_id=listing_id))
