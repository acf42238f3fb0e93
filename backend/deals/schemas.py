"""Request and response shapes for deals, contracts, payments and notifications."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from backend.core import clock
from backend.core.schemas import Name, Page, PlainText, Schema, documented_codes
from backend.deals.access import Relation
from backend.deals.events import EVENT_KINDS
from backend.deals.models import (
    Acceptance,
    BrokerRole,
    BrokerStatus,
    ContractType,
    Stage,
)
from backend.deals.notifications import NOTIFICATION_KINDS
from backend.deals.registration import InvalidRegistrationNo, normalise_registration_no

Amount = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]
Share = Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]
Reason = Annotated[PlainText, Field(max_length=500)]
Reference = Annotated[PlainText, Field(min_length=1, max_length=64)]


def _registration_no(value: str) -> str:
    try:
        return normalise_registration_no(value, clock.today().year)
    except InvalidRegistrationNo as exc:
        raise ValueError(str(exc)) from exc


def _nonempty(value: str) -> str:
    if not value:
        raise ValueError("不能为空 must not be empty")
    return value


RegistrationNo = Annotated[str, Field(max_length=40), AfterValidator(_registration_no)]


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
    signed_on: date
    buyer_org_id: int
    seller_org_id: int


class RegistrationIn(Schema):
    registration_no: RegistrationNo
    registered_on: date
    technology_amount: Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]


class PaymentIn(Schema):
    paid_on: date
    amount: Amount
    bank_reference: Annotated[Reference, AfterValidator(_nonempty)]
    invoice_reference: Annotated[PlainText, Field(min_length=1, max_length=200),
                                 AfterValidator(_nonempty)]


class NoteIn(Schema):
    text: Annotated[PlainText, Field(min_length=1, max_length=5000), AfterValidator(_nonempty)]
    visible_to_parties: bool = False


# --- responses ----------------------------------------------------------------------------

class OrganisationRef(Schema):
    id: int
    name: str


class DemandSide(Schema):
    """The demand as this viewer may see it: its organisation is None while hidden from them."""

    listing_id: int
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
    listing_id: int
    title: str
    field_code: str
    region: str
    modes: list[str]
    trl: int
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


class PaymentOut(Schema):
    id: int
    paid_on: date
    amount: Decimal
    bank_reference: str
    invoice_reference: str
    counted: bool
    recorded_at: datetime


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
    signed_on: date
    buyer_org_id: int
    seller_org_id: int
    registration_no: str | None
    registered_on: date | None
    received_amount: Decimal         # counted payments (到账金额)
    uncounted_amount: Decimal
    remaining_amount: Decimal
    payments: list[PaymentOut]
    files: list[ContractFileOut]


class InvitationOut(Schema):
    broker_id: int
    display_name: str
    invited_at: datetime
    proposed_shares: dict[int, Decimal]


class ShareProposalOut(Schema):
    proposed_by_id: int | None
    proposed_at: datetime
    shares: dict[int, Decimal]
    awaiting: list[int]


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

