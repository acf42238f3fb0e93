"""Request and response shapes for the capital chain."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator, model_validator

from backend.capital.models import (
    FinancingAudience,
    FinancingStatus,
    FinancingSubject,
    FollowUpStatus,
    Instrument,
    InterestStatus,
    InvestorKind,
    OutcomeConfirmation,
    PresentationConsent,
    QuestionSide,
    RoadshowStatus,
)
from backend.core.clock import CHINA_TZ, today
from backend.core.dates import EPOCH
from backend.core.schemas import FreeText, Name, Schema, ShortName

# A sane ceiling for one ticket or one request: 10 billion yuan (100亿元).
MONEY_CEILING = Decimal("10000000000")
Yuan = Annotated[Decimal, Field(ge=0, le=MONEY_CEILING, max_digits=13, decimal_places=2)]
PositiveYuan = Annotated[Decimal, Field(gt=0, le=MONEY_CEILING, max_digits=13, decimal_places=2)]
Trl = Annotated[int, Field(ge=1, le=9)]
LongText = Annotated[str, FreeText(max_length=4000, multiline=True)]
RequiredText = Annotated[str, FreeText(min_length=1, max_length=4000, multiline=True)]
Reason = Annotated[str, FreeText(min_length=1, max_length=1000, multiline=True)]
NoteText = Annotated[str, FreeText(max_length=1000, multiline=True)]


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


class MandateIn(Schema):
    investor_kind: InvestorKind
    description: LongText = ""
    field_ids: list[Annotated[int, Field(ge=1)]] = Field(
        min_length=1, max_length=50, description="fields (or top-level fields) it invests in")
    trl_min: Trl = 1
    trl_max: Trl = 9
    ticket_min: Yuan
    ticket_max: Yuan
    regions: list[ShortName] = Field(
        default_factory=list, max_length=50,
        description="regions it invests in (a request's region starts with one); empty: any")
    instruments: list[Instrument] = Field(
        default_factory=list, description="the instruments it offers; empty: any")

    @field_validator("field_ids", "regions", "instruments")
    @classmethod
    def _dedupe(cls, value: list[object]) -> list[object]:
        return _unique(value)

    @model_validator(mode="after")
    def _ranges(self) -> MandateIn:
        if self.trl_min > self.trl_max:
            raise ValueError("技术成熟度下限不能高于上限。The lowest TRL is above the highest.")
        if self.ticket_min > self.ticket_max:
            raise ValueError("单笔投资下限不能高于上限。The smallest ticket is above the largest.")
        return self


class MandateOut(MandateIn):
    organisation_id: int
    organisation_name: str
    updated_at: datetime


def _plannable(value: date) -> date:
    """A date a milestone falls due: the epoch to ten years ahead (as for a challenge's)."""
    latest = today() + timedelta(days=366 * 10)
    if not EPOCH <= value <= latest:
        raise ValueError(f"日期须在{EPOCH.isoformat()}至{latest.isoformat()}之间。The date must be "
                         f"between {EPOCH.isoformat()} and {latest.isoformat()}.")
    return value


class MilestoneIn(Schema):
    text: Annotated[str, FreeText(min_length=1, max_length=500)]
    due_on: Annotated[date, AfterValidator(_plannable)]


class FinancingBase(Schema):
    title: Name
    summary: RequiredText
    field_id: Annotated[int, Field(ge=1)]
    region: ShortName
    amount: PositiveYuan
    instrument: Instrument
    use_of_funds: RequiredText
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=20)
    trl_current: Trl
    trl_target: Trl
    audience: FinancingAudience = FinancingAudience.ALL_INVESTORS
    named_investor_ids: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list, max_length=50,
        description="investor organisations that may see it (audience `named`)")

    @field_validator("named_investor_ids")
    @classmethod
    def _dedupe(cls, value: list[int]) -> list[int]:
        return _unique(value)


def _check_request(data: FinancingIn | FinancingUpdate) -> None:
    if (data.trl_current is not None and data.trl_target is not None
            and data.trl_current > data.trl_target):
        raise ValueError("当前技术成熟度不能高于目标技术成熟度。"
                         "The current TRL is above the target TRL.")


class FinancingIn(FinancingBase):
    subject: FinancingSubject
    achievement_id: int | None = Field(default=None, ge=1)
    demand_id: int | None = Field(default=None, ge=1)
    deal_id: int | None = Field(default=None, ge=1,
                                description="for a deal: the deal whose party asks")

    @model_validator(mode="after")
    def _consistent(self) -> FinancingIn:
        _check_request(self)
        wants = {FinancingSubject.ACHIEVEMENT: "achievement_id",
                 FinancingSubject.DEMAND: "demand_id",
                 FinancingSubject.DEAL: "deal_id"}.get(self.subject)
        for name in ("achievement_id", "demand_id", "deal_id"):
            if (getattr(self, name) is not None) != (name == wants):
                raise ValueError(
                    "融资需求须对应所选的对象：成果填写 achievement_id，需求填写 demand_id，"
                    "交易填写 deal_id，项目都不填。Give achievement_id for an achievement, "
                    "demand_id for a demand, deal_id for a deal, none for a project.")
        return self


class FinancingUpdate(Schema):
    """Changes to a draft: only the fields given change."""

    title: Name | None = None
    summary: RequiredText | None = None
    field_id: Annotated[int, Field(ge=1)] | None = None
    region: ShortName | None = None
    amount: PositiveYuan | None = None
    instrument: Instrument | None = None
    use_of_funds: RequiredText | None = None
    milestones: list[MilestoneIn] | None = Field(default=None, max_length=20)
    trl_current: Trl | None = None
    trl_target: Trl | None = None
    audience: FinancingAudience | None = None
    named_investor_ids: list[Annotated[int, Field(ge=1)]] | None = Field(default=None,
                                                                         max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> FinancingUpdate:
        _check_request(self)
        return self


class MilestoneOut(Schema):
    text: str
    due_on: date


class FinancingOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    subject: FinancingSubject
    achievement_id: int | None
    demand_id: int | None
    deal_id: int | None
    title: str
    summary: str
    field_id: int
    region: str
    amount: Decimal
    instrument: Instrument
    use_of_funds: str
    milestones: list[MilestoneOut]
    trl_current: int
    trl_target: int
    audience: FinancingAudience
    named_investor_ids: list[int] | None = Field(
        description="only for the owner and administrators")
    status: FinancingStatus
    created_at: datetime
    published_at: datetime | None
    reviewed_trl: int | None = Field(
        default=None, description="the TRL a proof-of-concept review found (achievements)")
    poc_passed_on: date | None = Field(
        default=None, description="when the achievement passed proof of concept (通过概念验证)")
    # Whether it carries a confidential dossier the caller may ask about (never its content).
    has_dossier: bool = False


class FeedItemOut(Schema):
    request: FinancingOut
    score: float = Field(description="text similarity to the mandate plus mandate fit, 0–1")
    similarity: float
    fit: float
    reasons: list[str]
    interest: InterestStatus | None = Field(description="this investor's, if it marked any")


class InterestIn(Schema):
    note: NoteText | None = None


class OutcomeIn(Schema):
    status: InterestStatus
    note: NoteText | None = None
    reason: Reason | None = Field(default=None, description="required when declining")
    amount: PositiveYuan | None = Field(
        default=None, description="the money committed: required for a term sheet or an "
                                  "approved loan; counts once the request's owner confirms it")

    @model_validator(mode="after")
    def _reason(self) -> OutcomeIn:
        if self.status == InterestStatus.INTERESTED:
            raise ValueError("结果须为投资意向书、贷款获批或谢绝。An outcome is a term sheet, an "
                             "approved loan or a decline.")
        if self.status == InterestStatus.DECLINED:
            if not self.reason:
                raise ValueError("谢绝时请说明原因。Give a reason for declining.")
            if self.amount is not None:
                raise ValueError("谢绝无金额。A decline has no amount.")
        elif self.amount is None:
            raise ValueError("请填写投资意向书或获批贷款的金额。Give the amount of the term sheet "
                             "or the approved loan.")
        return self


class DisputeIn(Schema):
    reason: Reason


class FinancingInterestOut(Schema):
    id: int
    request_id: int
    organisation_id: int
    organisation_name: str
    status: InterestStatus
    note: str | None
    decline_reason: str | None
    created_at: datetime
    updated_at: datetime
    amount: Decimal | None = Field(description="a term sheet's or an approved loan's amount")
    confirmation: OutcomeConfirmation | None = Field(
        description="the owner's word on the amount: it counts only when confirmed")
    dispute_reason: str | None
    outcome_at: datetime | None
    confirmed_at: datetime | None


class QuestionIn(Schema):
    body: Annotated[str, FreeText(min_length=1, max_length=2000, multiline=True)]


class MessageOut(Schema):
    id: int
    side: QuestionSide
    body: str
    author_name: str
    created_at: datetime


class ThreadOut(Schema):
    """The questions between one investor and the request's owner."""

    request_id: int
    investor_id: int
    investor_name: str
    messages: list[MessageOut]
    unanswered: bool = Field(description="the last message is the investor's")


class InvestorOut(Schema):
    id: int
    name: str
    region: str
    investor_kind: InvestorKind | None = Field(description="none until it sets its mandate")


# --- roadshows ----------------------------------------------------------------------------------

_LINK = re.compile(r"^https?://[^\s]{3,490}$")


class RoadshowIn(Schema):
    theme: Name
    description: LongText = ""
    starts_at: datetime = Field(description="when it starts; without an offset: Beijing time")
    place: Annotated[str, FreeText(min_length=1, max_length=200)] | None = None
    online_link: Annotated[str, FreeText(min_length=1, max_length=500)] | None = None

    @field_validator("starts_at")
    @classmethod
    def _beijing(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=CHINA_TZ)
        if not datetime(2000, 1, 1, tzinfo=UTC) <= value <= datetime(2100, 1, 1, tzinfo=UTC):
            raise ValueError("日期不合理。The date is out of range.")
        return value.astimezone(UTC)

    @field_validator("online_link")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        if value is not None and not _LINK.match(value):
            raise ValueError("线上链接须以 http:// 或 https:// 开头。The online link must be an "
                             "http:// or https:// address.")
        return value

    @model_validator(mode="after")
    def _somewhere(self) -> RoadshowIn:
        if not self.place and not self.online_link:
            raise ValueError("请填写地点或线上链接。Give a place or an online link.")
        return self


class PresentationIn(Schema):
    request_id: Annotated[int, Field(ge=1)]


class ConsentIn(Schema):
    accept: bool


class RoadshowInvestorIn(Schema):
    organisation_id: Annotated[int, Field(ge=1)]


class RoadshowInterestIn(Schema):
    status: FollowUpStatus = FollowUpStatus.INTERESTED
    note: NoteText | None = None


class PresentationOut(Schema):
    """A request presenting at a roadshow. Its summary only for those entitled to it: the
    owner, administrators, and registered investors once the owner consented."""

    request_id: int
    consent: PresentationConsent
    answered_at: datetime | None
    organisation_name: str
    title: str
    summary: str
    amount: Decimal
    instrument: Instrument
    field_id: int
    trl_current: int
    trl_target: int


class RoadshowInvestorOut(Schema):
    organisation_id: int
    name: str
    registered_at: datetime | None


class RoadshowOut(Schema):
    id: int
    theme: str
    description: str
    starts_at: datetime
    place: str | None
    online_link: str | None
    status: RoadshowStatus
    created_at: datetime
    held_at: datetime | None
    presentations: list[PresentationOut]
    investors: list[RoadshowInvestorOut] | None = Field(
        description="the invited investors: administrators only")
    registered: bool | None = Field(description="for an invited investor: whether it registered")


class RoadshowInterestOut(Schema):
    id: int
    roadshow_id: int
    request_id: int
    request_title: str
    organisation_id: int
    organisation_name: str
    status: FollowUpStatus
    note: str | None
    updated_at: datetime


# --- statistics ---------------------------------------------------------------------------------

class CapitalTotalsOut(Schema):
    """The public market page's capital figures: totals only."""

    requests: int = Field(description="financing requests published (open or closed)")
    requested: Decimal = Field(description="the money they ask for, yuan")
    committed: Decimal = Field(description="term sheets and approved loans their owners "
                                           "confirmed, yuan")
    closed: Decimal = Field(description="confirmed commitments on closed requests, yuan")


class CapitalGroupOut(CapitalTotalsOut):
    key: str = Field(description="a top-level field's code, an instrument, or a stage "
                                 "(research, development, industrialisation)")


class CapitalStatsOut(Schema):
    totals: CapitalGroupOut
    by_field: list[CapitalGroupOut]
    by_instrument: list[CapitalGroupOut]
    by_stage: list[CapitalGroupOut]
    days_to_first_interest: float | None = Field(
        description="median days from publication to the first investor's interest")
    days_to_close: float | None = Field(
        description="median days from publication to the close of a request with a confirmed "
                    "commitment")
    pending_confirmation: int = Field(description="money outcomes awaiting their owner's word: "
                                                  "counted nowhere")
    poc_passed_requests: int = Field(description="requests for achievements that passed proof "
                                                 "of concept")
    poc_passed_financed: int = Field(description="of those, the ones with a confirmed "
                                                 "commitment")
    poc_conversion: float | None
    other_conversion: float | None = Field(description="the same share for the other requests")
