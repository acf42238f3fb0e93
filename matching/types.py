"""Typed inputs and outputs of the matching library.

The backend maps its listings to `Document`s and its "matches for X" requests to
`Query`s; the library answers with `Result`s that carry the score parts and
structured `Reason`s (a code plus parameters) the backend renders in zh or en.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

Lang = Literal["zh", "en"]
ParamValue = str | int | float | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """One listing (a demand or an achievement) as the matcher sees it.

    `text` is title and body joined; `lang` None means "detect from the text".
    The structured attributes are used only by filters, boosts and reasons.
    """

    id: str
    text: str
    lang: Lang | None = None
    field: str | None = None
    region: str | None = None
    modes: frozenset[str] = frozenset()
    trl: int | None = None
    price: Decimal | None = None
    status: str | None = None
    visibility: str | None = None
    poc_passed: bool = False  # an achievement that passed a proof-of-concept review


@dataclass(frozen=True, slots=True)
class Filters:
    """Hard constraints on the documents a query may return.

    Every set attribute must hold. A document with no TRL or no price (面议,
    negotiable) passes `min_trl` / `max_price` when `keep_unknown` is true,
    and is dropped when it is false. `visible_ids` restricts to a set of listing
    ids (the caller's row-level scope, pre-filtered inside the index);
    `visible` is a predicate on listing ids checked on candidates, for scopes that
    cannot be listed up front (slower: prefer `visible_ids`).
    """

    fields: frozenset[str] | None = None
    regions: frozenset[str] | None = None
    mode: str | None = None
    min_trl: int | None = None
    max_price: Decimal | None = None
    statuses: frozenset[str] | None = None
    visibilities: frozenset[str] | None = None
    visible_ids: frozenset[str] | None = None
    visible: Callable[[str], bool] | None = None
    exclude_ids: frozenset[str] = frozenset()
    keep_unknown: bool = True

    def is_empty(self) -> bool:
        return (
            self.fields is None
            and self.regions is None
            and self.mode is None
            and self.min_trl is None
            and self.max_price is None
            and self.statuses is None
            and self.visibilities is None
            and self.visible_ids is None
            and self.visible is None
            and not self.exclude_ids
        )


@dataclass(frozen=True, slots=True)
class Query:
    """A "matches for X" request.

    `field` and `region` describe the asking listing (used for boosts and
    reasons, never as hard filters: put those in `filters`). `min_trl` and
    `budget` in `filters` also produce TRL-fit and price-fit reasons.
    """

    text: str
    lang: Lang | None = None
    field: str | None = None
    region: str | None = None
    filters: Filters = dataclasses.field(default_factory=Filters)
    top_k: int = 10
    boosts: bool = True


class ReasonCode(StrEnum):
    SHARED_TERMS = "shared_terms"  # params: terms (tuple of the overlapping words, rarest first)
    SEMANTIC = "semantic"  # params: similarity (cosine, 0..1), encoder
    SAME_FIELD = "same_field"  # params: field
    SAME_REGION = "same_region"  # params: region
    TRL_FIT = "trl_fit"  # params: trl, min_trl
    PRICE_FIT = "price_fit"  # params: price, budget (decimal strings, yuan)
    # params: phrases (the demand's), terms (the achievement's), pairwise (matching.phrases)
    PHRASES = "phrases"
    PREDICTED_FIELD = "predicted_field"  # params: field, probability (no field was given)


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    params: Mapping[str, ParamValue] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Result:
    """One ranked match. `parts` maps a channel ("bm25", "use", "minilm",
    "boost") to its contribution to `score`."""

    id: str
    score: float
    parts: Mapping[str, float]
    reasons: tuple[Reason, ...] = ()
    relevance: float = 0.0  # how closely the texts correspond, 0..1 (`matching.calibration`)
