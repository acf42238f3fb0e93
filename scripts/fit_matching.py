"""Fit the shipped fusion's few parameters on the dev splits of every bench task at once.

    python scripts/fit_matching.py --data ../shared/bench/matching            # prints the best
    python scripts/fit_matching.py --trials 600 --json var/fit.json

For each dev split a real `Matcher` (every encoder, exact search, no feedback, no boosts)
scores the candidates of every query once per channel; the queries' gate features
(`Matcher.query_features`) and the candidates' fields are kept. The search then replays the
shipped ranking (`matching.fusion`: gated lexical weight, dense mix per language, given and
predicted field boosts) for each parameter set, in numpy, and scores it by the mean of the
tasks' primary metrics (MRR@10 for csl-title and csl-keywords, nDCG@10 otherwise), each task
counted once: demand-achievement twice, with the demand's field and without it
(`demand-achievement-nofield`). Random search, then coordinate refinement around the best.
The numbers it prints are what `matching.config.MatcherConfig` ships (check the end-to-end
figures with `scripts/eval_matching.py`: the replay leaves out pseudo-relevance feedback).
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matching import Document, Filters, Matcher, MatcherConfig, Query  # noqa: E402
from matching.config import LEXICAL, NO_FEEDBACK  # noqa: E402
from matching.fusion import FieldParams, GateParams, QueryFeatures, field_votes, lexical_weight  # noqa: E402
from matching.vector import VectorParams  # noqa: E402
from scripts.eval_matching import (  # noqa: E402
    PRIMARY,
    Split,
    default_data,
    doc_text,
    find_splits,
    metrics,
    read_jsonl,
    read_qrels,
)

ENCODERS = ("e5", "use", "minilm")
CHANNELS = (LEXICAL, *ENCODERS)
K = 10


@dataclass
class QueryRow:
    ids: list[str]
    table: npt.NDArray[np.float64]  # candidates x CHANNELS (normalised BM25, cosines)
    fields: list[str | None]
    relevant: set[str]
    lang: str
    field: str | None
    features: QueryFeatures
    tie: npt.NDArray[np.int64]  # rank of each id in id order (ties broken by id)

    @property
    def has_fields(self) -> bool:
        return any(self.fields)


@dataclass(frozen=True)
class Params:
    mix: dict[str, tuple[float, float, float]]  # lang -> weights of ENCODERS
    gate: GateParams
    fields: FieldParams

    def as_json(self) -> dict[str, Any]:
        return {
            "mix": {lang: dict(zip(ENCODERS, w, strict=True)) for lang, w in self.mix.items()},
            "gate": {k: getattr(self.gate, k)
                     for k in ("bias", "top_slope", "rarity_slope", "found_slope", "ceiling")},
            "fields": {k: getattr(self.fields, k) for k in ("given", "predicted", "docs", "temperature")},
        }


def table_config(prf: bool) -> MatcherConfig:
    """Every channel at weight 1 (so a result's parts are the raw channel scores); with `prf`
    the shipped dense feedback (it acts before fusion, so the table holds its effect)."""
    ones = dict.fromkeys(CHANNELS, 1.0)
    return MatcherConfig(
        encoders=ENCODERS,
        weights={"zh": ones, "en": ones},
        vector=VectorParams(exact_max=10**9),
        feedback=NO_FEEDBACK,
        gate=None,
        fields=FieldParams(given=0.0, predicted=0.0),
        dense_feedback=MatcherConfig().dense_feedback if prf else {},
    )


def build_rows(
    split: Split, cache_dir: Path | None, prf: bool = True, max_queries: int = 0
) -> list[QueryRow]:
    corpus = read_jsonl(split.path / "corpus.jsonl")
    queries = read_jsonl(split.path / "queries.jsonl")
    if max_queries:
        queries = queries[:max_queries]
    qrels = read_qrels(split.path / "qrels.tsv")
    matcher = Matcher("fit", table_config(prf), cache_dir=cache_dir)
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
        results = matcher.search(
            Query(text=q["text"], lang=q.get("lang"), top_k=10_000, filters=Filters(exclude_ids=excluded),
                  boosts=False)
        )
        ids = [r.id for r in results]
        table = np.array([[r.parts.get(ch, 0.0) for ch in CHANNELS] for r in results], dtype=np.float64)
        tokens = matcher.tokenizer.tokens(q["text"], query=True)
        raw = matcher.lexical.scores(tokens, matcher.attributes.size)
        scale = matcher.lexical.self_score(tokens)
        features = matcher.query_features(tokens, raw / scale if scale > 0 else raw)
        order = sorted(range(len(ids)), key=lambda j: ids[j])
        tie = np.empty(len(ids), dtype=np.int64)
        tie[order] = np.arange(len(ids))
        lang = q.get("lang") or ("zh" if any("\u4e00" <= c <= "\u9fff" for c in q["text"]) else "en")
        rows.append(
            QueryRow(ids, table, [matcher.field_of(i) for i in ids], relevant, lang, q.get("field"),
                     features, tie)
        )
    return rows


def rank(row: QueryRow, p: Params, use_field: bool) -> list[str]:
    mix = np.asarray(p.mix[row.lang], dtype=np.float64)
    mix = mix / mix.sum() if mix.sum() > 0 else mix
    w_lex = lexical_weight(row.features, p.gate)
    weights = np.concatenate([[w_lex], (1 - w_lex) * mix])
    fused = row.table @ weights
    f = p.fields
    if (f.given or f.predicted) and row.has_fields:
        boost = np.zeros(len(fused))
        given = row.field if use_field else None
        predicted = (field_votes(fused.astype(np.float32), row.fields, f.docs, f.temperature)
                     if f.predicted else {})
        for j, code in enumerate(row.fields):
            if code:
                boost[j] = (f.given if code == given else 0.0) + f.predicted * predicted.get(code, 0.0)
        fused = fused + boost
    top = np.lexsort((row.tie, -fused))[:K]
    return [row.ids[j] for j in top]


def score(tasks: dict[str, tuple[list[QueryRow], str, bool]], p: Params) -> dict[str, float]:
    out = {}
    for name, (rows, metric, use_field) in tasks.items():
        out[name] = sum(metrics(rank(r, p, use_field), r.relevant)[metric] for r in rows) / max(len(rows), 1)
    return out


REFERENCE: dict[str, float] = {}  # the tasks without fields: the old fixed fusion's figures


def objective(s: dict[str, float]) -> float:
    """Mean of the tasks' primary metrics, less 3 × any loss on a technical task against the
    old fixed fusion (`REFERENCE`): the plain demands may gain, the technical sets must hold."""
    loss = sum(max(0.0, REFERENCE[k] - v) for k, v in s.items() if k in REFERENCE)
    return sum(s.values()) / len(s) - 3.0 * loss


def random_params(rng: random.Random) -> Params:
    def simplex() -> tuple[float, float, float]:
        a = [rng.random() ** 2 for _ in ENCODERS]
        t = sum(a)
        return (a[0] / t, a[1] / t, a[2] / t)

    return Params(
        mix={"zh": simplex(), "en": simplex()},
        gate=GateParams(
            bias=rng.uniform(-20, 2), top_slope=rng.uniform(0, 20), rarity_slope=rng.uniform(-5, 10),
            found_slope=rng.uniform(0, 20), ceiling=rng.uniform(0.4, 1.0),
        ),
        fields=FieldParams(
            given=rng.uniform(0, 0.1), predicted=rng.uniform(0, 0.15), docs=rng.choice([5, 10, 20]),
            temperature=rng.choice([0.01, 0.02, 0.05, 0.1]),
        ),
    )


def neighbours(p: Params, rng: random.Random, scale: float) -> Params:
    def jitter(v: float, width: float, lo: float, hi: float) -> float:
        return min(max(v + rng.gauss(0, width * scale), lo), hi)

    mix = {}
    for lang, w in p.mix.items():
        raw = [jitter(x, 0.2, 0.0, 1.0) for x in w]
        t = sum(raw) or 1.0
        mix[lang] = (raw[0] / t, raw[1] / t, raw[2] / t)
    g, f = p.gate, p.fields
    return Params(
        mix=mix,
        gate=GateParams(
            bias=jitter(g.bias, 1.5, -30, 5), top_slope=jitter(g.top_slope, 3.0, 0, 40),
            rarity_slope=jitter(g.rarity_slope, 2.0, -10, 20), ceiling=jitter(g.ceiling, 0.1, 0.2, 1.0),
            found_slope=jitter(g.found_slope, 3.0, 0, 40),
        ),
        fields=replace(
            f, given=jitter(f.given, 0.02, 0, 0.3), predicted=jitter(f.predicted, 0.02, 0, 0.3),
            temperature=jitter(f.temperature, 0.02, 0.005, 0.3),
        ),
    )


def load_tasks(
    data: Path, cache_dir: Path | None, split: str, names: list[str] | None = None, prf: bool = True,
    max_queries: int = 0,
) -> dict[str, tuple[list[QueryRow], str, bool]]:
    """The replay tables of every task (kept in `cache_dir`/fit-tables/ between runs)."""
    tasks: dict[str, tuple[list[QueryRow], str, bool]] = {}
    for s in find_splits(data, names, [split]):
        stored = None
        if cache_dir is not None:
            stored = cache_dir / "fit-tables" / f"{s.task}-{s.split}-{int(prf)}-{max_queries}.pkl"
        if stored is not None and stored.is_file():
            rows = pickle.loads(stored.read_bytes())  # noqa: S301 (our own file)
        else:
            rows = build_rows(s, cache_dir, prf, max_queries)
            if stored is not None:
                stored.parent.mkdir(parents=True, exist_ok=True)
                stored.write_bytes(pickle.dumps(rows))
        metric = PRIMARY.get(s.task, "ndcg@10")
        tasks[s.task] = (rows, metric, True)
        if any(r.field for r in rows):
            tasks[f"{s.task}-nofield"] = (rows, metric, False)
        print(f"table {s.task}/{s.split}: {len(rows)} queries", file=sys.stderr, flush=True)
    return tasks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--cache-dir", type=Path, default=REPO / "var" / "cache" / "embeddings")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--tasks", help="comma-separated task names (default: all)")
    parser.add_argument("--no-prf", action="store_true", help="without the dense feedback")
    parser.add_argument("--max-queries", type=int, default=0, help="the first N queries of each task")
    parser.add_argument("--trials", type=int, default=400, help="random parameter sets before refining")
    parser.add_argument("--refine", type=int, default=400, help="refinement steps")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--check", type=Path, help="instead: score the parameters in this JSON file")
    args = parser.parse_args(argv)
    tasks = load_tasks(args.data.resolve(), args.cache_dir, args.split,
                       args.tasks.split(",") if args.tasks else None, not args.no_prf,
                       args.max_queries)
    if args.check:
        p = params_from_json(json.loads(args.check.read_text(encoding="utf-8"))["params"])
        print(json.dumps({k: round(v, 4) for k, v in score(tasks, p).items()}, indent=1))
        return 0
    rng = random.Random(args.seed)
    old = Params(mix={"zh": (0.0, 1.0, 0.0), "en": (0.0, 0.0, 1.0)}, gate=GateParams(bias=50.0, ceiling=0.6),
                 fields=FieldParams(given=0.05, predicted=0.0))
    for name, value in score(tasks, old).items():
        if not any(r.field for r in tasks[name][0]):
            REFERENCE[name] = value
    print(f"reference (old fixed fusion) {fmt(REFERENCE)}", file=sys.stderr)
    shipped = MatcherConfig()
    start = params_from_config(shipped)
    best, best_s = start, score(tasks, start)
    print(f"start {objective(best_s):.4f} {fmt(best_s)}", file=sys.stderr)
    for i in range(args.trials):
        p = random_params(rng)
        s = score(tasks, p)
        if objective(s) > objective(best_s):
            best, best_s = p, s
            print(f"trial {i} {objective(s):.4f} {fmt(s)}", file=sys.stderr, flush=True)
    for i in range(args.refine):
        p = neighbours(best, rng, 1.0 if i < args.refine // 2 else 0.3)
        s = score(tasks, p)
        if objective(s) > objective(best_s):
            best, best_s = p, s
            print(f"refine {i} {objective(s):.4f} {fmt(s)}", file=sys.stderr, flush=True)
    out = {"objective": round(objective(best_s), 4), "tasks": {k: round(v, 4) for k, v in best_s.items()},
           "params": best.as_json()}
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


def fmt(s: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.3f}" for k, v in s.items())


def params_from_json(d: dict[str, Any]) -> Params:
    return Params(
        mix={lang: tuple(float(w[e]) for e in ENCODERS) for lang, w in d["mix"].items()},  # type: ignore[misc]
        gate=GateParams(**d["gate"]),
        fields=FieldParams(**d["fields"]),
    )


def params_from_config(config: MatcherConfig) -> Params:
    mix = {}
    for lang in ("zh", "en"):
        w = config.channel_weights(lang)  # type: ignore[arg-type]
        mix[lang] = tuple(w.get(e, 0.0) for e in ENCODERS)
    gate = config.gate_for("zh")
    if gate is None:  # fixed weights: a flat gate at the fixed lexical weight
        w_lex = config.channel_weights("zh").get(LEXICAL, 0.0)
        gate = GateParams(bias=50.0, ceiling=w_lex)
    return Params(mix=mix, gate=gate, fields=config.fields)  # type: ignore[arg-type]


if __name__ == "__main__":
    raise SystemExit(main())

