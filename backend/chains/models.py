"""Industry chains (产业链): a chain is a directed graph of segments (nodes, each at a stage and
linked to taxonomy sub-fields and keywords) joined by supply relations (edges, supplier →
customer). Every change to a chain writes a new version holding the whole graph as it then
stood, so history is listable and any old version readable. Listings are placed on nodes,
automatically (a score from `matching.placement`) or by hand."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.types import UTCDateTime, str_enum, utcnow
from backend.db import Base


class ChainStage(StrEnum):
    """Upstream to downstream."""

    MATERIALS = "materials"      # 原材料
    COMPONENTS = "components"    # 零部件
    EQUIPMENT = "equipment"      # 装备
    PRODUCTS = "products"        # 产品
    SERVICES = "services"        # 服务


class MarkKind(StrEnum):
    BOTTLENECK = "bottleneck"        # 卡脖子: dependence on outside technology
    SUPPLY_RISK = "supply_risk"      # 断链风险: a single or foreign supplier
    COMMON_TECH = "common_tech"      # 共性技术: a common need of many firms


class ListingKind(StrEnum):
    DEMAND = "demand"
    ACHIEVEMENT = "achievement"


class PlacementSource(StrEnum):
    AUTO = "auto"        # scored by matching.placement above the threshold
    MANUAL = "manual"    # placed by an administrator or the listing's owner


class Chain(Base):
    __tablename__ = "chains"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    is_dag: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)    # the current version's number
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChainNode(Base):
    """A segment. `key` is stable across versions (placements hang on the node's id, which an
    edit keeps for the same key)."""

    __tablename__ = "chain_nodes"
    __table_args__ = (UniqueConstraint("chain_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(100))
    stage: Mapped[ChainStage] = mapped_column(str_enum(ChainStage, 16))
    description: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    field_codes: Mapped[list[str]] = mapped_column(JSON, default=list)   # taxonomy sub-fields
    # [{kind, reason, marked_on, evidence}]: 卡脖子 / 断链风险 / 共性技术 with their grounds.
    marks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sort: Mapped[int] = mapped_column(Integer, default=0)


class ChainEdge(Base):
    """A supply relation: `source` supplies `target`."""

    __tablename__ = "chain_edges"
    __table_args__ = (UniqueConstraint("chain_id", "source_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("chain_nodes.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("chain_nodes.id"))
    note: Mapped[str] = mapped_column(String(200), default="")


class ChainVersion(Base):
    __tablename__ = "chain_versions"
    __table_args__ = (UniqueConstraint("chain_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)   # the graph document as saved
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChainPlacement(Base):
    """A listing on a node. One row per node and listing; a manual placement replaces an
    automatic one (and is never removed by a re-run of the automatic placement)."""

    __tablename__ = "chain_placements"
    __table_args__ = (UniqueConstraint("node_id", "listing_kind", "listing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("chain_nodes.id"), index=True)
    listing_kind: Mapped[ListingKind] = mapped_column(str_enum(ListingKind, 16))
    listing_id: Mapped[int] = mapped_column(Integer, index=True)
    source: Mapped[PlacementSource] = mapped_column(str_enum(PlacementSource, 16))
    score: Mapped[float | None] = mapped_column(Float, default=None)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
