"""Request and response shapes for demands, achievements and the field taxonomy."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, cast

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from backend.core import clock
from backend.core.schemas import FreeText, Name, Schema, ShortName
from backend.core.types import to_fen
from backend.listings import ip_numbers
from backend.listings.models import (
    AchievementStatus,
    DemandStatus,
    ImportStatus,
    IpKind,
    Stage,
    Visibility,
    mask_to_modes,
)

MAX_TEXT = 5000
MAX_KEYWORDS = 16
MAX_KEYWORD_LENGTH = 30
MAX_IP_ITEMS = 50
_KEYWORD_SEPARATORS = re.compile(r"[,，、;；]+")

ModeName = Literal["development", "transfer", "licensing", "consulting", "service", "joint_rd"]


def _keywords(values: list[str]) -> list[str]:
    words: list[str] = []
    for value in values:
        for part in _KEYWORD_SEPARATORS.split(value):
            word = part.strip()
            if len(word) > MAX_KEYWORD_LENGTH:
                raise ValueError(f"每个关键词不超过{MAX_KEYWORD_LENGTH}个字。"
                                 f"A keyword may have at most {MAX_KEYWORD_LENGTH} characters.")
            if word:
                words.append(word)
    unique = list(dict.fromkeys(words))
    if len(unique) > MAX_KEYWORDS:
        raise ValueError(f"关键词最多{MAX_KEYWORDS}个。At most {MAX_KEYWORDS} keywords.")
    return unique


def _modes(values: list[ModeName]) -> list[ModeName]:
    return list(dict.fromkeys(values))


def modes_out(mask: int) -> list[ModeName]:
    """The mode names in a stored `modes_mask` (names are exactly `ModeName`'s values)."""
    return [cast(ModeName, name) for name in mask_to_modes(mask)]


LongText = Annotated[str, FreeText(min_length=1, max_length=MAX_TEXT, multiline=True)]
Keywords = Annotated[list[Annotated[str, FreeText(max_length=200)]],
                     Field(max_length=MAX_KEYWORDS * 2), AfterValidator(_keywords)]
Modes = Annotated[list[ModeName], Field(max_length=6), AfterValidator(_modes)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2), AfterValidator(to_fen)]
Trl = Annotated[int, Field(ge=1, le=9)]
Reason = Annotated[str, FreeText(min_length=1, max_length=500, multiline=True)]


# --- demands -------------------------------------------------------------------------------

class DemandIn(Schema):
    title: Name
    description: LongText
    field_id: int = Field(ge=1)
    keywords: Keywords = Field(default_factory=list)
    budget_min: Amount | None = None
    budget_max: Amount | None = None
    modes: Modes = Field(default_factory=list)
    min_trl: Trl | None = None
    deadline: date | None = None
    region: ShortName
    visibility: Visibility = Visibility.PUBLIC
    anonymous: bool = False
    publish: bool = Field(default=False, description="publish at once (the organisation must "
                                                     "be verified); otherwise saved as a draft")


class DemandUpdate(Schema):
    """Only the fields sent change; `null` clears an optional field."""

    title: Name | None = None
    description: LongText | None = None
    field_id: int | None = Field(default=None, ge=1)
    keywords: Keywords | None = None
    budget_min: Amount | None = None
    budget_max: Amount | None = None
    modes: Modes | None = None
    min_trl: Trl | None = None
    deadline: date | None = None
    region: ShortName | None = None
    visibility: Visibility | None = None
    anonymous: bool | None = None


class FieldRef(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str


class PartyOut(Schema):
    """Who posted a listing. For an anonymous demand seen by someone who may not know,
    `organisation_id` and the contacts are null and `name` is 匿名企业 Anonymous firm."""

    organisation_id: int | None
    name: str
    anonymous: bool
    contact_person: str | None
    phone: str | None
    email: str | None


class DemandOut(Schema):
    id: int
    title: str
    description: str
    field: FieldRef
    keywords: list[str]
    budget_min: Decimal | None
    budget_max: Decimal | None
    modes: list[ModeName]
    min_trl: int | None
    deadline: date | None
    region: str
    visibility: Visibility
    anonymous: bool
    status: DemandStatus
    party: PartyOut
    mine: bool = Field(description="the viewer's organisation owns it (may edit)")
    hidden: bool
    hidden_reason: str | None = Field(description="only for the owner and administrators")
    assigned_broker_ids: list[int] | None = Field(
        description="only for the owner and administrators")
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    has_dossier: bool = Field(default=False, description=(
        "it has a confidential dossier the signed-in caller may ask about; only on one "
        "demand (GET /demands/{id}), false in lists"))


# --- achievements --------------------------------------------------------------------------

class IpItemIn(Schema):
    kind: IpKind
    number: Annotated[str, FreeText(max_length=32)] | None = Field(default=None,
                                                                  validate_default=True)
    title: Name

    @field_validator("number")
    @classmethod
    def _number_fits_kind(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        return value if kind is None else ip_number(kind, value)  # None: kind already failed


def ip_number(kind: IpKind, value: str | None) -> str | None:
    """Check an IP item's number against its kind; return it normalised."""
    text = (value or "").strip()
    year = clock.today().year
    try:
        if kind == IpKind.INVENTION_PATENT:
            return ip_numbers.patent_number(_required(text), current_year=year,
                                            allowed_types=ip_numbers.INVENTION_TYPES)
        if kind == IpKind.UTILITY_MODEL:
            return ip_numbers.patent_number(_required(text), current_year=year,
                                            allowed_types=ip_numbers.UTILITY_MODEL_TYPES)
        if kind == IpKind.SOFTWARE_COPYRIGHT:
            return ip_numbers.software_copyright_number(_required(text), current_year=year)
    except ip_numbers.InvalidIpNumber as exc:
        raise ValueError(str(exc)) from exc
    if text:
        raise ValueError("技术秘密不填写编号。Know-how has no number.")
    return None


def _required(text: str) -> str:
    if not text:
        raise ip_numbers.InvalidIpNumber("专利和软件著作权须填写编号。A patent or software "
                                         "copyright needs its number.")
    return text


class AchievementIn(Schema):
    title: Name
    abstract: LongText
    field_id: int = Field(ge=1)
    keywords: Keywords = Field(default_factory=list)
    trl: Trl
    stage: Stage
    ip_items: list[IpItemIn] = Field(default_factory=list, max_length=MAX_IP_ITEMS)
    price: Amount | None = None
    negotiable: bool = True
    modes: Modes = Field(default_factory=list)
    team_lead: ShortName
    region: ShortName
    publish: bool = Field(default=False, description="publish at once (the organisation must "
                                                     "be verified); otherwise saved as a draft")


class AchievementUpdate(Schema):
    """Only the fields sent change; `null` clears an optional field; `ip_items` replaces all."""

    title: Name | None = None
    abstract: LongText | None = None
    field_id: int | None = Field(default=None, ge=1)
    keywords: Keywords | None = None
    trl: Trl | None = None
    stage: Stage | None = None
    ip_items: list[IpItemIn] | None = Field(default=None, max_length=MAX_IP_ITEMS)
    price: Amount | None = None
    negotiable: bool | None = None
    modes: Modes | None = None
    team_lead: ShortName | None = None
    region: ShortName | None = None


class IpItemOut(Schema):
    kind: IpKind
    number: str | None
    title: str


class AchievementOut(Schema):
    id: int
    title: str
    abstract: str
    field: FieldRef
    keywords: list[str]
    trl: int
    reviewed_trl: int | None = None     # found by a proof-of-concept panel (概念验证)
    poc_passed_on: date | None = None   # the 通过概念验证 badge's date
    poc_summary: str | None = None      # published by the institute's choice
    stage: Stage
    ip_items: list[IpItemOut]
    price: Decimal | None
    negotiable: bool
    modes: list[ModeName]
    team_lead: str
    region: str
    status: AchievementStatus
    party: PartyOut
    mine: bool
    hidden: bool
    hidden_reason: str | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class ImportRowError(Schema):
    row: int
    column: str
    field: str
    message: str


class ImportJobOut(Schema):
    """A bulk import: `queued` → `running` (`rows_checked` of `rows_total`) → `succeeded`
    (`imported`, `ids`) or `failed` (`detail`, and `errors` by row and column: at most 1,000
    of `error_count`)."""

    id: int
    status: ImportStatus
    filename: str
    file_sha256: str
    file_size: int
    publish: bool
    rows_total: int
    rows_checked: int
    imported: int
    ids: list[int] = Field(validation_alias="achievement_ids")
    errors: list[ImportRowError]
    error_count: int
    detail: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


# --- both ----------------------------------------------------------------------------------

class HideIn(Schema):
    reason: Reason


class BrokerAssignmentIn(Schema):
    broker_id: int = Field(ge=1)


# --- taxonomy ------------------------------------------------------------------------------

FieldCode = Annotated[str, Field(min_length=2, max_length=32,
                                 pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")]
FieldNameZh = Annotated[str, FreeText(min_length=1, max_length=64)]
FieldNameEn = Annotated[str, FreeText(min_length=1, max_length=100)]


class FieldIn(Schema):
    code: FieldCode = Field(description="`parent.child` for a sub-field")
    name_zh: FieldNameZh
    name_en: FieldNameEn
    parent_id: int | None = Field(default=None, ge=1)
    sort: int = Field(default=0, ge=0, le=10_000)


class FieldUpdate(Schema):
    name_zh: FieldNameZh | None = None
    name_en: FieldNameEn | None = None
    sort: int | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None


class FieldOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    parent_id: int | None
    sort: int
    active: bool
    children: list[FieldOut] = Field(default_factory=list)
