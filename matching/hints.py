"""Drafting hints for a listing being written: its likely fields, technical terms worth adding,
and whether the text is too vague to match.

All three read the corpus the draft is matched against, through one plain search of the text
(`Matcher.search` without boosts; with the matcher's dense channels this is what finds the
technical listings behind a plain-language demand):

- `predict_fields`: the field vote of the soft field boost (`Matcher.predict_fields`,
  `matching.fusion.field_votes`): the best matches vote for their fields, each with weight
  exp((score − best) / temperature).
- `suggest_terms`: the words of those matches, weighted by each match's vote, the word's
  share of the match's tokens and its idf; only content words (`matching.phrases.is_content`:
  never a stop-word, a generic verb or noun such as 提高, 改善, 问题, 方法, improve, method, a
  number or a single character, nor a word most listings contain), only whole words (a
  Chinese bigram that is not a word is skipped), none the draft already holds, and none
  contained in a stronger one kept.
- `vagueness`: 0 (specific) .. 1 (too vague): fewer than `SPECIFIC_WORDS` distinct content
  words is vaguer the fewer there are.
"""

from __future__ import annotations

import math

import numpy as np

from matching.matcher import Matcher
from matching.phrases import is_content
from matching.text import _Jieba, detect_lang, normalise
from matching.types import Query, Result

NEIGHBOURS = 20  # matches that vote for terms
TEMPERATURE = 0.05  # score gap at which a match's vote for terms falls by e
SPECIFIC_WORDS = 6  # content words from which a text counts as specific
MIN_DOCS_FOR_IDF = 20  # below this many listings idf says little: only the word lists filter


def _neighbours(matcher: Matcher, text: str) -> list[Result]:
    return matcher.search(Query(text, top_k=NEIGHBOURS, boosts=False))


def _votes(results: list[Result]) -> list[float]:
    if not results:
        return []
    best = results[0].score
    return [math.exp((r.score - best) / TEMPERATURE) for r in results]


def predict_fields(matcher: Matcher, text: str, k: int = 3) -> list[tuple[str, float]]:
    """Field codes and probabilities, best first (at most `k`)."""
    if not text.strip() or not len(matcher):
        return []
    votes = matcher.predict_fields(text)
    return [(code, round(p, 4)) for code, p in list(votes.items())[:k]]


def _is_word(token: str, count: int) -> bool:
    """A whole word, not a bigram across two words. Latin tokens and Chinese ones of three or
    more characters are words (the tokenizer's bigrams have two); a two-character one is a
    word when jieba's dictionary knows it. Not by how often a listing holds it: a listing
    repeating "废塑料化学回收" holds the cross-word bigrams 料化 and 学回 as often as its words
    (`count` is kept for callers)."""
    if detect_lang(token) == "en" or len(token) > 2:
        return True
    return bool(_Jieba.get().FREQ.get(token, 0) > 0)


def is_term(matcher: Matcher, token: str, count: int = 2) -> bool:
    """A technical term worth suggesting: a whole content word, not too common in the corpus
    (`count`: how often a listing holds the token)."""
    idf = matcher.lexical.idf(token) if len(matcher) >= MIN_DOCS_FOR_IDF else None
    return is_content(token, idf) and _is_word(token, count)


def suggest_terms(matcher: Matcher, text: str, k: int = 8) -> list[str]:
    """Technical terms of the listings that match the text, not already in it, best first."""
    if not text.strip() or k <= 0:
        return []
    results = _neighbours(matcher, text)
    present = normalise(text)
    strength: dict[str, float] = {}
    words: set[str] = set()
    for r, vote in zip(results, _votes(results), strict=True):
        int_id = matcher._int_of.get(r.id)
        tokens = None if int_id is None else matcher.lexical.tokens_of(int_id)
        if tokens is None or not len(tokens):
            continue
        ids, counts = np.unique(tokens, return_counts=True)
        for tid, count in zip(ids.tolist(), counts.tolist(), strict=True):
            term = matcher.lexical.terms[tid]
            if term in present or not is_term(matcher, term, count):
                continue
            words.add(term)
            strength[term] = strength.get(term, 0.0) + vote * count / len(tokens)
    # a longer term counts for more: "原子层沉积" says more than "沉积"
    ranked = sorted(
        ((w * matcher.lexical.idf(t) * math.sqrt(len(t) / 2 if len(t) <= 8 else 4), t)
         for t, w in strength.items()),
        key=lambda st: (-st[0], st[1]),
    )
    kept: list[str] = []
    for _, term in ranked:
        inside = [other for other in kept if other in term]
        if inside:  # a longer term takes the place of the shorter ones it holds
            kept = [other for other in kept if other not in inside]
            kept.append(term)
        elif not any(term in other for other in kept):
            kept.append(term)
        if len(kept) == k:
            break
    return kept


def vagueness(matcher: Matcher, text: str) -> float:
    """0 specific .. 1 too vague to match."""
    words = {w for w in matcher.tokenizer.words(text, query=True) if is_content(w)}
    return round(max(0.0, 1.0 - len(words) / SPECIFIC_WORDS), 4)
