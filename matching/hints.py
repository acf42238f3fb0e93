"""Drafting hints for a listing being written: its likely field, technical terms to add, and
whether the text is too vague to match.

STAND-IN written on h/rerank so that the preview API can be built against these three
signatures; the h/match branch owns this module and its version replaces this one at merge.
Here every hint comes from the text's nearest documents in the corpus searched (a plain
`Matcher.search`): their fields vote for the field, their rarest words are the terms.
"""

from __future__ import annotations

import math

from matching.matcher import Matcher
from matching.text import (
    EN_QUERY_STOPWORDS,
    EN_STOPWORDS,
    ZH_QUERY_STOPWORDS,
    ZH_STOPWORDS,
    _Jieba,
    detect_lang,
)
from matching.types import Query, Result

NEIGHBOURS = 20  # documents that vote
TEMPERATURE = 0.05  # score gap at which a neighbour's vote falls by e
SPECIFIC_WORDS = 6  # content words from which a text counts as specific
_STOP = EN_STOPWORDS | ZH_STOPWORDS | ZH_QUERY_STOPWORDS | EN_QUERY_STOPWORDS


def _neighbours(matcher: Matcher, text: str) -> list[Result]:
    return matcher.search(Query(text, top_k=NEIGHBOURS, boosts=False))


def _votes(results: list[Result]) -> list[float]:
    if not results:
        return []
    best = results[0].score
    return [math.exp((r.score - best) / TEMPERATURE) for r in results]


def _int_id(matcher: Matcher, listing_id: str) -> int | None:
    return matcher._int_of.get(listing_id)  # stand-in: the matcher offers no public look-up


def predict_fields(matcher: Matcher, text: str, k: int = 3) -> list[tuple[str, float]]:
    """Field codes, probabilities, best first."""
    results = _neighbours(matcher, text)
    weight: dict[str, float] = {}
    for r, vote in zip(results, _votes(results), strict=True):
        int_id = _int_id(matcher, r.id)
        field = None if int_id is None else matcher.attributes.value("field", int_id)
        if field:
            weight[field] = weight.get(field, 0.0) + vote
    total = sum(weight.values())
    if total <= 0:
        return []
    ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [(code, round(w / total, 4)) for code, w in ranked]


def _is_term(token: str) -> bool:
    """A content word: not a stop-word, a number, a prefixed bigram or character, nor (in
    Chinese) a bigram that jieba would cut in two."""
    if len(token) < 2 or token[0] in "#@" or token.isdigit() or token in _STOP:
        return False
    return detect_lang(token) == "en" or list(_Jieba.get().cut(token)) == [token]


def suggest_terms(matcher: Matcher, text: str, k: int = 8) -> list[str]:
    """Technical terms from the corpus near the text, not already in it."""
    results = _neighbours(matcher, text)
    present = text.lower()
    strength: dict[str, float] = {}
    for r, vote in zip(results, _votes(results), strict=True):
        int_id = _int_id(matcher, r.id)
        if int_id is None:
            continue
        for term in matcher.lexical.doc_terms(int_id):
            if _is_term(term) and term not in present:
                strength[term] = strength.get(term, 0.0) + vote * matcher.lexical.idf(term)
    ranked = sorted(strength.items(), key=lambda kv: (-kv[1], kv[0]))
    kept: list[str] = []
    for term, _ in ranked:
        if not any(term in other or other in term for other in kept):
            kept.append(term)
        if len(kept) == k:
            break
    return kept


def vagueness(matcher: Matcher, text: str) -> float:
    """0 specific .. 1 too vague to match: fewer than `SPECIFIC_WORDS` distinct content words
    is vaguer the fewer there are."""
    words = {w for w in matcher.tokenizer.words(text, query=True) if _is_term(w)}
    return round(max(0.0, 1.0 - len(words) / SPECIFIC_WORDS), 4)
