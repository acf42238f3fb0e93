"""Load test: many concurrent users against a real server on loopback, then a write audit.

    python scripts/load_test.py --mode embedded           # SQLite, one process, eager tasks
    python scripts/load_test.py --mode postgres           # PostgreSQL + Redis + worker,
                                                          # several uvicorn workers
    python scripts/load_test.py --mode postgres --users 100 --duration 60 --json out.json

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

The users run on one asyncio loop (uvloop) with a minimal HTTP/1.1 keep-alive client — one
connection per user, responses parsed by httptools — because the driver shares the machine
with what it measures: it costs about 0.3 ms of CPU per request where httpx cost 2 ms. The
report also gives the CPU each request cost the server processes, PostgreSQL and the driver,
the load average before the run (other work on the machine skews every figure), and the API
requests /metrics counted across the worker processes (it should equal the requests sent).
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
from typing import Any, cast

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
    p.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    p.add_argument("--warmup", type=float, default=10.0, help="seconds before measuring")
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
                                                         "redis://127.0.0.1:6379/9"))
    p.add_argument("--log-level", default="INFO")
    p.add_argument("--json", type=Path, help="also write the report here")
    p.add_argument("--keep", action="store_true", help="keep the working directory")
    p.add_argument("--enforce-targets", action="store_true")
    p.add_argument("--seed", type=int, default=20261123)
    return p.parse_args(argv)


def _ready(base: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:  # noqa: S310 — ours
            return bool(response.status == 200)
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def environment(args: argparse.Namespace, work: Path) -> dict[str, str]:
    """The server's settings; also applied to this process before the backend is imported."""
    env = {k: v for k, v in os.environ.items()  # (a test run's INDEX_POLL_SECONDS=0 too)
           if not k.startswith(("CELERY_", "DATABASE_", "PYTEST_", "INDEX_POLL"))}
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
    # One directory for every server process's metrics, so /metrics adds up the API workers
    # and the Celery worker (prometheus_client's multiprocess mode).
    (work / "metrics").mkdir(exist_ok=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(work / "metrics")
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
    import backend.worker  # noqa: F401 — start-up: hands the Celery app to core (core/jobs.py)
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
        demands: list[Any] = []
        achievements: list[Any] = []
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
        self.work, self.env = work, env
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = (self.work / f"{name}.log").open("wb")
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log,  # noqa: S603 — ours
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def api(self, workers: int) -> str:
        """Start the API as production does: `techbroker serve --workers N` (each worker on its
        own SO_REUSEPORT socket, see backend/core/serving.py)."""
        port = free_port()
        proc = self.start("api", [sys.executable, "-m", "backend.cli", "serve", "--host",
                                  "127.0.0.1", "--port", str(port), "--workers", str(workers)])
        log = self.work / "api.log"
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the API exited: see {log}")
            # Every worker, not just the first: users keep their connections, and those that
            # connect while a worker is still warming up land on the workers already serving.
            started = log.read_text(errors="replace").count("Application startup complete")
            if started >= workers and _ready(base):
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
    sent: int = 0  # every request, warm-up included
    # measured around the run by main(): the load average before it, the CPU each request cost
    # the server processes, PostgreSQL and the driver, and what the API's /metrics counted
    load_before: list[float] | None = None
    cpu_ms_per_request: dict[str, float] | None = None
    metrics_api_requests: int | None = None


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


class Http1Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, as a browser keeps one: a request at a time, the
    response parsed by httptools (the C parser uvicorn uses).

    The driver shares the machine with the server, so it has to be cheap: httpx spends about
    2 ms of CPU on each request, which at 300 requests/s is most of a core taken from the
    server it measures; this costs a tenth of that."""

    def __init__(self) -> None:
        import httptools

        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, bytes, bool]] | None = None
        self.body: list[bytes] = []
        self.open = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport, self.open = cast(asyncio.Transport, transport), True

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except Exception as exc:  # a malformed response fails the request waiting for it
            self._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        self._fail(exc or ConnectionResetError("the server closed the connection"))

    def _fail(self, exc: BaseException) -> None:
        self.open = False
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)
        if self.transport is not None:
            self.transport.close()

    # httptools callbacks
    def on_message_begin(self) -> None:
        self.body = []

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((self.parser.get_status_code(), b"".join(self.body),
                                    self.parser.should_keep_alive()))

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.transport is None or not self.open:
            raise ConnectionResetError("the connection is closed")
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        status, body, keep_alive = await self.waiter
        if not keep_alive:
            self.open = False
            self.transport.close()
        return status, body


class Client:
    """A virtual user's HTTP client: one connection, reopened when the server closes it."""

    def __init__(self, base: str, timeout: float = 30.0) -> None:
        from urllib.parse import urlsplit

        url = urlsplit(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.timeout = timeout
        self.conn: Http1Connection | None = None

    async def request(self, method: str, path: str, *, json_body: Any = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        from urllib.parse import quote

        lines = [f"{method} {quote(path, safe='/?&=%:+,')} HTTP/1.1",
                 f"Host: {self.host}:{self.port}", "Accept: application/json",
                 "User-Agent: techbroker-load-test"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        body = b""
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode()
            lines += ["Content-Type: application/json"]
        if body or method in ("POST", "PUT", "PATCH"):
            lines += [f"Content-Length: {len(body)}"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        async with asyncio.timeout(self.timeout):
            if self.conn is None or not self.conn.open:
                _, self.conn = await asyncio.get_running_loop().create_connection(
                    Http1Connection, self.host, self.port)
            try:
                return await self.conn.request(raw)
            except BaseException:
                if self.conn.transport is not None:
                    self.conn.transport.close()
                self.conn = None
                raise

    def close(self) -> None:
        if self.conn is not None and self.conn.transport is not None:
            self.conn.transport.close()


async def user(idx: int, client: Client, c: Caller, m: Market, results: Results,
               measure_from: float, stop_at: float, args: argparse.Namespace) -> None:
    rng, think = random.Random(args.seed + idx), args.think
    await asyncio.sleep(rng.random() * max(think, 0.05))  # users arrive spread out
    while time.monotonic() < stop_at:
        kind, method, path, body = _request(rng, c, m, args.write_weight)
        began = time.monotonic()
        results.sent += 1
        content = b""
        try:
            status, content = await client.request(method, path, json_body=body,
                                                   headers=c.headers)
        except Exception as exc:  # any transport failure is an error of the run
            status = 0
            results.errors[f"{kind}: {type(exc).__name__} {exc}"[:200]] += 1
        ms = (time.monotonic() - began) * 1000
        expected = 200 <= status < 300
        if kind == "note" and body is not None:
            results.notes[body["text"].rsplit(" ", 1)[1]] = (int(path.split("/")[4]), status)
        if kind == "claim" and body is not None and c.user_id is not None:
            results.claims.setdefault((c.user_id, body["deal_id"]), []).append(status)
        if status and not expected:
            detail = content[:200].decode(errors="replace")
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
    results = Results()
    callers = list(assign_callers(m, args.users))
    clients = [Client(base) for _ in callers]
    start = time.monotonic()
    measure_from = start + args.warmup
    stop_at = measure_from + args.duration
    try:
        await asyncio.gather(*(user(i, clients[i], c, m, results, measure_from, stop_at, args)
                               for i, c in enumerate(callers)))
    finally:
        for client in clients:
            client.close()
    results.seconds = args.duration
    return results


def run_driver(base: str, m: Market, args: argparse.Namespace) -> Results:
    """Run the users on uvloop when it is installed (it comes with uvicorn[standard])."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return asyncio.run(drive(base, m, args))
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(drive(base, m, args))


def cpu_seconds(servers: Servers, database: str | None) -> dict[str, float]:
    """CPU time so far of the server processes (API workers, Celery worker) and of the
    PostgreSQL backends serving `database`."""
    import psutil

    def used(proc: psutil.Process) -> float:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            return float(times.user + times.system)
        return 0.0

    server = 0.0
    for popen in servers.procs:
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(popen.pid)
            server += sum(used(x) for x in [root, *root.children(recursive=True)])
    postgres = 0.0
    if database:
        for proc in psutil.process_iter(["name", "cmdline"]):
            if f" {database} " in " ".join(proc.info["cmdline"] or ()) + " ":
                postgres += used(proc)
    return {"server": server, "postgres": postgres, "driver": time.process_time()}


def scrape_api_requests(base: str) -> int | None:
    """The API requests /metrics counted, summed over every worker process."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/metrics", timeout=30) as response:  # noqa: S310 — our own server
            text = response.read().decode()
    except OSError:
        return None
    total = 0.0
    for line in text.splitlines():
        if line.startswith("techbroker_http_requests_total{") and 'route="/api/' in line:
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


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
    summary: dict[str, Any] = {
               "mode": args.mode, "users": args.users, "duration_s": args.duration,
               "think_s": args.think, "workers": args.workers, "encoder": args.encoder,
               "requests": len(samples), "throughput_rps": round(rps, 1),
               "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
               "p99_ms": round(percentile(ms, 99), 1), "max_ms": round(max(ms, default=0), 1),
               "errors": errors, "error_kinds": dict(results.errors.most_common(10)),
               "by_kind": by_kind, "writes": writes, "cpus": os.cpu_count(),
               "load_before": results.load_before,
               "cpu_ms_per_request": results.cpu_ms_per_request,
               "requests_sent": results.sent,
               "metrics_api_requests": results.metrics_api_requests}
    summary["targets_met"] = (rps >= TARGET_RPS and summary["p95_ms"] <= TARGET_P95_MS
                              and errors == 0)
    return summary


def print_report(r: dict[str, Any]) -> None:
    print(f"\n== {r['mode']}: {r['users']} users, {r['duration_s']:.0f} s, think "
          f"{r['think_s']} s, {r['workers']} worker(s)"
          f", matcher {r['encoder']}")
    print(f"requests {r['requests']}  throughput {r['throughput_rps']} req/s  p50 "
          f"{r['p50_ms']} ms  p95 {r['p95_ms']} ms  p99 {r['p99_ms']} ms  max {r['max_ms']} ms"
          f"  errors {r['errors']}")
    if r.get("cpu_ms_per_request"):
        cpu = r["cpu_ms_per_request"]
        print(f"CPU per request: server {cpu['server']} ms, PostgreSQL {cpu['postgres']} ms, "
              f"load driver {cpu['driver']} ms ({r['cpus']} CPUs; load average before "
              f"{r['load_before']})")
    print(f"requests sent (warm-up included) {r['requests_sent']}; counted by /metrics across "
          f"the API workers: {r['metrics_api_requests']}")
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
        load_before = [round(x, 2) for x in os.getloadavg()]
        database = "techbroker_load" if args.mode == "postgres" else None
        before = cpu_seconds(servers, database)
        results = run_driver(base, market, args)
        after = cpu_seconds(servers, database)
        results.load_before = load_before
        results.metrics_api_requests = scrape_api_requests(base)
        results.cpu_ms_per_request = {
            k: round(1000 * (after[k] - before[k]) / max(results.sent, 1), 2) for k in before}
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

