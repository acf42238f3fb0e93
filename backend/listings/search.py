"""Keyword search that works for Chinese: jieba segmentation on both sides, LIKE per term.

Each listing keeps `search_text`: its lower-cased title, text and keywords segmented with
jieba's search mode (which emits a compound word and the dictionary words inside it) and
joined by spaces. A query is segmented the same way and every term must occur in
`search_text`. The dictionary alone decides the segmentation (no HMM guessing of new
words), so the same phrase is cut the same way in a query and in a listing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba
from sqlalchemy import ColumnElement, and_, true
from sqlalchemy.orm import InstrumentedAttribute

MAX_QUERY_TERMS = 12
# Words so common in listings that requiring them narrows nothing.
STOP_WORDS = frozenset({"的", "了", "和", "与", "及", "或", "在", "对", "等", "用", "中", "为", "是",
                        "有", "个", "一种", "我们", "我司", "需要", "寻求"})
_WORD = re.compile(r"[0-9a-z\u3400-\u9fff]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    # The process-wide default tokenizer, so the dictionary is loaded once for every user.
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt


def tokens(text: str) -> list[str]:
    """Search-mode jieba tokens of `text`, lower-cased, without spaces and punctuation."""
    plain = text.lower()
    words = [w.strip() for w in _tokenizer().cut_for_search(plain, HMM=False)]
    words += _LATIN.findall(plain)
    return [w for w in dict.fromkeys(words) if w and _WORD.search(w)]


def search_text(*parts: str | Iterable[str]) -> str:
    """The `search_text` column for a listing built from its title, text and keywords."""
    pieces: list[str] = []
    for part in parts:
        pieces.extend([part] if isinstance(part, str) else part)
    return " ".join(tokens(" ".join(pieces)))


def query_terms(query: str) -> list[str]:
    """The terms a query requires: its search-mode tokens minus stop words, at most 12."""
    return list(_query_terms(query))


@lru_cache(maxsize=4096)
def _query_terms(query: str) -> tuple[str, ...]:
    # Segmenting is pure-Python work, and people search for the same few words again and again.
    return tuple([t for t in tokens(query) if t not in STOP_WORDS][:MAX_QUERY_TERMS])


def keyword_clause(column: InstrumentedAttribute[str], query: str | None) -> ColumnElement[bool]:
    """Every query term must appear in the listing's search text."""
    terms = query_terms(query or "")
    if not terms:
        return true()
    return and_(*(column.contains(term, autoescape=True) for term in terms))
