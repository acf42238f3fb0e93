"""A small learned re-ranker over the matcher's own ranking, trained on what brokers and
parties said about pairs (useful / not relevant, introductions accepted or declined, deals
signed).

Features of a (query, candidate) pair (`features`): every score part of the candidate's
`Result` (one per channel: bm25, the encoders, feedback, boost) and its gap to the best value
of that part in the list, the fused score, its gap to the top and the reciprocal rank; field
agreement (the query's field given: same field, same top-level field; no field given: the
predicted probability of the candidate's field); TRL and price fit (the achievement's TRL —
the one a proof-of-concept panel found, where there is one — against the demand's minimum,
its price against the demand's top budget: fits, misses or unknown, and by how much);
whether the achievement in the pair passed a proof-of-concept review (通过概念验证); and how
often the candidate was marked useful or not relevant in other pairs (log-scaled). A passed
review is a feature, not a fixed bonus: it lifts a candidate only as far as the labels show
that brokers and parties prefer reviewed achievements.

The model (`train`) is an L2-regularised logistic regression (scikit-learn) on standardised
features; it is kept as plain numbers (`Model`, JSON), never as a pickle, and applied in numpy.
Its score is blended with the unlearned one inside each list, both standardised there:

    final = (1 − w) · z(unlearned score) + w · z(model logit)

so w = 0 is exactly the unlearned order. The weight w is chosen when training:

- 0 below `Thresholds.min_labels` labelled pairs, `min_positives` positive and
  `min_negatives` negative ones, or `min_lists` lists holding a positive;
- at most `min(1, labels / full_labels)`: it grows with the evidence;
- among the grid values up to that cap, the one with the best mean nDCG@10 over the labelled
  lists in grouped cross-validation (folds by query, so a list's own labels never train the
  model that ranks it; the whole list is re-ranked, and a candidate nobody judged counts as
  not relevant, so lifting unknowns over known good ones is penalised), and only if it
  beats the unlearned order there by at least `min_gain` on average and in all folds but
  `losing_folds`; otherwise 0.

So a few labels cannot make the ranking worse than unlearned (the model is not used), and
more labels are trusted only as far as held-out queries show they help.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.types import Result

FloatMatrix = npt.NDArray[np.float64]
FloatVector = npt.NDArray[np.float64]

FORMAT = 2  # 2: the "poc_passed" feature (a format-1 file is not used: retrain)
K = 10  # nDCG@K in cross-validation
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)

# Features that do not come from the score parts, in this order after them.
PAIR_FEATURES = (
    "score", "score_gap", "reciprocal_rank",
    "field_same", "field_parent_same", "field_predicted",
    "trl_fit", "trl_margin", "price_fit", "price_ratio",
    "marked_useful", "marked_not_relevant", "poc_passed",
)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When the learned score may be used at all, and how fast it is trusted (README,
    "Learning from brokers", has the figures these were set from)."""

    min_labels: int = 150
    min_positives: int = 10
    min_negatives: int = 10
    min_lists: int = 10  # distinct queries holding a positive label
    full_labels: int = 400  # labels at which the weight may reach 1
    min_gain: float = 0.01  # cross-validated nDCG@10 the blend must add over unlearned
    folds: int = 5
    losing_folds: int = 1  # folds in which the blend may fail to beat unlearned
    c: float = 0.3  # inverse L2 strength of the logistic regression


@dataclass(frozen=True, slots=True)
class QueryContext:
    """What is known about the asking listing. `predicted`: field code → probability, used
    only when `field` is None."""

    field: str | None = None
    predicted: Mapping[str, float] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Terms:
    """A pair's terms, whichever side asked: the demand's minimum TRL and top budget, the
    achievement's TRL and price (None: unknown or negotiable)."""

    min_trl: int | None = None
    budget: Decimal | None = None
    trl: int | None = None
    price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    result: Result
    field: str | None = None
    terms: Terms = Terms()
    useful: int = 0  # times marked useful in other pairs
    not_relevant: int = 0
    poc_passed: bool = False  # the pair's achievement passed a proof-of-concept review


def _parent(code: str) -> str:
    return code.split(".", 1)[0]


def _terms_fit(terms: Terms) -> tuple[float, float, float, float]:
    trl_fit = trl_margin = price_fit = price_ratio = 0.0
    if terms.trl is not None and terms.min_trl is not None:
        gap = terms.trl - terms.min_trl
        trl_fit = 1.0 if gap >= 0 else -1.0
        trl_margin = max(-3.0, min(3.0, float(gap))) / 3.0
    if terms.price is not None and terms.budget is not None and terms.budget > 0:
        ratio = float(terms.price / terms.budget)
        price_fit = 1.0 if ratio <= 1.0 else -1.0
        price_ratio = math.log(max(min(ratio, 10.0), 0.1))
    return trl_fit, trl_margin, price_fit, price_ratio


def part_names(lists: Sequence[Sequence[Candidate]]) -> list[str]:
    """The score parts seen in these lists (sorted): the model's channel features."""
    return sorted({name for cands in lists for c in cands for name in c.result.parts})


def feature_names(parts: Sequence[str]) -> list[str]:
    return [*parts, *(f"{p}_gap" for p in parts), *PAIR_FEATURES]


def features(context: QueryContext, candidates: Sequence[Candidate], parts: Sequence[str]
             ) -> FloatMatrix:
    """One row per candidate (in the order given: the unlearned ranking, best first), the
    columns of `feature_names(parts)`."""
    n = len(candidates)
    out = np.zeros((n, 2 * len(parts) + len(PAIR_FEATURES)), dtype=np.float64)
    if not n:
        return out
    raw = np.array([[c.result.parts.get(p, 0.0) for p in parts] for c in candidates],
                   dtype=np.float64).reshape(n, len(parts))
    out[:, : len(parts)] = raw
    out[:, len(parts): 2 * len(parts)] = raw - raw.max(axis=0, initial=-np.inf)
    scores = np.array([c.result.score for c in candidates], dtype=np.float64)
    given = context.field
    base = 2 * len(parts)
    for i, c in enumerate(candidates):
        field_same = parent_same = predicted = 0.0
        if c.field is not None:
            if given is not None:
                field_same = float(c.field == given)
                parent_same = float(_parent(c.field) == _parent(given))
            else:
                predicted = float(context.predicted.get(c.field, 0.0))
        out[i, base:] = (
            scores[i], scores[i] - scores.max(), 1.0 / (i + 1),
            field_same, parent_same, predicted, *_terms_fit(c.terms),
            math.log1p(c.useful), math.log1p(c.not_relevant), float(c.poc_passed),
        )
    return out


# ---- the model ---------------------------------------------------------------------------------

class ModelError(ValueError):
    """A stored model that cannot be used (wrong format, shape or numbers)."""


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    weight: float  # of the learned score in the blend; 0: not used
    labels: int = 0
    positives: int = 0
    lists: int = 0
    cv: Mapping[str, float] = dataclasses.field(default_factory=dict)  # mean nDCG@10 per blend weight
    meta: Mapping[str, str] = dataclasses.field(default_factory=dict)  # e.g. the matcher profile

    @property
    def parts(self) -> list[str]:
        n = (len(self.features) - len(PAIR_FEATURES)) // 2
        return list(self.features[:n])

    def logits(self, x: FloatMatrix) -> FloatVector:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        out: FloatVector = z @ np.asarray(self.coef) + self.intercept
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Model:
        """A model from its `to_dict` form, checked (ModelError when it cannot be used)."""
        try:
            names = tuple(str(f) for f in data["features"])
            vectors = [tuple(float(v) for v in data[key]) for key in ("mean", "scale", "coef")]
            model = cls(names, vectors[0], vectors[1], vectors[2], float(data["intercept"]),
                        float(data["weight"]), int(data.get("labels", 0)),
                        int(data.get("positives", 0)), int(data.get("lists", 0)),
                        {str(k): float(v) for k, v in dict(data.get("cv", {})).items()},
                        {str(k): str(v) for k, v in dict(data.get("meta", {})).items()})
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"unreadable re-ranker model: {exc!r}") from exc
        numbers = [*model.mean, *model.scale, *model.coef, model.intercept, model.weight]
        if (names[-len(PAIR_FEATURES):] != PAIR_FEATURES
                or (len(names) - len(PAIR_FEATURES)) % 2
                or not all(len(v) == len(names) for v in vectors)
                or not all(math.isfinite(v) for v in numbers)
                or any(s <= 0 for s in model.scale) or not 0.0 <= model.weight <= 1.0):
            raise ModelError("re-ranker model has inconsistent features or numbers")
        return model


def dump_models(models: Mapping[str, Model]) -> str:
    """Models by name (e.g. per direction) as JSON: plain numbers, nothing executable."""
    return json.dumps({"format": FORMAT, "models": {k: m.to_dict() for k, m in models.items()}},
                      ensure_ascii=False, indent=1)


def load_models(text: str) -> dict[str, Model]:
    """The models of a `dump_models` text (ModelError when it cannot be used)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ModelError(f"unreadable re-ranker file: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError("unknown re-ranker file format")
    models = data.get("models")
    if not isinstance(models, dict):
        raise ModelError("re-ranker file without models")
    return {str(k): Model.from_dict(v) for k, v in models.items()}


def _z(values: FloatVector) -> FloatVector:
    sd = float(values.std())
    if not math.isfinite(sd) or sd < 1e-12:
        return np.zeros_like(values)
    out: FloatVector = (values - values.mean()) / sd
    return out


def blend(base: FloatVector, logits: FloatVector, weight: float) -> FloatVector:
    """The blended score of one list (higher first)."""
    if weight <= 0.0:
        return np.asarray(base, dtype=np.float64)
    out: FloatVector = (1.0 - weight) * _z(base) + weight * _z(logits)
    return out


def rerank(model: Model | None, context: QueryContext, candidates: Sequence[Candidate]
           ) -> list[int]:
    """Indices of `candidates` (the unlearned ranking, best first) in the new order. Without
    a model, or with weight 0, the order is unchanged; ties keep the unlearned order."""
    if model is None or model.weight <= 0.0 or len(candidates) < 2:
        return list(range(len(candidates)))
    x = features(context, candidates, model.parts)
    base = np.array([c.result.score for c in candidates], dtype=np.float64)
    final = blend(base, model.logits(x), model.weight)
    return sorted(range(len(candidates)), key=lambda i: (-float(final[i]), i))


# ---- training ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LabelledList:
    """One query's candidates with features (rows in the unlearned order) and the labels of
    those that were judged (1 relevant, 0 not relevant, -1 not judged)."""

    group: str
    x: FloatMatrix
    base: FloatVector
    labels: npt.NDArray[np.int64]


def ndcg(order: Sequence[int], labels: npt.NDArray[np.int64], k: int = K) -> float | None:
    """nDCG@k of `order` counting only judged-relevant items as gains (None: none to find).
    Unjudged items count as not relevant: an order that lifts candidates nobody judged above
    ones judged relevant is scored as worse, never as better (cross-validation cannot know
    what they are, so it assumes the worst)."""
    gains = [float(labels[i] > 0) for i in order[:k]]
    positives = int((labels > 0).sum())
    idcg = sum(1.0 / math.log2(r + 2) for r in range(min(positives, k)))
    if idcg <= 0:
        return None
    return sum(g / math.log2(r + 2) for r, g in enumerate(gains)) / idcg


def _order(values: FloatVector) -> list[int]:
    return sorted(range(len(values)), key=lambda i: (-float(values[i]), i))


@dataclass(frozen=True)
class _Fit:
    mean: FloatVector
    scale: FloatVector
    coef: FloatVector
    intercept: float

    def logits(self, x: FloatMatrix) -> FloatVector:
        out: FloatVector = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return out


def _fit(x: FloatMatrix, y: npt.NDArray[np.int64], c: float) -> _Fit:
    from sklearn.linear_model import LogisticRegression  # training only (the worker)

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[~(scale > 1e-9)] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y)
    return _Fit(mean, scale, model.coef_[0].astype(np.float64), float(model.intercept_[0]))


def _stack(lists: Sequence[LabelledList]) -> tuple[FloatMatrix, npt.NDArray[np.int64]]:
    xs = [ll.x[ll.labels >= 0] for ll in lists]
    ys = [ll.labels[ll.labels >= 0] for ll in lists]
    width = lists[0].x.shape[1] if lists else 0
    if not xs:
        return np.zeros((0, width)), np.zeros(0, dtype=np.int64)
    return np.vstack(xs), np.concatenate(ys).astype(np.int64)


@dataclass(frozen=True)
class _Validation:
    mean: dict[float, float]  # mean nDCG@10 over the held-out lists, per blend weight
    folds: list[dict[float, float]]  # the same, per fold


def _cross_validated(lists: Sequence[LabelledList], t: Thresholds, weights: Sequence[float]
                     ) -> _Validation:
    """nDCG@10 of the held-out lists with a positive, per blend weight, over and per fold."""
    scored = [i for i, ll in enumerate(lists) if (ll.labels > 0).any()]
    folds = min(t.folds, len(scored))
    fold_of = {}
    for n, i in enumerate(scored):
        fold_of[lists[i].group] = n % folds
    others = [ll.group for ll in lists if ll.group not in fold_of]
    for n, group in enumerate(others):
        fold_of[group] = n % folds
    sums = dict.fromkeys(weights, 0.0)
    count = 0
    per_fold = []
    for f in range(folds):
        train = [ll for ll in lists if fold_of[ll.group] != f]
        test = [ll for ll in lists if fold_of[ll.group] == f and (ll.labels > 0).any()]
        x, y = _stack(train)
        if not test or len(set(y.tolist())) < 2:
            continue
        fitted = _fit(x, y, t.c)
        fold = dict.fromkeys(weights, 0.0)
        for ll in test:
            logits = fitted.logits(ll.x)
            for w in weights:
                fold[w] += ndcg(_order(blend(ll.base, logits, w)), ll.labels) or 0.0
        sums = {w: sums[w] + fold[w] for w in weights}
        count += len(test)
        per_fold.append({w: v / len(test) for w, v in fold.items()})
    return _Validation({w: v / count for w, v in sums.items()} if count else {}, per_fold)


def train(lists: Sequence[LabelledList], names: Sequence[str], t: Thresholds = Thresholds(),
          meta: Mapping[str, str] | None = None) -> Model:
    """Fit the model on the judged rows of `lists` and choose its blend weight (see the
    module's docstring); weight 0 when the labels are too few or do not help held-out
    queries. The coefficients are fitted either way (for inspection)."""
    if lists and lists[0].x.shape[1] != len(names):
        raise ValueError("feature names do not match the feature columns")
    x, y = _stack(lists)
    positives, labels = int(y.sum()), len(y)
    with_positive = sum(1 for ll in lists if (ll.labels > 0).any())
    empty = Model(tuple(names), (0.0,) * len(names), (1.0,) * len(names), (0.0,) * len(names),
                  0.0, 0.0, labels, positives, with_positive, {}, dict(meta or {}))
    if positives == 0 or positives == labels:
        return empty
    fitted = _fit(x, y, t.c)
    enough = (labels >= t.min_labels and positives >= t.min_positives
              and labels - positives >= t.min_negatives and with_positive >= t.min_lists)
    cv: dict[float, float] = {}
    weight = 0.0
    if enough:
        cap = min(1.0, labels / t.full_labels)
        weights = sorted({w * cap for w in WEIGHTS})
        validation = _cross_validated(lists, t, weights)
        cv = validation.mean
        if cv:
            best = max(weights, key=lambda w: (cv[w], -w))
            better = sum(1 for fold in validation.folds if fold[best] > fold[0.0])
            if (cv[best] >= cv[0.0] + t.min_gain
                    and better >= len(validation.folds) - t.losing_folds):
                weight = best
    return Model(tuple(names), tuple(fitted.mean.tolist()), tuple(fitted.scale.tolist()),
                 tuple(fitted.coef.tolist()), fitted.intercept, round(weight, 4), labels,
                 positives, with_positive, {f"{w:.4f}": round(v, 4) for w, v in cv.items()},
                 dict(meta or {}))
