"""Challenges (揭榜挂帅榜单), proposals (揭榜方案), awards and milestones (里程碑).

Structured parts a person fills in as a list (target indicators, the milestone plan,
eligibility, review criteria, a proposal's committed indicators and plan) are JSON validated
by the schemas; what money moves on (prize, top-up, award amounts, milestone amounts) is a
column of its own."""

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

from backend.core.types import Money, UTCDateTime, str_enum, utcnow
from backend.db import Base


class ChallengeStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"         # open for proposals until the deadline
    CLOSED = "closed"               # proposals closed and frozen
    UNDER_REVIEW = "under_review"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"     # with a reason
    IN_DELIVERY = "in_delivery"
    ACCEPTED = "accepted"           # every milestone accepted and paid
    FAILED = "failed"               # payments made so far are kept
    TERMINATED = "terminated"       # payments made so far are kept


class MilestoneStatus(StrEnum):
    PENDING = "pending"             # awaiting the winner's evidence
    SUBMITTED = "submitted"         # evidence in, awaiting the issuer
    REJECTED = "rejected"           # the issuer rejected the evidence (with a reason)
    ACCEPTED = "accepted"           # the issuer accepted: its payment may be recorded
    PAID = "paid"                   # the issuer recorded the payment; counts once confirmed


class ReceiptStatus(StrEnum):
    """The winner's answer to a recorded milestone payment (evidence before money)."""

    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class ExpertVerdict(StrEnum):
    """A seated reviewer's verdict on a milestone's evidence (when the challenge asks for one)."""

    PASSED = "pass"                 # the evidence meets the indicators: the issuer may accept
    FAILED = "fail"                 # it does not (with the reason): the issuer may only reject


class MemberConsent(StrEnum):
    """A joint team's member organisation's answer to being named on a proposal."""

    INVITED = "invited"             # named by the lead; not shown as a member to the issuer
    ACCEPTED = "accepted"           # agreed to be on the team: shown, and the proposal selectable
    DECLINED = "declined"           # refused: sees the proposal no more; blocks its selection


class ReviewSeatStatus(StrEnum):
    SEATED = "seated"               # on the panel: reads the proposals, scores them
    SUBMITTED = "submitted"         # scored every proposal; the sheet is final
    REMOVED = "removed"             # taken off the panel: reads nothing any more


class Challenge(Base):
    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint("prize > 0", name="prize_positive"),
        CheckConstraint("top_up >= 0", name="top_up_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the bureau issued it (administrators act as its issuer).
    issuer_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                      index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    indicators: Mapped[Any] = mapped_column(JSON)        # [{name, unit, comparator, threshold}]
    prize: Mapped[Decimal] = mapped_column(Money())
    top_up: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))  # 悬赏, bureau
    milestones: Mapped[Any] = mapped_column(JSON)        # [{title, indicators, due_on, amount}]
    eligibility: Mapped[Any] = mapped_column(JSON)       # {regions, org_kinds, joint_teams}
    # The seam for expert review: the criteria a review form will score against.
    review_criteria: Mapped[Any] = mapped_column(JSON)   # [{name, weight}]
    deadline: Mapped[date] = mapped_column(Date)         # last day for proposals, Beijing time
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id"), default=None)
    # A seated reviewer confirms each milestone's evidence before the issuer may accept it.
    milestone_expert_check: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ChallengeStatus] = mapped_column(str_enum(ChallengeStatus, 16),
                                                    default=ChallengeStatus.DRAFT, index=True)
    outcome_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # Why the award departs from the reviewers' ranking (required when it does).
    ranking_departure_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: Any = {"version_id_col": version}  # noqa: RUF012 — read once by the mapper


class Proposal(Base):
    """A solver's answer: one per lead organisation and challenge."""

    __tablename__ = "challenge_proposals"
    __table_args__ = (
        UniqueConstraint("challenge_id", "lead_org_id"),
        CheckConstraint("budget > 0", name="budget_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    member_org_ids: Mapped[Any] = mapped_column(JSON)    # [org id]: a joint team's members
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The verified broker who brought the solver in, chosen by the solver.
    broker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    approach: Mapped[str] = mapped_column(Text)
    team: Mapped[str] = mapped_column(Text)
    indicators: Mapped[Any] = mapped_column(JSON)        # committed: [{name, unit, comparator, threshold}]
    plan: Mapped[Any] = mapped_column(JSON)              # [{title, due_on, amount}]
    budget: Mapped[Decimal] = mapped_column(Money())
    ip_arrangement: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Set when proposals close: SHA-256 of the canonical JSON of the submitted version (also
    # in the audit log).
    frozen_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ProposalMember(Base):
    """A member organisation named on a proposal, and whether it consented (an organisation
    is not named to the issuer or reviewers, nor the proposal selected, before it agreed)."""

    __tablename__ = "challenge_proposal_members"
    __table_args__ = (UniqueConstraint("proposal_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_proposals.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[MemberConsent] = mapped_column(str_enum(MemberConsent, 16),
                                                  default=MemberConsent.INVITED)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Award(Base):
    """The issuer's choice: one proposal's part of the prize, with the reason."""

    __tablename__ = "challenge_awards"
    __table_args__ = (
        UniqueConstraint("challenge_id", "proposal_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("challenge_proposals.id"))
    winner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(Text)
    # The deal in the broker pipeline, once challenges open one (see the README).
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), default=None)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Milestone(Base):
    """One step of an award's delivery: indicators, due date, amount; paid only once accepted."""

    __tablename__ = "challenge_milestones"
    __table_args__ = (
        UniqueConstraint("award_id", "seq"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("challenge_awards.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    indicators: Mapped[Any] = mapped_column(JSON)
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    status: Mapped[MilestoneStatus] = mapped_column(str_enum(MilestoneStatus, 16),
                                                    default=MilestoneStatus.PENDING)
    evidence: Mapped[str | None] = mapped_column(Text, default=None)
    evidence_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decision_reason: Mapped[str | None] = mapped_column(Text, default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    paid_amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    paid_on: Mapped[date | None] = mapped_column(Date, default=None)
    payment_reference: Mapped[str | None] = mapped_column(String(64), default=None)
    # Who recorded the payment (for the issuer's side) and who answered it (for the winner's):
    # on a deal with a registered contract these are the payment's two parties' answers.
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    receipt_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # The winner's answer to the recorded payment; only a confirmed one counts as paid.
    receipt_status: Mapped[ReceiptStatus | None] = mapped_column(str_enum(ReceiptStatus, 16),
                                                                 default=None)
    receipt_reason: Mapped[str | None] = mapped_column(Text, default=None)
    receipt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The expert check of the evidence (when the challenge asks for one): who, when, the
    # verdict and its note (a fail's reason). New evidence clears it.
    expert_checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"),
                                                             default=None)
    expert_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    expert_check_note: Mapped[str | None] = mapped_column(Text, default=None)
    expert_verdict: Mapped[ExpertVerdict | None] = mapped_column(str_enum(ExpertVerdict, 16),
                                                                 default=None)


class ChallengeFile(Base):
    """A file attached to a proposal (frozen with it at the deadline) or to a milestone's
    evidence, stored by content hash behind the deals' file store."""

    __tablename__ = "challenge_files"
    __table_args__ = (
        CheckConstraint("(proposal_id IS NULL) <> (milestone_id IS NULL)",
                        name="proposal_or_milestone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("challenge_proposals.id"),
                                                    index=True, default=None)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("challenge_milestones.id"),
                                                     index=True, default=None)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewSeat(Base):
    """An expert's seat on a challenge's review panel, and their score sheet: for every
    proposal the scores on the challenge's review form and a comment."""

    __tablename__ = "challenge_review_seats"
    __table_args__ = (UniqueConstraint("challenge_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert_profiles.user_id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    similarity: Mapped[Decimal] = mapped_column(Numeric(6, 4), default=Decimal(0))
    status: Mapped[ReviewSeatStatus] = mapped_column(str_enum(ReviewSeatStatus, 16),
                                                     default=ReviewSeatStatus.SEATED, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    scores: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)  # {proposal id: {code: 1–5}}
    comments: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)  # {proposal id: text}
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
