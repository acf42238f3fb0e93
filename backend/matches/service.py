"""Matches for a demand or an achievement, the broker feed and the draft preview.

The matcher ranks the other corpus; what a caller gets is then cut to what they may see
(`backend.listings.visibility`, checked against the database for every candidate kept, so
a listing hidden or withdrawn a moment ago never shows even before its index task has run)
and shaped by the listings' own views (an anonymous demand stays anonymous).

What the request costs, and how it stays flat as the corpus grows:

- No full scans. Structured filters (field, region, mode, TRL, price) and the demand
  visibility levels the caller may see go into the index's own filters; the database is
  asked only about the few top candidates (one `IN` query per round, each id once).
- Demands seen outside those levels (the caller's organisation's own, the ones assigned to
  a broker) are reached by widening the search to every level when most of the corpus is
  visible to the caller anyway (the database check drops the rest); otherwise they are
  listed up front, when few (`SMALL_SCOPE`), and searched as a second scope.
- An achievement's demands must fit its TRL and price: the index cannot filter on that (it
  bounds a document's TRL from below and its price from above), so an in-memory table of
  the demands' minimum TRL and top budget (`backend.matches.fit`) gives the search a
  predicate that leaves the others out before they are ranked and explained; the database
  check of the results still decides.
- The search over-fetches in proportion to the share of candidates the checks are expected
  to keep, fetching more only while the page is short; a scope that ran out is not searched
  again.
- The feed searches for all its sources first and checks every candidate they found with
  one query per kind; same-organisation pairs are dropped before ranking, not after.
- Rankings are kept per query and index state (`IndexService.search`), so the feed a broker
  reloads, or a listing's matches asked for again, skip the search until the index changes.
- The index is never loaded here: a request searches the one this process serves when it
  starts (`_searcher`), and with none yet (a fresh installation, a process just started)
  finds nothing, with `index_version` 0, rather than wait for a load or a build.
- Shaping loads the k listings shown with one query per kind (plus the listings' own
  batched look-ups); the field names the reasons need come with the source listing.
- With a usable learned re-ranker (`backend.matches.learning`) a list ranks the top 30
  visible candidates (the same look-ups, deeper) plus one grouped query for their marks,
  and shows the best k in the learned order; without one nothing changes.
- Reasons pair the demand's phrases with the achievement's terms for the first ten shown
  (`backend.matches.explain`), encoded in one batch and cached per process.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import ColumnElement, func, or_, select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from backend.accounts.models import User
from backend.accounts.service import is_verified_broker
from backend.audit import service as audit
from backend.core import jobs
from backend.core.errors import InvalidInput
from backend.core.types import utcnow
from backend.deals.models import Deal
from backend.deals.opening import pair_key
from backend.listings import achievements, demands, views, visibility
from backend.listings import schemas as listing_schemas
from backend.listings import search as listing_search
from backend.listings.models import Achievement, Demand, DemandBroker, Field, Visibility
from backend.matches import explain, fit, learning, schemas
from backend.matches import reasons as reasons_text
from backend.matches.documents import (
    CORPUS,
    Kind,
    achievement_text,
    demand_text,
    indexed_clause,
)
from backend.matches.index import RebuildResult, get_index_service
from matching import Filters, Matcher, Query, Reason, ReasonCode, Result
from matching.rerank import QueryContext, Terms

MAX_FETCH = 1000  # the most candidates one request ranks before giving up on filling the page
FEED_SOURCES = 20  # recent listings of each kind the feed starts from
FEED_PER_SOURCE = 5
MAX_FEED_SOURCES = 200  # the deepest page starts from this many recent listings of each kind
SMALL_SCOPE = 2000  # at most this many extra demands are passed to the index as ids
WIDEN_SHARE = 0.5  # widen to extra visibility levels when at least this share stays visible
HIGHEST_TRL = 9

Names = Mapping[str, tuple[str, str]]  # field code → (Chinese, English) name
L = TypeVar("L", Demand, Achievement)


@dataclass(frozen=True)
class MatchFilters:
    field_id: int | None = None
    region: str | None = None
    mode: str | None = None
    min_trl: int | None = None
    max_price: Decimal | None = None
    fit: bool = True  # also require the source's own TRL and budget constraints


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    parts: Mapping[str, float]
    reasons: tuple[Reason, ...]
    relevance: float = 0.0


@dataclass(frozen=True)
class Seen:
    """What the database says about a candidate the caller may see."""

    organisation_id: int
    min_trl: int | None = None  # demands: the lowest TRL they accept
    budget: Decimal | None = None  # demands: the top of their budget
    field: str | None = None  # the field's code
    trl: int | None = None  # achievements: the reviewed TRL where a panel found one
    price: Decimal | None = None  # achievements (None: negotiable)
    poc_passed: bool = False  # achievements: passed a proof-of-concept review

    def terms(self) -> Terms:
        return Terms(self.min_trl, self.budget, self.trl, self.price)


Search = Callable[[Query], list[Result]]
# Given candidate ids, the ones the caller may see (one query, however many ids).
Lookup = Callable[[list[int]], dict[int, Seen]]
# Whether a visible candidate suits this source: None to drop it, else reasons to add.
Judge = Callable[[Seen], tuple[Reason, ...] | None]


def _keep_all(_: Seen) -> tuple[Reason, ...]:
    return ()


@dataclass
class _Job:
    """One source's search: its queries (one per scope) and how it judges candidates."""

    queries: list[Query]
    k: int
    judge: Judge = _keep_all
    share: float = 1.0  # expected share of candidates kept
    fetch: int = 0
    results: list[list[Result]] = dataclasses.field(default_factory=list)
    exhausted: list[bool] = dataclasses.field(default_factory=list)
    hits: list[Hit] = dataclasses.field(default_factory=list)


# ---- ranking -----------------------------------------------------------------------------------

def _field_codes(session: Session, field_id: int, name: str = "field_id") -> frozenset[str]:
    """The field and its sub-fields (a top-level field filters its whole subtree)."""
    codes = frozenset(session.execute(select(Field.code).where(
        or_(Field.id == field_id, Field.parent_id == field_id))).scalars())
    if not codes:
        raise InvalidInput(name, "未找到该领域。No such field.")
    return codes


def _filters(session: Session, f: MatchFilters) -> Filters:
    return Filters(fields=None if f.field_id is None else _field_codes(session, f.field_id),
                   regions=None if not f.region else frozenset({f.region}), mode=f.mode,
                   min_trl=f.min_trl, max_price=f.max_price)


def _first_fetch(k: int, share: float) -> int:
    if share >= 1.0:
        return min(k + max(5, k // 2), MAX_FETCH)
    return min(int(1.5 * k / max(share, 0.05)) + 5, MAX_FETCH)


def _rank(search: Search, jobs: Sequence[_Job], lookup: Lookup) -> None:
    """Fill each job's `hits`: the top `k` candidates of the union of its queries that the
    caller may see and its judge keeps (scores are comparable across scopes: a document's
    score depends on the query text, not on the filters).

    All jobs search first, then one database look-up covers every new candidate; only the
    jobs still short of `k` search again, deeper. Each id is looked up once."""
    seen: dict[int, Seen | None] = {}
    for job in jobs:
        job.fetch = _first_fetch(job.k, job.share)
        job.results = [[] for _ in job.queries]
        job.exhausted = [False] * len(job.queries)
    pending = [job for job in jobs if job.k > 0 and job.queries]
    while pending:
        for job in pending:
            for i, query in enumerate(job.queries):
                if job.exhausted[i]:
                    continue  # it returned everything it could: deeper is the same
                results = search(dataclasses.replace(query, top_k=job.fetch))
                job.results[i] = results
                job.exhausted[i] = len(results) < job.fetch
        unknown = {int(r.id) for job in pending for rs in job.results for r in rs} - seen.keys()
        if unknown:
            found = lookup(sorted(unknown))
            seen.update({i: found.get(i) for i in unknown})
        still = []
        for job in pending:
            best: dict[str, Result] = {}
            for rs in job.results:
                for r in rs:
                    if r.id not in best or r.score > best[r.id].score:
                        best[r.id] = r
            ordered = sorted(best.values(), key=lambda r: (-r.score, int(r.id)))
            hits: list[Hit] = []
            kept = 0
            for r in ordered:
                info = seen.get(int(r.id))
                extra = None if info is None else job.judge(info)
                if extra is None:
                    continue
                kept += 1
                if len(hits) < job.k:
                    hits.append(Hit(int(r.id), r.score, dict(r.parts), r.reasons + extra, r.relevance))
            job.hits = hits
            if len(hits) >= job.k or all(job.exhausted) or job.fetch >= MAX_FETCH:
                continue
            rate = max(kept / max(len(ordered), 1), 0.05)
            job.fetch = min(max(2 * job.fetch, int(1.5 * job.k / rate) + 5), MAX_FETCH)
            still.append(job)
        pending = still


def _ranked(search: Search, queries: list[Query], k: int, lookup: Lookup,
            judge: Judge = _keep_all, share: float = 1.0,
            learned: learning.Reranking | None = None) -> list[Hit]:
    """The top `k` hits; with a learned re-ranker, the best `k` of the top `learning.DEPTH`
    in its order (see `backend.matches.learning`)."""
    if learned is None:
        job = _Job(queries, k, judge, share)
        _rank(search, [job], lookup)
        return job.hits
    seen: dict[int, Seen] = {}

    def remember(ids: list[int]) -> dict[int, Seen]:
        found = lookup(ids)
        seen.update(found)
        return found

    job = _Job(queries, max(k, learning.DEPTH), judge, share)
    _rank(search, [job], remember)
    hits = job.hits
    order = learned.order([learning.Ranked(h.id, h.score, h.parts, seen[h.id].field,
                                           seen[h.id].terms(), seen[h.id].poc_passed)
                           for h in hits])
    return [hits[i] for i in order][:k]


@dataclass(frozen=True)
class _Served:
    """The index one request searches, read once."""

    search: Search
    version: int  # 0: none yet
    profile: str
    matcher: Matcher | None = None  # None: none yet


def _nothing(_: Query) -> list[Result]:
    return []


def _searcher(kind: Kind) -> _Served:
    """Search the index of `kind` this process serves now (through its result cache). Read
    once: the whole request uses it even if a newer one is swapped in meanwhile. Never loads
    or builds one: the background loader does (`backend.matches.loader`)."""
    service = get_index_service()
    matcher = service.loaded(kind)
    if matcher is None:
        return _Served(_nothing, 0, service.profile)
    return _Served(functools.partial(service.search, kind, matcher), matcher.version,
                   matcher.profile or service.profile, matcher)


def _achievement_lookup(session: Session, user: User | None) -> Lookup:
    def lookup(ids: list[int]) -> dict[int, Seen]:
        if not ids:
            return {}
        rows = session.execute(select(
            Achievement.id, Achievement.organisation_id, Field.code, achievements.effective_trl,
            Achievement.price, Achievement.poc_passed_on).join(
            Field, Field.id == Achievement.field_id).where(
            Achievement.id.in_(ids), visibility.achievement_visibility_clause(user)))
        return {i: Seen(org, field=code, trl=trl, price=price, poc_passed=passed is not None)
                for i, org, code, trl, price, passed in rows}

    return lookup


def _demand_lookup(session: Session, user: User | None) -> Lookup:
    def lookup(ids: list[int]) -> dict[int, Seen]:
        if not ids:
            return {}
        rows = session.execute(select(
            Demand.id, Demand.organisation_id, Demand.min_trl, Demand.budget_max, Field.code
        ).join(Field, Field.id == Demand.field_id).where(
            Demand.id.in_(ids), visibility.demand_visibility_clause(user)))
        return {i: Seen(org, min_trl, budget, code) for i, org, min_trl, budget, code in rows}

    return lookup


@dataclass(frozen=True)
class Offer:
    """What an achievement (stored or draft) offers a demand: its TRL (None: not stated, no
    TRL requirement is checked; a stored achievement's is the one a proof-of-concept panel
    found, where there is one), its price (None: negotiable) and its organisation."""

    organisation_id: int | None
    trl: int | None
    price: Decimal | None

    @classmethod
    def of(cls, achievement: Achievement) -> Offer:
        trl = achievement.reviewed_trl if achievement.reviewed_trl is not None else achievement.trl
        return cls(achievement.organisation_id, trl, achievement.price)


def _fit_judge(source: Offer, fit: bool, other_org: bool = False) -> Judge:
    """A demand for `source`: with `fit`, only if the achievement reaches the demand's
    minimum TRL and its price (when both are known) is within the budget; the TRL and price
    fit become reasons. `other_org`: only demands of another organisation (the feed)."""

    def judge(d: Seen) -> tuple[Reason, ...] | None:
        if other_org and d.organisation_id == source.organisation_id:
            return None
        trl_ok = d.min_trl is None or source.trl is None or source.trl >= d.min_trl
        price_ok = d.budget is None or source.price is None or source.price <= d.budget
        if fit and not (trl_ok and price_ok):
            return None
        extra: list[Reason] = []
        if d.min_trl is not None and source.trl is not None and trl_ok:
            extra.append(Reason(ReasonCode.TRL_FIT, {"trl": source.trl, "min_trl": d.min_trl}))
        if d.budget is not None and source.price is not None and price_ok:
            extra.append(Reason(ReasonCode.PRICE_FIT, {"price": str(source.price),
                                                       "budget": str(d.budget)}))
        return tuple(extra)

    return judge


def _fit_check(session: Session, source: Offer, other_org: bool = False) -> fit.FitCheck:
    """The in-index pre-check of `_fit_judge(source, fit=True, other_org)` (see `fit`); call
    after the demands index was fetched for this request. An offer without a TRL passes any
    minimum (as the highest level would)."""
    return fit.check(fit.table(session, get_index_service()),
                     HIGHEST_TRL if source.trl is None else source.trl, source.price,
                     source.organisation_id if other_org else None)


def _other_org(organisation_id: int) -> Judge:
    def judge(a: Seen) -> tuple[Reason, ...] | None:
        return None if a.organisation_id == organisation_id else ()

    return judge


def _extra_demand_ids(session: Session, user: User, levels: set[Visibility], limit: int
                      ) -> list[int]:
    """Up to `limit` indexed demands `user` sees outside `levels`. Only their organisation's
    own and (for a verified broker) those assigned to them can be; the visibility rule itself
    still decides. One query per way in, so that each is driven by its own index."""
    paths = []
    if user.organisation_id is not None:
        paths.append(Demand.organisation_id == user.organisation_id)
    if is_verified_broker(user):
        paths.append(Demand.id.in_(select(DemandBroker.demand_id).where(
            DemandBroker.broker_id == user.id)))
    found: set[int] = set()
    for path in paths:
        found.update(session.execute(select(Demand.id).where(
            path, visibility.demand_visibility_clause(user), indexed_clause("demand"),
            Demand.visibility.not_in(levels)).limit(limit)).scalars())
        if len(found) >= limit:
            break
    return sorted(found)[:limit]


def _demand_scopes(session: Session, user: User | None, base: Filters
                   ) -> tuple[list[Filters], float]:
    """Pre-filters covering every indexed demand `user` may see, and the share of what they
    return that the visibility check is expected to keep.

    Always the visibility levels open to the caller. The demands they see outside those
    levels (their organisation's, those assigned to them), if any, are reached by widening
    the levels when most of the widened corpus is still visible to them (the database check
    drops the rest), else by a second scope listing their ids when they are at most
    `SMALL_SCOPE`, else by widening anyway. Call after the demands index was fetched (the
    per-level counts come with `fit.table`)."""
    if visibility.is_admin(user):
        return [base], 1.0
    levels = {Visibility.PUBLIC}
    if user is not None and is_verified_broker(user):
        levels.add(Visibility.BROKERS)
    scoped = dataclasses.replace(base, visibilities=frozenset(v.value for v in levels))
    widened = dataclasses.replace(base, visibilities=None)
    if user is None:
        return [scoped], 1.0
    counts = fit.table(session, get_index_service()).levels  # an estimate is enough
    inside = sum(n for v, n in counts.items() if Visibility(v) in levels)
    outside = sum(n for v, n in counts.items() if Visibility(v) not in levels)
    keep = inside / max(inside + outside, 1)  # at least this share of the widened corpus
    if keep >= WIDEN_SHARE:
        if _extra_demand_ids(session, user, levels, 1):
            return [widened], keep
        return [scoped], 1.0
    extra = _extra_demand_ids(session, user, levels, SMALL_SCOPE + 1)
    if not extra:
        return [scoped], 1.0
    if len(extra) > SMALL_SCOPE:
        return [widened], max((inside + len(extra)) / max(inside + outside, 1), 0.05)
    return [scoped, dataclasses.replace(base, visible_ids=frozenset(str(i) for i in extra))], 1.0


# ---- shaping -----------------------------------------------------------------------------------

def _names(*fields: Field) -> dict[str, tuple[str, str]]:
    """The names the reasons need: a `same_field` reason names the source's own field."""
    return {f.code: (f.name_zh, f.name_en) for f in fields}


def _demand_views(session: Session, user: User | None, ids: Sequence[int]
                  ) -> dict[int, listing_schemas.DemandOut]:
    return {v.id: v for v in views.demand_views(session, user, ids)}


def _achievement_views(session: Session, user: User | None, ids: Sequence[int]
                       ) -> dict[int, listing_schemas.AchievementOut]:
    return {v.id: v for v in views.achievement_views(session, user, ids)}


def _reasons(reasons: Sequence[Reason], names: Names) -> list[schemas.ReasonOut]:
    return [reasons_text.render(r, names) for r in reasons]


@dataclass(frozen=True)
class Explaining:
    """How to explain one list's matches: the matched corpus's explainer, the source's own
    words and, for a draft without a field, its predicted fields."""

    explainer: explain.Explainer | None  # None: no index served yet, so nothing to explain
    own: explain.Side
    predicted: Mapping[str, float] | None = None


def _explaining(served: _Served, own: explain.Side,
                predicted: Mapping[str, float] | None = None) -> Explaining:
    """Explained by the index the request searched (never one loaded for the request)."""
    explainer = None if served.matcher is None else explain.Explainer(served.matcher)
    return Explaining(explainer, own, predicted)


def _field_names(view: listing_schemas.DemandOut | listing_schemas.AchievementOut) -> Names:
    return {view.field.code: (view.field.name_zh, view.field.name_en)}


def _explained(how: Explaining, hit: Hit, demand: explain.Side, achievement: explain.Side,
               field: str, phrases: bool) -> tuple[Reason, ...]:
    if how.explainer is None:  # a hit always comes from a served index
        raise RuntimeError("a match without the index that found it")
    out = how.explainer.rewrite(hit.reasons, demand, achievement, phrases)
    guessed = explain.predicted_field(dict(how.predicted or {}), field)
    return (*out, guessed) if guessed is not None else out


def _matches_out(session: Session, user: User | None, source: Kind | None,
                 source_id: int | None, target: Kind, hits: list[Hit], served: _Served,
                 names: Names, how: Explaining) -> schemas.MatchesOut:
    """The shown matches with their reasons: the first `explain.EXPLAIN_ITEMS` explained by
    phrase pairs, whose phrases and terms are encoded in one batch."""
    ids = [h.id for h in hits]
    views: dict[int, listing_schemas.DemandOut] | dict[int, listing_schemas.AchievementOut]
    if target == "achievement":
        views = _achievement_views(session, user, ids)
    else:
        views = _demand_views(session, user, ids)
    shown = [(h, views[h.id]) for h in hits if h.id in views]
    sides = []
    for _, v in shown:
        if isinstance(v, listing_schemas.AchievementOut):
            sides.append((how.own, explain.side(v.title, v.abstract, v.keywords)))
        else:
            sides.append((explain.side(v.title, v.description, v.keywords), how.own))
    if how.explainer is not None:
        how.explainer.prime(sides[: explain.EXPLAIN_ITEMS])
    items: list[schemas.MatchOut] = []
    for n, ((h, v), (demand, achievement)) in enumerate(zip(shown, sides, strict=True)):
        reasons = _explained(how, h, demand, achievement, v.field.code,
                             n < explain.EXPLAIN_ITEMS)
        items.append(schemas.MatchOut(
            kind=target, id=h.id, score=h.score, relevance=h.relevance, parts=dict(h.parts),
            reasons=_reasons(reasons, {**names, **_field_names(v)}),
            achievement=v if isinstance(v, listing_schemas.AchievementOut) else None,
            demand=v if isinstance(v, listing_schemas.DemandOut) else None))
    return schemas.MatchesOut(source_kind=source, source_id=source_id, items=items,
                              index_version=served.version, profile=served.profile)


# ---- use cases ---------------------------------------------------------------------------------

def _demand_query(demand: Demand, filters: Filters, k: int) -> Query:
    return Query(demand_text(demand), field=demand.field.code, region=demand.region,
                 filters=filters, top_k=k)


def _achievement_query(achievement: Achievement, filters: Filters, k: int) -> Query:
    return Query(achievement_text(achievement, [i.title for i in achievement.ip_items]),
                 field=achievement.field.code, region=achievement.region, filters=filters,
                 top_k=k)


def _fitted(base: Filters, f: MatchFilters, demand: Demand) -> Filters:
    """A demand's own minimum TRL and top budget, unless the caller set them or turned fit off."""
    min_trl = f.min_trl if f.min_trl is not None else (demand.min_trl if f.fit else None)
    max_price = f.max_price if f.max_price is not None else (demand.budget_max if f.fit else None)
    return dataclasses.replace(base, min_trl=min_trl, max_price=max_price)


def matches_for_demand(session: Session, user: User, demand_id: int, f: MatchFilters,
                       top_k: int) -> schemas.MatchesOut:
    """Achievements for a demand the caller may see (404 otherwise)."""
    demand = demands.get_demand(session, user, demand_id)
    query = _demand_query(demand, _fitted(_filters(session, f), f, demand), top_k)
    served = _searcher("achievement")
    learned = learning.reranking(session, "demand", QueryContext(demand.field.code),
                                 Terms(min_trl=demand.min_trl, budget=demand.budget_max))
    hits = _ranked(served.search, [query], top_k, _achievement_lookup(session, user),
                   learned=learned)
    own = explain.side(demand.title, demand.description, demand.keywords)
    return _matches_out(session, user, "demand", demand.id, "achievement", hits, served,
                        _names(demand.field), _explaining(served, own))


def matches_for_achievement(session: Session, user: User, achievement_id: int,
                            f: MatchFilters, top_k: int) -> schemas.MatchesOut:
    """Demands for an achievement the caller may see (404 otherwise)."""
    achievement = achievements.get_achievement(session, user, achievement_id)
    served = _searcher("demand")
    base = _filters(session, f)
    if f.fit:
        base = dataclasses.replace(base, visible=_fit_check(session, Offer.of(achievement)))
    scopes, share = _demand_scopes(session, user, base)
    queries = [_achievement_query(achievement, scope, top_k) for scope in scopes]
    learned = learning.reranking(session, "achievement", QueryContext(achievement.field.code),
                                 Terms(trl=Offer.of(achievement).trl, price=achievement.price),
                                 achievement.poc_passed_on is not None)
    hits = _ranked(served.search, queries, top_k, _demand_lookup(session, user),
                   _fit_judge(Offer.of(achievement), f.fit), share, learned)
    own = explain.side(achievement.title, achievement.abstract, achievement.keywords)
    return _matches_out(session, user, "achievement", achievement.id, "demand", hits, served,
                        _names(achievement.field), _explaining(served, own))


def draft_text(body: schemas.PreviewIn) -> str:
    """A draft's text as the index would hold it (title, body, keywords)."""
    return "\n".join(p for p in (body.title, body.text, " ".join(body.keywords)) if p)


def preview(session: Session, user: User, body: schemas.PreviewIn, field: Field | None,
            predicted: Mapping[str, float] | None = None) -> schemas.MatchesOut:
    """What would match a draft (nothing is stored): achievements for a draft demand, demands
    for a draft achievement, as the caller may see them (`matches_for_demand` and
    `matches_for_achievement` without a stored source). `predicted`: the draft's likely
    fields (code → probability), which the learned re-ranker uses when no field is given."""
    fl = body.filters
    text, code = draft_text(body), field.code if field else None
    names = _names(field) if field else {}
    context = QueryContext(code, dict(predicted or {}) if code is None else {})
    own = explain.side(body.title, body.text, body.keywords)
    if body.kind == "demand":
        if body.trl is not None or body.price is not None:
            raise InvalidInput("trl" if body.trl is not None else "price",
                               "TRL 与报价只用于成果草稿；需求请用 filters。TRL and price "
                               "describe a draft achievement; a draft demand uses filters.")
        filters = _filters(session, MatchFilters(fl.field_id, fl.region, fl.mode, fl.min_trl,
                                                 fl.max_price))
        query = Query(text, field=code, region=body.region or None, filters=filters,
                      top_k=body.top_k)
        served = _searcher("achievement")
        learned = learning.reranking(session, "demand", context, Terms(
            min_trl=fl.min_trl, budget=fl.max_price))
        hits = _ranked(served.search, [query], body.top_k, _achievement_lookup(session, user),
                       learned=learned)
        return _matches_out(session, user, None, None, "achievement", hits, served, names,
                            _explaining(served, own, context.predicted))
    if fl.min_trl is not None or fl.max_price is not None:
        raise InvalidInput("filters", "成果草稿不按 TRL 与报价筛选需求，请填写 trl 与 price。A "
                           "draft achievement is fitted by its own trl and price, not by "
                           "these filters.")
    served = _searcher("demand")
    offer = Offer(user.organisation_id, body.trl, body.price)
    base = _filters(session, MatchFilters(fl.field_id, fl.region, fl.mode))
    if body.fit:
        base = dataclasses.replace(base, visible=_fit_check(session, offer))
    scopes, share = _demand_scopes(session, user, base)
    queries = [Query(text, field=code, region=body.region or None, filters=scope,
                     top_k=body.top_k) for scope in scopes]
    learned = learning.reranking(session, "achievement", context,
                                 Terms(trl=body.trl, price=body.price))
    hits = _ranked(served.search, queries, body.top_k, _demand_lookup(session, user),
                   _fit_judge(offer, body.fit), share, learned)
    return _matches_out(session, user, None, None, "demand", hits, served, names,
                        _explaining(served, own, context.predicted))


# ---- the broker feed ---------------------------------------------------------------------------

def broker_field_ids(session: Session, user: User) -> tuple[set[int], list[str]] | None:
    """The fields (with their sub-fields) a broker declared, matched by code or name; None
    (all fields) for administrators and for brokers whose fields match none."""
    declared = user.broker.fields if user.broker is not None else []
    wanted = {str(f).strip().lower() for f in declared if str(f).strip()}
    if visibility.is_admin(user) or not wanted:
        return None
    top = session.execute(select(Field.id, Field.code).where(or_(
        func.lower(Field.code).in_(wanted), Field.name_zh.in_(wanted),
        func.lower(Field.name_en).in_(wanted)))).all()
    if not top:
        return None
    ids = {i for i, _ in top}
    rows = session.execute(select(Field.id, Field.code).where(
        or_(Field.id.in_(ids), Field.parent_id.in_(ids)))).all()
    return {i for i, _ in rows}, sorted(code for _, code in rows)


@dataclass
class _Pair:
    demand_id: int
    achievement_id: int
    hit: Hit
    new_side: Kind


def _recent(session: Session, model: type[L], where: Sequence[ColumnElement[bool]],
            since: datetime, limit: int, options: Sequence[ORMOption] = (),
            page: int | None = None) -> list[L]:
    """The `limit` listings of `model` published most recently (at or after `since`) that
    meet `where`, newest first. Walks the `published_at` index a page at a time and filters
    each page, so the cost follows the page, not the number of listings."""
    found: list[L] = []
    page = page or max(10 * limit, 200)
    after: tuple[datetime, int] | None = None
    while len(found) < limit:
        newest = select(model.id, model.published_at).where(model.published_at >= since)
        if after is not None:
            newest = newest.where(tuple_(model.published_at, model.id) < after)
        rows = session.execute(newest.order_by(model.published_at.desc(), model.id.desc())
                               .limit(page)).all()
        if not rows:
            break
        ids = [i for i, _ in rows]
        kept = {x.id: x for x in session.execute(
            select(model).where(model.id.in_(ids), *where).options(*options)).unique().scalars()}
        found += [kept[i] for i in ids if i in kept]
        if len(rows) < page:
            break
        last_id, last_at = rows[-1]
        if last_at is None:
            break
        after = (last_at, last_id)
    return found[:limit]


@dataclass(frozen=True)
class FeedFilters:
    """What a broker narrows the feed to: a field (instead of their declared ones), words
    the new listing mentions, the new listing's region (a prefix: 福建省 covers 福建省福州市)."""

    days: int = 14
    field_id: int | None = None
    q: str | None = None
    region: str | None = None


def _feed_scope(session: Session, user: User, field_id: int | None
                ) -> tuple[set[int], list[str]] | None:
    if field_id is None:
        return broker_field_ids(session, user)
    rows = session.execute(select(Field.id, Field.code).where(
        or_(Field.id == field_id, Field.parent_id == field_id))).all()
    if not rows:
        raise InvalidInput("field_id", "未找到该领域。No such field.")
    return {i for i, _ in rows}, sorted(code for _, code in rows)


def _source_clauses(model: type[L], f: FeedFilters) -> list[ColumnElement[bool]]:
    clauses = [listing_search.keyword_clause(model.search_text, f.q)]
    if f.region:
        clauses.append(model.region.startswith(f.region.strip(), autoescape=True))
    return clauses


def feed(session: Session, user: User, f: FeedFilters, page: int = 1, page_size: int = 20
         ) -> schemas.FeedOut:
    """The best pairs starting from listings published in the last `f.days` in the broker's
    fields (or `f.field_id`'s), mentioning `f.q`, in `f.region`: each side must be visible to
    them, the two from different organisations, and the pair not already in an open deal.

    Paged: a deeper page starts from more of the recent listings (`FEED_SOURCES` plus one per
    pair shown up to that page, at most `MAX_FEED_SOURCES` of each kind), so the first pages
    cost what the feed always cost; `has_more` says whether a next page can have pairs."""
    since: datetime = utcnow() - timedelta(days=f.days)
    scope = _feed_scope(session, user, f.field_id)
    where_d = [visibility.demand_visibility_clause(user), indexed_clause("demand"),
               *_source_clauses(Demand, f)]
    where_a = [visibility.achievement_visibility_clause(user), indexed_clause("achievement"),
               *_source_clauses(Achievement, f)]
    if scope is not None:
        where_d.append(Demand.field_id.in_(scope[0]))
        where_a.append(Achievement.field_id.in_(scope[0]))
    sources = min(FEED_SOURCES + page * page_size, MAX_FEED_SOURCES)
    new_demands = _recent(session, Demand, where_d, since, sources,
                          [joinedload(Demand.field)])
    new_achievements = _recent(session, Achievement, where_a, since, sources,
                               [joinedload(Achievement.field),
                                selectinload(Achievement.ip_items)])
    more_sources = sources < MAX_FEED_SOURCES and (len(new_demands) == sources
                                                   or len(new_achievements) == sources)

    d_jobs = [_Job([_demand_query(d, _fitted(Filters(), MatchFilters(), d), FEED_PER_SOURCE)],
                   FEED_PER_SOURCE, _other_org(d.organisation_id)) for d in new_demands]
    if d_jobs:
        _rank(_searcher("achievement").search, d_jobs, _achievement_lookup(session, user))
    a_jobs: list[_Job] = []
    if new_achievements:
        search = _searcher("demand").search
        scopes, share = _demand_scopes(session, user, Filters())
        for a in new_achievements:
            offer = Offer.of(a)
            check = _fit_check(session, offer, other_org=True)
            a_jobs.append(_Job([_achievement_query(a, dataclasses.replace(s, visible=check),
                                                   FEED_PER_SOURCE) for s in scopes],
                               FEED_PER_SOURCE, _fit_judge(offer, fit=True, other_org=True),
                               share))
        _rank(search, a_jobs, _demand_lookup(session, user))

    pairs: dict[tuple[int, int], _Pair] = {}

    def keep(pair: _Pair) -> None:
        key = (pair.demand_id, pair.achievement_id)
        if key not in pairs or pair.hit.score > pairs[key].hit.score:
            pairs[key] = pair

    for d, job in zip(new_demands, d_jobs, strict=True):
        for h in job.hits:
            keep(_Pair(d.id, h.id, h, "demand"))
    for a, job in zip(new_achievements, a_jobs, strict=True):
        for h in job.hits:
            keep(_Pair(h.id, a.id, h, "achievement"))

    if pairs:
        taken = set(session.execute(select(Deal.open_pair_key).where(Deal.open_pair_key.in_(
            [pair_key(d, a) for d, a in pairs]))).scalars())
        pairs = {key: p for key, p in pairs.items() if pair_key(*key) not in taken}
    ranked = sorted(pairs.values(), key=lambda p: (-p.hit.score, p.demand_id, p.achievement_id))
    start = (page - 1) * page_size
    best = ranked[start:start + page_size]
    has_more = len(ranked) > start + page_size or more_sources
    shown_d = _demand_views(session, user, sorted({p.demand_id for p in best}))
    shown_a = _achievement_views(session, user, sorted({p.achievement_id for p in best}))
    names = _names(*(d.field for d in new_demands), *(a.field for a in new_achievements))
    service = get_index_service()
    ranked_by: dict[Kind, Kind] = {"demand": "achievement", "achievement": "demand"}
    explainers = {side: explain.Explainer(m) for side, target in ranked_by.items()
                  if (m := service.loaded(target)) is not None}
    shown = [(p, shown_d[p.demand_id], shown_a[p.achievement_id]) for p in best
             if p.demand_id in shown_d and p.achievement_id in shown_a]
    sides = [(explain.side(dv.title, dv.description, dv.keywords),
              explain.side(av.title, av.abstract, av.keywords)) for _, dv, av in shown]
    for side, explainer in explainers.items():
        explainer.prime([s for (p, _, _), s in zip(shown, sides, strict=True)
                         if p.new_side == side][: explain.EXPLAIN_ITEMS])
    items: list[schemas.PairOut] = []
    for n, ((p, dv, av), (demand_words, achievement_words)) in enumerate(
            zip(shown, sides, strict=True)):
        reasons: Sequence[Reason] = p.hit.reasons
        if p.new_side in explainers:  # the corpus that ranked the pair explains it
            reasons = explainers[p.new_side].rewrite(reasons, demand_words, achievement_words,
                                                     n < explain.EXPLAIN_ITEMS)
        items.append(schemas.PairOut(score=p.hit.score, relevance=p.hit.relevance,
                                     parts=dict(p.hit.parts),
                                     reasons=_reasons(reasons, names), new_side=p.new_side,
                                     demand=dv, achievement=av))
    return schemas.FeedOut(items=items, since=since, field_codes=scope[1] if scope else [],
                           page=page, page_size=page_size, has_more=has_more)


# ---- reindexing ----------------------------------------------------------------------------------

REINDEX_TASK = "matching.reindex"
ENSURE_TASK = "matching.ensure_index"  # API processes that find no usable index ask for one


def request_reindex(session: Session, actor: audit.Actor, kinds: Sequence[Kind]) -> None:
    """Queue a full rebuild (sent once the unit of work commits), and record who asked."""
    audit.record(session, actor, "matching.reindex", "matching_index",
                 ",".join(CORPUS[k] for k in kinds), after={"kinds": list(kinds),
                                                            "queued": True})
    jobs.enqueue(session, REINDEX_TASK, list(kinds))


def reindex_now(session: Session, actor: audit.Actor, kinds: Sequence[Kind], *,
                profile: str | None = None,
                progress: Callable[[Kind, int, int], None] | None = None
                ) -> list[RebuildResult]:
    """Rebuild the indexes from the database here and now (the CLI, the task), with `profile`
    (default: MATCHING_ENCODER); `progress(kind, encoded, total)` after each batch."""
    service = get_index_service()
    results = [service.rebuild(session, kind, profile=profile,
                               progress=None if progress is None
                               else functools.partial(progress, kind))
               for kind in kinds]
    audit.record(session, actor, "matching.rebuild", "matching_index",
                 ",".join(CORPUS[k] for k in kinds),
                 after={CORPUS[r.kind]: {"documents": r.documents, "version": r.version,
                                         "profile": r.profile}
                        for r in results})
    return results
