"""Matcher configuration and the shipped defaults.

Fusion is a weighted sum of per-channel scores on comparable scales: BM25 divided by
the query's self-score (the score a document identical to the query would get, so
roughly 0..1) and raw cosine similarity for the dense channels. Weights depend on the
query language. The shipped weights were chosen on the dev splits of the bench sets
(README, "Matching"): Chinese queries use BM25 + USE, English queries BM25 + MiniLM;
adding the third encoder did not help on either language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from matching.fusion import FieldParams, GateParams, QueryFeatures, gated_weights, lexical_weight
from matching.lexical import BM25Params
from matching.text import TokenizerConfig
from matching.types import Lang
from matching.vector import VectorParams

LEXICAL = "bm25"
FEEDBACK = "feedback"  # the result part added by pseudo-relevance feedback

ChannelWeights = Mapping[str, float]


def _weights(zh: dict[str, float], en: dict[str, float]) -> Mapping[Lang, ChannelWeights]:
    return MappingProxyType({"zh": MappingProxyType(zh), "en": MappingProxyType(en)})


@dataclass(frozen=True, slots=True)
class FeedbackParams:
    """Score-weighted pseudo-relevance feedback on the lexical channel (RM3-like).

    After the first fusion, the top `docs` candidates vote for expansion terms: each with
    weight softmax((score - best score) / `temperature`), each term by its share of the
    document's tokens times its idf. The `terms` strongest terms form a weighted BM25 query
    whose scores, divided by their maximum, are added with `weight` (result part "feedback").
    The low temperature matters: when one candidate stands clearly above the rest (a title
    matching its own abstract) it alone votes and the ranking barely moves; when the top is
    flat (many similar listings, as for "patents of the same class") the neighbours vote
    together and the query is broadened to their shared vocabulary.
    """

    docs: int = 10
    temperature: float = 0.02
    terms: int = 30
    weight: float = 0.3


@dataclass(frozen=True, slots=True)
class MatcherConfig:
    encoders: tuple[str, ...] = ("use", "minilm")
    weights: Mapping[Lang, ChannelWeights] = field(
        default_factory=lambda: _weights({LEXICAL: 0.6, "use": 0.4}, {LEXICAL: 0.6, "minilm": 0.4})
    )
    tokenizer: TokenizerConfig = field(
        default_factory=lambda: TokenizerConfig(
            zh_words=True, zh_bigrams=True, bigram_prefix="", zh_chars=True
        )
    )
    bm25: BM25Params = field(default_factory=BM25Params)
    vector: VectorParams = field(default_factory=VectorParams)
    # per language; None: no feedback. Measured on dev: +0.008 nDCG@10 on patent-ipc for -0.001
    # MRR@10 on csl-title (zh); -0.003 nDCG@10 on sbir-title (en), so English goes without.
    feedback: Mapping[Lang, FeedbackParams | None] = field(
        default_factory=lambda: MappingProxyType({"zh": FeedbackParams(), "en": None})
    )
    candidates: int = 100  # per channel, before fusion
    # per language; None (or a language missing): the fixed `weights`. With a gate the lexical
    # weight depends on the query (`matching.fusion`) and the dense channels share the rest
    # in the proportions of `weights`.
    gate: Mapping[Lang, GateParams] | None = None
    fields: FieldParams = field(default_factory=FieldParams)
    region_boost: float = 0.03
    shared_terms: int = 5

    @property
    def field_boost(self) -> float:
        return self.fields.given

    def channel_weights(self, lang: Lang) -> dict[str, float]:
        """The channels a query in `lang` uses, with their nominal weights."""
        return {ch: w for ch, w in self.weights[lang].items() if w > 0}

    def gate_for(self, lang: Lang) -> GateParams | None:
        return None if self.gate is None else self.gate.get(lang)

    def query_weights(self, lang: Lang, features: QueryFeatures | None) -> dict[str, float]:
        """The weights for one query: the gate's when there is one for `lang` (and the query's
        features are known), else the fixed ones."""
        base = self.channel_weights(lang)
        gate = self.gate_for(lang)
        if gate is None or features is None or LEXICAL not in base:
            return base
        return gated_weights(base, LEXICAL, lexical_weight(features, gate))

    def feedback_for(self, lang: Lang) -> FeedbackParams | None:
        params = self.feedback.get(lang)
        return params if params is not None and params.weight > 0 and params.docs > 0 else None

    def validate(self) -> None:
        for lang in ("zh", "en"):
            if lang not in self.weights:
                raise ValueError(f"no fusion weights for {lang!r}")
            for channel in self.weights[lang]:
                if channel != LEXICAL and channel not in self.encoders:
                    raise ValueError(f"weight for channel {channel!r}, which is not among the encoders")


NO_FEEDBACK: Mapping[Lang, FeedbackParams | None] = MappingProxyType({"zh": None, "en": None})


def config_for(profile: str) -> MatcherConfig:
    """Named configurations: ``default`` (the shipped hybrid: BM25 + USE for zh, BM25 + MiniLM
    for en), ``use`` or ``minilm`` (BM25 + that encoder for both languages), ``hash`` (BM25 +
    the hash encoder: tests and machines without the models), ``bm25`` (lexical only)."""
    if profile == "default":
        return MatcherConfig()
    if profile in ("use", "minilm", "e5", "hash"):
        both = {LEXICAL: 0.6, profile: 0.4}
        return MatcherConfig(
            encoders=(profile,), weights=_weights(dict(both), dict(both)), feedback=NO_FEEDBACK
        )
    if profile == "bm25":
        return MatcherConfig(
            encoders=(), weights=_weights({LEXICAL: 1.0}, {LEXICAL: 1.0}), feedback=NO_FEEDBACK
        )
    raise ValueError(f"unknown matcher profile {profile!r}; choose default, use, minilm, hash or bm25")
