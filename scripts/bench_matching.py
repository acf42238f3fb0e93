"""Speed and memory of matching/ on synthetic corpora.

    python scripts/bench_matching.py --sizes 10000,100000,1000000 --json out.json

Each size runs in its own process (so its RSS is its own) and measures, on a seeded corpus:

- build: `Matcher.add` in batches with precomputed vectors, then the lexical merge (bm25s);
  RSS after the build and the peak;
- vector search alone (the channel the 5 ms target is about): p50/p95 for top-10, without and
  with filters of several selectivities, and recall@10 against exact search under the same filter;
- the whole hybrid `Matcher.search` (BM25 + vectors + fusion + reasons), with and without filters;
- incremental writes: add / update / remove one listing, then search; save and load.

Vectors are synthetic but not uniform: uniform random unit vectors in 512 dimensions have no
near neighbours at all (every similarity is ~0 +- 0.04), which no embedding model produces and
on which no approximate index is meaningful. They are drawn from a rank-64 Gaussian plus
isotropic noise, whose participation ratio (~57) matches that of real USE embeddings of the
bench corpora (~57); queries are fresh draws from the same distribution. `--uniform` uses
uniform vectors instead. BM25 documents are Zipf-distributed pseudo-words (~45 per document).

Query encoding is measured separately, with the real encoders on real bench queries.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matching import Document, Filters, Matcher, MatcherConfig, Query  # noqa: E402
from matching.config import LEXICAL  # noqa: E402
from matching.vector import VectorParams  # noqa: E402

FloatMatrix = npt.NDArray[np.float32]
RANK, NOISE, VOCAB, CHUNK = 64, 0.3, 50_000, 50_000
FIELDS = [f"field{i}" for i in range(10)]
REGIONS = [f"region{i}" for i in range(30)]
MODES = ["transfer", "licensing", "development", "consulting", "service"]


def rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss / 2**20)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float]) -> dict[str, float]:
    arr = np.asarray(values) * 1000
    return {
        "p50_ms": round(float(np.percentile(arr, 50)), 3),
        "p95_ms": round(float(np.percentile(arr, 95)), 3),
    }


class VectorSource:
    """Deterministic synthetic vectors: chunk i is always the same, so ground truth can be
    recomputed chunk by chunk without holding the whole corpus twice."""

    def __init__(self, dim: int, seed: int, uniform: bool) -> None:
        self.dim, self.seed, self.uniform = dim, seed, uniform
        rng = np.random.default_rng(seed)
        self.basis = (rng.standard_normal((RANK, dim)) / np.sqrt(RANK)).astype(np.float32)

    def draw(self, n: int, rng: np.random.Generator) -> FloatMatrix:
        if self.uniform:
            x = rng.standard_normal((n, self.dim), dtype=np.float32)
        else:
            x = rng.standard_normal((n, RANK), dtype=np.float32) @ self.basis
            x += NOISE / np.sqrt(self.dim) * rng.standard_normal((n, self.dim), dtype=np.float32)
        out: FloatMatrix = x / np.linalg.norm(x, axis=1, keepdims=True)
        return out

    def chunk(self, index: int, n: int) -> FloatMatrix:
        return self.draw(n, np.random.default_rng((self.seed, index)))


class LookupEncoder:
    """Stands in for a model at query time: returns the precomputed vector of a query text."""

    def __init__(self, dim: int) -> None:
        self._dim = dim
        self.table: dict[str, FloatMatrix] = {}

    @property
    def name(self) -> str:
        return f"synthetic-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: list[str]) -> FloatMatrix:
        return np.vstack([self.table[t] for t in texts]).astype(np.float32)


def pseudo_docs(n: int, rng: np.random.Generator, probs: npt.NDArray[np.float64]) -> list[str]:
    lens = rng.poisson(40, n) + 5
    words = rng.choice(VOCAB, size=int(lens.sum()), p=probs)
    out, pos = [], 0
    for length in lens.tolist():
        out.append(" ".join(f"w{w}" for w in words[pos : pos + length].tolist()))
        pos += length
    return out


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def exact_top(
    source: VectorSource,
    n: int,
    queries: FloatMatrix,
    masks: dict[str, npt.NDArray[np.bool_] | None],
    k: int = 10,
) -> dict[str, npt.NDArray[np.int64]]:
    """Exact top-k ids per query under each mask, by chunked brute force."""
    best: dict[str, tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]] = {
        name: (np.full((len(queries), 0), -np.inf, np.float32), np.zeros((len(queries), 0), np.int64))
        for name in masks
    }
    for c, start in enumerate(range(0, n, CHUNK)):
        x = source.chunk(c, min(CHUNK, n - start))
        sims = queries @ x.T
        ids = np.arange(start, start + len(x), dtype=np.int64)
        for name, mask in masks.items():
            s = sims if mask is None else np.where(mask[start : start + len(x)], sims, -np.inf)
            scores, labels = best[name]
            scores = np.hstack([scores, s])
            labels = np.hstack([labels, np.broadcast_to(ids, s.shape)])
            keep = np.argsort(-scores, axis=1)[:, :k]
            best[name] = (np.take_along_axis(scores, keep, 1), np.take_along_axis(labels, keep, 1))
    return {name: labels for name, (_, labels) in best.items()}


def run_size(
    n: int,
    dim: int,
    seed: int,
    n_queries: int,
    uniform: bool,
    ef_search: int | None,
    ef_sweep: list[int] | None = None,
    peers: list[str] | None = None,
) -> dict[str, Any]:
    ef_sweep = ef_sweep or []
    rng = np.random.default_rng(seed)
    source = VectorSource(dim, seed, uniform)
    probs = 1 / np.arange(1, VOCAB + 1) ** 1.1
    probs /= probs.sum()
    encoder = LookupEncoder(dim)
    params = VectorParams() if ef_search is None else VectorParams(ef_search=ef_search)
    weights = {LEXICAL: 0.6, "vec": 0.4}
    config = MatcherConfig(encoders=("vec",), weights={"zh": weights, "en": weights}, vector=params)
    matcher = Matcher("bench", config, encoders={"vec": encoder})
    out: dict[str, Any] = {
        "size": n,
        "dim": dim,
        "vectors": "uniform" if uniform else f"rank{RANK}+noise",
        "hnsw_m": params.hnsw_m,
        "ef_construction": params.ef_construction,
        "ef_search": params.ef_search,
        "ef_per_k": params.ef_per_k,
        "reduced_dim": params.reduced_dim,
        "rerank": params.rerank,
        "exact_max": params.exact_max,
        "rss_start_mb": round(rss_mb()),
    }

    # ---- build
    fields = rng.integers(0, len(FIELDS), n)
    regions = rng.integers(0, len(REGIONS), n)
    trls = rng.integers(1, 10, n)
    t_build = time.perf_counter()
    t_add = 0.0
    for c, start in enumerate(range(0, n, CHUNK)):
        m = min(CHUNK, n - start)
        texts = pseudo_docs(m, rng, probs)
        docs = [
            Document(
                id=f"a:{start + i}",
                text=texts[i],
                lang="en",
                field=FIELDS[fields[start + i]],
                region=REGIONS[regions[start + i]],
                trl=int(trls[start + i]),
                modes=frozenset({MODES[(start + i) % len(MODES)]}),
                price=Decimal((start + i) % 1000) * 1000,
                status="published",
            )
            for i in range(m)
        ]
        vecs = source.chunk(c, m)
        t = time.perf_counter()
        matcher.add(docs, vectors={"vec": vecs})
        t_add += time.perf_counter() - t
    t = time.perf_counter()
    matcher.lexical.compact()
    t_merge = time.perf_counter() - t
    out["build"] = {
        "total_s": round(time.perf_counter() - t_build, 1),
        "add_s": round(t_add, 1),
        "lexical_merge_s": round(t_merge, 1),
        "vector_kind": matcher.vectors["vec"].kind,
        "pca_energy": round(matcher.vectors["vec"].energy, 4),
        "rss_mb": round(rss_mb()),
        "peak_rss_mb": round(peak_mb()),
    }
    print(
        f"[{n}] built in {out['build']['total_s']} s, rss {out['build']['rss_mb']} MB",
        file=sys.stderr,
        flush=True,
    )

    # ---- queries
    qrng = np.random.default_rng((seed, 999))
    queries = source.draw(n_queries, qrng)
    # query words: Zipf-weighted but without the 100 most frequent ranks, which play the part
    # of the stopwords a real query loses (rank 1 alone is in almost every document)
    content = probs.copy()
    content[:100] = 0
    content /= content.sum()
    qwords = qrng.choice(VOCAB, size=(n_queries, 4), p=content)
    qtexts = [" ".join(f"w{w}" for w in row) + f" q{i}" for i, row in enumerate(qwords.tolist())]
    for text, vec in zip(qtexts, queries, strict=True):
        encoder.table[text] = vec
    filters = {
        "none": Filters(),
        "field (10%)": Filters(fields=frozenset({FIELDS[0]})),
        "trl>=8 (22%)": Filters(min_trl=8, keep_unknown=False),
        "field+region (0.3%)": Filters(fields=frozenset({FIELDS[0]}), regions=frozenset({REGIONS[0]})),
    }
    masks = {name: matcher._filter_mask(f) for name, f in filters.items()}
    out["selectivity"] = {
        name: (1.0 if m is None else round(float(m.mean()), 4)) for name, m in masks.items()
    }
    t = time.perf_counter()
    truth = exact_top(source, n, queries, masks)
    out["ground_truth_s"] = round(time.perf_counter() - t, 1)
    index = matcher.vectors["vec"]
    vector_search: dict[str, Any] = {}
    for name, mask in masks.items():
        found: list[npt.NDArray[np.int64]] = []
        times = []
        for q in queries:
            t = time.perf_counter()
            ids, _ = index.search(q, 10, mask)
            times.append(time.perf_counter() - t)
            found.append(ids)
        recall = np.mean(
            [
                len(set(f.tolist()) & set(g.tolist())) / max(min(10, len(g)), 1)
                for f, g in zip(found, truth[name], strict=True)
            ]
        )
        vector_search[name] = {**pct(times), "recall@10": round(float(recall), 4)}
    out["vector_search"] = vector_search
    if peers:
        out["peers"] = run_peers(peers, n, dim, seed, uniform, queries, masks, truth, vector_search)
    if index.kind != "flat":  # unfiltered recall and latency against the efSearch floor
        sweep = {}
        shipped = index.params
        for ef in ef_sweep:
            index.params = dataclasses.replace(shipped, ef_search=ef)
            times, hits = [], []
            for q, g in zip(queries, truth["none"], strict=True):
                t = time.perf_counter()
                ids, _ = index.search(q, 10)
                times.append(time.perf_counter() - t)
                hits.append(len(set(ids.tolist()) & set(g.tolist())) / 10)
            sweep[str(ef)] = {**pct(times), "recall@10": round(float(np.mean(hits)), 4)}
        index.params = shipped
        out["ef_sweep"] = sweep

    hybrid: dict[str, Any] = {}
    for name, f in filters.items():
        times_each = []
        for text in qtexts[:200]:
            t0 = time.perf_counter()
            matcher.search(Query(text, filters=f))
            times_each.append(time.perf_counter() - t0)
        hybrid[name] = {**pct(times_each), "mean_ms": round(1000 * float(np.mean(times_each)), 3)}
    out["hybrid_search"] = hybrid
    lex_times = []
    for text in qtexts[:200]:
        toks = matcher.tokenizer.tokens(text, query=True)
        t0 = time.perf_counter()
        scores = matcher.lexical.scores(toks, matcher.attributes.size)
        nz = np.flatnonzero(scores)
        if len(nz) > 100:
            nz = nz[np.argpartition(-scores[nz], 100)[:100]]
        lex_times.append(time.perf_counter() - t0)
    out["bm25_search"] = pct(lex_times)

    # ---- incremental writes
    extra = source.draw(1001, np.random.default_rng((seed, 7)))
    new_doc = Document(id="a:new", text="w1 w2 w3 fresh listing", lang="en", field=FIELDS[0])
    upd_doc = Document(id="a:0", text="w4 w5 replaced text", lang="en", field=FIELDS[1])
    writes: dict[str, Any] = {
        "add_one_s": timed(lambda: matcher.add([new_doc], vectors={"vec": extra[:1]}), 1)[0],
        "update_one_s": timed(lambda: matcher.update([upd_doc], vectors={"vec": extra[1:2]}), 1)[0],
        "remove_one_s": timed(lambda: matcher.remove(["a:1"]), 1)[0],
        "first_search_after_write_s": timed(lambda: matcher.search(Query(qtexts[0])), 1)[0],
    }
    batch = [Document(id=f"b:{i}", text=f"w{i} w{i + 1} batch", lang="en") for i in range(1000)]
    writes["add_1000_s"] = timed(lambda: matcher.add(batch, vectors={"vec": extra[1:]}), 1)[0]
    writes["first_search_after_1000_s"] = timed(lambda: matcher.search(Query(qtexts[1])), 1)[0]
    delta_times = []
    for text in qtexts[:100]:
        t0 = time.perf_counter()
        matcher.search(Query(text))
        delta_times.append(time.perf_counter() - t0)
    writes["hybrid_search_with_delta"] = pct(delta_times)
    out["writes"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in writes.items()}

    out["persistence"] = persistence(matcher, config, encoder)
    out["peak_rss_mb"] = round(peak_mb())
    return out


def run_peers(
    peers: list[str],
    n: int,
    dim: int,
    seed: int,
    uniform: bool,
    queries: FloatMatrix,
    masks: dict[str, npt.NDArray[np.bool_] | None],
    truth: dict[str, npt.NDArray[np.int64]],
    ours: dict[str, Any],
) -> dict[str, Any]:
    """Our vector index and each peer built alone in a child process (`bench_vector_peers`) on
    the same vectors, the peers tuned to the recall ours reached under each filter."""
    from scripts.bench_vector_peers import write_work

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        work = Path(tmp) / "work.npz"
        write_work(work, queries, masks, truth, {k: v["recall@10"] for k, v in ours.items()})
        for name in ["ours", *peers]:
            cmd = [sys.executable, str(REPO / "scripts" / "bench_vector_peers.py"), "--index", name,
                   "--size", str(n), "--dim", str(dim), "--seed", str(seed), "--work", str(work)]
            if uniform:
                cmd.append("--uniform")
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
            if proc.returncode != 0:
                out[name] = {"error": proc.stderr.strip().splitlines()[-1:]}
                continue
            out[name] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"[{n}] {name}: built in {out[name]['build_s']} s", file=sys.stderr, flush=True)
    return out


def persistence(matcher: Matcher, config: MatcherConfig, encoder: LookupEncoder) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        directory = Path(tmp) / "bench"
        t = time.perf_counter()
        matcher.save(directory)
        save_s = time.perf_counter() - t
        size_mb = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 2**20
        t = time.perf_counter()
        loaded = Matcher.load(directory, config, encoders={"vec": encoder})
        load_s = time.perf_counter() - t
        return {
            "save_s": round(save_s, 1),
            "load_s": round(load_s, 1),
            "disk_mb": round(size_mb),
            "count": len(loaded),
        }


def real_recall(
    name: str, data: Path, cache_dir: Path, reduced_dims: list[int], n_queries: int
) -> dict[str, Any]:
    """The approximate index on real embeddings: every corpus of the bench sets (dev and test)
    encoded with `name`, indexed with a low exact_max so that PCA + HNSW answers, and compared
    with exact search for top-10 and top-100 (the hybrid's per-channel candidates)."""
    from matching import get_encoder
    from matching.vector import VectorIndex

    docs: dict[str, str] = {}
    queries: list[str] = []
    for path in sorted(data.glob("*/*/corpus.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                text = "\n".join(p for p in (record.get("title") or "", record.get("text") or "") if p)
                docs.setdefault(text.strip(), "")
        with open(path.parent / "queries.jsonl", encoding="utf-8") as fh:
            queries.extend(json.loads(line)["text"] for line in fh)
    texts = sorted(t for t in docs if t)
    rng = np.random.default_rng(0)
    qtexts = [queries[i] for i in rng.choice(len(queries), size=min(n_queries, len(queries)), replace=False)]
    encoder = get_encoder(name, cache_dir=cache_dir)
    x = encoder.encode(texts).astype(np.float32)
    q = encoder.encode(qtexts).astype(np.float32)
    sims = q @ x.T
    out: dict[str, Any] = {"encoder": name, "docs": len(texts), "queries": len(qtexts)}
    for reduced in reduced_dims:
        index = VectorIndex(x.shape[1], VectorParams(exact_max=1000, reduced_dim=reduced))
        index.add(np.arange(len(x), dtype=np.int64), x)
        row: dict[str, Any] = {"kind": index.kind, "energy": round(index.energy, 4)}
        for k in (10, 100):
            truth = np.argsort(-sims, axis=1)[:, :k]
            hits = [
                len(set(index.search(v, k)[0].tolist()) & set(t.tolist())) / k
                for v, t in zip(q, truth, strict=True)
            ]
            row[f"recall@{k}"] = round(float(np.mean(hits)), 4)
        out[f"reduced_{reduced}"] = row
    return out


def encoder_timing(names: list[str], data: Path, n_queries: int) -> dict[str, Any]:
    from matching import get_encoder

    texts: list[str] = []
    for path in sorted(data.glob("*/test/queries.jsonl")):
        with open(path, encoding="utf-8") as fh:
            texts.extend(json.loads(line)["text"] for line in fh)
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.choice(len(texts), size=min(n_queries, len(texts)), replace=False)]
    out: dict[str, Any] = {"queries": len(sample)}
    for name in names:
        encoder = get_encoder(name)  # no cache: real model time
        t = time.perf_counter()
        encoder.encode(sample[:1])
        load_s = time.perf_counter() - t
        single = []
        for text in sample:
            t = time.perf_counter()
            encoder.encode([text])
            single.append(time.perf_counter() - t)
        t = time.perf_counter()
        encoder.encode(sample)
        batch_s = time.perf_counter() - t
        out[name] = {
            "load_and_first_s": round(load_s, 2),
            **pct(single),
            "batch_texts_per_s": round(len(sample) / batch_s, 1),
        }
    return out


def print_peers(peers: dict[str, Any]) -> None:
    ours = peers.get("ours")
    for name, r in peers.items():
        if "error" in r:
            print(f"      {name}: failed: {r['error']}", flush=True)
            continue
        ratio = ""
        if ours and ours.get("build_s") and name != "ours":
            ratio = f" ({r['build_s'] / ours['build_s']:.2f}x ours)"
        print(f"      {name}: build {r['build_s']} s{ratio}, index RSS {r['index_rss_mb']} MB, "
              f"peak {r['peak_rss_mb']} MB", flush=True)
        for label, v in r["search"].items():
            print(f"        {label:<20} p50 {v['p50_ms']:.2f} ms  p95 {v['p95_ms']:.2f} ms  "
                  f"recall@10 {v['recall@10']:.3f}  ef {v['ef_search']}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--dim", type=int, default=512, help="512 = USE (the Chinese default), 384 = MiniLM")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--ef-search", type=int, help="efSearch floor (default: VectorParams')")
    parser.add_argument(
        "--ef-sweep", default="128,256,384,512", help="efSearch floors to time unfiltered top-10 at"
    )
    parser.add_argument("--uniform", action="store_true", help="uniform random unit vectors (no structure)")
    parser.add_argument("--encoders", default="use,minilm", help="real encoders to time ('' to skip)")
    parser.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "bench" / "matching")
    parser.add_argument(
        "--real",
        default="use",
        help="encoder whose embeddings of the bench corpora check recall ('' to skip)",
    )
    parser.add_argument("--real-dims", default="32,64,128", help="graph dimensions for the real check")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "var" / "cache" / "embeddings")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--peers", default="hnswlib,usearch",
        help="other vector indexes to run beside ours ('' to skip; pip install -e '.[bench]')",
    )
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one_size:
        sweep = [int(e) for e in args.ef_sweep.split(",") if e]
        peers = [p for p in args.peers.split(",") if p]
        result = run_size(
            args.one_size, args.dim, args.seed, args.queries, args.uniform, args.ef_search, sweep,
            peers,
        )
        print(json.dumps(result))
        return 0

    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count()}, "sizes": []}
    for size in [int(s) for s in args.sizes.split(",") if s]:
        cmd = [
            sys.executable,
            __file__,
            "--one-size",
            str(size),
            "--dim",
            str(args.dim),
            "--queries",
            str(args.queries),
            "--seed",
            str(args.seed),
            "--ef-sweep",
            args.ef_sweep,
            "--peers",
            args.peers,
        ]
        if args.ef_search:
            cmd += ["--ef-search", str(args.ef_search)]
        if args.uniform:
            cmd.append("--uniform")
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        results["sizes"].append(row)
        vs, build = row["vector_search"], row["build"]
        print(
            f"{size:>9,} docs  build {build['total_s']:>7.1f} s  rss {build['rss_mb']:>6} MB "
            f"(build peak {build['peak_rss_mb']}, run peak {row['peak_rss_mb']})",
            flush=True,
        )
        if "pca_energy" in build:
            print(f"      {build['vector_kind']}: projection keeps {build['pca_energy']:.4f} of the energy")
        for ef, v in row.get("ef_sweep", {}).items():
            print(f"      ef floor {ef:>5}: p50 {v['p50_ms']:.2f} ms  recall@10 {v['recall@10']:.3f}")
        for name, v in vs.items():
            print(
                f"      vector {name:<20} p50 {v['p50_ms']:.2f} ms  p95 {v['p95_ms']:.2f} ms  "
                f"recall@10 {v['recall@10']:.3f}   hybrid p50 {row['hybrid_search'][name]['p50_ms']:.2f} ms "
                f"p95 {row['hybrid_search'][name]['p95_ms']:.2f} ms",
                flush=True,
            )
        print_peers(row.get("peers", {}))
    if args.real:
        dims = [int(d) for d in args.real_dims.split(",") if d]
        results["real_recall"] = real = real_recall(
            args.real, args.data.resolve(), args.cache_dir, dims, 1000
        )
        print(f"real {args.real} embeddings: {real['docs']} docs, {real['queries']} queries", flush=True)
        for d in dims:
            r = real[f"reduced_{d}"]
            print(
                f"      {d:>4} dims: energy {r['energy']:.3f}  recall@10 {r['recall@10']:.3f}  "
                f"recall@100 {r['recall@100']:.3f}",
                flush=True,
            )
    names = [s for s in args.encoders.split(",") if s]
    if names:
        results["query_encoding"] = encoder_timing(names, args.data.resolve(), args.queries)
        for name in names:
            e = results["query_encoding"][name]
            print(
                f"encode {name:<7} one query p50 {e['p50_ms']:.1f} ms p95 {e['p95_ms']:.1f} ms; "
                f"batch {e['batch_texts_per_s']} texts/s",
                flush=True,
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
