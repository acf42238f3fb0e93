"""Learning from brokers: labelled pairs from what people said and did, the re-ranker trained on
them (`matching.rerank`) by the worker, and the model the API processes apply.

Labels, one per demand–achievement pair (`labels`):

- a deal that reached a signed contract (signed, registered, paid, closed, or a contract
  recorded before it was lost): relevant;
- otherwise an introduction a party declined: not relevant; one a party accepted: relevant;
- otherwise the pair's "useful / not relevant" marks, by majority (a tie teaches nothing).

Training (`train_now`: the daily `matching.train_reranker` task and `techbroker
train-reranker`) runs per direction — demands asking for achievements, achievements asking
for demands. Every source listing with labels asks the current index of the other kind, as
its match list would (top `DEPTH`); its labelled candidates outside that depth are scored by
a search restricted to them. A labelled pair whose target has left the index (a demand
fulfilled, an achievement transferred) cannot be scored and is skipped (counted in the
summary); the source's own text is read whatever its status. The models and their figures
go to `VAR_DIR/models/reranker.json` (written whole, then renamed: readers never see half a
file), JSON numbers only.

Serving (`reranking`): an API process reads that file when it changed (one `stat` a
request), and uses a direction's model only when its weight is above 0 (enough labels, and
they helped held-out queries: `matching.rerank.Thresholds`) and it was trained on the
matcher profile being served. The match list then ranks the top `DEPTH` visible candidates
and shows the best k in the blended order.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from backend.config import get_settings
from backend.core.types import utcnow
from backend.deals import lookup as deals
from backend.matches import documents, feedback
from backend.matches.documents import Kind
from backend.matches.index import get_index_service
from matching import Document, Filters, Query, Result
from matching.rerank import (
    Candidate,
    LabelledList,
    Model,
    ModelError,
    QueryContext,
    Terms,
    Thresholds,
    dump_models,
    feature_names,
    features,
    load_models,
    part_names,
    rerank,
    train,
)

log = logging.getLogger(__name__)

TRAIN_TASK = "matching.train_reranker"
DEPTH = 30  # candidates the learned order is chosen among (the simulation's figure)
MODEL_FILE = "reranker.json"
OTHER: dict[Kind, Kind] = {"demand": "achievement", "achievement": "demand"}

Pair = tuple[int, int]  # (demand id, achievement id)


def model_path() -> Path:
    return get_settings().var_dir / "models" / MODEL_FILE


# ---- labels ------------------------------------------------------------------------------------

def labels(session: Session) -> dict[Pair, int]:
    """1 (relevant) or 0 per labelled (demand id, achievement id), from deals and marks."""
    out: dict[Pair, int] = {}
    for pair, (useful, not_relevant) in feedback.verdict_counts(session).items():
        if useful != not_relevant:
            out[pair] = int(useful > not_relevant)
    for o in deals.pair_outcomes(session):
        pair = (o.demand_id, o.achievement_id)
        if o.signed:
            out[pair] = 1
        elif o.declined:
            out[pair] = 0
        elif o.accepted:
            out[pair] = 1
    return out


def terms(source: Kind, source_doc: Document | None, target: Terms) -> Terms:
    """A pair's terms from the asking side's document and the candidate's side (`target`:
    a demand candidate's min_trl/budget or an achievement candidate's trl/price)."""
    if source_doc is None:
        return target
    if source == "demand":  # a demand document keeps its minimum TRL and top budget
        return Terms(source_doc.trl, source_doc.price, target.trl, target.price)
    return Terms(target.min_trl, target.budget, source_doc.trl, source_doc.price)


def _side(kind: Kind, doc: Document) -> Terms:
    """A listing's own terms as a candidate of `kind`."""
    if kind == "demand":
        return Terms(min_trl=doc.trl, budget=doc.price)
    return Terms(trl=doc.trl, price=doc.price)


# ---- training ----------------------------------------------------------------------------------

@dataclass
class _Source:
    doc: Document
    results: list[Result]
    labels: dict[int, int]


def _search(source: Kind, session: Session, wanted: Mapping[int, dict[int, int]]
            ) -> tuple[list[_Source], int]:
    target = OTHER[source]
    matcher = get_index_service().matcher(session, target)
    docs = documents.documents(session, source, sorted(wanted), indexed=False)
    found, skipped = [], 0
    for source_id, marked in sorted(wanted.items()):
        doc = docs.get(source_id)
        if doc is None:
            skipped += len(marked)
            continue
        query = Query(doc.text, lang=doc.lang, field=doc.field, region=doc.region, top_k=DEPTH)
        results = matcher.search(query)
        ranked = {r.id for r in results}
        deeper = frozenset(str(i) for i in marked if str(i) not in ranked and str(i) in matcher)
        skipped += sum(1 for i in marked if str(i) not in ranked and str(i) not in matcher)
        if deeper:
            extra = matcher.search(Query(doc.text, lang=doc.lang, field=doc.field,
                                         region=doc.region, top_k=len(deeper),
                                         filters=Filters(visible_ids=deeper)))
            results = sorted([*results, *extra], key=lambda r: (-r.score, r.id))
        found.append(_Source(doc, results, {i: y for i, y in marked.items()
                                            if str(i) in ranked or str(i) in deeper}))
    return found, skipped


def training_lists(session: Session, source: Kind, labelled: Mapping[Pair, int]
                   ) -> tuple[list[LabelledList], list[str], int]:
    """The labelled lists of one direction, their feature names and the labels skipped."""
    target = OTHER[source]
    wanted: dict[int, dict[int, int]] = {}
    for (demand_id, achievement_id), label in labelled.items():
        asker, other = ((demand_id, achievement_id) if source == "demand"
                        else (achievement_id, demand_id))
        wanted.setdefault(asker, {})[other] = label
    sources, skipped = _search(source, session, wanted)
    ids = sorted({int(r.id) for s in sources for r in s.results})
    cand_docs = documents.documents(session, target, ids, indexed=False)
    counts = feedback.listing_counts(session, target, ids)
    own = feedback.verdict_counts(session)
    lists = []
    parts = part_names([[Candidate(r) for r in s.results] for s in sources])
    for s in sources:
        cands = []
        for r in s.results:
            t = int(r.id)
            pair = (int(s.doc.id), t) if source == "demand" else (t, int(s.doc.id))
            useful, not_relevant = counts.get(t, (0, 0))
            mine = own.get(pair, (0, 0))  # the pair's own marks are its label, not a feature
            doc = cand_docs.get(t)
            achievement = doc if source == "demand" else s.doc
            cands.append(Candidate(r, doc.field if doc else None,
                                   terms(source, s.doc, _side(target, doc)) if doc else Terms(),
                                   useful - mine[0], not_relevant - mine[1],
                                   achievement.poc_passed if achievement else False))
        context = QueryContext(s.doc.field)
        y = np.array([s.labels.get(int(c.result.id), -1) for c in cands], dtype=np.int64)
        lists.append(LabelledList(s.doc.id, features(context, cands, parts),
                                  np.array([c.result.score for c in cands]), y))
    return lists, feature_names(parts), skipped


def write_models(models: Mapping[str, Model], path: Path | None = None) -> Path:
    """Write the models whole and rename into place (readers see the old or the new file)."""
    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(dump_models(models), encoding="utf-8")
    os.replace(tmp, path)
    return path


def train_now(session: Session, thresholds: Thresholds = Thresholds()) -> dict[str, Any]:
    """Train both directions from the current labels and publish them; the summary."""
    labelled = labels(session)
    profile = get_index_service().profile
    models: dict[str, Model] = {}
    summary: dict[str, Any] = {"pairs": len(labelled), "profile": profile}
    for source in ("demand", "achievement"):
        lists, names, skipped = training_lists(session, source, labelled)
        meta = {"profile": profile, "direction": source,
                "trained_at": utcnow().isoformat(timespec="seconds")}
        model = train(lists, names, thresholds, meta)
        models[source] = model
        summary[source] = {"labels": model.labels, "positives": model.positives,
                           "lists": model.lists, "skipped": skipped, "weight": model.weight,
                           "cv": dict(model.cv)}
    summary["path"] = str(write_models(models))
    log.info("re-ranker trained: %s", summary)
    return summary


# ---- serving -----------------------------------------------------------------------------------

class _Current:
    """The models file as this process last read it (re-read when its stat changes)."""

    def __init__(self) -> None:
        self.stamp: tuple[str, int, int, int] | None = None
        self.models: dict[str, Model] = {}
        self.lock = threading.Lock()

    def get(self, path: Path) -> dict[str, Model]:
        try:
            st = path.stat()
        except FileNotFoundError:
            return {}
        stamp = (str(path), st.st_ino, st.st_mtime_ns, st.st_size)  # a new file: a new inode
        if stamp == self.stamp:
            return self.models
        with self.lock:
            if stamp != self.stamp:
                try:
                    models = load_models(path.read_text(encoding="utf-8"))
                except (OSError, ModelError) as exc:
                    log.warning("re-ranker model not used: %s", exc)
                    models = {}
                self.models, self.stamp = models, stamp
            return self.models


_current = _Current()


def forget() -> None:
    """Read the models file afresh at the next request (tests)."""
    global _current
    _current = _Current()


Counts = Callable[[Sequence[int]], Mapping[int, tuple[int, int]]]


@dataclass(frozen=True)
class Ranked:
    """A visible candidate as the match list ranked it, with what the model needs to know."""

    id: int
    score: float
    parts: Mapping[str, float]
    field: str | None
    side: Terms  # the candidate's own terms (demand: min_trl/budget; achievement: trl/price)
    poc_passed: bool = False  # an achievement candidate that passed a proof-of-concept review


@dataclass(frozen=True)
class Reranking:
    """A direction's model, ready to order one source's candidates."""

    model: Model
    source: Kind
    context: QueryContext
    own: Terms  # the source's terms (demand: min_trl/budget; achievement: trl/price)
    counts: Counts
    own_poc_passed: bool = False  # an achievement asking: whether it passed a review

    def order(self, ranked: Sequence[Ranked]) -> list[int]:
        """Indices of `ranked` (best first by the unlearned score) in the learned order."""
        marks = self.counts([r.id for r in ranked])
        cands = []
        for r in ranked:
            useful, not_relevant = marks.get(r.id, (0, 0))
            if self.source == "demand":
                pair = Terms(self.own.min_trl, self.own.budget, r.side.trl, r.side.price)
            else:
                pair = Terms(r.side.min_trl, r.side.budget, self.own.trl, self.own.price)
            passed = r.poc_passed if self.source == "demand" else self.own_poc_passed
            cands.append(Candidate(Result(str(r.id), r.score, r.parts), r.field, pair, useful,
                                   not_relevant, passed))
        return rerank(self.model, self.context, cands)


def reranking(session: Session, source: Kind, context: QueryContext, own: Terms,
              own_poc_passed: bool = False) -> Reranking | None:
    """The learned ordering for `source`'s match lists, or None (no usable model: too few
    labels, no gain on held-out queries, another matcher profile, no file)."""
    model = _current.get(model_path()).get(source)
    if model is None or model.weight <= 0:
        return None
    if model.meta.get("profile") != get_index_service().profile:
        return None
    target = OTHER[source]

    def counts(ids: Sequence[int]) -> Mapping[int, tuple[int, int]]:
        return feedback.listing_counts(session, target, ids)

    return Reranking(model, source, context, own, counts, own_poc_passed)
