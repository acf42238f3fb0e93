"""Requests and answers of the experts domain."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from backend.accounts.models import VerificationStatus
from backend.accounts.schemas import CreditCode, InvitationCode, Note, PersonIn, Phone, UserIn
from backend.core.schemas import FreeText, Name, Schema, ShortName
from backend.experts.models import (
    AssignmentStatus,
    DossierCategory,
    ExpertKind,
    InterestRelation,
    PocStatus,
    Recommendation,
)
from backend.experts.scoring import CRITERIA_CODES
from backend.listings.schemas import FieldCode

Bio = Annotated[str, FreeText(max_length=2000, multiline=True)]
LongText = Annotated[str, FreeText(max_length=5000, multiline=True)]
Title = Annotated[str, FreeText(max_length=100)]
Criterion = Annotated[str, Field(pattern=r"^[a-z_]{1,32}$",
                                 json_schema_extra={"enum": list(CRITERIA_CODES)})]


# --- the pool ---------------------------------------------------------------------------------

class InterestIn(Schema):
    relation: InterestRelation
    organisation_name: Name
    credit_code: CreditCode | None = None


class InterestOut(InterestIn):
    pass


class ExpertProfileIn(Schema):
    name: ShortName
    organisation_name: Name
    organisation_credit_code: CreditCode | None = None
    title: Title = ""
    fields: list[FieldCode] = Field(default_factory=list, max_length=10)
    kind: ExpertKind
    bio: Bio = ""
    phone: Phone | None = None
    yearly_capacity: Annotated[int, Field(ge=1, le=50)] = 6
    interests: list[InterestIn] = Field(default_factory=list, max_length=30)


class ExpertRegistration(Schema):
    """Registering as an expert: with an administrator's invitation code the profile is in
    the pool at once; without one it is an application an administrator verifies."""

    user: UserIn
    person: PersonIn | None = None
    profile: ExpertProfileIn
    invitation_code: InvitationCode | None = None


class ExpertOut(Schema):
    user_id: int
    username: str
    email: str | None
    name: str
    organisation_name: str
    organisation_credit_code: str | None
    organisation_id: int | None
    title: str
    fields: list[str]
    kind: ExpertKind
    bio: str
    yearly_capacity: int
    load: int                      # reviews this year (accepted, invited or submitted)
    status: VerificationStatus
    status_note: str | None
    interests: list[InterestOut]
    created_at: datetime


class VerificationIn(Schema):
    approve: bool
    note: Note | None = None


class ExpertInvitationIn(Schema):
    name: ShortName
    contact: Annotated[str, FreeText(min_length=3, max_length=254)]
    kind: ExpertKind


class ExpertInvitationOut(Schema):
    id: int
    name: str
    contact: str
    kind: ExpertKind
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


class ExpertInvitationCreated(ExpertInvitationOut):
    code: str  # shown once


# --- conflicts --------------------------------------------------------------------------------

class ConflictOut(Schema):
    kind: str = Field(json_schema_extra={"enum": [
        "same_organisation", "related_party", "key_person", "identifier", "co_worked",
        "declared", "manual"]})
    message_zh: str
    message_en: str


class ManualConflictIn(Schema):
    organisation_id: int
    reason: Note


# --- proof of concept -------------------------------------------------------------------------

class PocRequestIn(Schema):
    achievement_id: int
    note: LongText = ""
    publish_summary: bool = False


class PublishIn(Schema):
    publish_summary: bool


DEFAULT_MIX = [ExpertKind.SCIENTIST, ExpertKind.ENTREPRENEUR, ExpertKind.INVESTOR]


class AcceptIn(Schema):
    """The panel's seats, one kind each (default: a scientist, an entrepreneur, an investor)."""

    mix: Annotated[list[ExpertKind], Field(min_length=1, max_length=7)] = Field(
        default_factory=lambda: list(DEFAULT_MIX))


class DeclineIn(Schema):
    note: Note


class SeatOut(Schema):
    id: int
    expert_id: int
    expert_name: str
    organisation_name: str
    kind: ExpertKind
    similarity: Decimal
    status: AssignmentStatus
    submitted_at: datetime | None


class SwapIn(Schema):
    assignment_id: int
    expert_id: int


class PocRequestOut(Schema):
    id: int
    achievement_id: int
    achievement_title: str
    organisation_id: int
    organisation_name: str
    field_code: str
    note: str
    publish_summary: bool
    mix: list[ExpertKind]
    status: PocStatus
    admin_note: str | None
    created_at: datetime
    accepted_at: datetime | None
    decided_at: datetime | None
    decided_on: date | None
    declared_trl: int
    reviewed_trl: int | None
    score: Decimal | None
    summary: str | None
    needs_attention: bool = False  # an outlier among the reviews: the organiser takes a look
    panel: list[SeatOut] = Field(default_factory=list)  # administrators only


class ExpertCandidateOut(Schema):
    expert_id: int
    name: str
    organisation_name: str
    kind: ExpertKind
    similarity: Decimal
    load: int
    yearly_capacity: int
    conflicts: list[ConflictOut]


class PocDecisionIn(Schema):
    passed: bool
    reviewed_trl: Annotated[int, Field(ge=1, le=9)]
    summary: LongText = ""


# --- reviews ----------------------------------------------------------------------------------

class CriterionOut(Schema):
    code: Criterion
    weight: Decimal
    low: int
    high: int


class ReviewIn(Schema):
    scores: dict[Criterion, int]
    comments: dict[Criterion, Annotated[str, FreeText(max_length=2000, multiline=True)]] = \
        Field(default_factory=dict)
    recommendation: Recommendation
    trl: Annotated[int, Field(ge=1, le=9)]
    confidential_note: LongText = ""

    @model_validator(mode="after")
    def _known_criteria(self) -> ReviewIn:
        unknown = (set(self.scores) | set(self.comments)) - set(CRITERIA_CODES)
        if unknown:
            raise ValueError(f"无此评审项 no such criterion: {', '.join(sorted(unknown))}")
        return self


class ReviewOut(Schema):
    """A submitted review as another panel member or the organiser sees it."""

    assignment_id: int
    kind: ExpertKind
    scores: dict[str, int]
    comments: dict[str, str]
    recommendation: Recommendation
    trl: int
    overall: Decimal
    outlier: bool = False
    confidential_note: str | None = None  # to the organiser only


class CriterionSummaryOut(Schema):
    code: Criterion
    weight: Decimal
    mean: Decimal
    median: Decimal
    spread: int
    mad: Decimal
    disagreement: bool


class AggregateOut(Schema):
    reviews: int
    seats: int
    criteria: list[CriterionSummaryOut]
    overall_mean: Decimal
    overall_median: Decimal
    overall_mad: Decimal
    outliers: list[int]  # assignment ids of outlying reviews (organiser only)


class ReportOut(Schema):
    request: PocRequestOut
    aggregate: AggregateOut | None
    reviews: list[ReviewOut]


class AssignmentOut(Schema):
    """A seat as its expert sees it: the item, the form, their review, and the others' reviews
    once their own is in."""

    id: int
    request_id: int
    status: AssignmentStatus
    kind: ExpertKind
    achievement_id: int
    achievement_title: str
    achievement_abstract: str
    declared_trl: int
    request_note: str
    form: list[CriterionOut]
    mine: ReviewOut | None
    others: list[ReviewOut] | None  # None until the expert has submitted


class PocStatsRow(Schema):
    field_code: str
    requests: int
    decided: int
    passed: int
    pass_rate: Decimal | None
    median_days_to_decision: Decimal | None


class PocStatsOut(Schema):
    total: PocStatsRow
    by_field: list[PocStatsRow]


# --- the dossier of a proof-of-concept request --------------------------------------------------

class PocFileOut(Schema):
    id: int
    request_id: int
    category: DossierCategory
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ManualConflictOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    reason: str
    created_at: datetime
