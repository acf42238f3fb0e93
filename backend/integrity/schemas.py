"""Request and response shapes for flags, scans and the dishonesty list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from backend.core.dates import PastDate
from backend.core.schemas import FreeText, Schema, documented_codes
from backend.integrity.context import Severity, SubjectKind
from backend.integrity.models import FlagStatus, ScanTrigger
from backend.integrity.rules import RULES

RULE_DOC = "the integrity rule, e.g. related_party"

Reason = Annotated[str, FreeText(min_length=2, max_length=1000, multiline=True)]

# Who, besides the broker, an administrator may find to have colluded, named by their place
# in the claim (the same subjects the dishonesty_list rule checks).
CollusionRole = Literal["buyer", "seller", "buyer_legal_representative",
                        "seller_legal_representative", "broker_agency"]


class FlagOut(Schema):
    id: int
    claim_id: int
    rule: str = documented_codes(RULES, RULE_DOC)
    severity: Severity
    blocking: bool
    message_zh: str
    message_en: str
    evidence: Any
    status: FlagStatus
    raised_at: datetime
    last_seen_at: datetime
    cleared_at: datetime | None
    reviewed_by_id: int | None
    reviewed_at: datetime | None
    review_reason: str | None
    dismissal_requested_by_id: int | None = Field(
        default=None, description="a critical flag: the administrator who asked to dismiss it; "
                                  "another must agree")
    dismissal_requested_at: datetime | None = None
    dismissal_reason: str | None = None


class DismissIn(Schema):
    reason: Reason


class ConfirmIn(Schema):
    reason: Reason
    colluding: Annotated[list[CollusionRole], Field(max_length=5, default_factory=list)]
    colluding_broker_ids: Annotated[list[int], Field(max_length=20, default_factory=list)]


class ScanOut(Schema):
    id: int
    trigger: ScanTrigger
    requested_by_id: int | None
    started_at: datetime
    finished_at: datetime | None
    claims_scanned: int
    flags_raised: int
    flags_cleared: int
    duration_ms: int


class ScanQueued(Schema):
    queued: bool
    task: str


class ListingIn(Schema):
    """A listing an administrator adds by hand (e.g. from another authority's decision)."""

    subject_kind: SubjectKind
    subject_key: Annotated[str, FreeText(min_length=1, max_length=32)]
    reason: Reason
    listed_on: PastDate | None = None
    years: Annotated[int, Field(ge=1, le=10)] = 5


class RevokeIn(Schema):
    reason: Reason


class ListingOut(Schema):
    id: int
    subject_kind: SubjectKind
    subject_key: str
    subject_label: str
    role: str
    reason: str
    listed_on: date
    listed_until: date
    claim_id: int | None
    flag_id: int | None
    decided_by_id: int | None
    created_at: datetime
    revoked_at: datetime | None
    revoked_by_id: int | None
    revoke_reason: str | None
    active: bool


class ConfirmOut(Schema):
    flag: FlagOut
    claw_back_id: int
    listings: list[ListingOut]


class RuleRate(Schema):
    rule: str = documented_codes(RULES, RULE_DOC)
    claims: int            # claims in the period
    flagged_claims: int    # claims with at least one flag of this rule
    rate: str              # flagged_claims / claims, as a decimal string (4 places)
    flags: int
    open: int
    dismissed: int
    confirmed: int
    cleared: int


class FlagRatesOut(Schema):
    claims: int
    rules: list[RuleRate]

