"""Language detection and tokenisation for the lexical channel.

Chinese runs are segmented by jieba into words and, optionally, also into
overlapping character bigrams (robust to segmentation differences between a
short query and a long abstract); Latin runs are lowercased words with a light
plural stemmer. Stopwords are applied to both sides; `query_stopwords` only to
queries (generic patent/paper phrasing such as 一种, 方法, 装置).
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from matching.types import Lang

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"([{_CJK}]+)|([a-z0-9]+)")
_CJK_RE = re.compile(rf"[{_CJK}]")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


EN_STOPWORDS = _wordset(
    """a an the of and or for to in on at by with from as into onto via is are was were be been being
    this that these those it its their there which who whom whose what when where how than then
    such can could may might will would shall should must not no nor but if so also any all each
    other both either we our you your they them he she his her i me my us do does did done
    about above after before between during through over under up down out off again further"""
)
# Function words and particles that carry no topical meaning.
ZH_STOPWORDS = _wordset(
    """的 了 和 与 及 及其 或 在 对 中 是 等 为 以 其 之 于 由 从 并 并且 而 且 将 把 被
    该 这 这些 那 那些 一个 一些 个 种 我们 本文 通过 进行 具有 可以 能够 一种 以及 其中
    所述 用于 基于 关于 针对 有关 之间"""
)
# Generic phrasing of titles and requests: informative in a document body, noise in a short
# query (almost every patent title starts with 一种 and ends with 方法 or 装置).
ZH_QUERY_STOPWORDS = _wordset(
    """方法 装置 系统 设备 研究 分析 探讨 探索 应用 技术 制备 制作 影响 及其 一种 新型
    相关 实现 问题 进展 综述 策略 对策 思考 作用 效果 现状 发展"""
)
EN_QUERY_STOPWORDS = _wordset(
    """system systems method methods technology technologies development novel new innovative advanced
    approach approaches based"""
)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


# Where a told story breaks into clauses: sentence ends and commas, Chinese and Western. Not
# semicolons: they separate the items of a keyword list ("平方和优化；大角度机动"), which is
# not a story.
_CLAUSE_RE = re.compile(r"[。！？!?\n]+|[，,、]\s*|(?<=[a-z0-9)])[.](?:\s+|$)", re.IGNORECASE)


def clauses(text: str, min_chars: int = 4) -> list[str]:
    """The clauses of `text` with at least `min_chars` characters, in order."""
    return [c for c in (part.strip() for part in _CLAUSE_RE.split(text)) if len(c) >= min_chars]


def detect_lang(text: str) -> Lang:
    """zh when the text has at least as many CJK characters as Latin words, else en."""
    cjk = len(_CJK_RE.findall(text))
    if cjk == 0:
        return "en"
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    return "zh" if cjk >= latin_words else "en"


def _stem(word: str) -> str:
    """A conservative English plural stemmer (sensors -> sensor, batteries -> battery)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "us", "ss", "is")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


class _Jieba:
    """jieba loads its dictionary on first use (about a second); do it once, thread-safely.

    This is jieba's process-wide default tokenizer, the one a host application (the backend's
    keyword search) uses too, so a process holds the dictionary once."""

    _lock = threading.Lock()
    _tok: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._tok is None:
            with cls._lock:
                if cls._tok is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    jieba.dt.initialize()
                    cls._tok = jieba.dt
        return cls._tok


@dataclass(frozen=True, slots=True)
class TokenizerConfig:
    zh_words: bool = True
    zh_bigrams: bool = True
    zh_search_mode: bool = False
    stopwords: bool = True
    query_stopwords: bool = True  # Chinese generic title words (一种, 方法, 装置...) dropped from queries
    en_query_stopwords: bool = False  # the English counterpart; measured slightly harmful on sbir-title
    stem: bool = True
    # Prefix bigrams ("#促进") so they count apart from the jieba word of the same two characters.
    bigram_prefix: str = "#"
    # Single CJK characters (morphemes: 焊 in 焊接/焊缝/焊渣) as extra tokens.
    zh_chars: bool = False
    char_prefix: str = "@"


class Tokenizer:
    def __init__(self, config: TokenizerConfig | None = None) -> None:
        self.config = config or TokenizerConfig()

    def tokens(self, text: str, *, query: bool = False) -> list[str]:
        """All index tokens of a text: words, plus CJK bigrams when configured."""
        return self._tokens(text, query=query, bigrams=self.config.zh_bigrams)

    def words(self, text: str, *, query: bool = False) -> list[str]:
        """Words only (no bigrams), for explanations."""
        return self._tokens(text, query=query, bigrams=False)

    def _tokens(self, text: str, *, query: bool, bigrams: bool) -> list[str]:
        cfg = self.config
        out: list[str] = []
        stop_en = EN_STOPWORDS if cfg.stopwords else frozenset()
        stop_zh = ZH_STOPWORDS if cfg.stopwords else frozenset()
        if query and cfg.query_stopwords:
            stop_zh = stop_zh | ZH_QUERY_STOPWORDS
        if query and cfg.en_query_stopwords:
            stop_en = stop_en | EN_QUERY_STOPWORDS
        for match in _RUN_RE.finditer(normalise(text)):
            cjk, latin = match.group(1), match.group(2)
            if latin:
                if latin not in stop_en:
                    out.append(_stem(latin) if cfg.stem else latin)
                continue
            words = list(_Jieba.get().cut_for_search(cjk) if cfg.zh_search_mode else _Jieba.get().cut(cjk))
            if cfg.zh_search_mode:
                segments = ["".join(w for w in _Jieba.get().cut(cjk) if w not in stop_zh)]
            else:
                # Runs of consecutive non-stopwords: bigrams and characters never span a stopword.
                segments, current = [], ""
                for w in words:
                    if w in stop_zh:
                        segments.append(current)
                        current = ""
                    else:
                        current += w
                segments.append(current)
            if cfg.zh_words or not bigrams:
                out.extend(w for w in words if w not in stop_zh and (len(w) > 1 or not bigrams))
            if bigrams:
                for seg in segments:
                    out.extend(cfg.bigram_prefix + seg[i : i + 2] for i in range(len(seg) - 1))
                    if len(seg) == 1 and not cfg.zh_chars:
                        out.append(seg)
            if cfg.zh_chars and bigrams:
                out.extend(cfg.char_prefix + c for seg in segments for c in seg)
        return out
