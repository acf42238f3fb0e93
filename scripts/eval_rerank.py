"""Does learning from brokers' marks help? A simulated feedback log on the bench sets.

    python scripts/eval_rerank.py                                  # the default tasks, dev
    python scripts/eval_rerank.py --tasks demand-achievement --rounds 20 --json out.json

For each task, the shipped matcher (`--profile`, default "default") ranks every judged query
once (top `--depth`). Then, for each of `--rounds` random halvings of the queries:

- a broker "marks" the first half (or only its first 5, 10, 20 … queries, `--few`): of the
  top 10 shown, the relevant ones (qrels) as useful, the others as not relevant — labels
  for the shown pairs only, as a person marking a match list would give;
- `matching.rerank.train` fits the re-ranker on those labels (features as the backend builds
  them; a candidate's marks from other queries count as its feedback) and chooses its blend
  weight by cross-validation, 0 when the labels are too few or do not help;
- the other half is ranked by the matcher alone and re-ranked by the model, and nDCG@10
  (binary relevance, `eval_matching.metrics`) compared.

Tasks whose queries carry a `field` (demand-achievement) run twice: with the field given
(as a stored demand has one) and without it (a draft: the predicted field is a feature).
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matching import Document, Filters, Matcher, Query, config_for, hints  # noqa: E402
from matching.rerank import (  # noqa: E402
    Candidate,
    LabelledList,
    Model,
    QueryContext,
    Thresholds,
    feature_names,
    features,
    part_names,
    rerank,
    train,
)
from scripts.eval_matching import (  # noqa: E402
    Split,
    doc_text,
    find_splits,
    metrics,
    read_jsonl,
    read_qrels,
)

SHOWN = 10  # what a broker sees and marks
TASKS = ("demand-achievement", "sbir-title", "patent-ipc")


@dataclass
class Ranked:
    """One judged query: the matcher's candidates (best first) and what is relevant."""

    qid: str
    context: QueryContext
    candidates: list[Candidate]
    relevant: set[str]


def rank_all(split: Split, profile: str, with_field: bool, depth: int, cache: Path | None
             ) -> list[Ranked]:
    corpus = read_jsonl(split.path / "corpus.jsonl")
    queries = read_jsonl(split.path / "queries.jsonl")
    qrels = read_qrels(split.path / "qrels.tsv")
    field_of = {str(r["_id"]): r.get("field") for r in corpus}
    has_fields = any(field_of.values())
    matcher = Matcher(split.task, config_for(profile), cache_dir=cache)
    matcher.add(Document(id=str(r["_id"]), text=doc_text(r), lang=r.get("lang"),
                         field=r.get("field")) for r in corpus)
    out = []
    for q in queries:
        relevant = qrels.get(str(q["_id"]))
        if not relevant:
            continue
        exclude = q.get("exclude")
        excluded = frozenset([exclude] if isinstance(exclude, str) else exclude or [])
        given = q.get("field") if with_field else None
        results = matcher.search(Query(text=q["text"], lang=q.get("lang"), field=given,
                                       top_k=depth, filters=Filters(exclude_ids=excluded)))
        predicted = {}
        if given is None and has_fields:
            predicted = dict(hints.predict_fields(matcher, q["text"]))
        out.append(Ranked(str(q["_id"]), QueryContext(given, predicted),
                          [Candidate(r, field=field_of.get(r.id)) for r in results], relevant))
    return out


def _with_marks(r: Ranked, useful: Counter[str], not_relevant: Counter[str],
                own: dict[str, int] | None = None) -> list[Candidate]:
    """The candidates with their marks from other queries (`own`: this query's marks, left
    out)."""
    own = own or {}
    out = []
    for c in r.candidates:
        mine = own.get(c.result.id)
        out.append(Candidate(c.result, c.field, c.terms,
                             useful[c.result.id] - (mine == 1),
                             not_relevant[c.result.id] - (mine == 0)))
    return out


def fit(labelled: Sequence[Ranked], thresholds: Thresholds) -> tuple[Model, Counter[str],
                                                                     Counter[str]]:
    marks = {r.qid: {c.result.id: int(c.result.id in r.relevant)
                     for c in r.candidates[:SHOWN]} for r in labelled}
    useful: Counter[str] = Counter()
    not_relevant: Counter[str] = Counter()
    for m in marks.values():
        for doc, label in m.items():
            (useful if label else not_relevant)[doc] += 1
    parts = part_names([r.candidates for r in labelled])
    lists = []
    for r in labelled:
        cands = _with_marks(r, useful, not_relevant, marks[r.qid])
        labels = np.array([marks[r.qid].get(c.result.id, -1) for c in cands], dtype=np.int64)
        lists.append(LabelledList(r.qid, features(r.context, cands, parts),
                                  np.array([c.result.score for c in cands]), labels))
    return train(lists, feature_names(parts), thresholds), useful, not_relevant


def evaluate(test: Sequence[Ranked], model: Model, useful: Counter[str],
             not_relevant: Counter[str]) -> tuple[float, float]:
    base = learned = 0.0
    for r in test:
        cands = _with_marks(r, useful, not_relevant)
        base += metrics([c.result.id for c in cands], r.relevant)["ndcg@10"]
        order = rerank(model, r.context, cands)
        learned += metrics([cands[i].result.id for i in order], r.relevant)["ndcg@10"]
    return base / len(test), learned / len(test)


def run(ranked: list[Ranked], rounds: int, few: Sequence[int], thresholds: Thresholds,
        seed: int) -> dict[str, Any]:
    sizes: list[int | None] = [None, *few]
    rows: dict[str, list[dict[str, float]]] = {("half" if n is None else str(n)): []
                                               for n in sizes}
    for k in range(rounds):
        order = list(ranked)
        random.Random(seed + k).shuffle(order)
        half = len(order) // 2
        train_half, test = order[:half], order[half:]
        for n in sizes:
            labelled = train_half if n is None else train_half[:n]
            model, useful, not_relevant = fit(labelled, thresholds)
            base, learned = evaluate(test, model, useful, not_relevant)
            rows["half" if n is None else str(n)].append(
                {"base": base, "learned": learned, "weight": model.weight,
                 "labels": model.labels, "positives": model.positives})
    summary: dict[str, Any] = {}
    for key, values in rows.items():
        deltas = [v["learned"] - v["base"] for v in values]
        summary[key] = {
            "labelled_queries": len(ranked) // 2 if key == "half" else int(key),
            "labels": round(statistics.mean(v["labels"] for v in values), 1),
            "positives": round(statistics.mean(v["positives"] for v in values), 1),
            "base": round(statistics.mean(v["base"] for v in values), 4),
            "learned": round(statistics.mean(v["learned"] for v in values), 4),
            "delta": round(statistics.mean(deltas), 4),
            "worst_delta": round(min(deltas), 4),
            "rounds_worse": sum(d < -1e-9 for d in deltas),
            "rounds_used": sum(v["weight"] > 0 for v in values),
            "weight": round(statistics.mean(v["weight"] for v in values), 3),
        }
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "bench" / "matching")
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--split", default="dev")
    parser.add_argument("--profile", default="default")
    parser.add_argument("--depth", type=int, default=30, help="candidates re-ranked per query")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--few", default="5,10,20", help="also train on only this many queries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-queries", type=int, default=0, help="use at most this many "
                        "judged queries per task (0: all)")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "var" / "cache" / "embeddings")
    parser.add_argument("--ranked-cache", type=Path, help="keep each task's ranking here "
                        "(this script's own pickles) to rerun the simulation quickly")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    splits = find_splits(args.data.resolve(), args.tasks.split(","), [args.split])
    if not splits:
        print(f"no tasks found under {args.data}", file=sys.stderr)
        return 2
    few = [int(n) for n in args.few.split(",") if n.strip()]
    thresholds = Thresholds()
    out: dict[str, Any] = {"profile": args.profile, "depth": args.depth, "rounds": args.rounds,
                           "thresholds": thresholds.__repr__(), "tasks": {}}
    print(f"{'task':<28}{'labelled':>9}{'labels':>8}{'base':>8}{'learned':>9}{'delta':>8}"
          f"{'worst':>8}{'worse':>6}{'used':>6}{'w':>6}")
    for split in splits:
        queries = read_jsonl(split.path / "queries.jsonl")
        variants = [True, False] if any(q.get("field") for q in queries) else [False]
        for with_field in variants:
            name = f"{split.task}/{split.split}" + (
                (" +field" if with_field else " -field") if len(variants) > 1 else "")
            started = time.perf_counter()
            kept = (args.ranked_cache / f"{split.task}-{split.split}-{args.profile}-"
                    f"{int(with_field)}-{args.depth}.pickle") if args.ranked_cache else None
            if kept is not None and kept.is_file():  # written by this script, below
                ranked = pickle.loads(kept.read_bytes())  # noqa: S301
            else:
                ranked = rank_all(split, args.profile, with_field, args.depth, args.cache_dir)
                if kept is not None:
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    kept.write_bytes(pickle.dumps(ranked))
            if args.max_queries:
                ranked = ranked[: args.max_queries]
            ranked_s = time.perf_counter() - started
            summary = run(ranked, args.rounds, few, thresholds, args.seed)
            out["tasks"][name] = {"queries": len(ranked), "rank_s": round(ranked_s, 1),
                                  "results": summary}
            for s in summary.values():
                print(f"{name:<28}{s['labelled_queries']:>9}{s['labels']:>8.0f}{s['base']:>8.4f}"
                      f"{s['learned']:>9.4f}{s['delta']:>+8.4f}{s['worst_delta']:>+8.4f}"
                      f"{s['rounds_worse']:>6}{s['rounds_used']:>6}{s['weight']:>6.2f}",
                      flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
