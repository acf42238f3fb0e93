"""Request and response shapes for policies, claims, payouts, claw-backs and statistics."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from backend.accounts.models import BrokerLevel
from backend.core.dates import SearchDate
from backend.core.schemas import FreeText, Name, Schema
from backend.deals.models import ContractType
from backend.rewards.calculation import RewardBase
from backend.rewards.models import (
    BatchStatus,
    ClaimStatus,
    ClawBackKind,
    ClawBackStatus,
    PayeeStatus,
    RegionBasis,
)
from backend.rewards.sides import ClaimSide

if TYPE_CHECKING:
    # A claim's detail shows administrators its integrity flags. Integrity sits above rewards,
    # so the type is named here and supplied where both are loaded: `ClaimOut` is completed
    # by `backend/rewards/router.py` (`model_rebuild`), as routers may import any domain.
    from backend.integrity.schemas import FlagOut

Amount = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
PositiveAmount = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=8, decimal_places=6)]
Reason = Annotated[str, FreeText(min_length=2, max_length=1000, multiline=True)]
Reference = Annotated[str, FreeText(min_length=1, max_length=64)]
Region = Annotated[str, FreeText(max_length=64)]
Note = Annotated[str, FreeText(max_length=500, multiline=True)]


# --- policies -----------------------------------------------------------------------------

class BracketIn(Schema):
    upper: PositiveAmount | None = Field(description="upper bound in yuan; null: the last, "
                                                     "unbounded bracket")
    rate: Rate


Percent = Annotated[Decimal, Field(ge=0, lt=100, max_digits=5, decimal_places=2)]
GradePercent = Annotated[Decimal, Field(ge=0, le=200, max_digits=5, decimal_places=2)]


class PolicyTerms(Schema):
    name: Name
    region: Region | None = Field(default=None, description="null: every region")
    region_basis: RegionBasis = Field(
        default=RegionBasis.BUYER,
        description="whose region the policy looks at: the buyer's (technology absorbed, 吸纳), "
                    "the seller's (output, 输出), either, or both (paid once)")
    registry_grace_days: Annotated[int, Field(ge=0, le=365)] = Field(
        default=0, description="days after registration a claim may go without the registry's "
                               "record; 0: a registry match is always required")
    agency_share_percent: Percent = Field(
        default=Decimal("0"), description="part of each reward paid to the broker's agency")
    base: RewardBase = RewardBase.MIN_TECHNOLOGY_RECEIVED
    brackets: Annotated[list[BracketIn], Field(min_length=1, max_length=20)]
    grade_percent: dict[BrokerLevel, GradePercent] = Field(
        default_factory=dict, description="percent of the broker's part paid at each broker "
                                          "grade (0–200); a grade not named is paid at 100")
    cap_per_claim: Amount | None = None
    cap_per_broker_year: Amount | None = None
    effective_from: date
    effective_until: date | None = None
    claim_window_days: Annotated[int, Field(ge=1, le=3650)] = 365
    note: Note | None = None


class PolicyCreate(PolicyTerms):
    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]


class BracketOut(Schema):
    upper: Decimal | None
    rate: Decimal


class PolicyOut(Schema):
    id: int
    key: str
    version: int
    name: str
    region: str | None
    region_basis: RegionBasis
    registry_grace_days: int
    agency_share_percent: Decimal
    base: RewardBase
    brackets: list[BracketOut]
    grade_percent: dict[BrokerLevel, Decimal]
    cap_per_claim: Decimal | None
    cap_per_broker_year: Decimal | None
    effective_from: date
    effective_until: date | None
    claim_window_days: int
    note: str | None
    created_by_id: int | None
    created_at: datetime
    superseded_at: datetime | None
    superseded_by_id: int | None


class PreviewIn(Schema):
    """Compute a reward without claiming: for brokers planning a deal and admins checking."""

    policy_id: int | None = Field(default=None, description="default: the policy in force "
                                                            "for signed_on and region")
    signed_on: SearchDate | None = None
    region: Region | None = Field(default=None, description="the seller's region")
    buyer_region: Region | None = None
    contract_amount: PositiveAmount
    technology_amount: Amount | None = None
    received_amount: Amount | None = None
    share: Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)] = Decimal(100)
    grade: BrokerLevel | None = Field(default=None, description="the broker grade whose rate "
                                      "applies; default: the signed-in broker's own")


class BracketLineOut(Schema):
    lower: Decimal
    upper: Decimal | None
    rate: Decimal
    portion: Decimal
    amount: Decimal


class CapOut(Schema):
    kind: str
    limit: Decimal
    reduced_by: Decimal


class BreakdownOut(Schema):
    policy_id: int
    policy_key: str
    policy_version: int
    policy_name: str | None = Field(default=None, description="the policy's name as people "
                                    "read it (null on claims made before it was kept)")
    base_kind: RewardBase
    base: Decimal
    contract_amount: Decimal
    technology_amount: Decimal | None
    received_amount: Decimal
    lines: list[BracketLineOut]
    deal_reward: Decimal
    share: Decimal
    share_amount: Decimal
    grade: BrokerLevel | None = None
    grade_percent: Decimal = Decimal(100)
    graded_amount: Decimal | None = Field(default=None, description="the broker's part at the "
                                          "grade's percentage (null on claims made before)")
    already_this_year: Decimal = Field(description="this year's claims the annual cap was "
                                                   "reckoned against (at submission: awarded "
                                                   "and pending)")
    awarded_this_year: Decimal | None = Field(
        default=None, description="of which approved or paid (null on claims made before)")
    pending_this_year: Decimal | None = Field(
        default=None, description="of which submitted or under review, reserved against the "
                                  "cap (null on claims made before)")
    caps: list[CapOut]
    amount: Decimal


# --- claims -------------------------------------------------------------------------------

class ClaimSubmit(Schema):
    deal_id: Annotated[int, Field(gt=0)]
    side: ClaimSide | None = Field(default=None, description="the party the broker acted for; "
                                                             "null: the whole deal")


class RejectIn(Schema):
    reason: Reason


class PayIn(Schema):
    payment_reference: Reference


class ClawBackBrief(Schema):
    id: int
    kind: ClawBackKind
    amount: Decimal
    to_recover: Decimal
    status: ClawBackStatus
    reason: str
    decided_at: datetime


class ClaimSummary(Schema):
    id: int
    broker_id: int
    broker_name: str
    deal_id: int
    contract_id: int
    contract_name: str
    registration_no: str | None
    region: str
    field_code: str
    status: ClaimStatus
    share_percent: Decimal
    base_amount: Decimal
    amount: Decimal
    submitted_at: datetime
    approved_at: datetime | None
    paid_at: datetime | None
    payout_batch_id: int | None
    open_flags: int | None = Field(default=None, description="administrators only")


class ClaimOut(ClaimSummary):
    policy_id: int
    side: ClaimSide | None
    contract_type: ContractType
    contract_amount: Decimal
    technology_amount: Decimal | None
    received_amount: Decimal
    deal_reward: Decimal
    signed_on: date
    breakdown: BreakdownOut
    review_started_by_id: int | None
    review_started_at: datetime | None
    approved_by_id: int | None
    rejected_by_id: int | None
    rejected_at: datetime | None
    rejection_reason: str | None
    paid_by_id: int | None
    payment_reference: str | None
    clawed_back_at: datetime | None
    claw_back: ClawBackBrief | None = Field(description="the latest claw-back, if any")
    claw_backs: list[ClawBackBrief]
    flags: list[FlagOut] | None = Field(default=None, description="administrators only")


class ClaimSubmitted(Schema):
    claim: ClaimOut
    created: bool


# --- payouts and claw-backs -----------------------------------------------------------------

class BatchCreate(Schema):
    claim_ids: Annotated[list[int], Field(min_length=1, max_length=1000)] | None = Field(
        default=None, description="default: every approved claim not yet in a batch")
    note: Note | None = None


class BatchPay(Schema):
    bank_reference: Reference


class BatchOut(Schema):
    id: int
    status: BatchStatus
    total: Decimal
    claim_count: int
    note: str | None
    created_by_id: int
    created_at: datetime
    paid_by_id: int | None
    paid_at: datetime | None
    bank_reference: str | None
    cancelled_by_id: int | None
    cancelled_at: datetime | None
    claim_ids: list[int]


class ClawBackOut(Schema):
    id: int
    claim_id: int
    kind: ClawBackKind
    broker_id: int
    amount: Decimal
    to_recover: Decimal
    was_paid: bool
    previous_status: ClaimStatus
    status: ClawBackStatus
    reason: str
    flag_id: int | None
    region: str
    decided_by_id: int | None
    decided_at: datetime
    recovered_by_id: int | None
    recovered_at: datetime | None
    recovery_reference: str | None
    reviewed_by_id: int | None
    reviewed_at: datetime | None
    review_note: str | None


class RecoveryIn(Schema):
    recovery_reference: Reference


class ClawBackReviewIn(Schema):
    decision: Literal["due", "waived"] = Field(description="due: the money must come back; "
                                                           "waived: nothing to recover")
    note: Reason


# --- the broker's payee account -------------------------------------------------------------

class PayeeAccountIn(Schema):
    holder_name: Annotated[str, FreeText(min_length=2, max_length=64)]
    bank_name: Annotated[str, FreeText(min_length=2, max_length=100)]
    account: Annotated[str, FreeText(min_length=8, max_length=40)]


class PayeeAccountOut(Schema):
    broker_id: int
    broker_name: str
    holder_name: str
    bank_name: str
    account: str = Field(description="masked except for administrators")
    status: PayeeStatus
    note: str | None
    updated_at: datetime
    verified_at: datetime | None


class PayeeVerificationIn(Schema):
    status: Literal["verified", "rejected"]
    note: Annotated[str, FreeText(max_length=500, multiline=True)] | None = None


# --- statistics ---------------------------------------------------------------------------

GroupBy = Literal["month", "field", "broker", "region"]


class RewardStatsRow(Schema):
    key: str
    label: str
    claims: int
    claimed: Decimal
    approved: Decimal
    paid: Decimal
    clawed_back: Decimal


class RewardStatsOut(Schema):
    group_by: GroupBy
    rows: list[RewardStatsRow]
    total: RewardStatsRow


def breakdown_out(data: dict[str, Any]) -> BreakdownOut:
    return BreakdownOut.model_validate(data)
