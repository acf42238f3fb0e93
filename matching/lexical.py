"""The lexical channel: BM25 (Lucene variant) over pre-tokenised documents.

Documents are keyed by the matcher's dense int ids. The index is kept in two segments
so that add/update/delete never rebuild the whole corpus:

- the *main* segment, a `bm25s` index (its CSC score matrix) built over the documents
  live at the last merge, with their token ids in one flat array; a deleted or replaced
  document is only marked dead there;
- the *delta* segment, the documents added since, scored with the same formula from
  the current document frequencies (a small sparse matrix rebuilt on demand).

When the delta or the dead rows outgrow a fraction of the main segment, the next search
merges everything into a new main segment (also `compact()`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class BM25Params:
    k1: float = 1.2
    b: float = 0.75


def _lucene_idf(df: npt.NDArray[Any], n_docs: int) -> FloatArray:
    idf: FloatArray = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    return idf


def token_counts(tokens: list[str]) -> dict[str, float]:
    """A query's tokens as weights: a token repeated in the query counts that many times."""
    weights: dict[str, float] = {}
    for tok in tokens:
        weights[tok] = weights.get(tok, 0.0) + 1.0
    return weights


@dataclass(frozen=True, slots=True)
class SparseScores:
    """Scores of the documents a query reached: `ids` ascending, 0 for every other id."""

    ids: IntArray
    scores: FloatArray

    def within(self, allowed: npt.NDArray[np.bool_]) -> SparseScores:
        keep = allowed[self.ids]
        return SparseScores(self.ids[keep], self.scores[keep])

    def at(self, ids: IntArray) -> FloatArray:
        if not len(self.ids):
            return np.zeros(len(ids), dtype=np.float32)
        pos = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        out: FloatArray = np.where(self.ids[pos] == ids, self.scores[pos], np.float32(0)).astype(np.float32)
        return out

    def top(self, n: int) -> IntArray:
        """The ids of the `n` best scores (any order)."""
        if len(self.ids) <= n:
            return self.ids
        return self.ids[np.argpartition(-self.scores, n)[:n]]


class LexicalIndex:
    def __init__(
        self, params: BM25Params | None = None, merge_fraction: float = 0.02, merge_min: int = 2000
    ) -> None:
        self.params = params or BM25Params()
        self.merge_fraction = merge_fraction
        self.merge_min = merge_min
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        self._df = np.zeros(0, dtype=np.int64)  # live document frequency per token id
        self._total_len = 0
        self._n_docs = 0
        # main segment: CSC (columns = token ids < _main_vocab, rows = main rows)
        self._main_data: FloatArray = np.zeros(0, dtype=np.float32)
        self._main_indices: Int32Array = np.zeros(0, dtype=np.int32)
        self._main_indptr: IntArray = np.zeros(1, dtype=np.int64)
        self._main_ids: IntArray = np.zeros(0, dtype=np.int64)  # row -> int id
        self._main_live = np.zeros(0, dtype=bool)
        self._main_row_of: IntArray = np.zeros(0, dtype=np.int64)  # int id -> row, -1 if none
        self._main_tokens: Int32Array = np.zeros(0, dtype=np.int32)  # token ids of all rows, flat
        self._main_offsets: IntArray = np.zeros(1, dtype=np.int64)
        self._main_vocab = 0
        self._main_avgdl = 1.0
        # delta segment
        self._delta: dict[int, Int32Array] = {}
        self._delta_cache: tuple[IntArray, Any] | None = None
        self.merges = 0

    # ---- documents -------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n_docs

    def _main_row(self, int_id: int) -> int:
        """The live main row of an id, or -1."""
        if 0 <= int_id < len(self._main_row_of):
            row = int(self._main_row_of[int_id])
            if row >= 0 and self._main_live[row]:
                return row
        return -1

    def __contains__(self, int_id: object) -> bool:
        return isinstance(int_id, int) and (int_id in self._delta or self._main_row(int_id) >= 0)

    def tokens_of(self, int_id: int) -> Int32Array | None:
        ids = self._delta.get(int_id)
        if ids is not None:
            return ids
        row = self._main_row(int_id)
        if row < 0:
            return None
        return self._main_tokens[self._main_offsets[row] : self._main_offsets[row + 1]]

    def _token_ids(self, tokens: list[str], grow: bool) -> Int32Array:
        ids: list[int] = []
        for tok in tokens:
            tid = self.vocab.get(tok)
            if tid is None:
                if not grow:
                    continue
                tid = len(self.terms)
                self.vocab[tok] = tid
                self.terms.append(tok)
            ids.append(tid)
        return np.asarray(ids, dtype=np.int32)

    def add(self, int_id: int, tokens: list[str]) -> None:
        if int_id in self:
            self.remove(int_id)
        ids = self._token_ids(tokens, grow=True)
        if len(self.terms) > len(self._df):
            grown = max(len(self.terms), 2 * len(self._df))
            self._df = np.concatenate([self._df, np.zeros(grown - len(self._df), dtype=np.int64)])
        self._df[np.unique(ids)] += 1
        self._total_len += len(ids)
        self._n_docs += 1
        self._delta[int_id] = ids
        self._delta_cache = None

    def remove(self, int_id: int) -> None:
        ids = self._delta.pop(int_id, None)
        if ids is not None:
            self._delta_cache = None
        else:
            row = self._main_row(int_id)
            if row < 0:
                return
            ids = self._main_tokens[self._main_offsets[row] : self._main_offsets[row + 1]]
            self._main_live[row] = False
        self._df[np.unique(ids)] -= 1
        self._total_len -= len(ids)
        self._n_docs -= 1

    def doc_terms(self, int_id: int) -> set[str]:
        ids = self.tokens_of(int_id)
        if ids is None:
            return set()
        return {self.terms[i] for i in np.unique(ids)}

    @property
    def avgdl(self) -> float:
        """Mean document length (tokens) over the live documents."""
        return max(self._total_len / self._n_docs, 1.0) if self._n_docs else 1.0

    def idf(self, term: str) -> float:
        tid = self.vocab.get(term)
        if tid is None or not self._n_docs:
            return 0.0
        return float(_lucene_idf(self._df[tid : tid + 1], self._n_docs)[0])

    def max_idf(self) -> float:
        """The idf of a term found in one document only (the largest there is)."""
        if not self._n_docs:
            return 0.0
        return float(_lucene_idf(np.ones(1), self._n_docs)[0])

    def idf_ids(self, token_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """idf of token ids (0 for an empty index)."""
        if not self._n_docs:
            return np.zeros(len(token_ids), dtype=np.float64)
        return _lucene_idf(self._df[token_ids], self._n_docs).astype(np.float64)

    # ---- segments --------------------------------------------------------------------------
    @property
    def dead_rows(self) -> int:
        return int(len(self._main_live) - np.count_nonzero(self._main_live))

    def needs_merge(self) -> bool:
        limit = max(self.merge_min, self.merge_fraction * len(self._main_ids))
        return len(self._delta) > limit or self.dead_rows > limit

    def compact(self) -> None:
        """Merge the delta into a fresh main segment built by bm25s over the live documents."""
        live_main = self._main_ids[self._main_live]
        delta_ids = np.fromiter(self._delta, dtype=np.int64, count=len(self._delta))
        ids = np.sort(np.concatenate([live_main, delta_ids]))
        docs = [self.tokens_of(int(i)) for i in ids]
        lens = np.fromiter((len(d) for d in docs if d is not None), dtype=np.int64, count=len(docs))
        present = [d for d in docs if d is not None]
        flat = np.concatenate(present) if present else np.zeros(0, dtype=np.int32)
        offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
        del docs, present
        self._main_tokens, self._main_offsets = flat.astype(np.int32, copy=False), offsets
        self._main_ids = ids
        self._main_live = np.ones(len(ids), dtype=bool)
        self._main_row_of = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, dtype=np.int64)
        self._main_row_of[ids] = np.arange(len(ids), dtype=np.int64)
        self._main_vocab = len(self.terms)
        self._delta = {}
        self._delta_cache = None
        self.merges += 1
        if not len(ids):
            self._main_data = np.zeros(0, dtype=np.float32)
            self._main_indices = np.zeros(0, dtype=np.int32)
            self._main_indptr = np.zeros(self._main_vocab + 1, dtype=np.int64)
            return
        self._main_avgdl = float(lens.mean()) or 1.0
        # numpy rows, not lists: at 1M documents Python int lists would cost a gigabyte more
        corpus = [flat[offsets[i] : offsets[i + 1]] for i in range(len(ids))]
        retriever = bm25s.BM25(k1=self.params.k1, b=self.params.b, method="lucene")
        vocab_ids = {tid: tid for tid in range(self._main_vocab)}
        retriever.index((corpus, vocab_ids), create_empty_token=False, show_progress=False)
        scores = retriever.scores
        self._main_data = np.asarray(scores["data"], dtype=np.float32)
        self._main_indices = np.asarray(scores["indices"], dtype=np.int32)
        self._main_indptr = np.asarray(scores["indptr"], dtype=np.int64)

    def _delta_matrix(self) -> tuple[IntArray, Any]:
        """(int ids, CSC matrix rows = delta docs, cols = vocab) of BM25 term weights."""
        if self._delta_cache is not None:
            return self._delta_cache
        import scipy.sparse as sp

        ids = np.fromiter(sorted(self._delta), dtype=np.int64, count=len(self._delta))
        docs = [self._delta[int(i)] for i in ids]
        lens = np.array([len(d) for d in docs], dtype=np.int64)
        rows = np.repeat(np.arange(len(docs), dtype=np.int64), lens)
        cols = np.concatenate(docs).astype(np.int64) if docs else np.zeros(0, dtype=np.int64)
        n_vocab = max(len(self.terms), 1)
        key, tf = np.unique(rows * n_vocab + cols, return_counts=True)
        r, c = key // n_vocab, key % n_vocab
        avgdl = self._main_avgdl if len(self._main_ids) else self.avgdl
        idf = _lucene_idf(self._df[:n_vocab], max(self._n_docs, 1))
        k1, b = self.params.k1, self.params.b
        weight = idf[c] * tf / (tf + k1 * (1 - b + b * lens[r] / avgdl))
        matrix = sp.csc_matrix((weight.astype(np.float32), (r, c)), shape=(len(docs), n_vocab))
        self._delta_cache = (ids, matrix)
        return self._delta_cache

    # ---- scoring ---------------------------------------------------------------------------
    def scores(self, query_tokens: list[str], size: int) -> FloatArray:
        """BM25 score of every int id below `size` (0 for dead, absent or non-matching docs).
        A token repeated in the query counts that many times."""
        return self.weighted_scores(token_counts(query_tokens), size)

    def weighted_scores(self, query_weights: dict[str, float], size: int) -> FloatArray:
        """Like `scores`, with an explicit weight per query token (for expanded queries)."""
        ids, values = self.sparse_scores(query_weights)
        out = np.zeros(size, dtype=np.float32)
        keep = ids < size
        out[ids[keep]] = values[keep]
        return out

    def sparse_scores(self, query_weights: dict[str, float]) -> tuple[IntArray, FloatArray]:
        """The documents a weighted query scores above 0: (int ids ascending, BM25 scores). Its
        cost follows the query's postings, not the corpus: at 1,000,000 listings a dense array
        and its passes (bincount, liveness, nonzero) cost more than the scoring itself."""
        if self.needs_merge():
            self.compact()
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        pairs = [(self.vocab[t], w) for t, w in query_weights.items() if t in self.vocab and w > 0]
        if not pairs or not self._n_docs:
            return empty
        qids = np.array([p[0] for p in pairs], dtype=np.int64)
        qw = np.array([p[1] for p in pairs], dtype=np.float32)
        found: list[tuple[IntArray, FloatArray]] = []
        in_main = qids < self._main_vocab
        if in_main.any() and len(self._main_ids):
            main_q, main_w = qids[in_main], qw[in_main]
            starts, ends = self._main_indptr[main_q], self._main_indptr[main_q + 1]
            rows = np.concatenate([self._main_indices[s:e] for s, e in zip(starts, ends, strict=True)])
            data = np.concatenate(
                [self._main_data[s:e] * w for s, e, w in zip(starts, ends, main_w, strict=True)]
            )
            if 8 * len(rows) < len(self._main_ids):  # few postings: sum them by row
                hit, where = np.unique(rows, return_inverse=True)
                row_scores = np.bincount(where, weights=data).astype(np.float32)
            else:  # many: one pass over the rows is cheaper than sorting the postings
                dense = np.bincount(rows, weights=data, minlength=len(self._main_ids))
                hit = np.flatnonzero(dense)
                row_scores = dense[hit].astype(np.float32)
            live = self._main_live[hit] & (row_scores > 0)
            found.append((self._main_ids[hit[live]], row_scores[live]))
        if self._delta:
            ids, matrix = self._delta_matrix()
            known = qids < matrix.shape[1]
            if known.any():
                dense_q = np.zeros(matrix.shape[1], dtype=np.float32)
                np.add.at(dense_q, qids[known], qw[known])
                delta_scores = np.asarray(matrix @ dense_q, dtype=np.float32).ravel()
                nz = delta_scores > 0
                found.append((ids[nz], delta_scores[nz]))
        if not found:
            return empty
        all_ids = np.concatenate([f[0] for f in found]).astype(np.int64)
        all_scores = np.concatenate([f[1] for f in found]).astype(np.float32)
        order = np.argsort(all_ids, kind="stable")
        return all_ids[order], all_scores[order]

    def self_score(self, query_tokens: list[str]) -> float:
        """The score a document made of exactly the query's tokens would get: a per-query
        upper scale for normalising BM25 into roughly [0, 1]."""
        qids = self._token_ids(query_tokens, grow=False)
        if not len(qids) or not self._n_docs:
            return 0.0
        uniq, tf = np.unique(qids, return_counts=True)
        idf = _lucene_idf(self._df[uniq], self._n_docs)
        avgdl = self._main_avgdl if len(self._main_ids) else self.avgdl
        k1, b = self.params.k1, self.params.b
        weight = idf * tf / (tf + k1 * (1 - b + b * len(qids) / avgdl))
        return float((weight * tf).sum())

    # ---- persistence -----------------------------------------------------------------------
    def save(self, directory: Path) -> list[str]:
        """Write the index into `directory`; return the file names written."""
        delta_ids = np.fromiter(sorted(self._delta), dtype=np.int64, count=len(self._delta))
        delta_docs = [self._delta[int(i)] for i in delta_ids]
        with open(directory / "lexical.npz", "wb") as fh:
            np.savez(
                fh,
                main_data=self._main_data,
                main_indices=self._main_indices,
                main_indptr=self._main_indptr,
                main_ids=self._main_ids,
                main_live=self._main_live,
                main_tokens=self._main_tokens,
                main_offsets=self._main_offsets,
                delta_ids=delta_ids,
                delta_lens=np.array([len(d) for d in delta_docs], dtype=np.int64),
                delta_tokens=np.concatenate(delta_docs) if delta_docs else np.zeros(0, dtype=np.int32),
                df=self._df[: len(self.terms)],
            )
        meta = {
            "k1": self.params.k1,
            "b": self.params.b,
            "main_vocab": self._main_vocab,
            "main_avgdl": self._main_avgdl,
            "n_docs": self._n_docs,
            "total_len": self._total_len,
            "terms": self.terms,
        }
        (directory / "lexical.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return ["lexical.npz", "lexical.json"]

    @classmethod
    def load(cls, directory: Path, merge_fraction: float = 0.02, merge_min: int = 2000) -> LexicalIndex:
        meta = json.loads((directory / "lexical.json").read_text(encoding="utf-8"))
        index = cls(BM25Params(k1=float(meta["k1"]), b=float(meta["b"])), merge_fraction, merge_min)
        index.terms = list(meta["terms"])
        index.vocab = {t: i for i, t in enumerate(index.terms)}
        with np.load(directory / "lexical.npz") as arrays:
            index._main_data = arrays["main_data"]
            index._main_indices = arrays["main_indices"]
            index._main_indptr = arrays["main_indptr"]
            index._main_ids = arrays["main_ids"]
            index._main_live = arrays["main_live"].copy()
            index._main_tokens = arrays["main_tokens"]
            index._main_offsets = arrays["main_offsets"]
            delta_ids, lens, flat = arrays["delta_ids"], arrays["delta_lens"], arrays["delta_tokens"]
            offsets = np.concatenate([[0], np.cumsum(lens)])
            index._delta = {int(i): flat[offsets[n] : offsets[n + 1]] for n, i in enumerate(delta_ids)}
            index._df = arrays["df"].astype(np.int64)
        size = int(index._main_ids.max()) + 1 if len(index._main_ids) else 0
        index._main_row_of = np.full(size, -1, dtype=np.int64)
        index._main_row_of[index._main_ids] = np.arange(len(index._main_ids), dtype=np.int64)
        index._main_vocab = int(meta["main_vocab"])
        index._main_avgdl = float(meta["main_avgdl"])
        index._n_docs = int(meta["n_docs"])
        index._total_len = int(meta["total_len"])
        if index._n_docs != int(np.count_nonzero(index._main_live)) + len(index._delta):
            raise ValueError("lexical index: document count does not match its segments")
        return index
