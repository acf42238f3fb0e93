"""Needs found with the firm: help requests (需求挖掘申请), broker visits (走访记录), demands a
broker drafts for the firm, confidential dossiers (保密资料) with the owner's non-disclosure
terms, and the broker directory, training record and earned grades."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.accounts.models import BrokerLevel
from backend.core.types import Money, UTCDateTime, str_enum, utcnow
from backend.db import Base

# --- help requests, offers and visits -------------------------------------------------------


class HelpStatus(StrEnum):
    OPEN = "open"            # waiting for a broker to accept
    ACCEPTED = "accepted"    # a broker took it; visits and drafts follow
    CLOSED = "closed"        # the work is done
    CANCELLED = "cancelled"  # the firm withdrew it


class OfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # another broker accepted, or the request ended


class HelpRequest(Base):
    """A firm asks for a broker's help to find and state its need."""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    description: Mapped[str] = mapped_column(Text)
    preferred_times: Mapped[str] = mapped_column(String(500), default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), default=None)
    region: Mapped[str] = mapped_column(String(64))
    # The broker the firm picked from the directory, if it did: the request goes to them only.
    requested_broker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    status: Mapped[HelpStatus] = mapped_column(str_enum(HelpStatus, 16),
                                               default=HelpStatus.OPEN, index=True)
    broker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None,
                                                  index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None,
                                                          index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HelpOffer(Base):
    """A help request offered to one broker by the routing (or the firm's pick)."""

    __tablename__ = "help_offers"
    __table_args__ = (UniqueConstraint("help_request_id", "broker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[OfferStatus] = mapped_column(str_enum(OfferStatus, 16),
                                                default=OfferStatus.OFFERED)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class VisitKind(StrEnum):
    VISIT = "visit"
    CALL = "call"


class Visit(Base):
    """A broker's visit to (or call with) the firm: who came, what was found, what follows."""

    __tablename__ = "help_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"), index=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[VisitKind] = mapped_column(str_enum(VisitKind, 16))
    visited_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[str] = mapped_column(String(500))
    findings: Mapped[str] = mapped_column(Text)
    follow_ups: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StoredFile(Base):
    """A photo or document attached to a visit or a dossier, stored by content hash behind the
    deals' file store (one piece of kit for uploads)."""

    __tablename__ = "intake_files"
    __table_args__ = (
        CheckConstraint("(visit_id IS NULL) <> (dossier_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("help_visits.id"), index=True,
                                                 default=None)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True,
                                                   default=None)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- demands drafted by a broker ------------------------------------------------------------


class DraftStatus(StrEnum):
    DRAFT = "draft"          # the broker is writing it
    SUBMITTED = "submitted"  # waiting for the firm: it may edit, approve or return it
    RETURNED = "returned"    # the firm sent it back with a note
    APPROVED = "approved"    # published as the firm's demand
    DISCARDED = "discarded"


class DemandDraft(Base):
    """A demand a broker drafts for a firm. It is not a demand (nobody else sees it, the matcher
    never indexes it) until a member of the firm approves it."""

    __tablename__ = "demand_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # The demand as `listings.schemas.DemandIn` takes it, without `publish`.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DraftStatus] = mapped_column(str_enum(DraftStatus, 16),
                                                default=DraftStatus.DRAFT, index=True)
    firm_note: Mapped[str | None] = mapped_column(String(1000), default=None)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id"), default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- confidential dossiers --------------------------------------------------------------------


class NdaTerms(Base):
    """One version of an organisation's non-disclosure terms (保密协议). Versions are never
    edited: a change is a new version, which everyone must accept again."""

    __tablename__ = "nda_terms"
    __table_args__ = (UniqueConstraint("organisation_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NdaAcceptance(Base):
    """Who accepted which version of an organisation's terms, and when."""

    __tablename__ = "nda_acceptances"
    __table_args__ = (UniqueConstraint("terms_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_id: Mapped[int] = mapped_column(ForeignKey("nda_terms.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)


# A dossier's owner: a demand (or the draft it grew from), a financing request or a challenge.
HAS_OWNER = (
    "((demand_id IS NOT NULL OR draft_id IS NOT NULL) AND financing_request_id IS NULL "
    "AND challenge_id IS NULL) "
    "OR (financing_request_id IS NOT NULL AND demand_id IS NULL AND draft_id IS NULL "
    "AND challenge_id IS NULL) "
    "OR (challenge_id IS NOT NULL AND demand_id IS NULL AND draft_id IS NULL "
    "AND financing_request_id IS NULL)")


class Dossier(Base):
    """The confidential part of a demand: technical details, drawings, volumes, budget. Held on
    a broker's draft until the firm approves it, then on the demand. Or the documents behind a
    financing request (资金链), owned by the request; or the confidential part of a challenge
    (揭榜挂帅), owned by the challenge: exactly one of the three kinds of owner."""

    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint(HAS_OWNER, name="has_owner"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id"), unique=True,
                                                  default=None)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("demand_drafts.id"), unique=True,
                                                 default=None)
    financing_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("financing_requests.id"), unique=True, default=None)
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id"), unique=True,
                                                     default=None)
    details: Mapped[str] = mapped_column(Text)
    volumes: Mapped[str] = mapped_column(String(1000), default="")
    budget: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccessStatus(StrEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    DECLINED = "declined"
    REVOKED = "revoked"


class DossierAccess(Base):
    """One user's access to one dossier: asked for, granted, declined or revoked by the owner."""

    __tablename__ = "dossier_access"
    __table_args__ = (UniqueConstraint("dossier_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[AccessStatus] = mapped_column(str_enum(AccessStatus, 16))
    message: Mapped[str] = mapped_column(String(500), default="")
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class DossierView(Base):
    """Every read of a dossier's content or one of its files, shown to the owner."""

    __tablename__ = "dossier_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("intake_files.id"), default=None)
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)


# --- the broker directory, training and grades ------------------------------------------------


class DirectoryProfile(Base):
    """What a broker tells the public directory about themselves (the record is computed)."""

    __tablename__ = "broker_directory_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    region: Mapped[str] = mapped_column(String(64), default="", index=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrainingKind(StrEnum):
    COURSE = "course"
    EXAM = "exam"


class TrainingRecord(Base):
    """A course a broker completed (hours) or an exam they sat (for a grade), as recorded by an
    administrator."""

    __tablename__ = "broker_training_records"
    __table_args__ = (
        CheckConstraint("hours IS NULL OR hours >= 0", name="hours_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[TrainingKind] = mapped_column(str_enum(TrainingKind, 16))
    title: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1), default=None)
    exam_level: Mapped[BrokerLevel | None] = mapped_column(str_enum(BrokerLevel, 16),
                                                           default=None)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1), default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    completed_on: Mapped[date] = mapped_column(Date)
    certificate_no: Mapped[str | None] = mapped_column(String(64), default=None)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GradeRule(Base):
    """What it takes to reach a grade from the one below: data an administrator edits."""

    __tablename__ = "grade_rules"

    level: Mapped[BrokerLevel] = mapped_column(str_enum(BrokerLevel, 16), primary_key=True)
    min_training_hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    min_registered_deals: Mapped[int] = mapped_column(Integer)
    min_deal_value: Mapped[Decimal] = mapped_column(Money())
    window_months: Mapped[int] = mapped_column(Integer)
    exam_required: Mapped[bool] = mapped_column(Boolean, default=False)
    no_upheld_finding: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProposalStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the broker's grade changed meanwhile


class GradeProposal(Base):
    """A promotion the nightly evaluation proposes, for an administrator to confirm."""

    __tablename__ = "grade_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    from_level: Mapped[BrokerLevel] = mapped_column(str_enum(BrokerLevel, 16))
    to_level: Mapped[BrokerLevel] = mapped_column(str_enum(BrokerLevel, 16))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus, 16),
                                                   default=ProposalStatus.PENDING, index=True)
    # The broker's id while pending, NULL after: at most one pending proposal per broker on
    # both databases (a unique column allows many NULLs).
    pending_key: Mapped[int | None] = mapped_column(Integer, unique=True, default=None)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    note: Mapped[str | None] = mapped_column(String(1000), default=None)


class GradeChangeReason(StrEnum):
    PROMOTION = "promotion"
    DEMOTION = "demotion"


class GradeChange(Base):
    """A broker's grade history: every promotion and demotion, with why."""

    __tablename__ = "grade_changes"
    __table_args__ = (UniqueConstraint("broker_id", "finding_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    from_level: Mapped[BrokerLevel] = mapped_column(str_enum(BrokerLevel, 16))
    to_level: Mapped[BrokerLevel] = mapped_column(str_enum(BrokerLevel, 16))
    reason: Mapped[GradeChangeReason] = mapped_column(str_enum(GradeChangeReason, 16))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("grade_proposals.id"),
                                                    default=None)
    # The dishonesty listing that demoted the broker (no foreign key: another domain's table).
    finding_id: Mapped[int | None] = mapped_column(Integer, default=None)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    note: Mapped[str | None] = mapped_column(String(1000), default=None)
