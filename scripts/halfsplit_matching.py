"""Variants of the shipped fusion on a small task, judged by random half-splits of its dev split.

    python scripts/halfsplit_matching.py                                   # demand-achievement/dev
    python scripts/halfsplit_matching.py --halvings 300 --json var/halfsplit.json
    python scripts/halfsplit_matching.py --no-lr                           # without the learned fusion

The task must be small (demand-achievement: 454 listings): every listing is scored for every
query, on every channel and view, once (`build_table`, from the embedding cache). The shipped
ranking is then replayed in numpy (gated lexical weight, dense mix per language, given and
predicted field boosts: exactly `MatcherConfig()`; tests/matching/test_halfsplit_matching.py
checks it against the `Matcher`), and each variant adds to its score or reorders its list. A
query's score is the mean of its nDCG@10 with the firm's field and without it (the two runs
the README reports).

A *family* is a variant at several settings. For each of `--halvings` random halvings of the
queries, the family's best setting on one half (the shipped one included, so a family that never
helps keeps it) is scored on the other half against the shipped ranking there: the mean gain and
the share of halvings it wins are what a held-out set of the same kind can expect. A family is
worth keeping only if it wins in most halvings by more than one query's swing.

The learned fusion (`--no-lr` leaves it out, it is the slow part) is a pairwise logistic
regression (scikit-learn, L2) over a few per-query z-scored features (the channels and views
below, the given and the predicted field, the other language, the shipped score), trained on the
halving's first half (each relevant listing against the shipped top 50's irrelevant ones) and
scored on the other.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matching import Document, Matcher, MatcherConfig  # noqa: E402
from matching.config import LEXICAL, NO_FEEDBACK  # noqa: E402
from matching.encoders import Encoder, encode_queries  # noqa: E402
from matching.fusion import (  # noqa: E402
    FieldParams,
    QueryFeatures,
    field_votes,
    lexical_weight,
    rocchio,
    story_clauses,
    with_clauses,
)
from matching.text import detect_lang  # noqa: E402
from matching.vector import VectorParams  # noqa: E402
from scripts.eval_matching import (  # noqa: E402
    default_data,
    doc_text,
    find_splits,
    metrics,
    read_jsonl,
    read_qrels,
)

Vector = npt.NDArray[np.float64]
Halvings = list[tuple[list[int], list[int]]]
ENCODERS = ("e5", "use", "minilm")
# the features every listing gets for every query (cosines unless said)
VIEWS = (
    "bm25",  # BM25 over the query's self-score
    "e5",  # E5 as shipped: the story's clause views, then the dense feedback
    "e5_cl",  # clause views, no feedback
    "e5_raw",  # the whole text's vector alone
    "e5_prf_whole",  # the whole text's vector with the feedback, no clause views
    "e5_clmax",  # the best single clause (the whole text when not a story)
    "use",
    "minilm",
)


@dataclass
class Row:
    qid: str
    lang: str
    field: str | None
    relevant: set[str]
    gate: QueryFeatures
    views: dict[str, Vector]


@dataclass
class Table:
    ids: list[str]
    fields: list[str | None]
    langs: list[str]
    rows: list[Row]
    similar: Vector  # listing x listing E5 cosine (for the diversified list)

    def other_language(self, row: Row) -> Vector:
        return np.array([1.0 if lang != row.lang else 0.0 for lang in self.langs])


def build_table(path: Path, cache_dir: Path | None, encoders: Mapping[str, Encoder] | None = None) -> Table:
    """Every view of every listing for every judged query of the split at `path`."""
    corpus = read_jsonl(path / "corpus.jsonl")
    queries = read_jsonl(path / "queries.jsonl")
    qrels = read_qrels(path / "qrels.tsv")
    shipped = MatcherConfig()
    ones = dict.fromkeys((LEXICAL, *ENCODERS), 1.0)
    config = MatcherConfig(
        encoders=ENCODERS, weights={"zh": ones, "en": ones}, vector=VectorParams(exact_max=10**9),
        feedback=NO_FEEDBACK, gate=None, fields=FieldParams(given=0.0, predicted=0.0),
    )
    matcher = Matcher("halfsplit", config, encoders=encoders, cache_dir=cache_dir)
    matcher.add(
        Document(id=str(r["_id"]), text=doc_text(r), lang=r.get("lang"), field=r.get("field")) for r in corpus
    )
    ids = [str(r["_id"]) for r in corpus]
    int_of = {listing: n for n, listing in enumerate(matcher.ids())}
    order = np.array([int_of[i] for i in ids], dtype=np.int64)
    docs = {ch: matcher.vectors[ch].vectors(order).astype(np.float64) for ch in ENCODERS}
    views = shipped.clause_views["e5"]
    feedback = shipped.dense_feedback["e5"]

    def moved(vector: Vector) -> Vector:
        sims = docs["e5"] @ vector
        near = np.argsort(-sims, kind="stable")[: feedback.docs]
        out = rocchio(vector.astype(np.float32), docs["e5"][near].astype(np.float32),
                      sims[near].astype(np.float32), feedback)
        return out.astype(np.float64)

    rows = []
    for q in queries:
        relevant = qrels.get(str(q["_id"]))
        if not relevant:
            continue
        text = str(q["text"])
        lang = q.get("lang") or detect_lang(text)
        tokens = matcher.tokenizer.tokens(text, query=True)
        raw = matcher.lexical.scores(tokens, matcher.attributes.size)
        scale = matcher.lexical.self_score(tokens)
        lex = raw / scale if scale > 0 else raw
        parts = story_clauses(text, views)
        e5 = encode_queries(matcher.encoder("e5"), [text, *parts]).astype(np.float64)
        whole = e5[0]
        story = (with_clauses(e5[0].astype(np.float32), e5[1:].astype(np.float32), views).astype(np.float64)
                 if parts else whole)
        cosines = {
            ch: docs[ch] @ encode_queries(matcher.encoder(ch), [text])[0].astype(np.float64)
            for ch in ("use", "minilm")
        }
        rows.append(Row(
            qid=str(q["_id"]), lang=lang, field=q.get("field"), relevant=set(relevant),
            gate=matcher.query_features(tokens, lex),
            views={
                "bm25": np.asarray(lex, dtype=np.float64)[order],
                "e5": docs["e5"] @ moved(story),
                "e5_cl": docs["e5"] @ story,
                "e5_raw": docs["e5"] @ whole,
                "e5_prf_whole": docs["e5"] @ moved(whole),
                "e5_clmax": (docs["e5"] @ e5[1:].T).max(axis=1) if parts else docs["e5"] @ whole,
                **cosines,
            },
        ))
    langs = [str(r.get("lang") or detect_lang(doc_text(r))) for r in corpus]
    return Table(ids, [r.get("field") for r in corpus], langs, rows, docs["e5"] @ docs["e5"].T)


def z(v: Vector) -> Vector:
    """Per-query z-score over every listing."""
    sd = float(v.std())
    return (v - v.mean()) / sd if sd > 0 else v - v.mean()


Extra = Callable[[Table, Row], Vector]


Mix = Mapping[str, Mapping[str, float]]


def first_ranking(
    table: Table, row: Row, extra: Extra | None = None, mix_by_lang: Mix | None = None
) -> Vector:
    """The shipped fused score before boosts (+ `extra`; `mix_by_lang`: other dense proportions)."""
    config = MatcherConfig()
    gate = config.gate_for(row.lang)  # type: ignore[arg-type]
    w_lex = lexical_weight(row.gate, gate) if gate is not None else 0.0
    mix = (dict(mix_by_lang[row.lang]) if mix_by_lang is not None else
           {ch: w for ch, w in config.channel_weights(row.lang).items() if ch != LEXICAL})  # type: ignore[arg-type]
    total = sum(mix.values())
    dense = sum(w / total * row.views[ch] for ch, w in mix.items())
    out: Vector = w_lex * row.views["bm25"] + (1 - w_lex) * dense
    return out + extra(table, row) if extra is not None else out


def boosts(table: Table, row: Row, first: Vector, use_field: bool, params: FieldParams) -> Vector:
    given = row.field if use_field else None
    predicted = (field_votes(first.astype(np.float32), table.fields, params.docs, params.temperature)
                 if params.predicted else {})
    return np.array([
        ((params.given if code == given else 0.0) + params.predicted * predicted.get(code, 0.0))
        if code else 0.0
        for code in table.fields
    ])


Scorer = Callable[[Table, Row, bool], Vector]


def variant(extra: Extra | None = None, fields: FieldParams | None = None, mix: Mix | None = None) -> Scorer:
    params = fields or MatcherConfig().fields

    def score(table: Table, row: Row, use_field: bool) -> Vector:
        first = first_ranking(table, row, extra, mix)
        return first + boosts(table, row, first, use_field, params)

    return score


def ndcg(table: Table, row: Row, scores: Vector) -> float:
    order = sorted(range(len(table.ids)), key=lambda j: (-float(scores[j]), table.ids[j]))[:10]
    return metrics([table.ids[j] for j in order], row.relevant)["ndcg@10"]


def per_query(table: Table, scorer: Scorer) -> tuple[Vector, float, float]:
    """Each query's mean nDCG@10 with and without its field; the two runs' means."""
    both = np.array([[ndcg(table, r, scorer(table, r, True)), ndcg(table, r, scorer(table, r, False))]
                     for r in table.rows])
    return both.mean(axis=1), float(both[:, 0].mean()), float(both[:, 1].mean())


def halvings(n_queries: int, count: int, seed: int) -> Halvings:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        idx = list(range(n_queries))
        rng.shuffle(idx)
        out.append((idx[: n_queries // 2], idx[n_queries // 2:]))
    return out


def judge(settings: Mapping[str, Vector], base: Vector, splits: Halvings) -> dict[str, Any]:
    """The family's best setting on each first half (the shipped one, `base`, among them),
    scored on the second half against the shipped ranking."""
    names = ["shipped", *settings]
    table = np.stack([base, *settings.values()])
    gains, chosen = [], dict.fromkeys(names, 0)
    for a, b in splits:
        best = int(np.argmax(table[:, a].mean(axis=1)))
        chosen[names[best]] += 1
        gains.append(float(table[best, b].mean() - base[b].mean()))
    g = np.array(gains)
    return {"gain": round(float(g.mean()), 4), "wins": round(float((g > 0).mean()), 2),
            "losses": round(float((g < 0).mean()), 2),
            "chosen": {k: v for k, v in sorted(chosen.items(), key=lambda kv: -kv[1]) if v}}


def families() -> dict[str, dict[str, Scorer]]:
    """name -> setting -> scorer (each adds to the shipped fused score before the field boosts)."""
    out: dict[str, dict[str, Scorer]] = {}
    small = (0.002, 0.005, 0.01, 0.02)
    for view in ("use", "minilm", "bm25", "e5_raw", "e5_clmax", "e5_prf_whole", "e5_cl"):
        out[f"+ w·z({view})"] = {
            f"{w}": variant(lambda t, r, v=view, w=w: w * z(r.views[v])) for w in small
        }
    out["dense mix with USE's raw cosine (zh: E5 1−a, USE a; en: E5 and MiniLM share 1−a)"] = {
        f"{a}": variant(mix={"zh": {"e5": 1 - a, "use": a},
                             "en": {"e5": 0.42 * (1 - a), "minilm": 0.58 * (1 - a), "use": a}})
        for a in (0.1, 0.2, 0.3)
    }
    out["- w·z(bm25) (penalise shared words)"] = {
        f"{w}": variant(lambda t, r, w=w: -w * z(r.views["bm25"])) for w in (0.002, 0.005, 0.01)
    }
    out["other-language listings + c + a·z(use)"] = {
        f"a={a} c={c}": variant(lambda t, r, a=a, c=c: t.other_language(r) * (c + a * z(r.views["use"])))
        for a, c in itertools.product((0.0, 0.005, 0.01, 0.02), (0.0, 0.02, 0.04, 0.06, 0.08)) if a or c
    }
    out["E5 centred per listing language (− α · language mean)"] = {
        f"{alpha}": variant(lambda t, r, alpha=alpha: centring(t, r, alpha))
        for alpha in (0.25, 0.5, 0.75, 1.0)
    }
    for views in (("e5", "e5_raw", "e5_clmax"), ("e5", "use"), ("e5", "minilm")):
        out[f"+ w·z(reciprocal ranks on {' + '.join(views)})"] = {
            f"k {k}, w {w}": variant(
                lambda t, r, views=views, k=k, w=w: w * z(reciprocal_ranks(t, r, views, k)))
            for k, w in itertools.product((10, 60), (0.002, 0.005, 0.01))
        }
    out["the other language's best 1 or 2 moved up to place 3–10"] = {
        f"place {p}, {n}": language_slot(p, n) for p, n in itertools.product((3, 4, 5, 6, 8, 10), (1, 2))
    }
    out["diversified top 20 (MMR on E5, λ 0.02–0.5)"] = {
        f"{lam}": diversified(lam) for lam in (0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
    }
    shipped = MatcherConfig().fields
    out["field boosts × E5 views (81 settings)"] = {
        f"given {g} predicted {p} raw {a} clmax {b}": variant(
            lambda t, r, a=a, b=b: a * z(r.views["e5_raw"]) + b * z(r.views["e5_clmax"]),
            FieldParams(given=g, predicted=p, docs=shipped.docs, temperature=shipped.temperature),
        )
        for g, p, a, b in itertools.product((0.0, 0.015, 0.03), (0.04, 0.07, 0.1), (0.0, 0.002, 0.005),
                                            (0.0, 0.002, 0.005))
    }
    return out


def diversified(lam: float, depth: int = 20) -> Scorer:
    """Maximal marginal relevance over the shipped top `depth`: each next place goes to the
    listing whose score less `lam` × its E5 cosine to the closest listing already placed is
    best (two distractors on the same surface topic are alike; the answer differs)."""
    shipped = variant()

    def score(table: Table, row: Row, use_field: bool) -> Vector:
        s = shipped(table, row, use_field)
        candidates = [int(j) for j in np.argsort(-s, kind="stable")[:depth]]
        placed: list[int] = []
        while candidates:
            penalty = [table.similar[c, placed].max() if placed else 0.0 for c in candidates]
            best = int(np.argmax([s[c] - lam * p for c, p in zip(candidates, penalty, strict=True)]))
            placed.append(candidates.pop(best))
        out = s.copy()
        top = float(s.max()) + 1.0
        for n, c in enumerate(placed):
            out[c] = top - n * 1e-3
        return out

    return score


def language_slot(position: int, count: int) -> Scorer:
    """The best `count` listings in the other language than the demand's, when the shipped
    ranking puts them below `position`, moved up to it (E5's scores across languages are not
    comparable with its scores within one)."""
    shipped = variant()

    def score(table: Table, row: Row, use_field: bool) -> Vector:
        s = shipped(table, row, use_field)
        order = [int(j) for j in np.argsort(-s, kind="stable")]
        other = [j for j in order if table.langs[j] != row.lang][:count]
        moved = [j for j in other if order.index(j) > position - 1]
        final = [j for j in order if j not in moved]
        for n, j in enumerate(moved):
            final.insert(position - 1 + n, j)
        out = np.empty(len(s))
        out[final] = -np.arange(len(final), dtype=np.float64)
        return out

    return score


def reciprocal_ranks(table: Table, row: Row, views: tuple[str, ...], k: int) -> Vector:
    """Σ 1 / (k + the listing's rank on each view): a rank feature."""
    out = np.zeros(len(table.ids))
    for view in views:
        ranks = np.empty(len(table.ids))
        ranks[np.argsort(-row.views[view], kind="stable")] = np.arange(1, len(table.ids) + 1)
        out += 1.0 / (k + ranks)
    return out


def centring(table: Table, row: Row, alpha: float) -> Vector:
    """−α × the mean E5 score of the listings in each listing's language (E5 scores pairs in one
    language about 0.05–0.1 above pairs across languages)."""
    langs = np.array(table.langs)
    out = np.zeros(len(table.ids))
    for lang in set(table.langs):
        mask = langs == lang
        out[mask] = -alpha * float(row.views["e5"][mask].mean())
    weight = 1.0 if row.lang == "zh" else MatcherConfig().channel_weights("en").get("e5", 0.0) / sum(
        w for ch, w in MatcherConfig().channel_weights("en").items() if ch != LEXICAL)
    return out * weight


LR_VIEWS = ("e5", "e5_raw", "e5_clmax", "e5_prf_whole", "bm25", "use", "minilm")


def lr_features(table: Table, row: Row, use_field: bool, views: tuple[str, ...]) -> tuple[Vector, Vector]:
    first = first_ranking(table, row)
    config = MatcherConfig().fields
    given = row.field if use_field else None
    predicted = field_votes(first.astype(np.float32), table.fields, config.docs, config.temperature)
    cols = [z(row.views[v]) for v in views]
    cols.append(np.array([1.0 if code and code == given else 0.0 for code in table.fields]))
    cols.append(np.array([predicted.get(code, 0.0) if code else 0.0 for code in table.fields]))
    cols.append(table.other_language(row))
    cols.append(z(first))
    return np.stack(cols, axis=1), first


def learned(table: Table, splits: Halvings, base: Vector,
            views: tuple[str, ...], c: float, depth: int = 50) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    feats = {(i, f): lr_features(table, r, f, views) for i, r in enumerate(table.rows) for f in (True, False)}

    def fit(train: list[int]) -> Vector:
        diffs = []
        for i in train:
            r = table.rows[i]
            for f in (True, False):
                x, first = feats[(i, f)]
                top = np.argsort(-first, kind="stable")[:depth]
                rel = [j for j, listing in enumerate(table.ids) if listing in r.relevant]
                non = [int(j) for j in top if table.ids[j] not in r.relevant]
                diffs.extend(x[a] - x[b] for a in rel for b in non)
        d = np.array(diffs)
        model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
        model.fit(np.concatenate([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))])
        coef: Vector = model.coef_[0]
        return coef

    gains = []
    for a, b in splits:
        w = fit(a)
        got = np.array([np.mean([ndcg(table, table.rows[i], feats[(i, f)][0] @ w) for f in (True, False)])
                        for i in b])
        gains.append(float(got.mean() - base[b].mean()))
    g = np.array(gains)
    return {"gain": round(float(g.mean()), 4), "wins": round(float((g > 0).mean()), 2),
            "losses": round(float((g < 0).mean()), 2),
            "coefficients (all queries)": [round(float(x), 3) for x in fit(list(range(len(table.rows))))],
            "features": [*views, "given field", "predicted field", "other language", "shipped score"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--task", default="demand-achievement")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "var" / "cache" / "embeddings")
    parser.add_argument("--halvings", type=int, default=300)
    parser.add_argument("--lr-halvings", type=int, default=40, help="halvings for the learned fusion (slow)")
    parser.add_argument("--no-lr", action="store_true")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    split = find_splits(args.data.resolve(), [args.task], [args.split])[0]
    table = build_table(split.path, args.cache_dir)
    base, with_field, without = per_query(table, variant())
    print(f"shipped (replayed): {with_field:.4f} with field / {without:.4f} without, "
          f"{len(table.rows)} queries", flush=True)
    splits = halvings(len(table.rows), args.halvings, args.seed)
    report: dict[str, Any] = {"shipped": {"with field": round(with_field, 4), "without": round(without, 4)},
                              "families": {}}
    for name, settings in families().items():
        if not settings:
            continue
        scores, rows = {}, {}
        for label, scorer in settings.items():
            scores[label], f1, f0 = per_query(table, scorer)
            rows[label] = {"with field": round(f1, 4), "without": round(f0, 4)}
        verdict = judge(scores, base, splits)
        best = max(rows, key=lambda k: rows[k]["with field"] + rows[k]["without"])
        report["families"][name] = {"settings": rows, "best on all dev": best, "halvings": verdict}
        print(f"{name}: best on dev {best} {rows[best]}; halvings gain {verdict['gain']:+.4f}, "
              f"wins {verdict['wins']:.2f}, losses {verdict['losses']:.2f}", flush=True)
    if not args.no_lr:
        lr_splits = splits[: args.lr_halvings]
        lr_runs = ((LR_VIEWS, 0.01), (LR_VIEWS, 0.1), (("e5",), 0.01),
                   (("e5", "bm25", "use", "minilm"), 0.01))
        for views, c in lr_runs:
            name = f"learned fusion ({', '.join(views)}; C={c})"
            verdict = learned(table, lr_splits, base, views, c)
            report["families"][name] = {"halvings": verdict}
            print(f"{name}: halvings gain {verdict['gain']:+.4f}, wins {verdict['wins']:.2f}", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

