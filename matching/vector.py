"""The vector channel: FAISS inner-product search over unit vectors, keyed by dense int ids.

Up to `exact_max` vectors the index is exact (IndexFlatIP in IndexIDMap2, which really
removes); above it, IndexHNSWFlat in IndexIDMap2. HNSW cannot remove, so a deleted or
replaced vector becomes a tombstone: excluded by an ID selector at search time, dropped
when the graph is rebuilt (`compact`, automatic once tombstones pass `tombstone_fraction`).

Filtered search does not lose recall to the approximate index: a small allowed set is
scored exactly (its stored vectors gathered and multiplied); a larger one is searched by
HNSW with the selector and an efSearch grown as the filter gets more selective; if that
still returns fewer than k hits, the exact path answers.

Searches run faiss single-threaded (`one_thread`): one query gains nothing from OpenMP, and
on a busy machine every parallel region waits for a free core.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import faiss as _faiss
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]
IndexKind = Literal["flat", "hnsw", "hnsw16"]
_GATHER_MAX = 2048  # exact scoring of at most this many ids gathers their vectors; more: a bitmap scan
faiss: Any = _faiss  # its bundled stubs lack most of the SWIG API (hnsw, get_xb, SearchParametersHNSW...)


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run faiss calls in this block on one OpenMP thread, then restore the previous count.

    Search-time calls handle one query: OpenMP adds nothing but its fork and barrier, and on a
    machine whose cores are busy the barrier waits for a core (measured on the 2-core machine
    under load: decoding 200 float16 rows 12 ms p50 with 2 threads, 0.12 ms with one). The
    OpenMP thread count is per calling thread, so a build running in another thread keeps its own.
    """
    before = int(faiss.omp_get_max_threads())
    if before == 1:
        yield
        return
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


@dataclass(frozen=True, slots=True)
class VectorParams:
    exact_max: int = 20_000  # up to this many vectors: exact IndexFlatIP; above: HNSW
    hnsw_m: int = 32
    ef_construction: int = 100
    ef_search: int = 512
    exact_filter_max: int = 20_000  # filtered searches allowing at most this many ids are exact
    # HNSW vector storage: float16 (IndexHNSWSQ, QT_fp16) halves the memory of IndexHNSWFlat
    hnsw_storage: Literal["float32", "float16"] = "float16"
    tombstone_fraction: float = 0.25


class VectorIndex:
    def __init__(self, dim: int, params: VectorParams | None = None) -> None:
        self.dim = dim
        self.params = params or VectorParams()
        self.kind: IndexKind = "flat"
        self._index: Any = self._new_index("flat")
        self._pos = np.full(0, -1, dtype=np.int64)  # id -> row in the storage, -1 if absent
        self._id_at = np.zeros(0, dtype=np.int64)  # row in the storage -> id
        self._live = np.zeros(0, dtype=bool)
        self._n_live = 0
        self._n_dead = 0  # HNSW tombstones
        self._dead_bitmap: tuple[int, npt.NDArray[np.uint8]] | None = None

    def _hnsw_kind(self) -> IndexKind:
        return "hnsw16" if self.params.hnsw_storage == "float16" else "hnsw"

    def _new_index(self, kind: IndexKind) -> Any:
        if kind == "flat":
            inner = faiss.IndexFlatIP(self.dim)
        else:
            if kind == "hnsw16":
                qtype = faiss.ScalarQuantizer.QT_fp16
                inner = faiss.IndexHNSWSQ(self.dim, qtype, self.params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            else:
                inner = faiss.IndexHNSWFlat(self.dim, self.params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = self.params.ef_construction
            inner.hnsw.efSearch = self.params.ef_search
        return faiss.IndexIDMap2(inner)

    def __len__(self) -> int:
        return self._n_live

    def __contains__(self, int_id: object) -> bool:
        return isinstance(int_id, int) and 0 <= int_id < len(self._live) and bool(self._live[int_id])

    @property
    def tombstones(self) -> int:
        return self._n_dead

    def _grow(self, top: int) -> None:
        if top > len(self._pos):
            cap = max(top, 2 * len(self._pos), 1024)
            self._pos = np.concatenate([self._pos, np.full(cap - len(self._pos), -1, dtype=np.int64)])
            self._live = np.concatenate([self._live, np.zeros(cap - len(self._live), dtype=bool)])

    def _store(self) -> Any:
        inner = faiss.downcast_index(self._index.index)
        return inner if self.kind == "flat" else faiss.downcast_index(inner.storage)

    def _storage(self) -> npt.NDArray[np.float32] | npt.NDArray[np.uint8]:
        """A zero-copy view of the stored rows (float32 vectors, or the float16 codes as bytes).
        Valid until the next write."""
        store = self._store()
        n = int(store.ntotal)
        if self.kind == "hnsw16":
            codes: npt.NDArray[np.uint8] = faiss.rev_swig_ptr(store.codes.data(), n * store.code_size)
            return codes.reshape(n, store.code_size)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        view: FloatArray = faiss.rev_swig_ptr(store.get_xb(), n * self.dim).reshape(n, self.dim)
        return view

    def _sync_positions(self) -> None:
        """Re-read id -> row after the flat index compacted its rows (remove_ids)."""
        ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        self._pos[:] = -1
        self._pos[ids] = np.arange(len(ids), dtype=np.int64)
        self._id_at = ids

    # ---- writes ----------------------------------------------------------------------------
    def add(self, ids: IntArray, vectors: FloatArray) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(ids), self.dim):
            raise ValueError(f"expected vectors of shape ({len(ids)}, {self.dim}), got {vectors.shape}")
        if not len(ids):
            return
        if len(np.unique(ids)) != len(ids) or ids.min() < 0:
            raise ValueError("ids must be distinct non-negative integers")
        self._grow(int(ids.max()) + 1)
        if (self._pos[ids] >= 0).any():
            raise ValueError(f"ids already used: {ids[self._pos[ids] >= 0][:5].tolist()}")
        if self.kind == "flat" and self._n_live + len(ids) > self.params.exact_max:
            self._rebuild(self._hnsw_kind(), extra=(ids, vectors))
            return
        start = int(self._index.ntotal)
        self._index.add_with_ids(vectors, ids)
        self._pos[ids] = np.arange(start, start + len(ids), dtype=np.int64)
        if start + len(ids) > len(self._id_at):  # amortised growth: single adds stay O(1)
            grown = np.zeros(max(start + len(ids), 2 * len(self._id_at)), dtype=np.int64)
            grown[: len(self._id_at)] = self._id_at
            self._id_at = grown
        self._id_at[start : start + len(ids)] = ids
        self._live[ids] = True
        self._n_live += len(ids)

    def remove(self, ids: IntArray) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        ids = np.unique(ids[(ids >= 0) & (ids < len(self._live))])
        ids = ids[self._live[ids]]
        if not len(ids):
            return
        self._live[ids] = False
        self._n_live -= len(ids)
        if self.kind == "flat":
            self._index.remove_ids(faiss.IDSelectorBatch(ids))
            self._sync_positions()
        else:
            self._n_dead += len(ids)
            self._dead_bitmap = None
            if self._n_dead > self.params.tombstone_fraction * max(self._n_live, 1):
                self.compact()

    def vectors(self, ids: IntArray) -> FloatArray:
        """The stored vectors of live ids (to score candidates found by another channel)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids):
            return np.zeros((0, self.dim), dtype=np.float32)
        pos = self._pos[ids]
        if (pos < 0).any():
            raise KeyError(f"no vector for ids {ids[pos < 0][:5].tolist()}")
        rows = self._storage()[pos]
        if self.kind == "hnsw16":  # faiss decodes float16 with SIMD, faster than numpy's astype
            with one_thread():
                decoded: FloatArray = self._store().sa_decode(np.ascontiguousarray(rows))
            return decoded
        return rows.astype(np.float32, copy=False)

    def compact(self) -> None:
        """Rebuild without tombstones, choosing flat or HNSW by the live count."""
        self._rebuild(self._hnsw_kind() if self._n_live > self.params.exact_max else "flat")

    def _rebuild(self, kind: IndexKind, extra: tuple[IntArray, FloatArray] | None = None) -> None:
        ids = np.flatnonzero(self._live).astype(np.int64)
        index = self._new_index(kind)
        # in chunks straight from the old storage: no third full copy of the vectors
        for start in range(0, len(ids), 65_536):
            chunk = ids[start : start + 65_536]
            index.add_with_ids(self.vectors(chunk), chunk)
        if extra is not None:
            index.add_with_ids(extra[1], extra[0])
            ids = np.concatenate([ids, extra[0]])
        self._index, self.kind = index, kind
        self._pos[:] = -1
        self._live[:] = False
        self._grow(int(ids.max()) + 1 if len(ids) else 0)
        self._pos[ids] = np.arange(len(ids), dtype=np.int64)
        self._id_at = ids
        self._live[ids] = True
        self._n_live, self._n_dead = len(ids), 0
        self._dead_bitmap = None

    # ---- search ----------------------------------------------------------------------------
    def _bitmap(self, allowed: BoolArray | None) -> tuple[int, npt.NDArray[np.uint8]] | None:
        """A little-endian bitmap of the ids a search may return; None means every stored id."""
        if allowed is None:
            if not self._n_dead:
                return None
            if self._dead_bitmap is None:
                self._dead_bitmap = (len(self._live), np.packbits(self._live, bitorder="little"))
            return self._dead_bitmap
        n = min(len(allowed), len(self._live))
        return n, np.packbits(allowed[:n] & self._live[:n], bitorder="little")

    def search(
        self, query: FloatArray, k: int, allowed: BoolArray | None = None
    ) -> tuple[IntArray, FloatArray]:
        """Top-k (ids, inner products) for one query vector; `allowed` is a mask over int ids."""
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if k <= 0 or not self._n_live:
            return empty
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        n_allowed = self._n_live
        if allowed is not None:
            n = min(len(allowed), len(self._live))
            n_allowed = int(np.count_nonzero(allowed[:n] & self._live[:n]))
            if n_allowed == 0:
                return empty
            if self.kind != "flat" and n_allowed <= self.params.exact_filter_max:
                return self._exact_subset(q, k, allowed)
        params: Any
        if self.kind != "flat":
            selectivity = n_allowed / self._n_live
            # measured: this keeps filtered recall@10 near the unfiltered one down to 1% selectivity
            ef = self.params.ef_search * max(1.0, math.sqrt(0.25 / selectivity))
            params = faiss.SearchParametersHNSW(efSearch=int(min(max(ef, k), 4096)))
        else:
            params = faiss.SearchParameters()
        bitmap = self._bitmap(allowed)
        if bitmap is not None:
            params.sel = faiss.IDSelectorBitmap(bitmap[0], faiss.swig_ptr(bitmap[1]))
        with one_thread():
            scores, labels = self._index.search(q, min(k, n_allowed), params=params)
        keep = labels[0] >= 0
        ids, sims = labels[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)
        if self.kind != "flat" and len(ids) < min(k, n_allowed):
            return self._exact_subset(q, k, allowed)
        return ids, sims

    def _exact_subset(self, q: FloatArray, k: int, allowed: BoolArray | None) -> tuple[IntArray, FloatArray]:
        live = self._live if allowed is None else allowed[: len(self._live)] & self._live[: len(allowed)]
        ids = np.flatnonzero(live).astype(np.int64)
        if len(ids) <= _GATHER_MAX:
            sims = (self.vectors(ids) @ q[0]).astype(np.float32)
            if len(ids) > k:
                top = np.argpartition(-sims, k)[:k]
                ids, sims = ids[top], sims[top]
        else:  # brute force over the storage rows, skipping the rest by a bitmap (SIMD, no copies)
            store = self._store()
            rows = np.zeros(int(store.ntotal), dtype=bool)
            rows[self._pos[ids]] = True
            bitmap = np.packbits(rows, bitorder="little")
            params = faiss.SearchParameters(sel=faiss.IDSelectorBitmap(len(rows), faiss.swig_ptr(bitmap)))
            with one_thread():
                scores, found = store.search(q, min(k, len(ids)), params=params)
            keep = found[0] >= 0
            ids, sims = self._id_at[found[0][keep]], scores[0][keep].astype(np.float32)
        order = np.lexsort((ids, -sims))
        return ids[order], sims[order]

    # ---- persistence -----------------------------------------------------------------------
    def save(self, directory: Path) -> list[str]:
        faiss.write_index(self._index, str(directory / "vectors.faiss"))
        with open(directory / "vectors.npz", "wb") as fh:
            np.savez(fh, live=np.flatnonzero(self._live).astype(np.int64))
        return ["vectors.faiss", "vectors.npz"]

    @classmethod
    def load(
        cls, directory: Path, dim: int, kind: IndexKind, params: VectorParams | None = None
    ) -> VectorIndex:
        index = cls(dim, params)
        raw = faiss.read_index(str(directory / "vectors.faiss"))
        if raw.d != dim:
            raise ValueError(f"index dimension {raw.d} != {dim}")
        inner = faiss.downcast_index(raw.index)
        expected = {"flat": faiss.IndexFlatIP, "hnsw": faiss.IndexHNSWFlat, "hnsw16": faiss.IndexHNSWSQ}[kind]
        if type(inner) is not expected:
            raise ValueError(f"index file holds {type(inner).__name__}, manifest says {kind}")
        index._index, index.kind = raw, kind
        stored = faiss.vector_to_array(raw.id_map).astype(np.int64)
        with np.load(directory / "vectors.npz") as arrays:
            live = arrays["live"].astype(np.int64)
        index._grow(int(max(stored.max(initial=-1), live.max(initial=-1))) + 1)
        index._pos[stored] = np.arange(len(stored), dtype=np.int64)
        index._id_at = stored
        if len(live) and (index._pos[live] < 0).any():
            raise ValueError("live ids without a stored vector")
        index._live[live] = True
        index._n_live = len(live)
        index._n_dead = len(stored) - len(live)
        if kind != "flat":
            inner.hnsw.efSearch = index.params.ef_search
        return index
