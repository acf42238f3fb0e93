"""Technology demands (技术需求), research achievements (科技成果) and the field taxonomy."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import IntFlag, StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from backend.accounts.models import Organisation, User
from backend.core import generations
from backend.core.types import Money, UTCDateTime, str_enum, utcnow
from backend.db import Base


class CooperationMode(IntFlag):
    """The five technology-contract types plus joint R&D, stored together as a bit mask
    so "wants any of these modes" is one indexed-friendly `mask & bits != 0` on both databases."""

    DEVELOPMENT = 1     # 技术开发
    TRANSFER = 2        # 技术转让
    LICENSING = 4       # 技术许可
    CONSULTING = 8      # 技术咨询
    SERVICE = 16        # 技术服务
    JOINT_RD = 32       # 联合研发


MODE_NAMES: dict[CooperationMode, str] = {
    CooperationMode.DEVELOPMENT: "development",
    CooperationMode.TRANSFER: "transfer",
    CooperationMode.LICENSING: "licensing",
    CooperationMode.CONSULTING: "consulting",
    CooperationMode.SERVICE: "service",
    CooperationMode.JOINT_RD: "joint_rd",
}
MODE_BY_NAME = {name: mode for mode, name in MODE_NAMES.items()}


def modes_to_mask(names: list[str]) -> int:
    mask = 0
    for name in names:
        mask |= MODE_BY_NAME[name]
    return mask


def mask_to_modes(mask: int) -> list[str]:
    return [name for mode, name in MODE_NAMES.items() if mask & mode]


class Visibility(StrEnum):
    PUBLIC = "public"          # anyone, logged in or not
    BROKERS = "brokers"        # verified brokers and administrators
    PRIVATE = "private"        # administrators and the brokers assigned to it


class DemandStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    IN_NEGOTIATION = "in_negotiation"
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class AchievementStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    TRANSFERRED = "transferred"
    WITHDRAWN = "withdrawn"


class Stage(StrEnum):
    LAB = "lab"                          # 实验室阶段
    PILOT = "pilot"                      # 中试阶段
    INDUSTRIALISED = "industrialised"    # 产业化阶段


class IpKind(StrEnum):
    INVENTION_PATENT = "invention_patent"      # 发明专利
    UTILITY_MODEL = "utility_model"            # 实用新型
    SOFTWARE_COPYRIGHT = "software_copyright"  # 软件著作权
    KNOW_HOW = "know_how"                      # 技术秘密


class Field(Base):
    """The industry taxonomy: top-level fields and their sub-fields, editable by administrators."""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), index=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ListingMixin:
    """Columns both listing kinds share."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), index=True)
    keywords: Mapped[str] = mapped_column(String(500), default="")  # comma-joined, for display
    modes_mask: Mapped[int] = mapped_column(Integer, default=0)
    region: Mapped[str] = mapped_column(String(64), index=True)
    # Lower-cased title + text + keywords, segmented with jieba, for keyword search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    hidden_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Demand(ListingMixin, Base):
    __tablename__ = "demands"
    __table_args__ = (
        CheckConstraint("budget_min IS NULL OR budget_min >= 0", name="budget_min_nonnegative"),
        CheckConstraint("budget_max IS NULL OR budget_min IS NULL OR budget_min <= budget_max",
                        name="budget_ordered"),
        CheckConstraint("min_trl IS NULL OR (min_trl BETWEEN 1 AND 9)", name="min_trl_range"),
    )

    description: Mapped[str] = mapped_column(Text)
    budget_min: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    budget_max: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    min_trl: Mapped[int | None] = mapped_column(Integer, default=None)
    deadline: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility, 16),
                                                   default=Visibility.PUBLIC, index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[DemandStatus] = mapped_column(str_enum(DemandStatus, 16),
                                                 default=DemandStatus.DRAFT, index=True)

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    field: Mapped[Field] = relationship(lazy="raise")


class DemandBroker(Base):
    """A broker assigned to a demand: may see it even when private or anonymous.

    Assigned by the owning firm or an administrator (until they unassign), or by a deal on
    the demand that the firm accepted (`by_deal`: until the deal ends)."""

    __tablename__ = "demand_brokers"
    __table_args__ = (UniqueConstraint("demand_id", "broker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"),
                                           index=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_deal: Mapped[bool] = mapped_column(Boolean, default=False)


class Achievement(ListingMixin, Base):
    __tablename__ = "achievements"
    __table_args__ = (
        CheckConstraint("trl BETWEEN 1 AND 9", name="trl_range"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_nonnegative"),
    )

    abstract: Mapped[str] = mapped_column(Text)
    trl: Mapped[int] = mapped_column(Integer, index=True)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, 16))
    price: Mapped[Decimal | None] = mapped_column(Money(), default=None)  # None: negotiable
    negotiable: Mapped[bool] = mapped_column(Boolean, default=True)
    team_lead: Mapped[str] = mapped_column(String(64))
    # A proof-of-concept review's outcome (experts/poc.py): the TRL the panel found (shown
    # beside the self-declared `trl` and used instead of it in filters), the day it passed
    # (the 通过概念验证 badge) and the summary if the institute chose to publish it.
    reviewed_trl: Mapped[int | None] = mapped_column(Integer, default=None)
    poc_passed_on: Mapped[date | None] = mapped_column(Date, default=None)
    poc_summary: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[AchievementStatus] = mapped_column(str_enum(AchievementStatus, 16),
                                                      default=AchievementStatus.DRAFT, index=True)

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    field: Mapped[Field] = relationship(lazy="raise")
    ip_items: Mapped[list[IpItem]] = relationship(
        back_populates="achievement", lazy="raise", cascade="all, delete-orphan",
        order_by="IpItem.id")


class IpItem(Base):
    """A patent, utility model, software copyright or know-how behind an achievement."""

    __tablename__ = "ip_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("achievements.id", ondelete="CASCADE"), index=True)
    kind: Mapped[IpKind] = mapped_column(str_enum(IpKind, 24))
    number: Mapped[str | None] = mapped_column(String(32), index=True)  # None for know-how
    title: Mapped[str] = mapped_column(String(200))

    achievement: Mapped[Achievement] = relationship(back_populates="ip_items", lazy="raise")


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class AchievementImport(Base):
    """A bulk import of achievements (listings/imports.py): the uploaded file until it has been
    processed, the progress, then the result — the achievements made, or every error."""

    __tablename__ = "achievement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_from: Mapped[str | None] = mapped_column(String(64), default=None)  # address
    filename: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(Integer)
    # Dropped once processed; never loaded unless asked for (a poll must not read 20 MB).
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, default=None))
    publish: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ImportStatus] = mapped_column(str_enum(ImportStatus, 16),
                                                 default=ImportStatus.QUEUED, index=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_checked: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    achievement_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


# The listing cards (listings/cards.py) are built from these rows: a committed change to any of
# them moves the market generation, and every process drops the cards it keeps.
MARKET = "market"
generations.watch(MARKET, Demand, Achievement, IpItem, DemandBroker, Field,
                  (Organisation, ("name", "phone_id")), (User, ("display_name", "email")))
