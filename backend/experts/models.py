"""The expert pool (专家库), conflicts of interest (利益冲突回避), proof-of-concept review
requests (概念验证), panels and reviews."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.accounts.models import VerificationStatus
from backend.core.types import UTCDateTime, str_enum, utcnow
from backend.db import Base


class ExpertKind(StrEnum):
    SCIENTIST = "scientist"
    ENTREPRENEUR = "entrepreneur"
    INVESTOR = "investor"
    IP_LEGAL = "ip_legal"
    FINANCE = "finance"


class InterestRelation(StrEnum):
    WORKS_FOR = "works_for"
    HOLDS_SHARES = "holds_shares"
    ADVISES = "advises"


class ExpertProfile(Base):
    """An expert's profile; the user's role is `expert`. Verified profiles are in the pool."""

    __tablename__ = "expert_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    organisation_name: Mapped[str] = mapped_column(String(200))
    # The employer on the platform, when the expert gave its credit code and it is registered.
    organisation_credit_code: Mapped[str | None] = mapped_column(String(18), default=None)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True, default=None)
    title: Mapped[str] = mapped_column(String(100), default="")
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[ExpertKind] = mapped_column(str_enum(ExpertKind, 16), index=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    phone_id: Mapped[int | None] = mapped_column(ForeignKey("identifiers.id"), default=None)
    yearly_capacity: Mapped[int] = mapped_column(Integer, default=6)
    status: Mapped[VerificationStatus] = mapped_column(
        str_enum(VerificationStatus, 16), default=VerificationStatus.PENDING, index=True)
    status_note: Mapped[str | None] = mapped_column(String(500), default=None)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    verified_by_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExpertInterest(Base):
    """An organisation the expert declared an interest in."""

    __tablename__ = "expert_interests"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.user_id", ondelete="CASCADE"), index=True)
    relation: Mapped[InterestRelation] = mapped_column(str_enum(InterestRelation, 16))
    organisation_name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True, default=None)


class ExpertInvitation(Base):
    """A one-time code an administrator sends to a prospective expert; only its hash is kept."""

    __tablename__ = "expert_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    contact: Mapped[str] = mapped_column(String(254))  # the e-mail or phone it was sent to
    kind: Mapped[ExpertKind] = mapped_column(str_enum(ExpertKind, 16))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ManualConflict(Base):
    """A conflict of interest an administrator recorded by hand."""

    __tablename__ = "expert_conflicts"
    __table_args__ = (UniqueConstraint("expert_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.user_id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- proof-of-concept reviews -------------------------------------------------------------------

class PocStatus(StrEnum):
    REQUESTED = "requested"   # the institute asked; an administrator decides
    PANEL = "panel"           # accepted: the panel is being proposed, swapped, confirmed
    REVIEWING = "reviewing"   # the panel was confirmed; experts review
    PASSED = "passed"         # 通过概念验证
    NOT_PASSED = "not_passed"
    DECLINED = "declined"     # the administrator declined the request


class AssignmentStatus(StrEnum):
    PROPOSED = "proposed"     # proposed by the platform, not yet confirmed
    INVITED = "invited"       # confirmed by the administrator; the expert answers
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SUBMITTED = "submitted"
    REMOVED = "removed"       # swapped out by the administrator


class Recommendation(StrEnum):
    PASS = "pass"  # noqa: S105 — a recommendation, not a password
    REVISE = "revise"
    FAIL = "fail"


class PocRequest(Base):
    __tablename__ = "poc_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    field_code: Mapped[str] = mapped_column(String(64), index=True, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    publish_summary: Mapped[bool] = mapped_column(Boolean, default=False)
    # The kinds the panel must have, one entry per seat.
    mix: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[PocStatus] = mapped_column(str_enum(PocStatus, 16),
                                              default=PocStatus.REQUESTED, index=True)
    admin_note: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decided_on: Mapped[date | None] = mapped_column(Date, default=None)
    reviewed_trl: Mapped[int | None] = mapped_column(Integer, default=None)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), default=None)
    summary: Mapped[str | None] = mapped_column(Text, default=None)


class ReviewAssignment(Base):
    """A seat on a panel: an expert of a kind, from proposal to submitted review."""

    __tablename__ = "review_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("poc_requests.id", ondelete="CASCADE"),
                                            index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert_profiles.user_id"), index=True)
    kind: Mapped[ExpertKind] = mapped_column(str_enum(ExpertKind, 16))
    similarity: Mapped[Decimal] = mapped_column(Numeric(6, 4), default=Decimal(0))
    status: Mapped[AssignmentStatus] = mapped_column(
        str_enum(AssignmentStatus, 16), default=AssignmentStatus.PROPOSED, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The review itself (one per seat), filled on submission.
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    comments: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    recommendation: Mapped[Recommendation | None] = mapped_column(
        str_enum(Recommendation, 16), default=None)
    trl: Mapped[int | None] = mapped_column(Integer, default=None)
    confidential_note: Mapped[str | None] = mapped_column(Text, default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class DossierCategory(StrEnum):
    """What a file in a proof-of-concept dossier is (材料类别)."""

    DATA = "data"                    # test data, measurements
    PHOTO = "photo"                  # prototype photos
    IP = "ip"                        # patents and other IP documents
    TRANSFER_PLAN = "transfer_plan"  # the transfer (转化) plan
    OTHER = "other"


class PocFile(Base):
    """A file of a proof-of-concept request's dossier, stored by content hash behind the deals'
    file store (one piece of kit for uploads)."""

    __tablename__ = "poc_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("poc_requests.id", ondelete="CASCADE"),
                                            index=True)
    category: Mapped[DossierCategory] = mapped_column(str_enum(DossierCategory, 16))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
