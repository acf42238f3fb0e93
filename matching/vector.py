"""The vector channel: FAISS inner-product search over unit vectors, keyed by dense int ids.

Up to `exact_max` vectors the index is exact (IndexFlatIP in IndexIDMap2, which really
removes). Above it the index is "pca-hnsw": the full vectors are kept as float16 codes (an
IndexScalarQuantizer, for `vectors()` and exact scoring), and an HNSW graph (float16 storage)
is built over their projection onto the top `reduced_dim` principal axes. A search walks the
graph in the reduced space, then re-ranks the best `rerank`·k candidates (at most efSearch)
by the full vectors, so the scores returned are the full vectors' inner products.

Why: a 512-dimensional float16 vector is 16 cache lines, a 128-dimensional one 4, and the walk
is bound by memory latency: at 1,000,000 vectors a top-10 search at efSearch 512 takes
3.3-5.0 ms p50 (by the machine's load) where the HNSW over the 512-dimensional float16
vectors took 9.9 ms, and the benchmark's build takes 9-10 minutes instead of 27.
Embeddings of 384-512 dimensions have an intrinsic dimension far below that (the USE vectors
of the bench corpora: participation ratio ~57). 128 axes keep 87 % of the energy of real USE
embeddings, and with the re-ranking recall@10 against exact search is 0.98 on them (64 axes:
71 %, 0.91), which is why the graph is not narrower. The projection is uncentred
(eigenvectors of the second moment E[x xᵀ]), so the same projection applies to database and
query vectors and reduced inner products approximate the full ones. It is trained on the live
vectors (a sample of at most `pca_sample`) when the index turns from flat to HNSW and again at
every rebuild (`compact`); vectors added in between are projected with the current one.

HNSW cannot remove, so a deleted or replaced vector becomes a tombstone: excluded by an ID
selector at search time, dropped when the graph is rebuilt (`compact`, automatic once
tombstones pass `tombstone_fraction`).

efSearch grows with k: max(`ef_search`, `ef_per_k`·k), so the hybrid matcher's 100 candidates
get a deeper search than a top-10. Filtered search does not lose recall to the approximate
index. A small allowed set (at most `exact_filter_max` ids) is scored exactly: its stored
vectors gathered and multiplied, or the full vectors scanned under a bitmap. A larger one is
searched by HNSW with the selector and an efSearch grown as the filter gets more selective
(x sqrt(0.5 / share allowed)); if that returns fewer than k hits, the exact path answers.
(A scan of the reduced vectors under the filter's bitmap was tried for filters allowing
2-30 %: exact, and faster at 100,000, but at 1,000,000 it took 23-33 ms p50 where the walk
takes 7-14 ms at recall@10 0.96-0.97.)

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
IndexKind = Literal["flat", "pca-hnsw"]
KINDS: tuple[IndexKind, ...] = ("flat", "pca-hnsw")
_GATHER_MAX = 2048  # exact scoring of at most this many ids gathers their vectors; more: a bitmap scan
_BUILD_CHUNK = 65_536
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
    exact_max: int = 20_000  # up to this many vectors: exact IndexFlatIP; above: PCA + HNSW
    reduced_dim: int = 128  # the HNSW graph's dimension (at most the vectors' own)
    pca_sample: int = 100_000  # the projection is trained on at most this many live vectors
    # the reduced vectors in the graph: float16 halves their memory (256 bytes a vector at 128
    # dimensions) at about the same search speed, the walk being bound by memory latency
    graph_storage: Literal["float32", "float16"] = "float16"
    hnsw_m: int = 32
    ef_construction: int = 100
    ef_search: int = 512  # efSearch floor ...
    ef_per_k: int = 4  # ... and per result asked for: efSearch = max(ef_search, ef_per_k * k)
    rerank: int = 10  # re-rank rerank * k graph candidates (at most efSearch) by the full vectors
    exact_filter_max: int = 20_000  # filtered searches allowing at most this many ids are exact
    tombstone_fraction: float = 0.25


def _train_projection(sample: FloatArray, reduced_dim: int) -> tuple[FloatArray, float]:
    """The top `reduced_dim` eigenvectors of the (uncentred) second moment of `sample`, as rows,
    and the share of the sample's energy (sum of squared norms) they keep."""
    dim = sample.shape[1]
    moment = np.zeros((dim, dim), dtype=np.float64)
    for start in range(0, len(sample), 16_384):
        part = sample[start : start + 16_384].astype(np.float64)
        moment += part.T @ part
    values, vectors = np.linalg.eigh(moment)
    order = np.argsort(-values)[: min(reduced_dim, dim)]
    total = float(values.sum())
    energy = float(values[order].sum() / total) if total > 0 else 1.0
    proj: FloatArray = np.ascontiguousarray(vectors[:, order].T, dtype=np.float32)
    return proj, energy


def _projected(vectors: FloatArray, proj: FloatArray) -> FloatArray:
    """`vectors` on the axes of `proj` (one axis a row), contiguous float32 for faiss."""
    out: FloatArray = np.ascontiguousarray(vectors @ proj.T, dtype=np.float32)
    return out


class VectorIndex:
    def __init__(self, dim: int, params: VectorParams | None = None) -> None:
        self.dim = dim
        self.params = params or VectorParams()
        self.kind: IndexKind = "flat"
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._full: Any = None  # pca-hnsw: the float16 codes of the full vectors, rows as in _index
        self._proj = np.zeros((0, dim), dtype=np.float32)  # pca-hnsw: the projection, one axis a row
        self.energy = 1.0  # pca-hnsw: share of the training vectors' energy the projection keeps
        self._pos = np.full(0, -1, dtype=np.int64)  # id -> row in the storage, -1 if absent
        self._id_at = np.zeros(0, dtype=np.int64)  # row in the storage -> id
        self._live = np.zeros(0, dtype=bool)
        self._n_live = 0
        self._n_dead = 0  # HNSW tombstones
        self._dead_bitmap: tuple[int, npt.NDArray[np.uint8]] | None = None

    def _new_graph(self, reduced_dim: int) -> Any:
        inner: Any
        if self.params.graph_storage == "float16":
            qtype = faiss.ScalarQuantizer.QT_fp16
            inner = faiss.IndexHNSWSQ(reduced_dim, qtype, self.params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        else:
            inner = faiss.IndexHNSWFlat(reduced_dim, self.params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = self.params.ef_construction
        inner.hnsw.efSearch = self.params.ef_search
        return faiss.IndexIDMap(inner)  # not IDMap2: its reverse map costs ~50 MB a million ids

    def _new_full(self) -> Any:
        return faiss.IndexScalarQuantizer(self.dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)

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
        """The index holding the full vectors: IndexFlatIP (flat) or IndexScalarQuantizer."""
        return faiss.downcast_index(self._index.index) if self.kind == "flat" else self._full

    def _storage(self) -> npt.NDArray[np.float32] | npt.NDArray[np.uint8]:
        """A zero-copy view of the stored rows (float32 vectors, or the float16 codes as bytes).
        Valid until the next write."""
        store = self._store()
        n = int(store.ntotal)
        if self.kind != "flat":
            codes: npt.NDArray[np.uint8] = faiss.rev_swig_ptr(store.codes.data(), n * store.code_size)
            return codes.reshape(n, store.code_size)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        view: FloatArray = faiss.rev_swig_ptr(store.get_xb(), n * self.dim).reshape(n, self.dim)
        return view

    def _project(self, vectors: FloatArray) -> FloatArray:
        return _projected(vectors, self._proj)

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
            self._rebuild("pca-hnsw", extra=(ids, vectors))
            return
        start = int(self._index.ntotal)
        if self.kind == "flat":
            self._index.add_with_ids(vectors, ids)
        else:  # the full store first: a row in the graph always has its full vector
            self._full.add(vectors)
            self._index.add_with_ids(self._project(vectors), ids)
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
        dead = (pos < 0) | ~self._live[ids]  # a tombstone's row is still stored, but not served
        if dead.any():
            raise KeyError(f"no vector for ids {ids[dead][:5].tolist()}")
        return self._rows(pos)

    def _rows(self, pos: IntArray) -> FloatArray:
        rows = self._storage()[pos]
        if self.kind != "flat":  # faiss decodes float16 with SIMD, faster than numpy's astype
            with one_thread():
                decoded: FloatArray = self._full.sa_decode(np.ascontiguousarray(rows))
            return decoded
        return rows.astype(np.float32, copy=False)

    def compact(self) -> None:
        """Rebuild without tombstones, choosing flat or PCA + HNSW by the live count (a new
        projection is trained on the live vectors)."""
        self._rebuild("pca-hnsw" if self._n_live > self.params.exact_max else "flat")

    def _rebuild(self, kind: IndexKind, extra: tuple[IntArray, FloatArray] | None = None) -> None:
        old = np.flatnonzero(self._live).astype(np.int64)
        new_ids = np.zeros(0, dtype=np.int64) if extra is None else extra[0]
        new_vecs = np.zeros((0, self.dim), dtype=np.float32) if extra is None else extra[1]
        total = len(old) + len(new_ids)
        full, proj, energy = None, np.zeros((0, self.dim), dtype=np.float32), 1.0
        if kind == "flat":
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        else:
            # train on an evenly spaced sample of old and new vectors
            step = max(1, math.ceil(total / max(self.params.pca_sample, 1)))
            sample = np.vstack([self.vectors(old[::step]), new_vecs[(-len(old)) % step :: step]])
            proj, energy = _train_projection(sample, self.params.reduced_dim)
            index, full = self._new_graph(len(proj)), self._new_full()

        def put(chunk_ids: IntArray, vecs: FloatArray) -> None:
            if full is None:
                index.add_with_ids(vecs, chunk_ids)
            else:
                full.add(vecs)
                index.add_with_ids(_projected(vecs, proj), chunk_ids)

        # in chunks straight from the old storage: no third full copy of the vectors
        for start in range(0, len(old), _BUILD_CHUNK):
            chunk = old[start : start + _BUILD_CHUNK]
            put(chunk, self.vectors(chunk))
        for start in range(0, len(new_ids), _BUILD_CHUNK):
            put(new_ids[start : start + _BUILD_CHUNK], new_vecs[start : start + _BUILD_CHUNK])
        ids = np.concatenate([old, new_ids])
        self._index, self._full, self._proj, self.energy, self.kind = index, full, proj, energy, kind
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

    def ef_for(self, k: int, selectivity: float = 1.0) -> int:
        """efSearch for a top-k search whose filter allows `selectivity` of the live vectors."""
        base = max(self.params.ef_search, self.params.ef_per_k * k)
        # a selective filter leaves fewer allowed nodes among those the search visits
        grown = base * max(1.0, math.sqrt(0.5 / max(selectivity, 1e-9)))
        return int(min(max(grown, k), 4096))

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
        want = min(k, n_allowed)
        params: Any
        if self.kind == "flat":
            params, fetch, qs = faiss.SearchParameters(), want, q
        else:
            ef = self.ef_for(k, n_allowed / self._n_live)
            params = faiss.SearchParametersHNSW(efSearch=ef)
            fetch, qs = min(max(self.params.rerank * k, want), ef, n_allowed), self._project(q)
        bitmap = self._bitmap(allowed)
        if bitmap is not None:
            params.sel = faiss.IDSelectorBitmap(bitmap[0], faiss.swig_ptr(bitmap[1]))
        with one_thread():
            scores, labels = self._index.search(qs, fetch, params=params)
        keep = labels[0] >= 0
        ids, sims = labels[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)
        if self.kind == "flat":
            return ids, sims
        if len(ids) < want:
            return self._exact_subset(q, k, allowed)
        sims = (self.vectors(ids) @ q[0]).astype(np.float32)  # re-rank by the full vectors
        return self._top(ids, sims, k)

    @staticmethod
    def _top(ids: IntArray, sims: FloatArray, k: int) -> tuple[IntArray, FloatArray]:
        if len(ids) > k:
            top = np.argpartition(-sims, k)[:k]
            ids, sims = ids[top], sims[top]
        order = np.lexsort((ids, -sims))
        return ids[order], sims[order]

    def _exact_subset(self, q: FloatArray, k: int, allowed: BoolArray | None) -> tuple[IntArray, FloatArray]:
        live = self._live if allowed is None else allowed[: len(self._live)] & self._live[: len(allowed)]
        ids = np.flatnonzero(live).astype(np.int64)
        if len(ids) <= _GATHER_MAX:
            return self._top(ids, (self._rows(self._pos[ids]) @ q[0]).astype(np.float32), k)
        # brute force over the storage rows, skipping the rest by a bitmap (SIMD, no copies)
        store = self._store()
        rows = np.zeros(int(store.ntotal), dtype=bool)
        rows[self._pos[ids]] = True
        bitmap = np.packbits(rows, bitorder="little")
        params = faiss.SearchParameters(sel=faiss.IDSelectorBitmap(len(rows), faiss.swig_ptr(bitmap)))
        with one_thread():
            scores, found = store.search(q, min(k, len(ids)), params=params)
        keep = found[0] >= 0
        return self._top(self._id_at[found[0][keep]], scores[0][keep].astype(np.float32), k)

    # ---- persistence -----------------------------------------------------------------------
    def save(self, directory: Path) -> list[str]:
        faiss.write_index(self._index, str(directory / "vectors.faiss"))
        files = ["vectors.faiss", "vectors.npz"]
        if self.kind != "flat":
            faiss.write_index(self._full, str(directory / "vectors.full.faiss"))
            files.append("vectors.full.faiss")
        with open(directory / "vectors.npz", "wb") as fh:
            np.savez(
                fh,
                live=np.flatnonzero(self._live).astype(np.int64),
                proj=self._proj,
                energy=np.float64(self.energy),
            )
        return files

    @classmethod
    def load(cls, directory: Path, dim: int, kind: str, params: VectorParams | None = None) -> VectorIndex:
        """Load what `save` wrote; ValueError if the files do not fit `dim` and `kind` (a kind
        this version does not build, e.g. an older index's "hnsw16", is refused too)."""
        if kind not in KINDS:
            raise ValueError(f"unknown vector index kind {kind!r}")
        index = cls(dim, params)
        raw = faiss.read_index(str(directory / "vectors.faiss"))
        inner = faiss.downcast_index(raw.index)
        with np.load(directory / "vectors.npz") as arrays:
            live = arrays["live"].astype(np.int64)
            proj = arrays["proj"].astype(np.float32)
            energy = float(arrays["energy"])
        if kind == "flat":
            if raw.d != dim:
                raise ValueError(f"index dimension {raw.d} != {dim}")
            if type(inner) is not faiss.IndexFlatIP:
                raise ValueError(f"index file holds {type(inner).__name__}, manifest says {kind}")
        else:
            if type(raw) is not faiss.IndexIDMap or type(inner) not in (
                faiss.IndexHNSWFlat,
                faiss.IndexHNSWSQ,
            ):
                raise ValueError(f"index file holds {type(inner).__name__}, manifest says {kind}")
            full = faiss.read_index(str(directory / "vectors.full.faiss"))
            if type(full) is not faiss.IndexScalarQuantizer or full.d != dim:
                raise ValueError(f"full vectors: {type(full).__name__} of dimension {full.d} != {dim}")
            if proj.shape != (raw.d, dim):
                raise ValueError(f"projection of shape {proj.shape}, expected ({raw.d}, {dim})")
            if full.ntotal != raw.ntotal:
                raise ValueError(f"{full.ntotal} full vectors for {raw.ntotal} graph nodes")
            inner.hnsw.efSearch = index.params.ef_search
            index._full, index._proj, index.energy = full, proj, energy
        index._index, index.kind = raw, kind
        stored = faiss.vector_to_array(raw.id_map).astype(np.int64)
        index._grow(int(max(stored.max(initial=-1), live.max(initial=-1))) + 1)
        index._pos[stored] = np.arange(len(stored), dtype=np.int64)
        index._id_at = stored
        if len(live) and (index._pos[live] < 0).any():
            raise ValueError("live ids without a stored vector")
        index._live[live] = True
        index._n_live = len(live)
        index._n_dead = len(stored) - len(live)
        return index
