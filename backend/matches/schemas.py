"""Request and response shapes for matches, the broker feed, the preview and feedback."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from backend.core.schemas import Schema, clean_text
from backend.listings.schemas import AchievementOut, DemandOut, ModeName
from matching import ReasonCode

MAX_TOP_K = 50
ListingKind = Literal["demand", "achievement"]


def _clean(value: str) -> str:
    return clean_text(value)


def _clean_nonempty(value: str) -> str:
    cleaned = clean_text(value)
    if not cleaned:
        raise ValueError("不能为空 must not be empty")
    return cleaned


class ReasonOut(Schema):
    code: ReasonCode
    params: dict[str, str | int | float | list[str]]
    text_zh: str
    text_en: str


class MatchOut(Schema):
    """One matched listing: `demand` or `achievement` is set, as the viewer may see it
    (an anonymous demand stays anonymous)."""

    kind: ListingKind
    id: int
    score: float
    parts: dict[str, float] = Field(description="each channel's contribution to `score`: bm25, "
                                                "use, minilm, hash, boost")
    reasons: list[ReasonOut]
    demand: DemandOut | None = None
    achievement: AchievementOut | None = None


class MatchesOut(Schema):
    source_kind: ListingKind | None = Field(description="null for a preview")
    source_id: int | None
    items: list[MatchOut]
    index_version: int
    profile: str = Field(description="the matcher configuration (default, use, minilm, hash, bm25)")


class PairOut(Schema):
    score: float
    parts: dict[str, float]
    reasons: list[ReasonOut]
    new_side: ListingKind = Field(description="which listing of the pair was published recently")
    demand: DemandOut
    achievement: AchievementOut


class FeedOut(Schema):
    items: list[PairOut]
    since: datetime
    field_codes: list[str] = Field(description="the fields the feed covers; empty: all fields")


class FiltersIn(Schema):
    field_id: int | None = Field(default=None, ge=1, description="a field or top-level field")
    region: Annotated[str | None, Field(max_length=64)] = None
    mode: ModeName | None = None
    min_trl: int | None = Field(default=None, ge=1, le=9)
    max_price: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)


class PreviewIn(Schema):
    """A draft demand: what would match it?"""

    title: Annotated[str, Field(max_length=200), AfterValidator(_clean)] = ""
    text: Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_clean_nonempty)]
    keywords: list[Annotated[str, Field(max_length=30), AfterValidator(_clean)]] = Field(
        default_factory=list, max_length=16)
    field_id: int | None = Field(default=None, ge=1, description="the demand's field (a boost)")
    region: Annotated[str | None, Field(max_length=64)] = Field(
        default=None, description="the demand's region (a boost)")
    filters: FiltersIn = Field(default_factory=FiltersIn)
    top_k: int = Field(default=10, ge=1, le=MAX_TOP_K)


class FeedbackIn(Schema):
    source_kind: ListingKind
    source_id: int = Field(ge=1)
    target_id: int = Field(ge=1, description="the matched listing (of the other kind)")
    useful: bool
    comment: Annotated[str, Field(max_length=1000), AfterValidator(_clean)] | None = None


class FeedbackOut(Schema):
    id: int
    source_kind: ListingKind
    source_id: int
    target_id: int
    demand_id: int
    achievement_id: int
    useful: bool
    comment: str | None
    created_at: datetime
    updated_at: datetime
    created: bool = Field(default=False, description="true when this call created it")


class CorpusStatusOut(Schema):
    kind: ListingKind
    corpus: str
    loaded_version: int | None
    disk_version: int | None
    documents: int | None


class IndexStatusOut(Schema):
    profile: str
    corpora: list[CorpusStatusOut]


class ReindexOut(Schema):
    queued: bool
    kinds: list[ListingKind]
