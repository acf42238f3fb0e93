"""Request and response shapes for matches, the broker feed, the preview and feedback."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from backend.core.schemas import FreeText, Schema
from backend.listings.schemas import AchievementOut, Amount, DemandOut, ModeName, Trl
from matching import ReasonCode

MAX_TOP_K = 50
ListingKind = Literal["demand", "achievement"]


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
    relevance: float = Field(description="how closely the two texts correspond, 0..1, on one "
                             "scale for every encoder (matching.calibration): what the match's "
                             "strength shows; `score` orders the list")
    parts: dict[str, float] = Field(description="each channel's contribution to `score`: bm25, "
                                                "use, minilm, e5, hash, boost")
    reasons: list[ReasonOut]
    demand: DemandOut | None = None
    achievement: AchievementOut | None = None


class MatchesOut(Schema):
    source_kind: ListingKind | None = Field(description="null for a preview")
    source_id: int | None
    items: list[MatchOut]
    index_version: int
    profile: str = Field(description="the matcher configuration (default, use, minilm, e5, hash, bm25)")


class PairOut(Schema):
    score: float
    relevance: float = Field(description="how closely the two texts correspond, 0..1, on one "
                             "scale for every encoder (matching.calibration): what the match's "
                             "strength shows; `score` orders the list")
    parts: dict[str, float]
    reasons: list[ReasonOut]
    new_side: ListingKind = Field(description="which listing of the pair was published recently")
    demand: DemandOut
    achievement: AchievementOut


class FeedOut(Schema):
    items: list[PairOut]
    since: datetime
    field_codes: list[str] = Field(description="the fields the feed covers; empty: all fields")
    page: int = 1
    page_size: int = 20
    has_more: bool = Field(default=False, description="a next page can have more pairs")


class FiltersIn(Schema):
    field_id: int | None = Field(default=None, ge=1, description="a field or top-level field")
    region: Annotated[str, FreeText(max_length=64)] | None = None
    mode: ModeName | None = None
    min_trl: int | None = Field(default=None, ge=1, le=9)
    max_price: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)


class PreviewIn(Schema):
    """A draft listing: what would match it? A draft demand (`kind` "demand") gets the
    achievements that could meet it, a draft achievement the demands it could meet."""

    kind: ListingKind = Field(default="demand", description="what the draft is")
    title: Annotated[str, FreeText(max_length=200)] = ""
    text: Annotated[str, FreeText(min_length=1, max_length=5000, multiline=True)]
    keywords: list[Annotated[str, FreeText(max_length=30)]] = Field(default_factory=list,
                                                                    max_length=16)
    field_id: int | None = Field(default=None, ge=1, description="the draft's field (a boost)")
    region: Annotated[str, FreeText(max_length=64)] | None = Field(
        default=None, description="the draft's region (a boost)")
    trl: Trl | None = Field(default=None, description="a draft achievement's TRL: with "
                                                     "`fit`, only demands it reaches")
    price: Amount | None = Field(default=None, description="a draft achievement's price: with "
                                                          "`fit`, only demands whose budget "
                                                          "covers it (none: negotiable)")
    fit: bool = Field(default=True, description="a draft achievement: require the TRL and "
                                                "price given to fit the demands")
    filters: FiltersIn = Field(default_factory=FiltersIn)
    top_k: int = Field(default=10, ge=1, le=MAX_TOP_K)


class PredictedFieldOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    probability: float = Field(ge=0, le=1)


class PreviewOut(MatchesOut):
    """The matches of a draft, and help to write it better."""

    predicted_fields: list[PredictedFieldOut] = Field(
        description="the draft's likely fields (up to 3), best first")
    suggested_keywords: list[str] = Field(
        description="technical terms of the listings near the draft that it does not use yet "
                    "(up to 8; none when the draft is too vague)")
    vague: bool = Field(description="the text is too vague to match well")
    hint_zh: str | None = Field(description="what to add when vague, else null")
    hint_en: str | None


class FeedbackIn(Schema):
    source_kind: ListingKind
    source_id: int = Field(ge=1)
    target_id: int = Field(ge=1, description="the matched listing (of the other kind)")
    useful: bool
    comment: Annotated[str, FreeText(max_length=1000, multiline=True)] | None = None


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
