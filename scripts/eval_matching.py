"""Retrieval quality of matching/ on BEIR-format tasks.

    python scripts/eval_matching.py                       # every task, dev and test, every system
    python scripts/eval_matching.py --tasks patent-ipc --splits dev --systems bm25,hybrid --json out.json

A task is a folder holding corpus.jsonl, queries.jsonl and qrels.tsv, either directly or in
one subfolder per split. Every system is a real `Matcher` (the code the backend runs):

    bm25     the lexical channel alone
    use      USE alone (exact search)            minilm   MiniLM alone (exact search)
    e5       E5-small alone (exact search)       hash     the hash encoder alone (exact)
    hybrid   the shipped default configuration (`MatcherConfig()`)

A split whose queries carry a `field` is evaluated twice: as given, and with the fields
removed (task `<task>-nofield`: a firm that cannot say what field its problem is in). A
system's given-field boost applies whenever the query has a field; "alone" means one channel.

Documents and queries may carry `lang` and `field`; they are passed on as a listing's
language and field would be. Nothing else in the records is used (in particular not the
patent `ipc` list, which defines relevance). A query's `exclude` id is filtered out.
Metrics: recall@10, MRR@10, nDCG@10 with binary relevance, averaged over queries.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matching import Document, Filters, Matcher, MatcherConfig, Query, config_for, detect_lang  # noqa: E402
from matching.config import LEXICAL  # noqa: E402
from matching.encoders import encode_queries, get_encoder  # noqa: E402
from matching.vector import VectorParams  # noqa: E402

SYSTEMS = ("bm25", "use", "minilm", "e5", "hybrid")
PRIMARY = {"csl-title": "mrr@10", "csl-keywords": "mrr@10"}  # the target metric; others nDCG@10
EXTRA_SYSTEMS = ("hash",)
K = 10


@dataclass
class Split:
    task: str
    split: str
    path: Path


def default_data() -> Path:
    """The bench folder beside the checkout (`../shared/bench/matching`), or beside the folder
    holding it (a worktree under `wt/`)."""
    for up in (REPO.parent, REPO.parent.parent):
        candidate = up / "shared" / "bench" / "matching"
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared" / "bench" / "matching"


def find_splits(data: Path, tasks: list[str] | None, splits: list[str]) -> list[Split]:
    found: list[Split] = []
    for task_dir in sorted(p for p in data.iterdir() if p.is_dir()):
        if tasks and task_dir.name not in tasks:
            continue
        if (task_dir / "corpus.jsonl").is_file():
            found.append(Split(task_dir.name, "all", task_dir))
            continue
        for split in splits:
            if (task_dir / split / "corpus.jsonl").is_file():
                found.append(Split(task_dir.name, split, task_dir / split))
    return found


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            cols = line.rstrip("\n").split("\t")
            if n == 0 and not cols[-1].lstrip("-").isdigit():
                continue  # header
            if len(cols) >= 3 and int(cols[2]) > 0:
                qrels.setdefault(cols[0], set()).add(cols[1])
    return qrels


def system_config(system: str) -> MatcherConfig:
    exact = VectorParams(exact_max=10**9)  # "alone" figures are exact search
    if system == "bm25":
        return config_for("bm25")
    if system in ("use", "minilm", "e5", "hash"):
        base = config_for(system)
        only = {system: 1.0}
        return replace(base, weights={"zh": only, "en": only}, vector=exact)
    if system == "hybrid":
        return MatcherConfig()
    raise ValueError(f"unknown system {system!r}")


def doc_text(record: dict[str, Any]) -> str:
    return "\n".join(part for part in (record.get("title") or "", record.get("text") or "") if part).strip()


def metrics(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    hits = [doc in relevant for doc in ranked[:K]]
    dcg = sum(1 / math.log2(i + 2) for i, hit in enumerate(hits) if hit)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    return {
        "recall@10": sum(hits) / len(relevant) if relevant else 0.0,
        "mrr@10": next((1 / (i + 1) for i, hit in enumerate(hits) if hit), 0.0),
        "ndcg@10": dcg / idcg if idcg else 0.0,
    }


def has_fields(split: Split) -> bool:
    """Whether the split's queries carry a `field` (then it is also evaluated without)."""
    return any(q.get("field") for q in read_jsonl(split.path / "queries.jsonl"))


def evaluate(split: Split, system: str, cache_dir: Path | None, *, use_field: bool = True) -> dict[str, Any]:
    """One system on one split; `use_field=False`: the queries' fields removed (the task is
    then named `<task>-nofield`)."""
    corpus = read_jsonl(split.path / "corpus.jsonl")
    queries = read_jsonl(split.path / "queries.jsonl")
    if not use_field:
        queries = [{k: v for k, v in q.items() if k != "field"} for q in queries]
    qrels = read_qrels(split.path / "qrels.tsv")
    config = system_config(system)
    matcher = Matcher(f"{split.task}-{split.split}", config, cache_dir=cache_dir)
    started = time.perf_counter()
    matcher.add(
        Document(id=str(r["_id"]), text=doc_text(r), lang=r.get("lang"), field=r.get("field")) for r in corpus
    )
    build_s = time.perf_counter() - started
    totals = {"recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}
    judged = 0
    started = time.perf_counter()
    for q in queries:
        relevant = qrels.get(str(q["_id"]))
        if not relevant:
            continue
        exclude = q.get("exclude")
        excluded = frozenset([exclude] if isinstance(exclude, str) else exclude or [])
        query = Query(
            text=q["text"],
            lang=q.get("lang"),
            field=q.get("field"),
            top_k=K,
            filters=Filters(exclude_ids=excluded),
        )
        ranked = [r.id for r in matcher.search(query)]
        for key, value in metrics(ranked, relevant).items():
            totals[key] += value
        judged += 1
    search_s = time.perf_counter() - started
    out: dict[str, Any] = {key: round(value / max(judged, 1), 4) for key, value in totals.items()}
    out.update(
        task=split.task if use_field else f"{split.task}-nofield",
        split=split.split,
        system=system,
        queries=judged,
        docs=len(corpus),
        build_s=round(build_s, 2),
        ms_per_query=round(1000 * search_s / max(judged, 1), 2),
    )
    if system == "hybrid":
        out["weights"] = {lang: dict(w) for lang, w in config.weights.items()}
    return out


def timed_queries(system: str, texts: list[str]) -> dict[str, float]:
    """Query-encoding time of each encoder of `system` (ms per query, one query at a time,
    after a warm-up; no cache)."""
    config = system_config(system)
    out = {}
    for channel in config.encoders:
        encoder = get_encoder(channel)
        encode_queries(encoder, texts[:2])  # load the model
        started = time.perf_counter()
        for text in texts:
            encode_queries(encoder, [text])
        out[channel] = round(1000 * (time.perf_counter() - started) / max(len(texts), 1), 2)
    return out


def channel_table(split: Split, cache_dir: Path | None) -> list[tuple[list[str], Any, set[str]]]:
    """Per judged query: the candidate ids of every channel (top-100 each, union), their
    normalised score per channel (columns bm25, use, minilm) and the relevant ids."""
    import numpy as np

    channels = (LEXICAL, "use", "minilm")
    ones = {ch: 1.0 for ch in channels}
    config = MatcherConfig(
        encoders=("use", "minilm"), weights={"zh": ones, "en": ones}, vector=VectorParams(exact_max=10**9)
    )
    corpus = read_jsonl(split.path / "corpus.jsonl")
    queries = read_jsonl(split.path / "queries.jsonl")
    qrels = read_qrels(split.path / "qrels.tsv")
    matcher = Matcher("sweep", config, cache_dir=cache_dir)
    matcher.add(
        Document(id=str(r["_id"]), text=doc_text(r), lang=r.get("lang"), field=r.get("field")) for r in corpus
    )
    rows = []
    for q in queries:
        relevant = qrels.get(str(q["_id"]))
        if not relevant:
            continue
        exclude = q.get("exclude")
        excluded = frozenset([exclude] if isinstance(exclude, str) else exclude or [])
        query = Query(text=q["text"], lang=q.get("lang"), top_k=10_000, filters=Filters(exclude_ids=excluded))
        results = matcher.search(query)
        ids = [r.id for r in results]
        table = np.array([[r.parts.get(ch, 0.0) for ch in channels] for r in results], dtype=np.float64)
        rows.append((ids, table, relevant))
    return rows


def sweep(splits: list[Split], cache_dir: Path | None, step: float) -> dict[str, Any]:
    """Grid over fusion weights (w_bm25 + w_use + w_minilm = 1) on the given splits: the
    figures the shipped language weights were chosen from."""
    import numpy as np

    n = round(1 / step)
    grid = np.array(
        [(a / n, b / n, (n - a - b) / n) for a in range(n + 1) for b in range(n + 1 - a)], dtype=np.float64
    )
    out: dict[str, Any] = {
        "channels": [LEXICAL, "use", "minilm"],
        "grid": grid.round(4).tolist(),
        "tasks": {},
    }
    for split in splits:
        rows = channel_table(split, cache_dir)
        sums = {
            "recall@10": np.zeros(len(grid)),
            "mrr@10": np.zeros(len(grid)),
            "ndcg@10": np.zeros(len(grid)),
        }
        for ids, table, relevant in rows:
            fused = table @ grid.T  # candidates x weightings
            # ties broken by id, as Matcher.search does
            rank_of_id = sorted(range(len(ids)), key=lambda j: ids[j])
            tie = np.empty(len(ids), dtype=np.int64)
            tie[rank_of_id] = np.arange(len(ids))
            order = np.lexsort((np.broadcast_to(tie[:, None], fused.shape), -fused), axis=0)[:K]
            for g in range(len(grid)):
                for key, value in metrics([ids[j] for j in order[:, g]], relevant).items():
                    sums[key][g] += value
        key = f"{split.task}/{split.split}"
        out["tasks"][key] = {m: (v / max(len(rows), 1)).round(4).tolist() for m, v in sums.items()}
        print(f"swept {key}: {len(rows)} queries", file=sys.stderr, flush=True)
    return out


def task_lang(split: Split) -> str:
    """The language of a task, from its meta.json (else from its first query)."""
    meta = split.path / "meta.json"
    if meta.is_file():
        lang = json.loads(meta.read_text(encoding="utf-8")).get("lang")
        if lang in ("zh", "en"):
            return str(lang)
    first = read_jsonl(split.path / "queries.jsonl")[:1]
    return detect_lang(first[0]["text"]) if first else "en"


def report_sweep(result: dict[str, Any], splits: list[Split]) -> None:
    """Print each task's best weighting, and per language the weighting with the best mean of
    the tasks' primary metrics."""
    grid = result["grid"]

    def fmt(g: int) -> str:
        return "/".join(f"{w:.2f}" for w in grid[g])

    by_lang: dict[str, list[list[float]]] = {}
    print(f"weights are {'/'.join(result['channels'])}")
    for split in splits:
        key = f"{split.task}/{split.split}"
        values = result["tasks"][key][PRIMARY.get(split.task, "ndcg@10")]
        best = max(range(len(grid)), key=lambda g: values[g])
        print(f"{key:<22} best {PRIMARY.get(split.task, 'ndcg@10')} {values[best]:.4f} at {fmt(best)}")
        by_lang.setdefault(task_lang(split), []).append(values)
    for lang, series in sorted(by_lang.items()):
        mean = [sum(v[g] for v in series) / len(series) for g in range(len(grid))]
        top = sorted(range(len(grid)), key=lambda g: -mean[g])[:5]
        print(f"{lang}: best mean " + ", ".join(f"{fmt(g)} {mean[g]:.4f}" for g in top))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--tasks", help="comma-separated task names (default: all)")
    parser.add_argument("--splits", default="dev,test")
    parser.add_argument(
        "--systems", default=",".join(SYSTEMS), help=f"from {', '.join(SYSTEMS + EXTRA_SYSTEMS)}"
    )
    parser.add_argument("--cache-dir", type=Path, default=REPO / "var" / "cache" / "embeddings")
    parser.add_argument("--no-cache", action="store_true", help="encode everything afresh")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument(
        "--time-queries", type=int, default=0, metavar="N",
        help="also time the query encoding of each encoder on the first N queries (no cache)",
    )
    parser.add_argument(
        "--sweep",
        type=float,
        metavar="STEP",
        help="instead: grid-search the fusion weights with this step (e.g. 0.05) on --splits (use dev)",
    )
    args = parser.parse_args(argv)

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    for s in systems:
        system_config(s)  # fail fast on a typo
    splits = find_splits(
        args.data.resolve(), args.tasks.split(",") if args.tasks else None, args.splits.split(",")
    )
    if not splits:
        print(f"no tasks found under {args.data}", file=sys.stderr)
        return 2
    cache = None if args.no_cache else args.cache_dir
    if args.sweep:
        result = sweep(splits, cache, args.sweep)
        report_sweep(result, splits)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
        return 0
    rows = []
    print(f"{'task':<28}{'split':<6}{'system':<8}{'recall@10':>10}{'MRR@10':>9}{'nDCG@10':>9}{'ms/q':>8}")
    for split in splits:
        variants = (True, False) if has_fields(split) else (True,)
        for system in systems:
            for use_field in variants:
                row = evaluate(split, system, cache, use_field=use_field)
                rows.append(row)
                print(
                    f"{row['task']:<28}{row['split']:<6}{row['system']:<8}{row['recall@10']:>10.4f}"
                    f"{row['mrr@10']:>9.4f}{row['ndcg@10']:>9.4f}{row['ms_per_query']:>8.1f}",
                    flush=True,
                )
    timing: dict[str, float] = {}
    if args.time_queries:
        texts = [q["text"] for s in splits for q in read_jsonl(s.path / "queries.jsonl")][: args.time_queries]
        for system in systems:
            for channel, ms in timed_queries(system, texts).items():
                timing[channel] = ms
        print("query encoding, ms/query: " + ", ".join(f"{ch} {ms}" for ch, ms in timing.items()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        default = MatcherConfig()
        args.json.write_text(
            json.dumps(
                {
                    "k": K,
                    "hybrid_weights": {lang: dict(w) for lang, w in default.weights.items()},
                    "lexical": LEXICAL,
                    "query_encoding_ms": timing,
                    "results": rows,
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
