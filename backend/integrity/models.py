"""Integrity flags raised on claims, the scans that raise them, and the dishonesty list."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.types import UTCDateTime, str_enum, utcnow
from backend.db import Base
from backend.integrity.context import Severity, SubjectKind


class FlagStatus(StrEnum):
    OPEN = "open"            # waiting for an administrator
    DISMISSED = "dismissed"  # an administrator found it harmless (with a reason)
    CONFIRMED = "confirmed"  # an administrator confirmed fraud: the claim was clawed back
    CLEARED = "cleared"      # a later scan no longer raised it (e.g. the payment arrived)


class ScanTrigger(StrEnum):
    SUBMISSION = "submission"
    ON_DEMAND = "on_demand"
    SCHEDULE = "schedule"


class IntegrityFlag(Base):
    """One rule's finding on one claim. A later scan that raises the same finding (same rule,
    same identifying evidence) refreshes this row instead of adding another, so a decision
    on it sticks."""

    __tablename__ = "integrity_flags"
    __table_args__ = (UniqueConstraint("claim_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("reward_claims.id"), index=True)
    rule: Mapped[str] = mapped_column(String(32), index=True)
    severity: Mapped[Severity] = mapped_column(str_enum(Severity, 16))
    blocking: Mapped[bool] = mapped_column(Boolean, default=False)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    evidence: Mapped[Any] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[FlagStatus] = mapped_column(str_enum(FlagStatus, 16),
                                               default=FlagStatus.OPEN, index=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    review_reason: Mapped[str | None] = mapped_column(String(1000), default=None)
    # A critical flag is dismissed by two administrators: the first asks, a second agrees.
    dismissal_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"),
                                                                  default=None)
    dismissal_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(),
                                                                    default=None)
    dismissal_reason: Mapped[str | None] = mapped_column(String(1000), default=None)


class IntegrityScan(Base):
    """One run of the rules: at a submission, or over all open claims."""

    __tablename__ = "integrity_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[ScanTrigger] = mapped_column(str_enum(ScanTrigger, 16))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    claims_scanned: Mapped[int] = mapped_column(Integer, default=0)
    flags_raised: Mapped[int] = mapped_column(Integer, default=0)
    flags_cleared: Mapped[int] = mapped_column(Integer, default=0)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


class DishonestyListing(Base):
    """An entry on the dishonesty list (严重失信名单): the subject may not claim rewards
    from `listed_on` through `listed_until` (inclusive) unless the entry is revoked.

    `subject_key` is the organisation's unified social credit code, the person's id
    (persons.id) or the broker's user id, as text."""

    __tablename__ = "dishonesty_listings"
    __table_args__ = (Index("ix_dishonesty_listings_subject", "subject_kind", "subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[SubjectKind] = mapped_column(str_enum(SubjectKind, 16))
    subject_key: Mapped[str] = mapped_column(String(32))
    subject_label: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))  # broker, buyer, seller, ... or "manual"
    reason: Mapped[str] = mapped_column(Text)
    listed_on: Mapped[date] = mapped_column(Date)
    listed_until: Mapped[date] = mapped_column(Date, index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("reward_claims.id"), default=None,
                                                 index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("integrity_flags.id"), default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    revoke_reason: Mapped[str | None] = mapped_column(String(1000), default=None)
