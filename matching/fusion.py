"""Query-adaptive fusion and the field as a soft hint (pure functions, numpy only).

**The lexical gate.** How much the lexical channel counts depends on the query. A technical
query ("锂电池隔膜 湿法工艺") shares its rare words with the listings that answer it: its best
BM25 match scores a large part of what a document made of the query itself would score
(`top`, the best BM25 score divided by the query's self-score). A plain-language demand
("塑料盖子放一晚上就翘起来") shares only everyday words with the technical texts: its best
match scores a small part of that, many of its tokens (everyday words, their bigrams) do not
occur in the corpus at all (`found`, the share of its tokens the corpus knows) and those that
do are common (`rarity`, the mean idf of the found tokens over the corpus's largest idf).
The lexical weight is

    w_lex = ceiling · sigmoid(bias + top_slope · top + rarity_slope · rarity + found_slope · found)

and the dense channels share 1 − w_lex in their configured proportions. The few parameters
were fitted on the dev splits of every bench task at once (`scripts/fit_matching.py`);
nothing is set per task.

**Fields as hints.** A firm's field is its industry, not necessarily the answer's. The
given field adds a small boost (`FieldParams.given`) to listings of that field; the field
the text itself points to is predicted from the first ranking: the `docs` best candidates
vote for their fields with weight exp((score − best) / temperature), and a listing gains
`predicted` × the share of its field. Neither is a filter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.text import clauses

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class GateParams:
    """w_lex = ceiling · sigmoid(bias + top_slope · top + rarity_slope · rarity
    + found_slope · found)."""

    bias: float = 0.0
    top_slope: float = 0.0
    rarity_slope: float = 0.0
    ceiling: float = 1.0
    found_slope: float = 0.0


@dataclass(frozen=True, slots=True)
class QueryFeatures:
    """What the gate looks at: `top` = best normalised BM25 score (0 .. ~1), `rarity` = mean
    idf of the query tokens found in the corpus over the corpus's largest idf (0 .. 1),
    `found` = share of the query's tokens the corpus knows."""

    top: float
    rarity: float
    found: float

    @staticmethod
    def of(lex_normalised: FloatArray | None, token_idfs: Sequence[float], max_idf: float,
           n_tokens: int) -> QueryFeatures:
        top = float(lex_normalised.max()) if lex_normalised is not None and len(lex_normalised) else 0.0
        known = [i for i in token_idfs if i > 0]
        rarity = (sum(known) / len(known) / max_idf) if known and max_idf > 0 else 0.0
        found = len(known) / n_tokens if n_tokens else 0.0
        return QueryFeatures(round(top, 6), round(min(rarity, 1.0), 6), round(found, 6))


def lexical_weight(features: QueryFeatures, gate: GateParams) -> float:
    z = (gate.bias + gate.top_slope * features.top + gate.rarity_slope * features.rarity
         + gate.found_slope * features.found)
    return gate.ceiling / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def gated_weights(base: Mapping[str, float], lexical: str, w_lex: float) -> dict[str, float]:
    """The dense channels of `base` sharing 1 − `w_lex` in their proportions, and `lexical` at
    `w_lex` (if `base` has it). Without dense channels the lexical one keeps weight 1."""
    dense = {ch: w for ch, w in base.items() if ch != lexical and w > 0}
    total = sum(dense.values())
    if lexical not in base:
        return {ch: w / total for ch, w in dense.items()} if total > 0 else {}
    if total <= 0:
        return {lexical: 1.0}
    out = {lexical: w_lex}
    out.update({ch: (1.0 - w_lex) * w / total for ch, w in dense.items()})
    return out


@dataclass(frozen=True, slots=True)
class DenseFeedback:
    """Pseudo-relevance feedback on one dense channel (Rocchio): the query vector moves towards
    the channel's own `docs` nearest listings, each weighted exp((cos − best) / `temperature`),
    by `weight`, before candidates are retrieved and scored. A plain-language demand's nearest
    technical listings carry the vocabulary it lacks (measured on dev: README, "Matching")."""

    docs: int = 3
    temperature: float = 0.01
    weight: float = 0.6


def rocchio(query: FloatArray, neighbours: FloatArray, sims: FloatArray, params: DenseFeedback) -> FloatArray:
    """The query vector moved towards its nearest listings (`neighbours`, rows, with their
    cosines `sims`, best first), unit norm."""
    if not len(neighbours) or params.weight <= 0:
        return query
    w = np.exp((sims.astype(np.float64) - float(sims.max())) / max(params.temperature, 1e-6))
    w /= w.sum()
    moved = query.astype(np.float64) + params.weight * (w @ neighbours.astype(np.float64))
    norm = float(np.linalg.norm(moved))
    out: FloatArray = (moved / norm if norm > 0 else moved).astype(np.float32)
    return out


@dataclass(frozen=True, slots=True)
class ClauseViews:
    """A demand told as a story ("我们是做精密外协件的小厂，早上干出来的活儿都没毛病，一到下午就
    慢慢跑偏……") is encoded whole and clause by clause: its vector is the whole's plus `weight`
    times the mean of its clauses' vectors, unit norm. One clause that names the symptom weighs
    as much on its own as the story around it, which the whole's single vector dilutes.
    Only a query told in sentences (one at least ends with 。！？.!?), of at least
    `min_clauses` clauses and `min_chars` characters, is a story: titles, keyword lists and
    short technical queries keep their one vector. At most `max_clauses` clauses are encoded
    (the first ones)."""

    weight: float = 1.5
    min_clauses: int = 3
    min_chars: int = 50
    max_clauses: int = 12


_SENTENCE_END = re.compile(r"[。！？!?]|[a-z0-9)][.](\s|$)", re.IGNORECASE)


def story_clauses(text: str, params: ClauseViews) -> list[str]:
    """The clauses `text` is encoded by besides itself; none when it is not a story."""
    if len(text) < params.min_chars or params.weight <= 0 or not _SENTENCE_END.search(text):
        return []
    parts = clauses(text)
    return parts[: params.max_clauses] if len(parts) >= params.min_clauses else []


def with_clauses(whole: FloatArray, clause_vectors: FloatArray, params: ClauseViews) -> FloatArray:
    """The whole's vector plus `weight` × the mean of the clauses' (rows), unit norm."""
    if not len(clause_vectors):
        return whole
    moved = whole.astype(np.float64) + params.weight * clause_vectors.astype(np.float64).mean(axis=0)
    norm = float(np.linalg.norm(moved))
    out: FloatArray = (moved / norm if norm > 0 else moved).astype(np.float32)
    return out


@dataclass(frozen=True, slots=True)
class FieldParams:
    """Soft field boosts: `given` for a listing in the query's stated field; `predicted` times
    the predicted probability of the listing's field (voted by the first ranking's `docs` best
    candidates, vote exp((score − best) / `temperature`))."""

    given: float = 0.05
    predicted: float = 0.0
    docs: int = 20
    temperature: float = 0.05


def field_votes(scores: FloatArray, fields: Sequence[str | None], docs: int,
                temperature: float) -> dict[str, float]:
    """Field → probability, from the `docs` best of `scores` (fields aligned with them);
    listings without a field do not vote. Empty when none votes."""
    if not len(scores) or docs <= 0:
        return {}
    n = min(docs, len(scores))
    top = np.argsort(-scores, kind="stable")[:n]
    best = float(scores[top[0]])
    weight: dict[str, float] = {}
    for j in top.tolist():
        code = fields[j]
        if code:
            vote = math.exp((float(scores[j]) - best) / max(temperature, 1e-6))
            weight[code] = weight.get(code, 0.0) + vote
    total = sum(weight.values())
    if total <= 0:
        return {}
    return {code: w / total for code, w in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))}


def field_boost(fields: Sequence[str | None], given: str | None, predicted: Mapping[str, float],
                params: FieldParams) -> FloatArray:
    """Each listing's boost for its field `fields[j]`."""
    out = np.zeros(len(fields), dtype=np.float32)
    for j, code in enumerate(fields):
        if not code:
            continue
        if given is not None and code == given:
            out[j] += params.given
        if params.predicted:
            out[j] += params.predicted * predicted.get(code, 0.0)
    return out
