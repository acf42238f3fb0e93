"""Reasons a layperson understands, for the matches shown (`matching.phrases`).

For each match shown (at most `EXPLAIN_ITEMS` a list), the demand's phrases are paired with
the achievement's technical terms by embedding — whichever side asked: the demand is the
stored or draft source, or the matched listing as the viewer sees it. The pairs replace the
matcher's shared-terms reason; when there are none (no encoder in the `bm25` profile, or no
pair above the similarity floor), the shared terms are kept, but only content words: never a
stop-word or generic verb, and, over a corpus of at least `MIN_DOCS_FOR_IDF` listings, never a
word with an idf below `phrases.IDF_FLOOR` (one in about a third of the listings).

The encoder is the matcher's own for the demand's language (USE for Chinese, MiniLM for
English in the shipped profile), behind an in-memory cache per encoder
(`phrases.PhraseEncoder`): a listing's terms are encoded once per process, and the
matcher's on-disk embedding cache serves them across processes.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matching import CachedEncoder, Matcher, Reason, ReasonCode, detect_lang
from matching.calibration import phrase_floor
from matching.config import LEXICAL
from matching.phrases import (
    PhraseEncoder,
    correspondences,
    demand_phrases,
    is_content,
    technical_terms,
)

EXPLAIN_ITEMS = 10  # matches per list explained by phrase pairs (the others: shared terms)
MIN_DOCS_FOR_IDF = 50  # below, idf says little: only the word lists filter shared terms
PREDICTED_AT = 0.5  # a predicted field this likely makes a `predicted_field` reason
PHRASE_CHANNEL = "use"

_encoders: dict[int, PhraseEncoder] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Side:
    """A listing's words, as the viewer may see them."""

    title: str
    text: str
    keywords: tuple[str, ...] = ()

    @property
    def full(self) -> str:
        return "\n".join(p for p in (self.title, self.text, " ".join(self.keywords)) if p)


def side(title: str, text: str, keywords: str | Sequence[str] = ()) -> Side:
    words = keywords.split(",") if isinstance(keywords, str) else keywords
    return Side(title, text, tuple(k for k in words if k))


@functools.lru_cache(maxsize=4096)
def _phrases(text: str) -> tuple[str, ...]:
    return tuple(demand_phrases(text))


def _demand_words(demand: Side) -> list[str]:
    """What explaining a demand encodes of it: its phrases and its whole text."""
    return [*_phrases(demand.full), demand.full]


@functools.lru_cache(maxsize=4096)
def _terms(achievement: Side) -> tuple[str, ...]:
    return tuple(technical_terms(achievement.title, achievement.text, achievement.keywords))


def forget() -> None:
    """Drop what this process keeps in memory of phrases, terms and their vectors (a benchmark
    starting as a fresh API process would)."""
    with _lock:
        _encoders.clear()
    _phrases.cache_clear()
    _terms.cache_clear()


class Explainer:
    """Rewrites one corpus's match reasons (that corpus's `matcher` made them)."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def _phrase_encoder(self, text: str) -> PhraseEncoder | None:
        """USE when the matcher has it (multilingual and the cheapest real model: a list's
        phrases and terms encode in one batch in tens of milliseconds), else the matcher's
        main encoder for the text's language."""
        encoders = self.matcher.config.encoders
        weights = self.matcher.config.channel_weights(detect_lang(text))
        channels = [ch for ch in weights if ch != LEXICAL and ch in encoders]
        if PHRASE_CHANNEL in encoders:
            channels = [PHRASE_CHANNEL]
        if not channels:
            return None
        channel = max(channels, key=lambda ch: weights.get(ch, 0.0))
        encoder = self.matcher.encoder(channel)
        with _lock:
            found = _encoders.get(id(encoder))
            if found is None or found.encoder is not encoder:
                found = _encoders[id(encoder)] = PhraseEncoder(encoder, floor=phrase_floor(channel))
        return found

    def content(self, term: str) -> bool:
        idf = self.matcher.lexical.idf(term) if len(self.matcher) >= MIN_DOCS_FOR_IDF else None
        return is_content(term, idf)

    def _by_encoder(self, wanted: Iterable[tuple[str, Sequence[str]]]
                    ) -> list[tuple[PhraseEncoder, list[str]]]:
        """`wanted`'s texts, each once, grouped by the phrase encoder for the demand text
        beside them (`wanted`: (demand text, texts to encode))."""
        batches: dict[int, tuple[PhraseEncoder, list[str]]] = {}
        for demand_text, texts in wanted:
            encoder = self._phrase_encoder(demand_text)
            if encoder is not None:
                batches.setdefault(id(encoder), (encoder, []))[1].extend(texts)
        return [(encoder, list(dict.fromkeys(texts))) for encoder, texts in batches.values()]

    def prime(self, pairs: Sequence[tuple[Side, Side]]) -> None:
        """Encode the phrases and terms of these (demand, achievement) pairs in one batch
        (what is cached already is not encoded again), before `rewrite` explains each."""
        for encoder, texts in self._by_encoder((demand.full, [*_demand_words(demand),
                                                             *_terms(achievement)])
                                               for demand, achievement in pairs):
            encoder.encode(texts)

    def prime_listings(self, kind: str, sides: Sequence[Side], batch_size: int = 256) -> int:
        """Encode what explaining these listings of `kind` will take (a demand's phrases and
        whole text, an achievement's technical terms) into the phrase encoder's on-disk cache:
        the worker does it for each listing it indexes, so the reasons of a match list encode
        nothing on the request. Returns the texts sent (cached or not)."""
        sent = 0
        for encoder, texts in self._by_encoder(
                (side.full, _demand_words(side) if kind == "demand" else _terms(side))
                for side in sides):
            if not isinstance(encoder.encoder, CachedEncoder):
                continue  # no cache to fill
            for start in range(0, len(texts), batch_size):
                encoder.encoder.encode(texts[start:start + batch_size])
            sent += len(texts)
        return sent

    def rewrite(self, reasons: Sequence[Reason], demand: Side, achievement: Side,
                phrases: bool = True) -> tuple[Reason, ...]:
        """`reasons` with the phrase pairs of `demand` and `achievement` (when `phrases`) in
        place of shared terms, and shared terms cut to content words."""
        pairs = []
        encoder = self._phrase_encoder(demand.full) if phrases else None
        if encoder is not None:
            pairs = correspondences(encoder, _phrases(demand.full), _terms(achievement),
                                    demand=demand.full)
        out: list[Reason] = []
        if pairs:
            out.append(Reason(ReasonCode.PHRASES, {"phrases": tuple(p.phrase for p in pairs),
                                                   "terms": tuple(p.term for p in pairs)}))
        for r in reasons:
            if r.code != ReasonCode.SHARED_TERMS:
                out.append(r)
            elif not pairs:
                raw = r.params.get("terms", ())
                given = raw if isinstance(raw, tuple) else (str(raw),)
                terms = tuple(t for t in given if self.content(t))
                if terms:
                    out.append(Reason(ReasonCode.SHARED_TERMS, {"terms": terms}))
        return tuple(out)


def predicted_field(predicted: dict[str, float] | None, field: str) -> Reason | None:
    """The `predicted_field` reason when the draft's most likely field is the match's."""
    if not predicted:
        return None
    code, probability = max(predicted.items(), key=lambda kv: kv[1])
    if code != field or probability < PREDICTED_AT:
        return None
    return Reason(ReasonCode.PREDICTED_FIELD, {"field": code, "probability": round(probability, 2)})
