"""Load test: many concurrent users against a real server on loopback, then a write audit.

    python scripts/load_test.py --mode embedded           # SQLite, one process, eager tasks
    python scripts/load_test.py --mode postgres           # PostgreSQL + Redis + worker,
                                                          # several uvicorn workers
    python scripts/load_test.py --mode postgres --users 100 --duration 30 --json out.json

It builds a fresh database (a SQLite file, or the PostgreSQL database `techbroker_load`),
seeds a market (firms, institutes, verified brokers, published listings, deals in
negotiation and registered, fully paid deals ready for a reward claim), builds the matching index, starts
the server processes, and runs `--users` virtual users for `--duration` seconds after a
warm-up. Each user acts in its role with think time between requests (`--think`, mean
seconds, exponential): visitors and parties browse, search and ask for matches; brokers also
read and update their deals (notes) and submit reward claims; administrators read lists.

After the run it checks the writes: every note answered 2xx is in the deal's timeline exactly
once and every refused one not at all; every (broker, deal) claim answered 2xx exists exactly
once; the audit chain verifies. It prints throughput, p50/p95/p99 overall and per kind of
request, errors (non-2xx that the scenario did not expect, transport failures) and the write
audit, and exits 1 on errors or write anomalies (and, with --enforce-targets, when the
targets — ≥300 req/s, p95 ≤200 ms, zero errors — are missed).

Logins are not part of the mix (Argon2 is deliberately slow): the users' tokens are issued
when the market is seeded. The matcher runs the `hash` profile (BM25 plus the hash encoder,
the same index code without model files) unless --encoder says otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_RPS, TARGET_P95_MS = 300.0, 200.0
KEYWORDS = ["焊接", "机器视觉", "锂电池", "正极材料", "传感器", "复合材料", "节能", "检测",
            "机器人", "算法", "涂层", "电机"]
TITLES = [("寻求{k}关键技术合作开发", "我司需要{k}方面的技术方案，用于提升产线良率。"),
          ("{k}工艺改进需求", "现有{k}工艺能耗较高，希望引进成熟技术。"),
          ("{k}智能化升级", "面向{k}场景的智能化改造，需要算法与装备配套。")]
SECRET = "load-test-secret-key-of-at-least-32-characters"


# --- set-up -------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=["embedded", "postgres"], default="embedded")
    p.add_argument("--users", type=int, default=100)
    p.add_argument("--duration", type=float, default=30.0, help="measured seconds")
    p.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring")
    p.add_argument("--think", type=float, default=0.25, help="mean think time, seconds")
    p.add_argument("--workers", type=int, default=None,
                   help="uvicorn workers (default: 1 embedded, 4 postgres)")
    p.add_argument("--firms", type=int, default=20)
    p.add_argument("--institutes", type=int, default=10)
    p.add_argument("--brokers", type=int, default=20)
    p.add_argument("--listings", type=int, default=10, help="demands per firm; achievements "
                                                            "per institute are twice that")
    p.add_argument("--encoder", default="hash", help="MATCHING_ENCODER for the server")
    p.add_argument("--write-weight", type=float, default=1.0,
                   help="multiply the brokers' note and claim weights (smoke tests)")
    p.add_argument("--pg-admin-url", default=os.environ.get(
        "LOAD_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    p.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL",
                                                         "redis://127.0.0.1:6379/13"))
    p.add_argument("--log-level", default="INFO")
    p.add_argument("--json", type=Path, help="also write the report here")
    p.add_argument("--keep", action="store_true", help="keep the working directory")
    p.add_argument("--enforce-targets", action="store_true")
    p.add_argument("--seed", type=int, default=20261123)
    return p.parse_args(argv)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def environment(args: argparse.Namespace, work: Path) -> dict[str, str]:
    """The server's settings; also applied to this process before the backend is imported."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CELERY_", "DATABASE_", "PYTEST_"))}
    env.update({"ENVIRONMENT": "production", "SECRET_KEY": SECRET, "VAR_DIR": str(work / "var"),
                "MATCHING_ENCODER": args.encoder, "LOG_LEVEL": args.log_level,
                "LOG_JSON": "true", "PYTHONUNBUFFERED": "1"})
    if args.mode == "postgres":
        env["DATABASE_URL"] = args.pg_admin_url.rsplit("/", 1)[0] + "/techbroker_load"
        env["CELERY_BROKER_URL"] = env["CELERY_RESULT_BACKEND"] = args.redis_url
        env["CELERY_QUEUE"] = f"load-{uuid.uuid4().hex[:8]}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{work / 'var' / 'techbroker.db'}"
    (work / "var").mkdir(parents=True, exist_ok=True)
    os.environ.update({k: env[k] for k in ("ENVIRONMENT", "SECRET_KEY", "VAR_DIR",
                                           "MATCHING_ENCODER", "DATABASE_URL")})
    for k in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_QUEUE"):
        os.environ.pop(k, None)  # seeding runs its tasks in process
    return env


@dataclass(frozen=True)
class Caller:
    role: str  # anon, firm, institute, broker, admin
    user_id: int | None
    headers: dict[str, str]
    deals: tuple[int, ...] = ()        # deals this broker leads, in negotiation
    claimable: tuple[int, ...] = ()    # registered deals this broker may claim a reward on


@dataclass
class Market:
    callers: dict[str, list[Caller]]
    demand_ids: list[int]
    achievement_ids: list[int]


def create_postgres_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def seed_market(args: argparse.Namespace) -> Market:
    """Migrate and seed through the backend's own services and the test builders."""
    from backend.accounts import sessions
    from backend.audit.service import Actor
    from backend.cli import migrate_to_head
    from backend.db import session_scope
    from backend.deals import opening
    from backend.deals.models import Stage
    from backend.listings import search
    from backend.matches import service as matches
    from backend.matches.documents import KINDS
    from tests.builders import accounts as b
    from tests.builders import deals as d
    from tests.builders import listings as lb

    rng = random.Random(args.seed)
    migrate_to_head()
    callers: dict[str, list[Caller]] = defaultdict(list)
    with session_scope() as s:
        admin = b.make_admin(s)
        firms = [b.make_firm_user(s) for _ in range(args.firms)]
        institutes = [b.make_institute_user(s) for _ in range(args.institutes)]
        brokers = [d.with_profile(s, b.make_broker(s)) for _ in range(args.brokers)]
        demands, achievements = [], []
        for firm in firms:
            for _ in range(args.listings):
                k1, k2 = rng.sample(KEYWORDS, 2)
                title, text = rng.choice(TITLES)
                demand = lb.make_demand(s, firm, title=title.format(k=k1) + f"-{len(demands)}",
                                        description=text.format(k=k1), keywords=(k1, k2))
                demand.search_text = search.search_text(demand.title, demand.description,
                                                        [k1, k2])
                demands.append(demand)
        for institute in institutes:
            for _ in range(2 * args.listings):
                k1, k2 = rng.sample(KEYWORDS, 2)
                achievements.append(lb.make_achievement(
                    s, institute, title=f"{k1}与{k2}关键技术-{len(achievements)}",
                    abstract=f"研发了{k1}新方法，可用于{k2}。", keywords=(k1, k2)))
        pairs = iter(zip(demands, achievements, strict=False))
        for broker in brokers:
            negotiating, registered = [], []
            for i in range(5):
                demand, achievement = next(pairs)
                firm = next(f for f in firms if f.organisation_id == demand.organisation_id)
                inst = next(x for x in institutes
                            if x.organisation_id == achievement.organisation_id)
                deal = opening.open_deal(s, d.actor(broker), broker, demand.id, achievement.id)
                w = d.World(firm, inst, broker, demand, achievement, deal)
                d.accept_both(s, w)
                d.move(s, w, Stage.NEGOTIATING)
                if i < 3:
                    negotiating.append(deal.id)
                    continue
                d.record_contract(s, w, signed_on=d.days_ago(20))
                d.move(s, w, Stage.SIGNED)
                d.register(s, w)
                d.pay(s, w, d.AMOUNT)  # the default policy pays on money received
                registered.append(deal.id)
            tokens = sessions.issue_tokens(s, broker, "127.0.0.1", "load-test")
            callers["broker"].append(Caller("broker", broker.id, _bearer(tokens.access_token),
                                            tuple(negotiating), tuple(registered)))
        for role, users in (("firm", firms), ("institute", institutes), ("admin", [admin])):
            for user in users:
                tokens = sessions.issue_tokens(s, user, "127.0.0.1", "load-test")
                callers[role].append(Caller(role, user.id, _bearer(tokens.access_token)))
        callers["anon"].append(Caller("anon", None, {}))
        market = Market(dict(callers), [x.id for x in demands], [x.id for x in achievements])
    with session_scope() as s:
        matches.reindex_now(s, Actor(None, "load-test"), list(KINDS))
    return market


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Servers:
    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work, self.env, self.procs = work, env, []

    def start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = (self.work / f"{name}.log").open("wb")
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log,  # noqa: S603 — ours
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def api(self, workers: int) -> str:
        import httpx

        port = free_port()
        metrics = self.work / "metrics"
        metrics.mkdir(exist_ok=True)
        self.env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
        proc = self.start("api", [sys.executable, "-m", "uvicorn", "backend.main:app",
                                  "--host", "127.0.0.1", "--port", str(port), "--workers",
                                  str(workers), "--no-access-log", "--log-level", "warning"])
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the API exited: see {self.work / 'api.log'}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    return base
            time.sleep(0.2)
        raise RuntimeError("the API did not become ready")

    def worker(self) -> None:
        proc = self.start("worker", [sys.executable, "-m", "backend.cli", "worker",
                                     "--concurrency", "1"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the worker exited: see {self.work / 'worker.log'}")
            if "ready." in (self.work / "worker.log").read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError("the worker did not become ready")

    def stop(self) -> None:
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)


# --- the users ----------------------------------------------------------------------------

@dataclass
class Sample:
    kind: str
    status: int  # 0: transport failure
    ms: float
    expected: bool


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    notes: dict[str, tuple[int, int]] = field(default_factory=dict)  # marker → (deal, status)
    claims: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def _request(rng: random.Random, c: Caller, m: Market, write_weight: float = 1.0
             ) -> tuple[str, str, str, Any]:
    """(kind, method, path, json body) for this caller's next action."""
    page = rng.randint(1, 5)
    choices: list[tuple[float, str]] = [(0.22, "browse"), (0.12, "detail"), (0.18, "search"),
                                        (0.05, "figures")]
    if c.role != "anon":
        choices += [(0.16, "match"), (0.06, "notifications"), (0.05, "deals")]
    if c.role == "broker":
        choices += [(0.08, "deal"), (0.10 * write_weight, "note"),
                    (0.04 * write_weight, "claim"), (0.04, "feed")]
    kind = rng.choices([k for _, k in choices], weights=[w for w, _ in choices])[0]
    if kind == "browse":
        which = rng.choice(["demands", "achievements"])
        return kind, "GET", f"/api/v1/{which}?page={page}&page_size=20", None
    if kind == "detail":
        if rng.random() < 0.5:
            return kind, "GET", f"/api/v1/demands/{rng.choice(m.demand_ids)}", None
        return kind, "GET", f"/api/v1/achievements/{rng.choice(m.achievement_ids)}", None
    if kind == "search":
        which = rng.choice(["demands", "achievements"])
        return kind, "GET", f"/api/v1/{which}?q={rng.choice(KEYWORDS)}&page_size=20", None
    if kind == "figures":
        return kind, "GET", "/api/v1/market/figures", None
    if kind == "match":
        if c.role == "institute" or (c.role != "firm" and rng.random() < 0.5):
            return kind, "GET", (f"/api/v1/achievements/{rng.choice(m.achievement_ids)}"
                                 "/matches?top_k=10"), None
        return kind, "GET", f"/api/v1/demands/{rng.choice(m.demand_ids)}/matches?top_k=10", None
    if kind == "notifications":
        return kind, "GET", "/api/v1/notifications?page_size=20", None
    if kind == "deals":
        return kind, "GET", "/api/v1/deals?page_size=20", None
    if kind == "feed":
        return kind, "GET", "/api/v1/matches/feed?top_k=10", None
    if kind == "deal":
        return kind, "GET", f"/api/v1/deals/{rng.choice(c.deals)}", None
    if kind == "note":
        marker = f"LT-{uuid.uuid4().hex}"
        return kind, "POST", f"/api/v1/deals/{rng.choice(c.deals)}/notes", {
            "text": f"负载测试备注 load-test note {marker}", "visible_to_parties": False}
    return kind, "POST", "/api/v1/claims", {"deal_id": rng.choice(c.claimable)}


async def user(idx: int, client: Any, c: Caller, m: Market, results: Results,
               measure_from: float, stop_at: float, args: argparse.Namespace) -> None:
    rng, think = random.Random(args.seed + idx), args.think
    await asyncio.sleep(rng.random() * max(think, 0.05))  # users arrive spread out
    while time.monotonic() < stop_at:
        kind, method, path, body = _request(rng, c, m, args.write_weight)
        began = time.monotonic()
        try:
            response = await client.request(method, path, json=body, headers=c.headers)
            status = response.status_code
        except Exception as exc:  # any transport failure is an error of the run
            status = 0
            results.errors[f"{kind}: {type(exc).__name__}"] += 1
            response = None
        ms = (time.monotonic() - began) * 1000
        expected = 200 <= status < 300
        if kind == "note" and body is not None:
            results.notes[body["text"].rsplit(" ", 1)[1]] = (int(path.split("/")[4]), status)
        if kind == "claim" and body is not None and c.user_id is not None:
            results.claims.setdefault((c.user_id, body["deal_id"]), []).append(status)
        if status and not expected:
            detail = response.text[:200] if response is not None else ""
            results.errors[f"{kind} {status}: {detail}"] += 1
        if began >= measure_from:
            results.samples.append(Sample(kind, status, ms, expected))
        if think > 0:
            await asyncio.sleep(min(rng.expovariate(1 / think), 10 * think))


def assign_callers(m: Market, users: int) -> Iterator[Caller]:
    """A population like a market's: half parties, four in ten brokers, a few others."""
    shares = [("broker", 0.40), ("firm", 0.30), ("institute", 0.20), ("anon", 0.05),
              ("admin", 0.05)]
    counts = {role: max(1, round(users * share)) for role, share in shares}
    counts["broker"] += users - sum(counts.values())
    for role, n in counts.items():
        pool = m.callers[role]
        for i in range(n):
            yield pool[i % len(pool)]


async def drive(base: str, m: Market, args: argparse.Namespace) -> Results:
    import httpx

    results = Results()
    limits = httpx.Limits(max_connections=args.users + 10, max_keepalive_connections=args.users)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        start = time.monotonic()
        measure_from = start + args.warmup
        stop_at = measure_from + args.duration
        callers = list(assign_callers(m, args.users))
        await asyncio.gather(*(user(i, client, c, m, results, measure_from, stop_at, args)
                               for i, c in enumerate(callers)))
        results.seconds = args.duration
    return results


# --- after the run -------------------------------------------------------------------------

def audit_writes(results: Results) -> dict[str, Any]:
    """Compare what the server answered with what the database holds."""
    from sqlalchemy import select

    from backend.audit import service as audit
    from backend.db import session_scope
    from backend.deals.models import Contract, DealEvent
    from backend.rewards.models import RewardClaim

    problems: list[str] = []
    with session_scope() as s:
        stored: Counter[str] = Counter()
        for text_ in s.execute(select(DealEvent.text).where(DealEvent.kind == "note",
                                                            DealEvent.text.like("%LT-%"))
                               ).scalars():
            stored[str(text_).rsplit(" ", 1)[1]] += 1
        ambiguous = 0
        for marker, (_deal, status) in results.notes.items():
            n = stored.pop(marker, 0)
            if status == 0:
                ambiguous += 1  # no answer: the note may or may not have been written
                if n > 1:
                    problems.append(f"note {marker} stored {n} times")
            elif 200 <= status < 300 and n != 1:
                problems.append(f"note {marker} answered {status} but stored {n} times")
            elif not 200 <= status < 300 and n:
                problems.append(f"note {marker} refused ({status}) but stored {n} times")
        problems += [f"note {k} stored but never sent" for k in stored]

        claims = Counter((broker, deal) for broker, deal in s.execute(
            select(RewardClaim.broker_id, Contract.deal_id)
            .join(Contract, Contract.id == RewardClaim.contract_id)))
        for key, statuses in results.claims.items():
            accepted = any(200 <= x < 300 for x in statuses)
            if accepted and claims[key] != 1:
                problems.append(f"claim {key} accepted but stored {claims[key]} times")
            if not accepted and claims[key] and 0 not in statuses:
                problems.append(f"claim {key} never accepted but stored")
        problems += [f"claim {k} stored but never sent" for k in claims
                     if k not in results.claims]
        report = audit.verify(s)
        if not report.ok:
            problems.append(f"audit chain broken at {report.first_broken_seq}: {report.reason}")
    return {"notes_sent": len(results.notes),
            "notes_accepted": sum(1 for _, st in results.notes.values() if 200 <= st < 300),
            "claims_sent": sum(len(v) for v in results.claims.values()),
            "claims_distinct": len(results.claims), "claims_stored": sum(claims.values()),
            "ambiguous": ambiguous, "audit_entries": report.count, "problems": problems}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def summarise(results: Results, writes: dict[str, Any], args: argparse.Namespace
              ) -> dict[str, Any]:
    samples = results.samples
    ms = [x.ms for x in samples]
    errors = sum(1 for x in samples if not x.expected)
    by_kind = {}
    for kind in sorted({x.kind for x in samples}):
        k = [x.ms for x in samples if x.kind == kind]
        by_kind[kind] = {"requests": len(k), "p50_ms": round(percentile(k, 50), 1),
                         "p95_ms": round(percentile(k, 95), 1),
                         "errors": sum(1 for x in samples if x.kind == kind and not x.expected)}
    rps = len(samples) / results.seconds if results.seconds else 0.0
    summary = {"mode": args.mode, "users": args.users, "duration_s": args.duration,
               "think_s": args.think, "workers": args.workers, "encoder": args.encoder,
               "requests": len(samples), "throughput_rps": round(rps, 1),
               "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
               "p99_ms": round(percentile(ms, 99), 1), "max_ms": round(max(ms, default=0), 1),
               "errors": errors, "error_kinds": dict(results.errors.most_common(10)),
               "by_kind": by_kind, "writes": writes}
    summary["targets_met"] = (rps >= TARGET_RPS and summary["p95_ms"] <= TARGET_P95_MS
                              and errors == 0)
    return summary


def print_report(r: dict[str, Any]) -> None:
    print(f"\n== {r['mode']}: {r['users']} users, {r['duration_s']:.0f} s, think "
          f"{r['think_s']} s, {r['workers']} worker(s), matcher {r['encoder']}")
    print(f"requests {r['requests']}  throughput {r['throughput_rps']} req/s  p50 "
          f"{r['p50_ms']} ms  p95 {r['p95_ms']} ms  p99 {r['p99_ms']} ms  max {r['max_ms']} ms"
          f"  errors {r['errors']}")
    print(f"{'kind':15} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for kind, k in r["by_kind"].items():
        print(f"{kind:15} {k['requests']:>9} {k['p50_ms']:>8} {k['p95_ms']:>8} "
              f"{k['errors']:>7}")
    w = r["writes"]
    print(f"writes: notes {w['notes_accepted']}/{w['notes_sent']} accepted, claims "
          f"{w['claims_sent']} sent for {w['claims_distinct']} (broker, deal) pairs → "
          f"{w['claims_stored']} stored, {w['ambiguous']} unanswered, audit chain "
          f"{w['audit_entries']} entries; problems: {len(w['problems'])}")
    for problem in w["problems"][:20]:
        print("  -", problem)
    for kind, n in r["error_kinds"].items():
        print(f"  error ×{n}: {kind}")
    print("targets (≥300 req/s, p95 ≤200 ms, no errors):",
          "met" if r["targets_met"] else "NOT met")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.firms * args.listings < 5 * args.brokers:
        raise SystemExit("each broker leads 5 deals on distinct demands: raise --firms or "
                         "--listings, or lower --brokers")
    args.workers = args.workers or (4 if args.mode == "postgres" else 1)
    work = Path(tempfile.mkdtemp(prefix=f"techbroker-load-{args.mode}-"))
    env = environment(args, work)
    if args.mode == "postgres":
        create_postgres_database(args.pg_admin_url, "techbroker_load")
    t0 = time.monotonic()
    market = seed_market(args)
    print(f"seeded in {time.monotonic() - t0:.1f} s: {len(market.demand_ids)} demands, "
          f"{len(market.achievement_ids)} achievements, "
          f"{sum(len(c.deals) + len(c.claimable) for c in market.callers['broker'])} deals "
          f"(work directory {work})", flush=True)
    servers = Servers(work, env)
    try:
        if args.mode == "postgres":
            servers.worker()
        base = servers.api(args.workers)
        results = asyncio.run(drive(base, market, args))
    finally:
        servers.stop()
    summary = summarise(results, audit_writes(results), args)
    print_report(summary)
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    failed = summary["errors"] > 0 or summary["writes"]["problems"]
    if args.enforce_targets and not summary["targets_met"]:
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

