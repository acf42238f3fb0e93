"""Reward policies (versioned), claims, payout batches and claw-backs."""

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.types import Money, UTCDateTime, str_enum, utcnow
from backend.db import Base
from backend.rewards.calculation import RewardBase
from backend.rewards.sides import ClaimSide


class ClaimStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"
    CLAWED_BACK = "clawed_back"


# Claims still moving towards payment; the integrity scan re-checks these.
OPEN_STATUSES = frozenset({ClaimStatus.SUBMITTED, ClaimStatus.UNDER_REVIEW, ClaimStatus.APPROVED})
# Claims that count: towards caps, share totals and duplicate checks.
LIVE_STATUSES = OPEN_STATUSES | {ClaimStatus.PAID}


class BatchStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    CANCELLED = "cancelled"


class ClawBackStatus(StrEnum):
    PENDING_REVIEW = "pending_review"  # raised by a re-computation: an administrator reviews it
    DUE = "due"              # the reward was paid: the money must come back
    RECOVERED = "recovered"  # it came back
    CANCELLED = "cancelled"  # the claim was stopped before payment: nothing to recover
    WAIVED = "waived"        # an administrator found nothing to recover (with a reason)


# A claw-back still open: the deal's pair cannot be reopened while one exists.
OPEN_CLAWBACK_STATUSES = frozenset({ClawBackStatus.PENDING_REVIEW, ClawBackStatus.DUE})


class ClawBackKind(StrEnum):
    FRAUD = "fraud"          # fraud confirmed: the whole reward
    RECOMPUTE = "recompute"  # the deal was cancelled or its confirmed evidence fell: the excess


class RegionBasis(StrEnum):
    """Which party's region a policy looks at (政策适用地区的依据)."""

    BUYER = "buyer"    # technology absorbed into the region (技术吸纳)
    SELLER = "seller"  # technology output from the region (技术输出)
    EITHER = "either"  # either party in the region
    BOTH = "both"      # both parties in the region (paid once)


class PayeeStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class RewardPolicy(Base):
    """One version of a reward policy. Editing saves a new version with the same `key` and
    marks the old one superseded; old versions stay, and claims keep the version they were
    computed under."""

    __tablename__ = "reward_policies"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        CheckConstraint("claim_window_days > 0", name="window_positive"),
        CheckConstraint("effective_until IS NULL OR effective_until >= effective_from",
                        name="effective_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(64), index=True)  # None: region-wide
    region_basis: Mapped[RegionBasis] = mapped_column(str_enum(RegionBasis, 8),
                                                      default=RegionBasis.BUYER)
    # Days after registration a claim may go without the registry's record (exports lag).
    registry_grace_days: Mapped[int] = mapped_column(Integer, default=0)
    # The part of each reward paid to the broker's agency, percent (0: all to the broker).
    agency_share_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    # {"senior": "120.00", ...}: percent of the broker's part paid at that broker grade; a
    # grade not named is paid at 100 (decimal strings, never floats).
    grade_percent: Mapped[Any] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    base: Mapped[RewardBase] = mapped_column(str_enum(RewardBase, 32))
    # [{"upper": "1000000.00" | null, "rate": "0.015"}, ...]: decimal strings, never floats
    brackets: Mapped[Any] = mapped_column(JSON)
    cap_per_claim: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    cap_per_broker_year: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_until: Mapped[date | None] = mapped_column(Date, default=None)
    claim_window_days: Mapped[int] = mapped_column(Integer, default=365)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None,
                                                           index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(Integer, default=None)


class PayoutBatch(Base):
    """Approved claims gathered for the finance office to pay in one transfer run."""

    __tablename__ = "payout_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[BatchStatus] = mapped_column(str_enum(BatchStatus, 16),
                                                default=BatchStatus.OPEN, index=True)
    total: Mapped[Decimal] = mapped_column(Money())
    claim_count: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    bank_reference: Mapped[str | None] = mapped_column(String(64), default=None)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: Any = {"version_id_col": version}  # noqa: RUF012 — read once by the mapper


class RewardClaim(Base):
    """A broker's reward claim (奖补申报) on one contract: one per broker and contract.

    The contract's facts, the policy version and the computed amounts are copied in at
    submission, so the claim reads the same after the deal or the policy changes."""

    __tablename__ = "reward_claims"
    __table_args__ = (
        UniqueConstraint("broker_id", "contract_id"),
        CheckConstraint("amount >= 0", name="amount_nonnegative"),
        CheckConstraint("share_percent > 0 AND share_percent <= 100", name="share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The person behind the broker account: the per-broker-year cap counts their claims
    # under every account (one per agency) they hold.
    broker_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), default=None,
                                                         index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("reward_policies.id"), index=True)
    status: Mapped[ClaimStatus] = mapped_column(str_enum(ClaimStatus, 16),
                                                default=ClaimStatus.SUBMITTED, index=True)
    side: Mapped[ClaimSide | None] = mapped_column(str_enum(ClaimSide, 8), default=None)
    share_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    contract_amount: Mapped[Decimal] = mapped_column(Money())
    technology_amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    received_amount: Mapped[Decimal] = mapped_column(Money())
    base_amount: Mapped[Decimal] = mapped_column(Money())
    deal_reward: Mapped[Decimal] = mapped_column(Money())   # the whole deal's, before the split
    amount: Mapped[Decimal] = mapped_column(Money())        # this broker's, after caps
    breakdown: Mapped[Any] = mapped_column(JSON)
    region: Mapped[str] = mapped_column(String(64), index=True)
    field_code: Mapped[str] = mapped_column(String(32), index=True)
    contract_type: Mapped[str] = mapped_column(String(16))
    contract_name: Mapped[str] = mapped_column(String(200))
    registration_no: Mapped[str | None] = mapped_column(String(32), default=None)
    signed_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    submitted_ip: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    device_id: Mapped[str | None] = mapped_column(String(128), default=None, index=True)
    review_started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"),
                                                             default=None)
    review_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    rejection_reason: Mapped[str | None] = mapped_column(String(1000), default=None)
    payout_batch_id: Mapped[int | None] = mapped_column(ForeignKey("payout_batches.id"),
                                                        default=None, index=True)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    payment_reference: Mapped[str | None] = mapped_column(String(64), default=None)
    clawed_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Optimistic locking on top of SELECT ... FOR UPDATE: two concurrent changes to one claim
    # can never both succeed.
    __mapper_args__: Any = {"version_id_col": version}  # noqa: RUF012 — read once by the mapper


class ClawBack(Base):
    """A reward taken back (追回奖补): the whole reward after fraud was confirmed (one per
    claim), or the excess of what was paid over what the claim is now worth after the deal
    was cancelled or its confirmed evidence fell (each fall its own row)."""

    __tablename__ = "claw_backs"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("reward_claims.id"), index=True)
    kind: Mapped[ClawBackKind] = mapped_column(str_enum(ClawBackKind, 16),
                                               default=ClawBackKind.FRAUD)
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())          # the reward taken back
    to_recover: Mapped[Decimal] = mapped_column(Money())      # what was paid out: comes back
    was_paid: Mapped[bool] = mapped_column(Boolean)
    previous_status: Mapped[ClaimStatus] = mapped_column(str_enum(ClaimStatus, 16))
    status: Mapped[ClawBackStatus] = mapped_column(str_enum(ClawBackStatus, 16), index=True)
    reason: Mapped[str] = mapped_column(Text)
    flag_id: Mapped[int | None] = mapped_column(Integer, default=None)
    region: Mapped[str] = mapped_column(String(64), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    recovered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    recovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    recovery_reference: Mapped[str | None] = mapped_column(String(64), default=None)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    review_note: Mapped[str | None] = mapped_column(String(1000), default=None)


class BrokerPayeeAccount(Base):
    """The broker's own bank account the reward is paid to, verified by an administrator like
    an organisation's; shown in full only to administrators."""

    __tablename__ = "broker_payee_accounts"

    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           primary_key=True)
    holder_name: Mapped[str] = mapped_column(String(64))
    bank_name: Mapped[str] = mapped_column(String(100))
    account: Mapped[str] = mapped_column(String(40), index=True)  # normalised digits
    status: Mapped[PayeeStatus] = mapped_column(str_enum(PayeeStatus, 16),
                                                default=PayeeStatus.PENDING, index=True)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
