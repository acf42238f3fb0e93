"""Investor mandates, financing requests, their named audiences and investors' interest."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.types import Money, UTCDateTime, str_enum, utcnow
from backend.db import Base


class InvestorKind(StrEnum):
    VENTURE_FUND = "venture_fund"      # 创业投资基金
    GUIDANCE_FUND = "guidance_fund"    # 政府引导基金
    BANK = "bank"                      # 银行（科技贷款）
    INSURER = "insurer"                # 保险机构（科技保险）
    ANGEL = "angel"                    # 天使投资


class Instrument(StrEnum):
    EQUITY = "equity"
    LOAN = "loan"
    CONVERTIBLE = "convertible"
    GRANT = "grant"
    INSURANCE = "insurance"


class FinancingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class FinancingAudience(StrEnum):
    ALL_INVESTORS = "all_investors"   # every verified investor (whose mandate fits, in the feed)
    NAMED = "named"                   # only the investors the owner named


class FinancingSubject(StrEnum):
    ACHIEVEMENT = "achievement"   # an institute's achievement
    DEMAND = "demand"             # a firm's demand it will fund
    PROJECT = "project"           # a firm's project, described in the request
    DEAL = "deal"                 # a deal's parties ask for money to carry it out


class OutcomeConfirmation(StrEnum):
    """The owner's word on an investor's money outcome (evidence before money)."""

    PENDING = "pending"        # recorded by the investor, not yet confirmed by the owner
    CONFIRMED = "confirmed"    # the owner confirmed it: it counts in statistics and totals
    DISPUTED = "disputed"      # the owner disputed it, with a reason: it does not count


class QuestionSide(StrEnum):
    INVESTOR = "investor"
    OWNER = "owner"


class InterestStatus(StrEnum):
    INTERESTED = "interested"
    TERM_SHEET = "term_sheet"
    LOAN_APPROVED = "loan_approved"
    DECLINED = "declined"


class Mandate(Base):
    """An investor organisation's kind and what it invests in: one row per organisation."""

    __tablename__ = "investor_mandates"
    __table_args__ = (
        CheckConstraint("trl_min >= 1 AND trl_max <= 9 AND trl_min <= trl_max",
                        name="trl_range"),
        CheckConstraint("ticket_min >= 0 AND ticket_min <= ticket_max", name="ticket_range"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    investor_kind: Mapped[InvestorKind] = mapped_column(str_enum(InvestorKind, 16))
    description: Mapped[str] = mapped_column(Text, default="")
    field_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    trl_min: Mapped[int] = mapped_column(Integer)
    trl_max: Mapped[int] = mapped_column(Integer)
    ticket_min: Mapped[Decimal] = mapped_column(Money())
    ticket_max: Mapped[Decimal] = mapped_column(Money())
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    instruments: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class FinancingRequest(Base):
    """A firm or an institute asks for money: how much, in what form, for what, until when."""

    __tablename__ = "financing_requests"
    __table_args__ = (
        CheckConstraint("trl_current >= 1 AND trl_target <= 9 AND trl_current <= trl_target",
                        name="trl_range"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[FinancingSubject] = mapped_column(str_enum(FinancingSubject, 16))
    achievement_id: Mapped[int | None] = mapped_column(
        ForeignKey("achievements.id"), index=True, default=None)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id"), index=True,
                                                  default=None)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True,
                                                default=None)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), index=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    instrument: Mapped[Instrument] = mapped_column(str_enum(Instrument, 16))
    use_of_funds: Mapped[str] = mapped_column(Text)
    milestones: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    trl_current: Mapped[int] = mapped_column(Integer)
    trl_target: Mapped[int] = mapped_column(Integer)
    audience: Mapped[FinancingAudience] = mapped_column(
        str_enum(FinancingAudience, 16), default=FinancingAudience.ALL_INVESTORS)
    status: Mapped[FinancingStatus] = mapped_column(
        str_enum(FinancingStatus, 16), default=FinancingStatus.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class NamedInvestor(Base):
    """An investor organisation a request with the `named` audience is shown to."""

    __tablename__ = "financing_named_investors"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("financing_requests.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"),
                                                 primary_key=True, index=True)


class Interest(Base):
    """An investor's interest in a request and where it led: one row per investor and request."""

    __tablename__ = "financing_interests"
    __table_args__ = (UniqueConstraint("request_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("financing_requests.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[InterestStatus] = mapped_column(
        str_enum(InterestStatus, 16), default=InterestStatus.INTERESTED, index=True)
    note: Mapped[str | None] = mapped_column(String(1000), default=None)
    decline_reason: Mapped[str | None] = mapped_column(String(1000), default=None)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A money outcome (term sheet, approved loan): its amount, and the owner's word on it. It
    # counts in statistics and totals only once confirmed (None: no money outcome recorded).
    amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    confirmation: Mapped[OutcomeConfirmation | None] = mapped_column(
        str_enum(OutcomeConfirmation, 16), default=None, index=True)
    dispute_reason: Mapped[str | None] = mapped_column(String(1000), default=None)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class Question(Base):
    """A message in the thread between one investor and a request's owner: the investor asks,
    the owner answers. Nobody but the two (and administrators) sees the thread."""

    __tablename__ = "financing_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("financing_requests.id", ondelete="CASCADE"), index=True)
    investor_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    side: Mapped[QuestionSide] = mapped_column(str_enum(QuestionSide, 16))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RoadshowStatus(StrEnum):
    PLANNED = "planned"       # investors register; owners answer their invitations
    HELD = "held"             # over: registered investors record interest and follow-ups
    CANCELLED = "cancelled"


class PresentationConsent(StrEnum):
    INVITED = "invited"       # the owner has not answered: nobody sees the request there
    ACCEPTED = "accepted"     # the owner consented: registered investors see its summary
    DECLINED = "declined"


class FollowUpStatus(StrEnum):
    INTERESTED = "interested"        # interest recorded at the roadshow
    MEETING = "meeting"              # a meeting with the team arranged or held
    DUE_DILIGENCE = "due_diligence"  # in due diligence
    DROPPED = "dropped"              # no further interest


class Roadshow(Base):
    """A roadshow (路演) an administrator organises: when, where, about what."""

    __tablename__ = "roadshows"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str | None] = mapped_column(String(200), default=None)
    online_link: Mapped[str | None] = mapped_column(String(500), default=None)
    status: Mapped[RoadshowStatus] = mapped_column(
        str_enum(RoadshowStatus, 16), default=RoadshowStatus.PLANNED, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Presentation(Base):
    """A financing request invited to present at a roadshow, and its owner's answer."""

    __tablename__ = "roadshow_presentations"

    roadshow_id: Mapped[int] = mapped_column(
        ForeignKey("roadshows.id", ondelete="CASCADE"), primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("financing_requests.id", ondelete="CASCADE"), primary_key=True, index=True)
    consent: Mapped[PresentationConsent] = mapped_column(
        str_enum(PresentationConsent, 16), default=PresentationConsent.INVITED)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class RoadshowInvestor(Base):
    """An investor organisation invited to a roadshow; registered once it said it comes."""

    __tablename__ = "roadshow_investors"

    roadshow_id: Mapped[int] = mapped_column(
        ForeignKey("roadshows.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"),
                                                 primary_key=True, index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class RoadshowInterest(Base):
    """After a roadshow: a registered investor's interest in a project that presented, and
    where the follow-up stands."""

    __tablename__ = "roadshow_interests"
    __table_args__ = (UniqueConstraint("roadshow_id", "request_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roadshow_id: Mapped[int] = mapped_column(
        ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("financing_requests.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[FollowUpStatus] = mapped_column(
        str_enum(FollowUpStatus, 16), default=FollowUpStatus.INTERESTED)
    note: Mapped[str | None] = mapped_column(String(1000), default=None)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
