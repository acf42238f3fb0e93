"""Request and response shapes for the capital chain."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator, model_validator

from backend.capital.models import (
    FinancingAudience,
    FinancingStatus,
    FinancingSubject,
    Instrument,
    InterestStatus,
    InvestorKind,
)
from backend.core.clock import today
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

    @model_validator(mode="after")
    def _consistent(self) -> FinancingIn:
        _check_request(self)
        wants = {FinancingSubject.ACHIEVEMENT: "achievement_id",
                 FinancingSubject.DEMAND: "demand_id"}.get(self.subject)
        for name in ("achievement_id", "demand_id"):
            if (getattr(self, name) is not None) != (name == wants):
                raise ValueError(
                    "融资需求须对应所选的对象：成果填写 achievement_id，需求填写 demand_id，"
                    "项目二者都不填。Give achievement_id for an achievement, demand_id for a "
                    "demand, neither for a project.")
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

    @model_validator(mode="after")
    def _reason(self) -> OutcomeIn:
        if self.status == InterestStatus.INTERESTED:
            raise ValueError("结果须为投资意向书、贷款获批或谢绝。An outcome is a term sheet, an "
                             "approved loan or a decline.")
        if self.status == InterestStatus.DECLINED and not self.reason:
            raise ValueError("谢绝时请说明原因。Give a reason for declining.")
        return self


class InterestOut(Schema):
    id: int
    request_id: int
    organisation_id: int
    organisation_name: str
    status: InterestStatus
    note: str | None
    decline_reason: str | None
    created_at: datetime
    updated_at: datetime


class InvestorOut(Schema):
    id: int
    name: str
    region: str
    investor_kind: InvestorKind | None = Field(description="none until it sets its mandate")
