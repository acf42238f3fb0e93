"""Our vector index beside hnswlib and usearch, on the same vectors, queries and filters.

Run by `bench_matching.py` (`--peers`), one process per index so that each one's build time
and RSS are its own:

    python scripts/bench_vector_peers.py --index hnswlib --size N --dim D --seed S --work FILE

FILE (written by `bench_matching`) holds the queries, each filter's allowed-listing mask, the
exact top-10 under it, and the recall@10 our index reached there. The corpus is regenerated
from the seed (`VectorSource`, chunk by chunk), so every index sees the same vectors.

Each peer is tuned to our recall: for every filter, efSearch grows through `EF_STEPS` until
its recall@10 reaches ours (or the last step), and the p50/p95 at that efSearch is reported.
The peers are built as ours is (M 32, efConstruction 100, inner product, all cores for the
build, one thread per query). Filters use each library's own way: hnswlib's `filter`
callback, usearch post-filtering (asking for more candidates until ten allowed ones remain).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.bench_matching import CHUNK, VectorSource, pct, rss_mb  # noqa: E402

INDEXES = ("ours", "hnswlib", "usearch")
EF_STEPS = (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 4096)
M, EF_CONSTRUCTION, K = 32, 100, 10

FloatMatrix = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
Ids = npt.NDArray[np.int64]


class Index(Protocol):
    tunable: bool

    def add(self, ids: Ids, vectors: FloatMatrix) -> None: ...

    def set_ef(self, ef: int) -> None: ...

    def search(self, query: FloatMatrix, mask: Mask | None, selectivity: float) -> Ids: ...


class Ours:
    """`matching.vector.VectorIndex` with its shipped parameters (it sizes efSearch itself)."""

    tunable = False

    def __init__(self, dim: int, n: int) -> None:
        from matching.vector import VectorIndex

        self.index = VectorIndex(dim)

    def add(self, ids: Ids, vectors: FloatMatrix) -> None:
        self.index.add(ids, vectors)

    def set_ef(self, ef: int) -> None:
        pass

    def search(self, query: FloatMatrix, mask: Mask | None, selectivity: float) -> Ids:
        ids: Ids = self.index.search(query, K, mask)[0]
        return ids


class Hnswlib:
    tunable = True

    def __init__(self, dim: int, n: int) -> None:
        import hnswlib

        self.index = hnswlib.Index(space="ip", dim=dim)
        self.index.init_index(max_elements=n, ef_construction=EF_CONSTRUCTION, M=M)

    def add(self, ids: Ids, vectors: FloatMatrix) -> None:
        self.index.add_items(vectors, ids)

    def set_ef(self, ef: int) -> None:
        self.index.set_ef(ef)

    def search(self, query: FloatMatrix, mask: Mask | None, selectivity: float) -> Ids:
        allowed = None if mask is None else (lambda label: bool(mask[label]))
        labels, _ = self.index.knn_query(query, k=K, num_threads=1, filter=allowed)
        ids: Ids = np.asarray(labels[0], dtype=np.int64)
        return ids


class Usearch:
    """usearch's HNSW (f16 storage, as ours). Its Python API has no filter predicate, so a
    filtered query asks for K / selectivity · 2 candidates and doubles until K survive."""

    tunable = True

    def __init__(self, dim: int, n: int) -> None:
        from usearch.index import Index as UIndex

        self.index = UIndex(ndim=dim, metric="ip", dtype="f16", connectivity=M,
                            expansion_add=EF_CONSTRUCTION)

    def add(self, ids: Ids, vectors: FloatMatrix) -> None:
        self.index.add(ids, vectors, threads=0)

    def set_ef(self, ef: int) -> None:
        self.index.expansion_search = ef  # type: ignore[misc]  # settable, typed read-only

    def search(self, query: FloatMatrix, mask: Mask | None, selectivity: float) -> Ids:
        if mask is None:
            return np.asarray(self.index.search(query, K, threads=1).keys, dtype=np.int64)
        count = min(len(mask), math.ceil(K / max(selectivity, 1e-6) * 2))
        while True:
            keys = np.asarray(self.index.search(query, count, threads=1).keys, dtype=np.int64)
            kept = keys[mask[keys]]
            if len(kept) >= K or count >= len(mask):
                return kept[:K]
            count = min(len(mask), count * 2)


def peak_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss it does not start from the parent's)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build(name: str, source: VectorSource, n: int) -> tuple[Index, dict[str, Any]]:
    rss_before = rss_mb()
    kinds: dict[str, type[Ours] | type[Hnswlib] | type[Usearch]] = {
        "ours": Ours, "hnswlib": Hnswlib, "usearch": Usearch}
    index: Index = kinds[name](source.dim, n)
    t_build = 0.0
    for c, start in enumerate(range(0, n, CHUNK)):
        vectors = source.chunk(c, min(CHUNK, n - start))  # generated outside the timed part
        t = time.perf_counter()
        index.add(np.arange(start, start + len(vectors), dtype=np.int64), vectors)
        t_build += time.perf_counter() - t
    return index, {
        "build_s": round(t_build, 2),
        "rss_mb": round(rss_mb()),
        "index_rss_mb": round(rss_mb() - rss_before),
        "peak_rss_mb": round(peak_mb()),
    }


def recall(index: Index, queries: FloatMatrix, truth: Ids, mask: Mask | None, sel: float) -> float:
    hits = [len(set(index.search(q, mask, sel).tolist()) & set(t.tolist())) / max(min(K, len(t)), 1)
            for q, t in zip(queries, truth, strict=True)]
    return float(np.mean(hits))


def measure(name: str, size: int, dim: int, seed: int, uniform: bool, work: Path) -> dict[str, Any]:
    data = np.load(work)
    queries = data["queries"].astype(np.float32)
    filters = json.loads(str(data["filters"]))
    index, out = build(name, VectorSource(dim, seed, uniform), size)
    out["index"] = name
    results: dict[str, Any] = {}
    for i, (label, target) in enumerate(filters.items()):
        packed = data[f"mask{i}"]
        mask = None if packed.size == 0 else np.unpackbits(packed, count=size).astype(bool)
        sel = 1.0 if mask is None else float(mask.mean())
        truth = data[f"truth{i}"]
        ef, got = None, 0.0
        if index.tunable:
            for ef in EF_STEPS:
                index.set_ef(ef)
                got = recall(index, queries, truth, mask, sel)
                if got >= target:
                    break
        else:
            got = recall(index, queries, truth, mask, sel)
        times = []
        for q in queries:
            t = time.perf_counter()
            index.search(q, mask, sel)
            times.append(time.perf_counter() - t)
        results[label] = {**pct(times), "recall@10": round(got, 4), "ef_search": ef}
    out["search"] = results
    out["peak_rss_mb"] = round(peak_mb())
    return out


def write_work(path: Path, queries: FloatMatrix, masks: dict[str, Mask | None],
               truth: dict[str, Ids], our_recall: dict[str, float]) -> None:
    arrays: dict[str, Any] = {"queries": queries, "filters": json.dumps(our_recall)}
    for i, label in enumerate(our_recall):
        mask = masks[label]
        arrays[f"mask{i}"] = np.zeros(0, np.uint8) if mask is None else np.packbits(mask)
        arrays[f"truth{i}"] = truth[label]
    np.savez(path, **arrays)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", choices=INDEXES, required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--dim", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--uniform", action="store_true")
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args(argv)
    result = measure(args.index, args.size, args.dim, args.seed, args.uniform, args.work)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
