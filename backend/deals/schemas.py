"""Request and response shapes for deals, contracts, payments and notifications."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from backend.accounts.identity import InvalidIdentifier, bank_account
from backend.core import clock
from backend.core.dates import PastDate
from backend.core.schemas import FreeText, Name, Page, Schema, documented_codes
from backend.deals.access import Relation
from backend.deals.events import EVENT_KINDS
from backend.deals.models import (
    Acceptance,
    BrokerRole,
    BrokerStatus,
    ContractType,
    EvidenceKind,
    EvidenceSide,
    EvidenceStatus,
    RegistryStatus,
    Stage,
)
from backend.deals.notifications import NOTIFICATION_KINDS
from backend.deals.registration import InvalidRegistrationNo, normalise_registration_no

Amount = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]
Share = Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]
Reason = Annotated[str, FreeText(max_length=500, multiline=True)]
Reference = Annotated[str, FreeText(min_length=1, max_length=64)]


def _registration_no(value: str) -> str:
    try:
        return normalise_registration_no(value, clock.today().year)
    except InvalidRegistrationNo as exc:
        raise ValueError(str(exc)) from exc


RegistrationNo = Annotated[str, FreeText(max_length=40), AfterValidator(_registration_no)]


def _bank_account(value: str) -> str:
    try:
        return bank_account(value)
    except InvalidIdentifier as exc:
        raise ValueError(str(exc)) from exc


BankAccount = Annotated[str, FreeText(min_length=8, max_length=40), AfterValidator(_bank_account)]


def _shares_sum_to_100(value: dict[int, Decimal]) -> dict[int, Decimal]:
    total = sum(value.values(), Decimal(0))
    if total != Decimal(100):
        raise ValueError(f"份额合计须为100%，现为{total}%。Shares must sum to 100%; they sum to "
                         f"{total}%.")
    return {broker: share.quantize(Decimal("0.01")) for broker, share in value.items()}


Shares = Annotated[dict[int, Share], Field(min_length=1, max_length=20),
                   AfterValidator(_shares_sum_to_100)]


# --- requests -----------------------------------------------------------------------------

class DealOpen(Schema):
    demand_id: Annotated[int, Field(gt=0)]
    achievement_id: Annotated[int, Field(gt=0)]


class Decline(Schema):
    reason: Reason | None = None


class TransitionIn(Schema):
    to_stage: Stage
    reason: Reason | None = None


class InviteIn(Schema):
    broker_id: Annotated[int, Field(gt=0)]
    shares: Shares


class SharesIn(Schema):
    shares: Shares


class ContractIn(Schema):
    name: Name
    type: ContractType
    amount: Amount
    signed_on: PastDate
    buyer_org_id: int
    seller_org_id: int


class RegistrationIn(Schema):
    registration_no: RegistrationNo
    registered_on: PastDate
    technology_amount: Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]


class PaymentIn(Schema):
    """A payment and its evidence: the receipt or invoice file (uploaded to the contract
    first), the invoice number, and the paying and receiving bank accounts."""

    paid_on: PastDate
    amount: Amount
    bank_reference: Reference
    invoice_reference: Annotated[str, FreeText(min_length=1, max_length=200)]
    invoice_no: Reference
    payer_account: BankAccount
    payee_account: BankAccount
    evidence_file_id: Annotated[int, Field(gt=0)]
    note: Annotated[str, FreeText(min_length=1, max_length=500, multiline=True)] | None = None


class PaymentCorrectIn(Schema):
    """What to correct on a payment not confirmed yet; fields left out stay as they are
    (`note: null` clears the note)."""

    paid_on: PastDate | None = None
    amount: Amount | None = None
    bank_reference: Reference | None = None
    note: Annotated[str, FreeText(min_length=1, max_length=500, multiline=True)] | None = None


class PaymentVoidIn(Schema):
    reason: Annotated[str, FreeText(min_length=2, max_length=1000, multiline=True)]


class EvidenceConfirmIn(Schema):
    version: Annotated[int, Field(ge=1, description="the version shown to the party")]


class EvidenceDisputeIn(Schema):
    version: Annotated[int, Field(ge=1)]
    reason: Annotated[str, FreeText(min_length=2, max_length=1000, multiline=True)]


class NoteIn(Schema):
    text: Annotated[str, FreeText(min_length=1, max_length=5000, multiline=True)]
    visible_to_parties: bool = False


# --- responses ----------------------------------------------------------------------------

class OrganisationRef(Schema):
    id: int
    name: str


class DemandSide(Schema):
    """The demand as this viewer may see it: its organisation is None while hidden from them.
    On a challenge award's deal (`DealOut.challenge`) there is no listing: the challenge's
    title and issuer stand in for the demand."""

    listing_id: int | None
    title: str
    field_code: str
    region: str
    modes: list[str]
    budget_min: Decimal | None
    budget_max: Decimal | None
    min_trl: int | None
    anonymous: bool
    organisation: OrganisationRef | None
    acceptance: Acceptance


class AchievementSide(Schema):
    """On a challenge award's deal: the winning proposal and the winner, `price` the award."""

    listing_id: int | None
    title: str
    field_code: str
    region: str
    modes: list[str]
    trl: int | None
    price: Decimal | None
    organisation: OrganisationRef | None
    acceptance: Acceptance


class DealBrokerOut(Schema):
    broker_id: int
    display_name: str
    role: BrokerRole
    status: BrokerStatus
    share: Decimal | None           # None for the parties: the split is the brokers' business
    joined_at: datetime | None


class AnswerOut(Schema):
    side: EvidenceSide
    confirmed: bool
    reason: str | None
    at: datetime


class EvidenceOut(Schema):
    """Where a declared item stands with the parties."""

    version: int
    status: EvidenceStatus
    required: list[EvidenceSide]
    answers: list[AnswerOut] = Field(description="the latest answer of each side to this "
                                                 "version")
    my_side: EvidenceSide | None = Field(description="the side this viewer answers for")
    awaiting_me: bool


class PaymentOut(Schema):
    id: int
    paid_on: date
    amount: Decimal
    bank_reference: str
    invoice_reference: str
    counted: bool
    recorded_at: datetime
    invoice_no: str | None
    payer_account: str | None
    payee_account: str | None
    evidence_file_id: int | None
    confirmed_amount: Decimal | None
    note: str | None
    voided_at: datetime | None = Field(description="set when voided: the payment counts "
                                                   "towards nothing")
    void_reason: str | None
    correctable: bool = Field(description="neither voided nor confirmed by the parties: "
                                          "it may still be corrected or voided")
    challenge_milestone_id: int | None = Field(
        default=None, description="on a challenge award's deal: the milestone this payment "
                                  "pays; it is answered on the challenge, not here")
    evidence: EvidenceOut


class ContractFileOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ContractOut(Schema):
    id: int
    name: str
    type: ContractType
    amount: Decimal
    technology_amount: Decimal | None
    signed_on: PastDate
    buyer_org_id: int
    seller_org_id: int
    registration_no: str | None
    registered_on: date | None
    received_amount: Decimal         # counted payments (到账金额)
    uncounted_amount: Decimal
    remaining_amount: Decimal
    payments: list[PaymentOut]
    files: list[ContractFileOut]
    evidence: EvidenceOut
    confirmed_amount: Decimal | None = Field(description="the amount as last confirmed")
    confirmed_received_amount: Decimal
    confirmed_version: int | None
    amount_ceiling: Decimal = Field(description="above it an administrator must confirm")
    registry_status: RegistryStatus
    registry_issues: list[str]


class InvitationOut(Schema):
    broker_id: int
    display_name: str = Field(description="the invited broker's name")
    invited_by_id: int | None = None
    invited_by_name: str | None = Field(default=None, description="who invited them")
    invited_at: datetime
    proposed_shares: dict[int, Decimal]
    names: dict[int, str] = Field(default_factory=dict,
                                  description="the name of every broker in proposed_shares")


class ShareProposalOut(Schema):
    proposed_by_id: int | None
    proposed_at: datetime
    shares: dict[int, Decimal]
    awaiting: list[int]
    names: dict[int, str] = Field(default_factory=dict,
                                  description="the name of every broker in shares, awaiting "
                                              "and proposed_by_id")


class DealChallengeRef(Schema):
    """The challenge award a deal carries out (揭榜挂帅), in place of a demand–achievement pair."""

    challenge_id: int
    award_id: int
    proposal_id: int
    title: str
    amount: Decimal


class DealOut(Schema):
    id: int
    stage: Stage
    relation: Relation
    allowed_next: list[Stage]        # what this viewer may move the deal to
    both_accepted: bool
    opened_at: datetime
    ended_at: datetime | None
    demand: DemandSide
    achievement: AchievementSide
    brokers: list[DealBrokerOut]
    contract: ContractOut | None
    invitation: InvitationOut | None
    share_proposal: ShareProposalOut | None
    challenge: DealChallengeRef | None = None


class DealSummary(Schema):
    id: int
    stage: Stage
    relation: Relation
    opened_at: datetime
    ended_at: datetime | None
    demand_title: str
    demand_organisation: str | None
    achievement_title: str
    achievement_organisation: str | None
    contract_amount: Decimal | None
    challenge_id: int | None = None


class EventOut(Schema):
    id: int
    at: datetime
    kind: str = documented_codes(EVENT_KINDS, "what happened")
    from_stage: Stage | None
    to_stage: Stage | None
    text: str | None
    data: dict[str, Any] | None
    actor_id: int | None
    actor_name: str | None
    visible_to_parties: bool


class StageCount(Schema):
    stage: Stage
    count: int


class ClosedThisYear(Schema):
    year: int
    count: int
    amount: Decimal


class DashboardOut(Schema):
    scope: str                      # "own" for a broker, "all" for administrators
    open_by_stage: list[StageCount]
    open_total: int
    closed_this_year: ClosedThisYear
    my_share_amount: Decimal | None  # a broker's share-weighted amount of those closed deals


class AwaitingItem(Schema):
    deal_id: int
    kind: EvidenceKind
    item_id: int
    version: int
    side: EvidenceSide
    amount: Decimal
    declared_at: datetime | None


class AwaitingOut(Schema):
    count: int
    items: list[AwaitingItem]


class RegistryImportOut(Schema):
    id: int
    filename: str
    sha256: str
    rows: int
    matched: int
    mismatched: int
    uploaded_by_id: int
    uploaded_at: datetime


class RegistryRecordOut(Schema):
    registration_no: str
    buyer_credit_code: str
    seller_credit_code: str
    contract_type: ContractType
    amount: Decimal
    registered_on: date
    cancelled: bool


class RegistryContractOut(Schema):
    contract_id: int
    deal_id: int
    name: str
    registration_no: str | None
    type: ContractType
    amount: Decimal
    registered_on: date | None
    buyer_credit_code: str
    seller_credit_code: str
    registry_status: RegistryStatus
    registry_issues: list[str]
    record: RegistryRecordOut | None


class RegistryImportResult(Schema):
    registry_import: RegistryImportOut
    matched: int
    mismatched: list[RegistryContractOut]


class PendingOut(Schema):
    """What waits on the user: the workspace's badges."""

    introductions: int = Field(description="introductions their organisation has not answered")
    invitations: int = Field(description="a broker's invitations to join a deal")
    share_proposals: int = Field(description="share re-splits awaiting the broker's acceptance")


class NotificationOut(Schema):
    id: int
    kind: str = documented_codes(NOTIFICATION_KINDS, "what the notification is about")
    title: str
    body: str
    deal_id: int | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Page[NotificationOut]):
    unread: int


class MarkedRead(Schema):
    marked: int

