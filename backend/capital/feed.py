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

Proof of concept (the experts domain's reviews of achievements), when present: the TRL the
panel found replaces the declared current TRL in the fit (evidence over a declaration: a
request can leave, or enter, a mandate by it), and a passed review (通过概念验证) is a ranking
feature: it closes POC_LIFT of the gap between the score and 1, so it lifts a reviewed request
over an equal unreviewed one without ever lifting a poor fit over a good one by much.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from backend.capital.models import FinancingRequest, Mandate
from backend.listings.lookup import PocResult
from matching.encoders import HashEncoder

SIMILARITY_WEIGHT = 0.6
FIT_WEIGHT = 0.4
POC_LIFT = 0.15
_ENCODER = HashEncoder(dim=512)


@dataclass(frozen=True)
class Fit:
    fits: bool
    score: float
    reasons: tuple[str, ...]


def trl_range(request: FinancingRequest, poc: PocResult | None = None) -> tuple[int, int]:
    """The request's TRL range, from the reviewed TRL when a review found one."""
    if poc is None or poc.reviewed_trl is None:
        return request.trl_current, request.trl_target
    return poc.reviewed_trl, max(poc.reviewed_trl, request.trl_target)


def fit(request: FinancingRequest, mandate: Mandate, parents: dict[int, int | None],
        poc: PocResult | None = None) -> Fit:
    """Whether `request` is inside `mandate`, and how well (0–1), with the reasons."""
    trl_current, trl_target = trl_range(request, poc)
    fields = set(mandate.field_ids)
    exact = request.field_id in fields
    under = parents.get(request.field_id) in fields
    if not (exact or under):
        return Fit(False, 0.0, ("领域不符 field outside the mandate",))
    low, high = max(trl_current, mandate.trl_min), min(trl_target, mandate.trl_max)
    if low > high:
        return Fit(False, 0.0, ("技术成熟度不符 TRL outside the mandate",))
    if not mandate.ticket_min <= request.amount <= mandate.ticket_max:
        return Fit(False, 0.0, ("金额不符 amount outside the ticket range",))
    if mandate.regions and not any(request.region.startswith(r) for r in mandate.regions):
        return Fit(False, 0.0, ("地区不符 region outside the mandate",))
    if mandate.instruments and str(request.instrument) not in mandate.instruments:
        return Fit(False, 0.0, ("融资方式不符 instrument not offered",))
    span = trl_target - trl_current + 1
    trl_share = (high - low + 1) / span
    width = mandate.ticket_max - mandate.ticket_min
    if width == 0:
        centrality = 1.0
    else:
        middle = (mandate.ticket_min + mandate.ticket_max) / 2
        centrality = float(1 - abs(request.amount - middle) / (width / Decimal(2)))
    score = 0.4 * (1.0 if exact else 0.6) + 0.4 * trl_share + 0.2 * max(centrality, 0.0)
    reasons = ["领域相符 field in the mandate" if exact else "属于偏好领域 under a mandate field",
               f"技术成熟度 TRL {trl_current}–{trl_target} "
               f"({mandate.trl_min}–{mandate.trl_max})"
               + (" 经评审 reviewed" if poc is not None and poc.reviewed_trl else ""),
               "金额在单笔投资范围内 amount within the ticket range"]
    if mandate.regions:
        reasons.append("地区相符 region in the mandate")
    if poc is not None and poc.passed_on is not None:
        reasons.append("通过概念验证 passed proof of concept")
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


def lifted(score: float, poc: PocResult | None) -> float:
    """A passed proof of concept closes POC_LIFT of the gap to 1."""
    if poc is None or poc.passed_on is None:
        return score
    return score + POC_LIFT * (1.0 - score)


def rank(requests: Sequence[FinancingRequest], mandate: Mandate, field_names: Sequence[str],
         parents: dict[int, int | None], poc: dict[int, PocResult] | None = None
         ) -> list[Ranked]:
    """The requests that fit, best first (ties: the newest first). `poc`: proof-of-concept
    results by request id."""
    poc = poc or {}
    fitting = [(r, f) for r in requests
               if (f := fit(r, mandate, parents, poc.get(r.id))).fits]
    if not fitting:
        return []
    vectors = _ENCODER.encode([mandate_text(mandate, field_names)]
                              + [request_text(r) for r, _ in fitting])
    similarities = np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)
    ranked = [Ranked(r, round(lifted(SIMILARITY_WEIGHT * float(s) + FIT_WEIGHT * f.score,
                                     poc.get(r.id)), 4),
                     round(float(s), 4), f.score, f.reasons)
              for (r, f), s in zip(fitting, similarities, strict=True)]
    return sorted(ranked, key=lambda x: (-x.score, -x.request.id))
