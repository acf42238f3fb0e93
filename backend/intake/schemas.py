"""Request and response shapes for help requests, visits, drafts, dossiers, the broker
directory and grades."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

from backend.accounts.models import BrokerLevel
from backend.core.dates import PastDate
from backend.core.schemas import FreeText, Name, Schema, ShortName
from backend.intake.models import (
    AccessStatus,
    DraftStatus,
    GradeChangeReason,
    HelpStatus,
    OfferStatus,
    ProposalStatus,
    TrainingKind,
    VisitKind,
)
from backend.listings.schemas import Amount, DemandIn, DemandUpdate, FieldRef

Text2000 = Annotated[str, FreeText(min_length=1, max_length=2000, multiline=True)]
Text5000 = Annotated[str, FreeText(min_length=1, max_length=5000, multiline=True)]
Optional2000 = Annotated[str, FreeText(max_length=2000, multiline=True)]
Note = Annotated[str, FreeText(max_length=1000, multiline=True)]
Hours = Annotated[Decimal, Field(ge=0, le=10000, max_digits=6, decimal_places=1),
                  AfterValidator(lambda v: v.quantize(Decimal("0.1")))]


class BrokerRef(Schema):
    id: int
    display_name: str
    level: BrokerLevel | None = None


# --- help requests ----------------------------------------------------------------------------

class HelpRequestIn(Schema):
    description: Text2000
    preferred_times: Annotated[str, FreeText(max_length=500)] = ""
    confidential: bool = False
    field_id: int | None = Field(default=None, ge=1)
    region: ShortName | None = Field(default=None, description="default: the firm's region")
    broker_id: int | None = Field(default=None, ge=1,
                                  description="a broker picked from the directory: the "
                                              "request goes to them only")


class AssignIn(Schema):
    broker_id: int = Field(ge=1)


class HelpRequestOut(Schema):
    id: int
    status: HelpStatus
    confidential: bool
    # None where the viewer may not see it yet (a confidential request, to a broker who has
    # not accepted it).
    description: str | None
    organisation_id: int | None
    organisation_name: str | None
    requested_by: str | None
    preferred_times: str
    field: FieldRef | None
    region: str
    broker: BrokerRef | None
    requested_broker_id: int | None
    my_offer: OfferStatus | None = Field(description="the calling broker's offer, if any")
    created_at: datetime
    accepted_at: datetime | None
    escalated_at: datetime | None
    ended_at: datetime | None
    overdue: bool = Field(description="open past the escalation deadline")
    visits: int
    drafts: int


class CandidateOut(Schema):
    broker: BrokerRef
    field_match: bool
    region_match: bool
    load: int


# --- visits -------------------------------------------------------------------------------------

class VisitIn(Schema):
    kind: VisitKind = VisitKind.VISIT
    visited_on: PastDate
    attendees: Annotated[str, FreeText(min_length=1, max_length=500)]
    findings: Text5000
    follow_ups: Annotated[str, FreeText(max_length=5000, multiline=True)] = ""


class VisitUpdate(Schema):
    kind: VisitKind | None = None
    visited_on: PastDate | None = None
    attendees: Annotated[str, FreeText(min_length=1, max_length=500)] | None = None
    findings: Text5000 | None = None
    follow_ups: Annotated[str, FreeText(max_length=5000, multiline=True)] | None = None


class FileOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int
    uploaded_at: datetime


class VisitOut(Schema):
    id: int
    help_request_id: int
    broker: BrokerRef
    kind: VisitKind
    visited_on: date
    attendees: str
    findings: str
    follow_ups: str
    files: list[FileOut]
    created_at: datetime
    updated_at: datetime


# --- drafts -------------------------------------------------------------------------------------

class DraftContent(DemandIn):
    """The demand as drafted (the firm's demand once approved; `publish` is not taken)."""

    publish: bool = Field(default=False, exclude=True)


class DraftIn(Schema):
    demand: DraftContent


class DraftUpdate(Schema):
    demand: DemandUpdate


class ReturnIn(Schema):
    note: Annotated[str, FreeText(min_length=1, max_length=1000, multiline=True)]


class DraftOut(Schema):
    id: int
    help_request_id: int
    organisation_id: int
    broker: BrokerRef
    status: DraftStatus
    title: str
    demand: DraftContent
    firm_note: str | None
    demand_id: int | None
    dossier_id: int | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime


# --- dossiers and terms ---------------------------------------------------------------------------

class DossierIn(Schema):
    details: Text5000
    volumes: Annotated[str, FreeText(max_length=1000, multiline=True)] = ""
    budget: Amount | None = None


class DossierOut(Schema):
    """The dossier's content: only for the owner and those granted access who accepted the
    terms."""

    id: int
    demand_id: int | None
    draft_id: int | None
    financing_request_id: int | None = None
    challenge_id: int | None = None
    details: str
    volumes: str
    budget: Decimal | None
    files: list[FileOut]
    updated_at: datetime


class DossierSummaryOut(Schema):
    """One of the organisation's dossiers, for managing its access: a demand's (a firm's) or a
    financing request's (a firm's or an institute's); exactly one of the two ids is set."""

    id: int
    demand_id: int | None
    financing_request_id: int | None
    title: str = Field(description="the demand's or the financing request's title")
    requested: int
    granted: int
    views: int
    updated_at: datetime


class DossierStatusOut(Schema):
    """What the caller may do about a demand's dossier (never its content)."""

    dossier_id: int
    demand_id: int | None
    financing_request_id: int | None = None
    challenge_id: int | None = None
    owner: bool
    # A challenge's seated reviewer: reads once the terms are accepted, without asking.
    reviewer: bool = False
    access: AccessStatus | None
    terms_version: int
    terms_accepted: bool
    can_view: bool


class TermsIn(Schema):
    text: Annotated[str, FreeText(min_length=20, max_length=20000, multiline=True)]


class TermsOut(Schema):
    id: int
    organisation_id: int
    version: int
    text: str
    created_at: datetime


class AcceptTermsIn(Schema):
    version: int = Field(ge=1, description="the version the caller read")


class AcceptanceOut(Schema):
    terms_id: int
    version: int
    user_id: int
    accepted_at: datetime


class AccessRequestIn(Schema):
    message: Annotated[str, FreeText(max_length=500, multiline=True)] = ""


class AccessOut(Schema):
    user_id: int
    display_name: str
    role: str
    organisation_name: str | None
    status: AccessStatus
    message: str
    requested_at: datetime | None
    decided_at: datetime | None
    accepted_version: int | None = Field(description="the newest terms version they accepted")


class ViewOut(Schema):
    id: int
    user_id: int
    display_name: str
    organisation_name: str | None
    file_id: int | None
    viewed_at: datetime


# --- the directory ------------------------------------------------------------------------------

Language = Annotated[str, FreeText(min_length=1, max_length=32)]


class DirectoryProfileIn(Schema):
    region: Annotated[str, FreeText(max_length=64)] = ""
    languages: Annotated[list[Language], Field(max_length=10)] = Field(default_factory=list)
    bio: Annotated[str, FreeText(max_length=1000, multiline=True)] = ""


class RecordOut(Schema):
    """Computed from confirmed evidence only (intake/record.py)."""

    introductions: int
    deals_registered: int
    confirmed_value: Decimal
    median_days_to_signing: Decimal | None
    lost_share: Decimal | None = Field(description="lost or cancelled deals / introductions, "
                                                   "0–1, 4 places")
    upheld_findings: int


class QuarterOut(Schema):
    quarter: str
    introductions: int
    deals_registered: int
    confirmed_value: Decimal


class GradeChangeOut(Schema):
    from_level: BrokerLevel
    to_level: BrokerLevel
    reason: GradeChangeReason
    changed_at: datetime
    note: str | None


class DirectoryEntryOut(Schema):
    broker_id: int
    display_name: str
    agency_name: str | None
    level: BrokerLevel
    fields: list[str]
    region: str
    languages: list[str]
    bio: str
    record: RecordOut


class DirectoryDetailOut(DirectoryEntryOut):
    quarters: list[QuarterOut]
    grade_history: list[GradeChangeOut]


# --- training and grades ------------------------------------------------------------------------

class TrainingIn(Schema):
    kind: TrainingKind
    title: Name
    hours: Hours | None = None
    exam_level: BrokerLevel | None = None
    score: Decimal | None = Field(default=None, ge=0, le=1000, max_digits=5, decimal_places=1)
    passed: bool | None = None
    completed_on: PastDate
    certificate_no: Annotated[str, FreeText(max_length=64)] | None = None


class TrainingOut(Schema):
    id: int
    broker_id: int
    kind: TrainingKind
    title: str
    hours: Decimal | None
    exam_level: BrokerLevel | None
    score: Decimal | None
    passed: bool | None
    completed_on: date
    certificate_no: str | None
    recorded_at: datetime


class GradeRuleIn(Schema):
    min_training_hours: Hours
    min_registered_deals: int = Field(ge=0, le=1000)
    min_deal_value: Amount
    window_months: int = Field(ge=1, le=120)
    exam_required: bool = False
    no_upheld_finding: bool = True
    active: bool = True


class GradeRuleOut(GradeRuleIn):
    level: BrokerLevel
    updated_at: datetime


class ProposalOut(Schema):
    id: int
    broker: BrokerRef
    from_level: BrokerLevel
    to_level: BrokerLevel
    evidence: dict[str, object]
    status: ProposalStatus
    proposed_at: datetime
    decided_at: datetime | None
    note: str | None


class DecisionIn(Schema):
    note: Note = ""


class EvaluationOut(Schema):
    proposed: int
    brokers_evaluated: int
