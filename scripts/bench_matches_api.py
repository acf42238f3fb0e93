"""Time the match endpoints end to end at scale: seed N listings, build the index, call the API.

    .venv/bin/python -m scripts.bench_matches_api [--listings 100000] [--profile hash]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--requests 200] [--json out.json] [--keep DIR]

Seeds the demo accounts (firms, institutes, brokers, administrators) and N listings — half
demands, half achievements, in realistic Chinese from the demo phrase bank, with the demo
market's mix of statuses, visibilities (public / brokers only / private and assigned to a
broker), budgets, TRLs and IP — inserted in bulk (SQLAlchemy core, not through the API)
into a fresh SQLite database under a temporary VAR_DIR. With `--database-url` pointing at a
PostgreSQL server, a fresh database is created there and dropped at the end.

Then builds both matcher indexes (`IndexService.rebuild`, as `techbroker reindex` does) with
the chosen profile and times, in process through FastAPI's TestClient, as a firm, an
institute and a broker (and an administrator for the feed):

    demand_matches        GET  /api/v1/demands/{id}/matches       (random visible demands)
    achievement_matches   GET  /api/v1/achievements/{id}/matches  (random visible achievements)
    preview               POST /api/v1/matches/preview             (fresh draft texts)
    feed / feed_cold      GET  /api/v1/matches/feed                (brokers, administrators)

reporting p50 / p95 / p99 / max wall milliseconds, the process's CPU milliseconds per call
(client and server: a figure the machine's other work does not inflate) and the load average.
Rankings the process keeps between calls (`IndexService.search`) are dropped before every
listing call, so each ranks afresh; the feed is timed as reloaded (rankings kept) and cold.

`--profile hash` (the default) needs no model and builds 100,000 listings in minutes. With
`--profile default` (E5, USE and MiniLM) the query encoders are real and their time per query is
reported separately. Encoding every document of a large corpus with both models on two CPU
cores takes most of an hour, so above `--encode-limit` documents the document vectors are
stand-ins (the hash encoder's vectors, of the real models' dimensions): search cost depends on
the index's size and kind (HNSW), not on where its vectors came from. The listings the timed
calls use or show (found by making each call once against a throwaway embedding cache) are
then primed with the real models as the worker primes every listing it indexes
(`IndexService.prime`: its text as a query, the words its reasons pair), so a listing's
matches send nothing to a model (as in production) while a preview encodes its draft with the
real model on every call.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

REQUEST_KINDS = ("demand_matches", "achievement_matches", "preview", "feed")
ROLES = ("firm", "institute", "broker", "admin")
USERS = {"firm": "firm1", "institute": "inst1", "broker": "broker1", "admin": "admin"}
CHUNK = 5000


# ---- the market ----------------------------------------------------------------------------------

def _listing_rows(session: Any, n_demands: int, n_achievements: int, seed: int
                  ) -> tuple[list[int], list[int], dict[str, float]]:
    """Insert the listings in bulk; return their ids and the seconds spent."""
    from sqlalchemy import insert, select

    from backend.accounts.models import BrokerProfile, Organisation, User, VerificationStatus
    from backend.core import clock
    from backend.core.permissions import Role
    from backend.core.types import utcnow
    from backend.demo import listings as demo
    from backend.demo.listing_phrases import phrases
    from backend.listings.models import (
        Achievement,
        Demand,
        DemandBroker,
        Field,
        IpItem,
        Visibility,
    )
    from backend.listings.service import allocate_ids

    rng = random.Random(seed)
    bank = phrases()
    fields = [(f.id, f.code, f.name_zh) for f in session.execute(
        select(Field).where(Field.active.is_(True), Field.parent_id.is_not(None))
        .order_by(Field.sort, Field.id)).scalars() if f.code in bank]
    owners = session.execute(select(User).where(User.role.in_([Role.FIRM, Role.INSTITUTE]))
                             .order_by(User.id)).scalars().all()
    firms = [u for u in owners if u.role == Role.FIRM]
    institutes = [u for u in owners if u.role == Role.INSTITUTE]
    brokers = session.execute(select(BrokerProfile.user_id).where(
        BrokerProfile.verification_status == VerificationStatus.VERIFIED)
        .order_by(BrokerProfile.user_id)).scalars().all()
    org_names: dict[int, str] = {user_id: name for user_id, name in session.execute(
        select(User.id, Organisation.name)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_([u.id for u in owners])))}
    now, today = utcnow(), clock.today()
    seconds = {"generate_s": 0.0, "insert_s": 0.0}

    def timed_insert(model: Any, rows: list[dict[str, Any]]) -> None:
        t = time.perf_counter()
        for i in range(0, len(rows), CHUNK):
            session.connection().execute(insert(model), rows[i:i + CHUNK])
        seconds["insert_s"] += time.perf_counter() - t

    demand_ids: list[int] = []
    for start in range(0, n_demands, CHUNK):
        t = time.perf_counter()
        rows = []
        for i in range(start, min(n_demands, start + CHUNK)):
            owner = firms[i % len(firms)]
            field = demo._pick_field(rng, org_names[owner.id], fields)
            rows.append(demo._demand_row(rng, owner, org_names[owner.id], field,
                                         bank[field[1]], today, now))
        ids = allocate_ids(session, Demand.__tablename__, len(rows))
        for listing_id, row in zip(ids, rows, strict=True):
            row["id"] = listing_id
        assigned = [{"demand_id": row["id"], "broker_id": brokers[row["id"] % len(brokers)],
                     "assigned_by_id": None, "assigned_at": now}
                    for row in rows if row["visibility"] == Visibility.PRIVATE and brokers]
        seconds["generate_s"] += time.perf_counter() - t
        timed_insert(Demand, rows)
        if assigned:
            timed_insert(DemandBroker, assigned)
        demand_ids += ids

    achievement_ids: list[int] = []
    for start in range(0, n_achievements, CHUNK):
        t = time.perf_counter()
        rows, ip_lists = [], []
        for i in range(start, min(n_achievements, start + CHUNK)):
            owner = institutes[i % len(institutes)]
            field = demo._pick_field(rng, org_names[owner.id], fields)
            row, items = demo._achievement_row(rng, owner, org_names[owner.id], field,
                                               bank[field[1]], now, today.year)
            rows.append(row)
            ip_lists.append(items)
        ids = allocate_ids(session, Achievement.__tablename__, len(rows))
        for listing_id, row in zip(ids, rows, strict=True):
            row["id"] = listing_id
        ip_rows = [{"achievement_id": a_id, "kind": kind, "number": number, "title": title}
                   for a_id, items in zip(ids, ip_lists, strict=True)
                   for kind, number, title in items]
        seconds["generate_s"] += time.perf_counter() - t
        timed_insert(Achievement, rows)
        if ip_rows:
            timed_insert(IpItem, ip_rows)
        achievement_ids += ids
    return demand_ids, achievement_ids, seconds


def _drafts(count: int, seed: int) -> list[dict[str, Any]]:
    """Preview bodies: draft demands written like the seeded ones but never stored."""
    from backend.demo import listings as demo
    from backend.demo.listing_phrases import phrases

    rng = random.Random(seed + 1)
    bank = phrases()
    codes = sorted(bank)
    out = []
    for _ in range(count):
        p = bank[rng.choice(codes)]
        topic = rng.choice(p.topics)
        out.append({
            "title": rng.choice(demo.DEMAND_TITLES).format(t=topic),
            "text": f"我司产品主要面向{rng.choice(p.uses)}，目前{rng.choice(p.problems)}。"
                    f"希望在{topic}方面寻求技术合作，目标是{rng.choice(p.goals)}。",
            "keywords": [topic], "top_k": 10})
    return out


# ---- timing --------------------------------------------------------------------------------------

def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def at(q: float) -> float:
        # nearest-rank percentile
        rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
        return round(ordered[rank - 1], 1)

    return {"n": len(ordered), "p50_ms": at(50), "p95_ms": at(95), "p99_ms": at(99),
            "max_ms": round(ordered[-1], 1), "mean_ms": round(statistics.fmean(ordered), 1)}


def _time_calls(call: Callable[[int], Any], count: int, warmup: int,
                before: Callable[[], None] | None = None) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds (this process, all threads: client and server) per call."""
    for i in range(warmup):
        call(i)
    wall, cpu = [], []
    for i in range(count):
        if before is not None:
            before()
        t, c = time.perf_counter(), time.process_time()
        call(warmup + i)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def _load() -> list[float]:
    """The machine's load averages (1, 5, 15 minutes): other work competing for the CPUs."""
    return [round(x, 2) for x in os.getloadavg()]


def _encoding(profile: str, texts: list[str]) -> dict[str, Any]:
    """Query-encoding time per channel of the profile (the real models, no cache)."""
    from matching import config_for, get_encoder

    out: dict[str, Any] = {}
    for channel in config_for(profile).encoders:
        encoder = get_encoder(channel)
        encoder.encode(texts[:1])  # load the model
        times = []
        for text in texts:
            t = time.perf_counter()
            encoder.encode([text])
            times.append((time.perf_counter() - t) * 1000)
        out[channel] = percentiles(times)
    return out


# ---- the run -------------------------------------------------------------------------------------

def _fresh_postgres(server_url: str, name: str) -> tuple[str, Callable[[], None]]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(server_url)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def _build_index(profile: str, encode_limit: int, n_docs: int) -> dict[str, Any]:
    """Build both corpora as `techbroker reindex` does, or — for model profiles above
    `encode_limit` documents — with stand-in document vectors (see the module docstring)."""
    from backend.db import session_scope
    from backend.matches import documents
    from backend.matches.index import get_index_service
    from matching import HashEncoder, Matcher

    service = get_index_service()
    out: dict[str, Any] = {"stand_in_vectors": False}
    model_channels = [ch for ch in service.config.encoders if ch != "hash"]
    for kind in documents.KINDS:
        t = time.perf_counter()
        with session_scope() as session:
            if not model_channels or n_docs <= encode_limit:
                result = service.rebuild(session, kind)
                out[kind] = {"documents": result.documents, "seconds": round(result.seconds, 1)}
                continue
            out["stand_in_vectors"] = True
            stand_in = {ch: HashEncoder(service.encoders[ch].dim) for ch in model_channels}
            matcher = Matcher(documents.CORPUS[kind], service.config, encoders=service.encoders)
            for batch in documents.iter_documents(session, kind):
                texts = [d.text for d in batch]
                matcher.add(batch, vectors={ch: enc.encode(texts) for ch, enc in stand_in.items()})
            matcher.compact()
            matcher.save(service.root / documents.CORPUS[kind])
            out[kind] = {"documents": len(matcher), "seconds": round(time.perf_counter() - t, 1)}
    return out


def _shown(callers: Sequence[_Caller], count: int) -> dict[str, set[int]]:
    """The listings the timed calls will show (by kind), found by making each call once with
    every encoder writing to a throwaway cache: the real cache stays as the worker left it."""
    from backend.matches import explain
    from backend.matches.index import get_index_service
    from matching import CachedEncoder
    from matching.cache import EmbeddingCache

    service = get_index_service()
    cached = [e for e in service.encoders.values() if isinstance(e, CachedEncoder)]
    kept = [e.cache for e in cached]
    shown: dict[str, set[int]] = {"demand": set(), "achievement": set()}
    with tempfile.TemporaryDirectory(prefix="bench-dry-") as scratch:
        for encoder in cached:
            encoder.cache = EmbeddingCache(Path(scratch))
        try:
            for caller in callers:
                for call in (caller.demand_matches, caller.achievement_matches, caller.preview):
                    for i in range(count):
                        for item in call(i).json()["items"]:
                            shown[item["kind"]].add(item["id"])
        finally:
            for encoder, cache in zip(cached, kept, strict=True):
                encoder.cache = cache
    explain.forget()  # what the dry calls left in memory
    service.results.clear()
    return shown


def _prime(sources: dict[str, tuple[list[int], list[int]]], shown: dict[str, set[int]]
           ) -> dict[str, Any]:
    """Prime the sampled listings and those the calls show as the worker does when it
    indexes them (`IndexService.prime`: their texts as queries, their reasons' words), their
    document vectors being stand-ins: a listing's matches then encode nothing, as in
    production. Returns how long the models took."""
    from backend.db import session_scope
    from backend.matches import documents
    from backend.matches.index import get_index_service

    service = get_index_service()
    out: dict[str, Any] = {}
    with session_scope() as session:
        for at, kind in enumerate(documents.KINDS):  # sources: (demand ids, achievement ids)
            matcher = service.matcher(session, kind)
            used = sorted({i for pair in sources.values() for i in pair[at]})
            t = time.perf_counter()
            service.prime(session, kind, matcher,
                          list(documents.documents(session, kind, used).values()))
            # those only shown need only their reasons' words (the worker primes both for all)
            only_shown = sorted(shown[kind] - set(used))
            service.prime(session, kind, matcher,
                          list(documents.documents(session, kind, only_shown).values()),
                          queries=False)
            out[kind] = {"sources": len(used), "shown": len(only_shown),
                         "seconds": round(time.perf_counter() - t, 1)}
    print(f"primed as the worker would have: {out}", flush=True)
    return out


def _sources(user_name: str, limit: int, seed: int) -> tuple[list[int], list[int]]:
    """Random indexed demands and achievements `user_name` may see."""
    from sqlalchemy import select

    from backend.accounts.models import User
    from backend.accounts.service import load_user
    from backend.db import session_scope
    from backend.listings import visibility
    from backend.listings.models import Achievement, Demand
    from backend.matches.documents import indexed_clause

    rng = random.Random(seed)
    with session_scope() as session:
        user_id = session.execute(select(User.id).where(User.username == user_name)).scalar_one()
        user = load_user(session, user_id)
        d_ids = list(session.execute(select(Demand.id).where(
            visibility.demand_visibility_clause(user), indexed_clause("demand"))).scalars())
        a_ids = list(session.execute(select(Achievement.id).where(
            visibility.achievement_visibility_clause(user),
            indexed_clause("achievement"))).scalars())
    return (rng.sample(d_ids, min(limit, len(d_ids))), rng.sample(a_ids, min(limit, len(a_ids))))


class _Caller:
    """The timed requests of one user (each raises unless the answer is 200)."""

    def __init__(self, client: Any, headers: dict[str, str], demands: list[int],
                 achievements: list[int], drafts: list[dict[str, Any]]) -> None:
        self.client, self.headers = client, headers
        self.demands, self.achievements, self.drafts = demands, achievements, drafts

    def _check(self, resp: Any) -> Any:
        if resp.status_code != 200:
            raise RuntimeError(f"{resp.request.url}: {resp.status_code} {resp.text[:300]}")
        return resp

    def demand_matches(self, i: int) -> Any:
        demand_id = self.demands[i % len(self.demands)]
        return self._check(self.client.get(f"/api/v1/demands/{demand_id}/matches",
                                           headers=self.headers))

    def achievement_matches(self, i: int) -> Any:
        achievement_id = self.achievements[i % len(self.achievements)]
        return self._check(self.client.get(f"/api/v1/achievements/{achievement_id}/matches",
                                           headers=self.headers))

    def preview(self, i: int) -> Any:
        return self._check(self.client.post("/api/v1/matches/preview",
                                            json=self.drafts[i % len(self.drafts)],
                                            headers=self.headers))

    def feed(self, _: int) -> Any:
        return self._check(self.client.get("/api/v1/matches/feed", headers=self.headers))


def run(args: argparse.Namespace, url: str, engine: Engine) -> dict[str, Any]:
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from backend.app import create_app
    from backend.cli import migrate_to_head
    from backend.db import session_scope
    from backend.demo.data import ADMIN_PASSWORD, DEMO_PASSWORD, _Faker, seed_accounts
    from backend.matches.index import get_index_service

    summary: dict[str, Any] = {"database": url.split("://")[0].split("+")[0],
                               "profile": args.profile, "listings": args.listings,
                               "cpus": os.cpu_count()}
    done = Path(os.environ["VAR_DIR"]) / "bench-seeded.json"
    if done.exists():  # --keep: seeded (and indexed) by an earlier run
        kept = json.loads(done.read_text(encoding="utf-8"))
        summary["seed"] = kept["seed"]
        print(f"reusing {done.parent}", flush=True)
        if kept.get("profile") == args.profile:
            summary["index"] = kept["index"]
        else:  # indexed with another profile: index again
            shutil.rmtree(Path(os.environ["VAR_DIR"]) / "index", ignore_errors=True)
            summary["index"] = _build_index(args.profile, args.encode_limit, args.listings)
            done.write_text(json.dumps({"profile": args.profile, "seed": summary["seed"],
                                        "index": summary["index"]}), encoding="utf-8")
    else:
        t = time.perf_counter()
        migrate_to_head(url)
        n_demands = args.listings // 2
        with session_scope() as session:
            seed_accounts(session, _Faker())
            demand_ids, achievement_ids, seed_s = _listing_rows(
                session, n_demands, args.listings - n_demands, args.seed)
        if summary["database"] == "postgresql":
            with engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        summary["seed"] = {"demands": len(demand_ids), "achievements": len(achievement_ids),
                           "seconds": round(time.perf_counter() - t, 1),
                           **{k: round(v, 1) for k, v in seed_s.items()}}
        print(f"seeded {len(demand_ids):,} demands + {len(achievement_ids):,} achievements on "
              f"{summary['database']} in {summary['seed']['seconds']} s", flush=True)
        summary["index"] = _build_index(args.profile, args.encode_limit, args.listings)
        if args.keep is not None:
            done.write_text(json.dumps({"profile": args.profile, "seed": summary["seed"],
                                        "index": summary["index"]}), encoding="utf-8")
    print(f"index ({args.profile}): " + ", ".join(
        f"{k} {v['documents']:,} docs in {v['seconds']} s"
        for k, v in summary["index"].items() if isinstance(v, dict))
        + (" (stand-in document vectors)" if summary["index"]["stand_in_vectors"] else ""),
        flush=True)

    n_calls = args.requests + args.warmup
    sources = {role: _sources(USERS[role], n_calls, args.seed) for role in ROLES}
    # Drafts never seen by an earlier run on a kept directory (whose embedding cache has those).
    runs = Path(os.environ["VAR_DIR"]) / "bench-runs"
    run = int(runs.read_text()) + 1 if runs.exists() else 0
    runs.write_text(str(run))
    drafts = {role: _drafts(n_calls, args.seed + 100 * run + n) for n, role in enumerate(ROLES)}
    results: dict[str, dict[str, Any]] = {}
    service = get_index_service()
    with session_scope() as session:  # served before the clock starts, as an API process
        for kind in ("demand", "achievement"):  # loads them in the background (kept runs)
            service.matcher(session, kind)
    with TestClient(create_app()) as client:
        callers: dict[str, _Caller] = {}
        for role in ROLES:
            password = ADMIN_PASSWORD if role == "admin" else DEMO_PASSWORD
            r = client.post("/api/v1/auth/token", data={"username": USERS[role],
                                                        "password": password})
            r.raise_for_status()
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            callers[role] = _Caller(client, headers, *sources[role], drafts[role])
        if summary["index"]["stand_in_vectors"]:
            shown = _shown([callers[role] for role in ROLES if role != "admin"], n_calls)
            summary["primed"] = _prime(sources, shown)
        load_before = _load()
        for role in ROLES:
            caller = callers[role]
            calls: dict[str, Callable[[int], Any]] = {}
            if role != "admin":
                calls["demand_matches"] = caller.demand_matches
                calls["achievement_matches"] = caller.achievement_matches
                calls["preview"] = caller.preview
            if role in ("broker", "admin"):
                calls["feed"] = caller.feed
                calls["feed_cold"] = caller.feed
            for name, call in calls.items():
                # Every listing call ranks afresh (no result kept from an earlier call); the
                # feed is timed both as reloaded (rankings kept) and cold.
                before: Callable[[], None] | None = service.results.clear
                count, warmup = args.requests, args.warmup
                if name == "feed":
                    count, before = max(1, args.requests // 4), None
                elif name == "feed_cold":
                    count, warmup = max(1, args.requests // 20), 0
                wall, cpu = _time_calls(call, count, warmup, before)
                stats = {**percentiles(wall), "cpu_p50_ms": percentiles(cpu)["p50_ms"],
                         "cpu_p95_ms": percentiles(cpu)["p95_ms"]}
                results.setdefault(name, {})[role] = stats
                print(f"{name:<20} {role:<10} n={stats['n']:<4} p50 {stats['p50_ms']:>7.1f}  "
                      f"p95 {stats['p95_ms']:>7.1f}  p99 {stats['p99_ms']:>7.1f}  "
                      f"max {stats['max_ms']:>7.1f} ms   cpu p50 {stats['cpu_p50_ms']:>6.1f}  "
                      f"p95 {stats['cpu_p95_ms']:>6.1f} ms", flush=True)
    summary["load_average"] = {"before": load_before, "after": _load()}
    summary["requests"] = results
    if args.profile not in ("hash", "bm25"):
        texts = [f"{d['title']}\n{d['text']}" for d in drafts["firm"][:args.encode_samples]]
        summary["query_encoding"] = _encoding(args.profile, texts)
        for channel, stats in summary["query_encoding"].items():
            print(f"query encoding {channel:<8} p50 {stats['p50_ms']:.1f}  "
                  f"p95 {stats['p95_ms']:.1f} ms", flush=True)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=100_000,
                        help="listings to seed, half demands and half achievements")
    parser.add_argument("--profile", default="hash",
                        choices=["hash", "bm25", "default", "use", "minilm"])
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL server (any database on it): a fresh database is "
                             "created there and dropped afterwards; default: SQLite in a "
                             "temporary directory")
    parser.add_argument("--requests", type=int, default=200, help="timed calls per endpoint "
                                                                  "and role (feed: a quarter)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--encode-limit", type=int, default=20_000,
                        help="model profiles: above this many listings, stand-in document "
                             "vectors")
    parser.add_argument("--encode-samples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="SQLite only: work in DIR and keep it; a later run with the same "
                             "DIR reuses its database, and its index when the profile is the "
                             "same (for profiling)")
    args = parser.parse_args(argv)
    if args.keep is not None and args.database_url:
        parser.error("--keep works with SQLite only")
    if args.listings < 2:
        parser.error("--listings must be at least 2")

    saved_env = dict(os.environ)
    drop: Callable[[], None] | None = None
    with tempfile.TemporaryDirectory(prefix="techbroker-bench-matches-") as tmp_name:
        tmp = Path(tmp_name)
        if args.keep is not None:
            tmp = args.keep.resolve()
            tmp.mkdir(parents=True, exist_ok=True)
        try:
            if args.database_url.startswith("postgresql"):
                url, drop = _fresh_postgres(args.database_url,
                                            f"techbroker_bench_matches_{os.getpid()}")
            elif args.database_url:
                parser.error("--database-url must be a PostgreSQL URL")
            else:
                url = f"sqlite:///{tmp / 'bench.db'}"
            os.environ.update({"VAR_DIR": str(tmp), "DATABASE_URL": url,
                               "MATCHING_ENCODER": args.profile,
                               "ACCESS_TOKEN_MINUTES": "1440", "LOG_LEVEL": "WARNING"})
            for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
                os.environ.pop(name, None)
            summary = _isolated_run(args, url)
        finally:
            if drop is not None:
                drop()
            os.environ.clear()
            os.environ.update(saved_env)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


def _isolated_run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    """Run with settings, sessions and index service pointed at the bench's own database and
    directory, and put back whatever the process had before (the smoke test runs in pytest)."""
    from sqlalchemy.orm import sessionmaker

    from backend import db as db_module
    from backend.config import get_settings
    from backend.core.throttle import TokenBucket
    from backend.matches import drafting
    from backend.matches import index as index_module

    get_settings.cache_clear()
    previous_service, previous_factory = index_module._service, db_module._factory
    # The preview's per-user throttle would answer most of a benchmark's calls with 429: it
    # measures the work, not the limit.
    previous_throttle, drafting.throttle = drafting.throttle, TokenBucket(10**9, 10**9)
    index_module.use_index_service(None)
    engine = db_module.make_engine(url)
    db_module.use_session_factory(sessionmaker(bind=engine, expire_on_commit=False,
                                               autoflush=True))
    try:
        return run(args, url, engine)
    finally:
        service = index_module._service
        if service is not None:
            service.close()
        index_module.use_index_service(previous_service)
        db_module.use_session_factory(previous_factory)
        drafting.throttle = previous_throttle
        engine.dispose()
        get_settings.cache_clear()


if __name__ == "__main__":
    sys.exit(main())
