"""What a cosine means, per encoder: one scale for every encoder, so that a reason's "very
close" and a match's strength say the same thing whichever model scored the pair.

E5's cosines crowd between 0.75 and 0.95 (a low training temperature): on the
demand-achievement dev set (68 plain-language demands × 454 achievements, measured
2026-12-07) the median pair a person judged related scores 0.871 and the median unrelated
pair 0.801, so E5's raw cosine called every listing "very close". USE's and MiniLM's cosines
already spread over 0..1 and are kept as they are: the levels the UI shows (high ≥ 0.55,
medium ≥ 0.35) were set on them. E5's are mapped linearly onto that scale: the median
unrelated pair lands at 0.2 (low), the median related pair at 0.6 (high).
"""

from __future__ import annotations

from dataclasses import dataclass

UNRELATED_AT = 0.2
RELATED_AT = 0.6
HIGH_FROM = 0.55
MEDIUM_FROM = 0.35


@dataclass(frozen=True, slots=True)
class CosineReference:
    unrelated: float  # median cosine of unrelated demand–achievement pairs
    related: float  # median cosine of related pairs


# By encoder channel (the matcher's channel names).
REFERENCES: dict[str, CosineReference] = {"e5": CosineReference(unrelated=0.801, related=0.871)}

# A phrase–term pair must score above what chance gives: the 99.5th percentile of the cosines
# of unrelated pairs (the phrases of the dev demands × the terms of 60 other achievements,
# 179,100 pairs, 2026-12-07). USE: 0.405; E5 0.930 (its phrase cosines crowd even more:
# 翘起来 ~ 翘曲控制 scores 0.926, 想找个 ~ 已获得 0.918). Encoders not measured keep the old floor.
PHRASE_FLOORS: dict[str, float] = {"use": 0.405, "e5": 0.930}
DEFAULT_PHRASE_FLOOR = 0.35


def similarity(channel: str, cosine: float) -> float:
    """`cosine` of a pair on `channel`, on the common 0..1 scale."""
    ref = REFERENCES.get(channel)
    if ref is None:
        return max(0.0, min(1.0, cosine))
    scaled = UNRELATED_AT + (RELATED_AT - UNRELATED_AT) * (cosine - ref.unrelated) / (
        ref.related - ref.unrelated)
    return max(0.0, min(1.0, scaled))


def similarity_level(value: float) -> str:
    """A similarity on the common scale in words' terms: high, medium or low (the UI's
    `similarityLevel` uses the same bounds)."""
    return "high" if value >= HIGH_FROM else "medium" if value >= MEDIUM_FROM else "low"


def phrase_floor(channel: str) -> float:
    return PHRASE_FLOORS.get(channel, DEFAULT_PHRASE_FLOOR)


def relevance(sims: dict[str, float], lexical: float | None) -> float:
    """How closely a pair's texts correspond, 0..1, whatever the profile: the best of the dense
    channels' cosines on the common scale and the share of the query's BM25 self-score the
    pair reaches (what the UI's match strength shows; the ranking keeps the fused score)."""
    best = max((similarity(ch, v) for ch, v in sims.items()), default=0.0)
    if lexical is not None:
        best = max(best, min(1.0, lexical))
    return round(best, 4)
