"""The investor feed: the published requests an investor may see that fit its mandate, ranked.

Fit is a hard filter (a request outside the mandate never shows): the request's field is one
of the mandate's fields or under one of them; its TRL range (current → target) overlaps the
mandate's; its amount is within the ticket range; its region starts with one of the mandate's
regions, when the mandate names any; its instrument is one the mandate offers, when it names
any.

Ranking: 0.6 × text similarity + 0.4 × fit. Similarity is the cosine of the request's text
(title, summary, use of funds) and the mandate's (description and field names) under the
matcher's hashed character n-gram encoder (`matching.encoders.HashEncoder`, the `hash`
profile): it needs no model, no index and no worker, is deterministic, reads Chinese and
English alike, and a feed is at most a few hundred requests encoded per call. The full
matcher (FAISS and BM25 over every listing, rebuilt by workers) is made for tens of thousands
of listings against each other; once requests are that many, index them there. Fit rewards a
field named exactly (over a parent field), a TRL range inside the mandate's, and an amount
near the middle of the ticket range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from backend.capital.models import FinancingRequest, Mandate
from matching.encoders import HashEncoder

SIMILARITY_WEIGHT = 0.6
FIT_WEIGHT = 0.4
_ENCODER = HashEncoder(dim=512)


@dataclass(frozen=True)
class Fit:
    fits: bool
    score: float
    reasons: tuple[str, ...]


def fit(request: FinancingRequest, mandate: Mandate, parents: dict[int, int | None]) -> Fit:
    """Whether `request` is inside `mandate`, and how well (0–1), with the reasons."""
    fields = set(mandate.field_ids)
    exact = request.field_id in fields
    under = parents.get(request.field_id) in fields
    if not (exact or under):
        return Fit(False, 0.0, ("领域不符 field outside the mandate",))
    low, high = max(request.trl_current, mandate.trl_min), min(request.trl_target,
                                                               mandate.trl_max)
    if low > high:
        return Fit(False, 0.0, ("技术成熟度不符 TRL outside the mandate",))
    if not mandate.ticket_min <= request.amount <= mandate.ticket_max:
        return Fit(False, 0.0, ("金额不符 amount outside the ticket range",))
    if mandate.regions and not any(request.region.startswith(r) for r in mandate.regions):
        return Fit(False, 0.0, ("地区不符 region outside the mandate",))
    if mandate.instruments and str(request.instrument) not in mandate.instruments:
        return Fit(False, 0.0, ("融资方式不符 instrument not offered",))
    span = request.trl_target - request.trl_current + 1
    trl_share = (high - low + 1) / span
    width = mandate.ticket_max - mandate.ticket_min
    if width == 0:
        centrality = 1.0
    else:
        middle = (mandate.ticket_min + mandate.ticket_max) / 2
        centrality = float(1 - abs(request.amount - middle) / (width / Decimal(2)))
    score = 0.4 * (1.0 if exact else 0.6) + 0.4 * trl_share + 0.2 * max(centrality, 0.0)
    reasons = ["领域相符 field in the mandate" if exact else "属于偏好领域 under a mandate field",
               f"技术成熟度 TRL {request.trl_current}–{request.trl_target} "
               f"({mandate.trl_min}–{mandate.trl_max})",
               "金额在单笔投资范围内 amount within the ticket range"]
    if mandate.regions:
        reasons.append("地区相符 region in the mandate")
    return Fit(True, round(score, 4), tuple(reasons))


@dataclass(frozen=True)
class Ranked:
    request: FinancingRequest
    score: float
    similarity: float
    fit: float
    reasons: tuple[str, ...]


def mandate_text(mandate: Mandate, field_names: Sequence[str]) -> str:
    return " ".join([mandate.description, *field_names])


def request_text(request: FinancingRequest) -> str:
    return " ".join([request.title, request.summary, request.use_of_funds])


def rank(requests: Sequence[FinancingRequest], mandate: Mandate, field_names: Sequence[str],
         parents: dict[int, int | None]) -> list[Ranked]:
    """The requests that fit, best first (ties: the newest first)."""
    fitting = [(r, f) for r in requests if (f := fit(r, mandate, parents)).fits]
    if not fitting:
        return []
    vectors = _ENCODER.encode([mandate_text(mandate, field_names)]
                              + [request_text(r) for r, _ in fitting])
    similarities = np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)
    ranked = [Ranked(r, round(SIMILARITY_WEIGHT * float(s) + FIT_WEIGHT * f.score, 4),
                     round(float(s), 4), f.score, f.reasons)
              for (r, f), s in zip(fitting, similarities, strict=True)]
    return sorted(ranked, key=lambda x: (-x.score, -x.request.id))
