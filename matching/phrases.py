"""Why a demand and an achievement match, in words a layperson follows: which phrases of the
demand correspond to which technical terms of the achievement.

    “放一晚上就翘起来” ↔ “翘曲控制”

The demand is cut into short phrases (`demand_phrases`: clauses, trimmed of fillers, long
ones cut at word boundaries); the achievement's title, keywords and text into technical terms
(`technical_terms`: runs of content words between function words and generic verbs). Both
are encoded in one batch with the matcher's encoder, and each pair is the most similar
phrase–term pair left (`correspondences`: greedy, each phrase and term used once, above a
similarity floor).

Shared words are a fallback only, and only content words (`is_content`): never a stop-word,
a generic verb or request word (提高, 进行, 实现, 问题, 我们, 一种, 方法, improve, using,
method …), a number or a single character, and (given the corpus's idf) never a word most
listings contain.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.cache import text_key
from matching.encoders import Encoder
from matching.text import (
    EN_QUERY_STOPWORDS,
    EN_STOPWORDS,
    ZH_QUERY_STOPWORDS,
    ZH_STOPWORDS,
    _Jieba,
    normalise,
)


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no technical meaning of their own in a demand or an achievement: the
# requester's voice, generic verbs of improving and doing, vague nouns. Never a reason.
ZH_GENERIC = _wordset("""
    提高 提升 改善 改进 增加 增强 降低 减少 优化 加强 促进 保证 确保 满足 达到 实现 进行 开展 完成
    解决 处理 采用 利用 使用 应用 运用 通过 基于 结合 针对 根据 能够 可以 需要 需求 希望 寻求 想要
    问题 困难 难题 方法 方案 办法 技术 工艺 系统 装置 设备 产品 项目 研究 开发 研发 合作 服务 相关
    情况 效果 性能 质量 水平 能力 方面 过程 工作 生产 企业 公司 单位 工厂 我们 我司 我厂 本公司 客户
    目前 现在 现有 现阶段 一直 经常 总是 比较 非常 特别 一些 一个 一种 一套 各种 很多 大量 不能 无法
    没有 不够 不足 存在 出现 发现 导致 造成 影响 具有 拥有 包括 主要 其他 以及 以上 以下 左右 之间
    新型 新的 高效 先进 智能 一定 有效 有关 所述 用于 及其 其中 整个 每次 每天 时候 时间 地方 东西
    做 干 弄 搞 做出 做成 效率 成本 费用 价格 时间 速度
    一下 一点 有点 有些 什么 怎么 怎样 如何 这个 那个 这样 那样 老是 总 还是 就是 东东
    想 找 找个 想找 想找个 找到 帮 帮忙 帮我们 获得 已获得 取得 得到 看看 试试 打算
    准备 寻找 上不 上不去 下不来 已取得 围绕 本成果 成果
""")
EN_GENERIC = _wordset("""
    improve improves improved improving improvement increase reduce enhance enhanced optimise optimize
    achieve achieved provide provides providing using use used uses based method methods approach
    system systems solution solutions problem problems issue issues need needs needed want wants
    looking seek seeking require requires required develop developed developing development
    technology technologies technique techniques product products company companies customer
    customers our we us they them new novel advanced innovative high low better good best
    make makes made making get gets getting help helps able can cannot currently often always
    very many much more most some several various process processes performance quality
""")
STOP_TERMS = (ZH_STOPWORDS | ZH_QUERY_STOPWORDS | EN_STOPWORDS | EN_QUERY_STOPWORDS
              | ZH_GENERIC | EN_GENERIC)

IDF_FLOOR = 1.0  # Lucene idf of a word in about a third of the listings: too common to explain
MAX_PHRASE = 12  # characters of a Chinese phrase (words for English: MAX_PHRASE_WORDS)
MAX_PHRASE_WORDS = 8
MAX_TERM = 12
MAX_PHRASES = 12
MAX_TERMS = 12
MIN_SIMILARITY = 0.35
CONTEXT = 0.5  # weight of a phrase's (term's) similarity to the whole other listing
PAIRS = 3

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CLAUSE = re.compile(r"[，。；：！？、,.;:!?\n\r\t（）()《》“”\"'【】\[\]]+")
_CJK_RE = re.compile(rf"[{_CJK}]")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9\-]*")
_EN_JOINERS = re.compile(r"\b(?:but|and|because|so|while|when|whenever|although|though|then|"
                         r"which|that|until|unless|after|before)\b")
# Function words that end a technical term (and may start the next).
_ZH_BREAK = _wordset("""
    的 了 与 和 及 或 并 将 把 被 对 在 为 以 由 经 后 前 中 上 下 可 使 让 从 向 到 至 其 该 此 等 及其
    就 都 也 还 又 再 才 很 太 更 最 会 要 能 得 地 着 过 吗 呢 吧 啊 呀 是 有 没 不 个 只 每 这 那 这个 那个
    一 二 两 三 几 些 来 去 给 跟 同 而 但 但是 可是 而且 所以 因为 如果 虽然 然后 之后 之前 以后 以前
    至 降至 压至 升至 小于 大于 低于 高于 不低于 不高于 超过 以内 约 达 达到 仅 按 经 作 用 适用 适合 提取
    小时 分钟 秒 天 年 月 周 次 倍 吨 米 毫米 微米 台 件 套 个 种 项 路 组 变化 实时 在线 连续 运行
""") | ZH_STOPWORDS | ZH_GENERIC | ZH_QUERY_STOPWORDS
_ZH_FILLER = _ZH_BREAK - {"不", "没", "有", "能", "会", "要", "两", "三", "几", "一", "二"}


def is_content(word: str, idf: float | None = None, floor: float = IDF_FLOOR) -> bool:
    """A word worth naming as shared: not a stop-word or generic word, not a number or a
    single character, and (when its `idf` in the corpus is given) not too common."""
    w = normalise(word).strip()
    if len(w) < 2 or w in STOP_TERMS or w[0] in "#@" or w.replace(".", "").isdigit():
        return False
    if not _CJK_RE.search(w) and (len(w) < 3 or not w[0].isalpha()):
        return False
    if _CJK_RE.search(w) and _generic_compound(w):
        return False
    return idf is None or idf >= floor


def _generic_compound(word: str) -> bool:
    """Whether `word` is made of generic words of two or more characters only (解决问题 =
    解决 + 问题; not 中和, whose characters are single stop-words)."""
    covered = [True] + [False] * len(word)
    for end in range(2, len(word) + 1):
        covered[end] = any(covered[start] and word[start:end] in STOP_TERMS
                           for start in range(max(0, end - 4), end - 1))
    return covered[-1]


def _words(text: str) -> list[str]:
    return [w for w in _Jieba.get().cut(text) if w.strip()]


def _is_break(word: str) -> bool:
    """A word that ends a term: a function word, a unit, a number or symbol, a code with
    fewer than two letters (18000r/min)."""
    if word in _ZH_BREAK or not word.strip():
        return True
    if _CJK_RE.search(word):
        return False
    return sum(c.isalpha() for c in word) < 2


def _long_enough(piece: str) -> bool:
    if _CJK_RE.search(piece):
        return len(piece) >= 3
    return " " in piece or len(piece) >= 5


def _has_content(words: Sequence[str]) -> bool:
    return any(is_content(w) for w in words)


def has_content(text: str) -> bool:
    """Whether a phrase or term holds at least one content word (jieba's words; Latin words)."""
    lowered = normalise(text)
    return _has_content(_words(lowered) if _CJK_RE.search(lowered)
                        else _LATIN_WORD.findall(lowered))


def _zh_pieces(words: list[str], limit: int) -> list[str]:
    """Cut a run of words into pieces of at most `limit` characters, at word boundaries."""
    pieces, current = [], ""
    for w in words:
        if current and len(current) + len(w) > limit:
            pieces.append(current)
            current = ""
        current += w
    if current:
        pieces.append(current)
    return pieces


def _trim(words: list[str], filler: frozenset[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start] in filler:
        start += 1
    while end > start and words[end - 1] in filler:
        end -= 1
    return words[start:end]


def _en_chunks(clause: str, max_words: int) -> list[str]:
    """Runs of words between stop-words (noun-phrase-ish), at most `max_words` long."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for w in _LATIN_WORD.findall(clause):
        if w in EN_STOPWORDS or w in EN_GENERIC:
            if current:
                chunks.append(current)
            current = []
        else:
            current.append(w)
            if len(current) == max_words:
                chunks.append(current)
                current = []
    if current:
        chunks.append(current)
    return [" ".join(c) for c in chunks]


def demand_phrases(text: str, limit: int = MAX_PHRASES) -> list[str]:
    """Short phrases of a demand, in order: its clauses without leading and trailing fillers
    (我们, 但是, 就 …), long ones cut at word boundaries; only phrases with a content word."""
    out: list[str] = []
    for clause in _CLAUSE.split(normalise(text)):
        clause = clause.strip()
        if not clause:
            continue
        if _CJK_RE.search(clause):
            words = _trim(_words(clause), _ZH_FILLER)
            for piece in _zh_pieces(words, MAX_PHRASE):
                piece = "".join(_trim(_words(piece), _ZH_FILLER))
                if _long_enough(piece) and _has_content(_words(piece)):
                    out.append(piece)
        else:
            for part in _EN_JOINERS.split(clause):
                words = _LATIN_WORD.findall(part)
                while words and (words[0] in EN_STOPWORDS or words[0] in EN_GENERIC):
                    words = words[1:]
                if len(words) > MAX_PHRASE_WORDS:
                    out.extend(c for c in _en_chunks(" ".join(words), MAX_PHRASE_WORDS)
                               if _long_enough(c) and any(is_content(w) for w in c.split()))
                elif (words and any(is_content(w) for w in words)
                      and _long_enough(" ".join(words))):
                    out.append(" ".join(words))
    return list(dict.fromkeys(p for p in out if p))[:limit]


def technical_terms(title: str, text: str = "", keywords: Sequence[str] = (),
                    limit: int = MAX_TERMS) -> list[str]:
    """Technical terms of an achievement: runs of content words between function words and
    generic verbs, from its title first, then its keywords, then its text."""
    out: list[str] = []
    for part in (title, *keywords, text):
        for clause in _CLAUSE.split(normalise(part)):
            clause = clause.strip()
            if not clause:
                continue
            if _CJK_RE.search(clause):
                run: list[str] = []
                for w in [*_words(clause), "的"]:
                    if _is_break(w):
                        piece = "".join(run)
                        if run and len(piece) <= MAX_TERM and _has_content(run):
                            out.append(piece)
                        elif len(piece) > MAX_TERM:
                            out.extend(p for p in _zh_pieces(run, MAX_TERM)
                                       if _has_content(_words(p)))
                        run = []
                    else:
                        run.append(w)
            else:
                out.extend(c for c in _en_chunks(clause, 4) if is_content(c.split()[-1]))
    return list(dict.fromkeys(t for t in out if _long_enough(t)))[:limit]


@dataclass(frozen=True, slots=True)
class Correspondence:
    phrase: str  # the demand's
    term: str  # the achievement's
    similarity: float


class PhraseEncoder:
    """Phrases and terms encoded with `encoder`, kept in memory (LRU by text) so a listing's
    terms are encoded once per process, whatever the match lists it shows in."""

    def __init__(self, encoder: Encoder, size: int = 20_000, *,
                 floor: float = MIN_SIMILARITY) -> None:
        self.encoder = encoder
        self.floor = floor  # the encoder's chance level for a pair (`matching.calibration`)
        self.size = size
        self._vectors: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        with self._lock:
            found = {k: self._vectors[k] for k in keys if k in self._vectors}
            for k in found:
                self._vectors.move_to_end(k)
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True)
                                     if k not in found))
        if missing:
            fresh = self.encoder.encode(missing)
            with self._lock:
                for text, vec in zip(missing, fresh, strict=True):
                    key = text_key(text)
                    found[key] = vec
                    self._vectors[key] = vec
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        out = np.zeros((len(texts), self.encoder.dim), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = found[key]
        return out


def correspondences(encoder: PhraseEncoder, phrases: Sequence[str], terms: Sequence[str],
                    k: int = PAIRS, floor: float | None = None, *,
                    demand: str | None = None) -> list[Correspondence]:
    """Up to `k` (phrase, term) pairs, each phrase and term used once, none whose similarity
    is below `floor` (by default the encoder's) and none where the phrase and the term are
    the same words. Pairs are
    chosen by their similarity plus `CONTEXT` times the term's similarity to the whole
    `demand` (when given) and the phrase's to the achievement's terms taken together (their
    mean vector): a term that happens to resemble one phrase but has nothing to do with the
    demand (a machine part named in passing) loses to one that is about it."""
    if not phrases or not terms:
        return []
    floor = encoder.floor if floor is None else floor
    vectors = encoder.encode([*phrases, *terms, *([demand] if demand is not None else [])])
    p_vec, t_vec = vectors[: len(phrases)], vectors[len(phrases): len(phrases) + len(terms)]
    sims = p_vec @ t_vec.T
    centre = t_vec.mean(axis=0)
    norm = float(np.linalg.norm(centre))
    score = sims + CONTEXT * (p_vec @ (centre / norm if norm > 0 else centre))[:, None]
    if demand is not None:
        score += CONTEXT * (t_vec @ vectors[-1])[None, :]
    out: list[Correspondence] = []
    used_p: set[int] = set()
    used_t: set[int] = set()
    for flat in np.argsort(-score, axis=None, kind="stable").tolist():
        i, j = divmod(int(flat), len(terms))
        if len(out) == k:
            break
        if (i in used_p or j in used_t or float(sims[i, j]) < floor
                or normalise(phrases[i]) == normalise(terms[j])):
            continue
        out.append(Correspondence(phrases[i], terms[j], round(float(sims[i, j]), 3)))
        used_p.add(i)
        used_t.add(j)
    return out
