"""Benchmark the integrity scan: 100,000 contracts with planted fraud of every kind.

    .venv/bin/python -m scripts.bench_integrity [--contracts 100000] [--per-kind 100]
                                                [--database-url URL] [--json FILE]

Builds a fresh database (a temporary SQLite file by default; pass a PostgreSQL URL of an
empty database to use it), migrates it, writes a clean market — organisations with their
own people and identifiers, brokers submitting from their own address and device, one
buyer–seller pair per contract, amounts spread within a narrow band per contract type and
field, every contract registered, matched to the registry's record, paid with invoices
naming it and confirmed by both parties — plus `--per-kind` planted cases of each kind of
fraud (including a contract version awaiting or disputed by the parties, a registry record
that disagrees or was cancelled, and shares re-split after the first claim). Then it runs the real full scan
(`backend.integrity.service.scan_open_claims`: bulk reads, indexes, every rule, storing the
flags) and reports its time and, per rule, precision and recall on the planted claims and
the flags raised on the clean control claims (which should be none).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

TYPES = ("development", "transfer", "licensing", "consulting", "service")
KINDS = ("related_party", "same_submitter", "dishonesty_list", "duplicate_claim",
         "contract_splitting", "round_trip", "unbacked_amount", "payment_evidence", "timeline",
         "amount_outlier", "unconfirmed_evidence", "registry_mismatch",
         "share_change_after_claim")
FEN = Decimal("0.01")


@dataclass
class Market:
    """Rows to insert, table by table, and the claims each planted kind should flag."""

    rng: random.Random
    today: date
    fields: list[tuple[int, str]]
    policy_id: int
    rows: defaultdict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list))
    expected: dict[str, set[int]] = field(default_factory=lambda: {k: set() for k in KINDS})
    ids: defaultdict[str, itertools.count[int]] = field(
        default_factory=lambda: defaultdict(lambda: itertools.count(1)))
    medians: dict[tuple[str, str], float] = field(default_factory=dict)
    demand_of_field: dict[str, int] = field(default_factory=dict)
    achievement_of_field: dict[str, int] = field(default_factory=dict)
    brokers: list[int] = field(default_factory=list)
    contract_rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    submitted: dict[int, datetime] = field(default_factory=dict)
    admin_id: int = 0

    def next(self, table: str) -> int:
        return next(self.ids[table])

    # --- people, identifiers, organisations, brokers ---------------------------------------

    def person(self) -> int:
        pid = self.next("persons")
        self.rows["persons"].append({"id": pid, "id_number": f"P{pid:017d}",
                                     "name": f"人员{pid}"})
        return pid

    def identifier(self, kind: str) -> int:
        iid = self.next("identifiers")
        value = {"address": f"benchaddress{iid}", "phone": f"0591{iid:08d}",
                 "email_domain": f"org{iid}.bench.cn", "bank_account": f"62{iid:016d}"}[kind]
        self.rows["identifiers"].append({"id": iid, "kind": kind, "value": value})
        return iid

    def org(self, kind: str = "firm", *, legal_rep: int | None = None,
            bank_account: int | None = None,
            holders: list[tuple[int | str, Decimal]] | None = None) -> int:
        oid = self.next("organisations")
        rep = legal_rep or self.person()
        self.rows["organisations"].append({
            "id": oid, "kind": kind, "name": f"基准机构{oid}", "credit_code": f"91BENCH{oid:011d}",
            "legal_rep_id": rep, "legal_rep_name": f"人员{rep}",
            "address_id": self.identifier("address"),
            "address_text": f"基准路{oid}号", "phone_id": self.identifier("phone"),
            "email_domain_id": self.identifier("email_domain"),
            "bank_account_id": bank_account or self.identifier("bank_account"),
            "bank_name": "基准银行", "region": "福州市", "verification_status": "verified",
            "created_at": datetime.now(UTC)})
        officer = self.person()
        self.rows["officers"].append({"id": self.next("officers"), "organisation_id": oid,
                                      "person_id": officer, "name": f"人员{officer}",
                                      "position": "director"})
        for holder, percent in holders or [(self.person(), Decimal(60))]:
            is_person = isinstance(holder, int)
            self.rows["shareholdings"].append({
                "id": self.next("shareholdings"), "organisation_id": oid,
                "person_id": holder if is_person else None,
                "holder_credit_code": None if is_person else holder,
                "holder_name": "股东", "percent": percent})
        return oid

    def credit_code(self, org_id: int) -> str:
        return f"91BENCH{org_id:011d}"

    def broker(self, agency: int | None = None) -> int:
        uid = self.next("users")
        self.rows["users"].append({
            "id": uid, "username": f"benchbroker{uid}", "display_name": f"经纪人{uid}",
            "password_hash": "!", "role": "broker", "organisation_id": agency,
            "person_id": self.person(), "is_active": True, "created_at": datetime.now(UTC)})
        self.rows["broker_profiles"].append({
            "user_id": uid, "level": "intermediate", "certificate_no": f"BENCH-{uid:07d}",
            "fields": [], "agency_id": agency, "verification_status": "verified"})
        return uid

    # --- contracts and claims ---------------------------------------------------------------

    def amount(self, type_: str, field_code: str) -> Decimal:
        """Log-uniform within ±1.2 of the group's log median: never an outlier."""
        median = self.medians[(type_, field_code)]
        return Decimal(math.exp(median + self.rng.uniform(-1.2, 1.2))).quantize(FEN)

    def contract(self, buyer: int, seller: int, *, broker: int | None = None,
                 amount: Decimal | None = None, signed_on: date | None = None,
                 type_: str | None = None, field_code: str | None = None,
                 registered_before_signed: bool = False, paid_share: Decimal = Decimal(1),
                 uncounted: Decimal | None = None, evidence: str = "confirmed",
                 registry: str = "verified") -> tuple[int, int, date]:
        """A registered, paid contract on its own closed deal, confirmed by its parties and
        matched to the registry unless told otherwise; returns (contract, deal, signed_on)."""
        rng = self.rng
        type_ = type_ or rng.choice(TYPES)
        field_code = field_code or rng.choice(self.fields)[1]
        amount = amount or self.amount(type_, field_code)
        signed = signed_on or self.today - timedelta(days=rng.randint(120, 800))
        registered = signed + timedelta(days=-3 if registered_before_signed
                                        else rng.randint(0, 20))
        deal_id, cid = self.next("deals"), self.next("contracts")
        opened = datetime.combine(signed - timedelta(days=rng.randint(10, 100)),
                                  datetime.min.time(), tzinfo=UTC)
        self.rows["deals"].append({
            "id": deal_id, "demand_id": self.demand_of_field[field_code],
            "achievement_id": self.achievement_of_field[field_code], "demand_org_id": buyer,
            "achievement_org_id": seller, "stage": "closed", "demand_acceptance": "accepted",
            "achievement_acceptance": "accepted", "open_pair_key": None,
            "opened_by_id": broker or self.admin_id, "opened_at": opened,
            "ended_at": opened + timedelta(days=200), "version": 1})
        reg_no = f"2026BENCH{cid:08d}"
        confirmed = evidence != "disputed"  # a disputed first version: nothing confirmed
        self.contract_rows[cid] = {
            "id": cid, "deal_id": deal_id, "name": f"基准技术合同{cid}", "type": type_,
            "amount": amount, "technology_amount": amount, "signed_on": signed,
            "buyer_org_id": buyer, "seller_org_id": seller, "registration_no": reg_no,
            "registered_on": registered, "created_by_id": broker or self.admin_id,
            "created_at": opened, "evidence_status": evidence,
            "evidence_version": 2 if evidence == "declared" else 1,
            "confirmed_version": 1 if confirmed else None,
            "confirmed_amount": amount if confirmed else None,
            "confirmed_technology_amount": amount if confirmed else None,
            "confirmed_terms": {"registration_no": reg_no} if confirmed else None,
            "registry_status": registry,
            "registry_issues": {"verified": [], "mismatch": ["amount"],
                                "cancelled": ["cancelled"]}[registry]}
        self.rows["contracts"].append(self.contract_rows[cid])
        paid = (amount * paid_share).quantize(FEN)
        self.payment(cid, paid, signed + timedelta(days=rng.randint(10, 60)),
                     f"发票：{reg_no}", counted=True)
        if uncounted is not None:
            self.payment(cid, uncounted, signed + timedelta(days=61), "发票：其他合同",
                         counted=False)
        return cid, deal_id, signed

    def payment(self, contract_id: int, amount: Decimal, paid_on: date, invoice: str,
                counted: bool) -> None:
        self.rows["payments"].append({
            "id": self.next("payments"), "contract_id": contract_id, "paid_on": paid_on,
            "amount": amount, "bank_reference": f"BK{contract_id:09d}",
            "invoice_reference": invoice, "counted": counted,
            "recorded_by_id": self.admin_id, "recorded_at": datetime.now(UTC),
            "evidence_version": 1, "evidence_status": "confirmed", "confirmed_amount": amount})

    def claim(self, contract: tuple[int, int, date], broker: int, *, share: Decimal = Decimal(100),
              ip: str | None = None, device: str | None = None) -> int:
        cid, deal_id, signed = contract
        claim_id = self.next("reward_claims")
        row = self.contract_rows[cid]
        submitted = datetime.combine(signed + timedelta(days=self.rng.randint(65, 90)),
                                     datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
        self.rows["reward_claims"].append({
            "id": claim_id, "broker_id": broker, "deal_id": deal_id, "contract_id": cid,
            "policy_id": self.policy_id, "status": "submitted", "side": None,
            "share_percent": share, "contract_amount": row["amount"],
            "technology_amount": row["amount"], "received_amount": row["amount"],
            "base_amount": row["amount"], "deal_reward": Decimal(0), "amount": Decimal(0),
            "breakdown": {}, "region": "福州市", "field_code": "bench",
            "contract_type": row["type"], "contract_name": row["name"],
            "registration_no": row["registration_no"], "signed_on": signed,
            "submitted_at": submitted, "submitted_ip": ip or self.ip(broker),
            "device_id": device or f"device-{broker}", "version": 1})
        self.submitted[claim_id] = submitted
        return claim_id

    def reshare(self, deal_id: int, at: datetime) -> None:
        """The deal's shares changed at `at` (the timeline's record of it)."""
        self.rows["deal_events"].append({
            "id": self.next("deal_events"), "deal_id": deal_id, "at": at, "kind": "shares_changed",
            "text": "经纪人份额已调整。", "data": {}, "visible_to_parties": False})

    @staticmethod
    def ip(broker: int) -> str:
        return f"10.{broker // 65536 % 256}.{broker // 256 % 256}.{broker % 256}"


def build(market: Market, n_contracts: int, per_kind: int) -> None:
    rng = market.rng
    for type_ in TYPES:
        for _, code in market.fields:
            market.medians[(type_, code)] = math.log(300_000) + rng.uniform(-0.5, 0.5)
    agencies = [market.org("agency") for _ in range(20)]
    market.brokers = [market.broker(rng.choice(agencies)) for _ in range(1000)]
    plant(market, per_kind)
    n_clean = max(0, n_contracts - len(market.contract_rows))
    n_orgs = max(200, int(math.sqrt(n_clean) * 1.5))
    buyers = [market.org("firm") for _ in range(n_orgs)]
    sellers = [market.org("institute") for _ in range(n_orgs)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_clean:
        pairs.add((rng.choice(buyers), rng.choice(sellers)))
    for buyer, seller in pairs:
        broker = rng.choice(market.brokers)
        market.claim(market.contract(buyer, seller, broker=broker), broker)


def plant(market: Market, k: int) -> None:
    rng = market.rng
    exp = market.expected

    def fresh_pair() -> tuple[int, int]:
        return market.org("firm"), market.org("institute")

    def clean_broker() -> int:
        return rng.choice(market.brokers)

    # related_party: four kinds of link, a quarter each.
    for i in range(k):
        broker = clean_broker()
        variant = i % 4
        if variant == 0:    # one legal representative for both
            buyer = market.org("firm")
            rep = market.rows["organisations"][-1]["legal_rep_id"]
            seller = market.org("institute", legal_rep=rep)
        elif variant == 1:  # one bank account
            buyer = market.org("firm")
            bank = market.rows["organisations"][-1]["bank_account_id"]
            seller = market.org("institute", bank_account=bank)
        elif variant == 2:  # the buyer holds 30% of the seller
            buyer = market.org("firm")
            seller = market.org("institute", holders=[(market.credit_code(buyer),
                                                       Decimal(30))])
        else:               # the broker holds shares in the buyer
            broker = market.broker()
            person = market.rows["users"][-1]["person_id"]
            buyer = market.org("firm", holders=[(person, Decimal(10)),
                                                (market.person(), Decimal(60))])
            seller = market.org("institute")
        exp["related_party"].add(market.claim(market.contract(buyer, seller, broker=broker),
                                              broker))
    # same_submitter: two new brokers, one device, two contracts within days.
    for i in range(k // 2):
        x, y = market.broker(), market.broker()
        device = f"shared-device-{i}"
        signed = market.today - timedelta(days=rng.randint(200, 700))
        for broker in (x, y):
            exp["same_submitter"].add(market.claim(
                market.contract(*fresh_pair(), broker=broker, signed_on=signed), broker,
                device=device))
    # dishonesty_list: a listed buyer.
    for _ in range(k):
        buyer, seller = fresh_pair()
        market.rows["dishonesty_listings"].append({
            "id": market.next("dishonesty_listings"), "subject_kind": "org",
            "subject_key": market.credit_code(buyer), "subject_label": "基准失信机构",
            "role": "manual", "reason": "基准", "listed_on": market.today - timedelta(days=30),
            "listed_until": market.today + timedelta(days=1800), "created_at": datetime.now(UTC)})
        broker = clean_broker()
        exp["dishonesty_list"].add(market.claim(market.contract(buyer, seller, broker=broker),
                                                broker))
    # duplicate_claim: two brokers claiming 60% each.
    for _ in range(k // 2):
        x, y = rng.sample(market.brokers, 2)
        contract = market.contract(*fresh_pair(), broker=x)
        exp["duplicate_claim"].update({market.claim(contract, x, share=Decimal(60)),
                                       market.claim(contract, y, share=Decimal(60))})
    # contract_splitting: three contracts of 400,000 in 30 days (1,200,000 over the bracket).
    for _ in range(k // 3 + 1):
        buyer, seller = fresh_pair()
        start = market.today - timedelta(days=rng.randint(200, 700))
        type_ = rng.choice(TYPES)
        field_code = rng.choice(market.fields)[1]
        for offset in (0, 12, 25):
            broker = clean_broker()
            exp["contract_splitting"].add(market.claim(market.contract(
                buyer, seller, broker=broker, amount=Decimal("400000.00"),
                signed_on=start + timedelta(days=offset), type_=type_, field_code=field_code),
                broker))
    # round_trip: A sells to B, then B to A.
    for _ in range(k // 2):
        a, bb = market.org("firm"), market.org("firm")
        start = market.today - timedelta(days=rng.randint(200, 700))
        for buyer, seller, offset in ((a, bb, 0), (bb, a, 40)):
            broker = clean_broker()
            exp["round_trip"].add(market.claim(market.contract(
                buyer, seller, broker=broker, signed_on=start + timedelta(days=offset)), broker))
    # unbacked_amount: half the money received.
    for _ in range(k):
        broker = clean_broker()
        exp["unbacked_amount"].add(market.claim(market.contract(
            *fresh_pair(), broker=broker, paid_share=Decimal("0.5")), broker))
    # payment_evidence: fully paid, plus a payment whose invoice names another contract.
    for _ in range(k):
        broker = clean_broker()
        exp["payment_evidence"].add(market.claim(market.contract(
            *fresh_pair(), broker=broker, uncounted=Decimal("20000.00")), broker))
    # timeline: registered three days before it was signed.
    for _ in range(k):
        broker = clean_broker()
        exp["timeline"].add(market.claim(market.contract(
            *fresh_pair(), broker=broker, registered_before_signed=True), broker))
    # amount_outlier: two hundred times the group's median.
    for _ in range(k):
        broker = clean_broker()
        type_ = rng.choice(TYPES)
        field_code = rng.choice(market.fields)[1]
        amount = Decimal(math.exp(market.medians[(type_, field_code)]) * 200).quantize(FEN)
        exp["amount_outlier"].add(market.claim(market.contract(
            *fresh_pair(), broker=broker, amount=amount, type_=type_, field_code=field_code),
            broker))
    # unconfirmed_evidence: a new version awaiting the parties, or the first one disputed.
    for i in range(k):
        broker = clean_broker()
        exp["unconfirmed_evidence"].add(market.claim(market.contract(
            *fresh_pair(), broker=broker, evidence="declared" if i % 2 else "disputed"), broker))
    # registry_mismatch: the office's record has another amount, or cancelled it.
    for i in range(k):
        broker = clean_broker()
        exp["registry_mismatch"].add(market.claim(market.contract(
            *fresh_pair(), broker=broker, registry="mismatch" if i % 2 else "cancelled"),
            broker))
    # share_change_after_claim: the shares re-split two days after the claim.
    for _ in range(k):
        broker = clean_broker()
        contract = market.contract(*fresh_pair(), broker=broker)
        claim_id = market.claim(contract, broker)
        market.reshare(contract[1], market.submitted[claim_id] + timedelta(days=2))
        exp["share_change_after_claim"].add(claim_id)


# --- the database ---------------------------------------------------------------------------

INSERT_ORDER = ("persons", "identifiers", "organisations", "officers", "shareholdings", "users",
                "broker_profiles", "deals", "deal_events", "contracts", "payments",
                "reward_claims", "dishonesty_listings")


def prepare(session: Session, seed: int) -> Market:
    from backend.accounts.models import User
    from backend.core import clock
    from backend.core.permissions import Role
    from backend.listings.models import Field
    from backend.rewards.models import RewardPolicy

    fields = [tuple(r) for r in session.execute(select(Field.id, Field.code).where(
        Field.parent_id.is_(None)).order_by(Field.id).limit(10))]
    policy_id = session.execute(select(RewardPolicy.id).where(RewardPolicy.key == "default")
                                ).scalar_one()
    market = Market(random.Random(seed), clock.today(), fields, policy_id)  # type: ignore[arg-type]
    market.admin_id = market.next("users")
    session.execute(insert(User), [{"id": market.admin_id, "username": "benchadmin",
                                    "display_name": "基准管理员", "password_hash": "!",
                                    "role": Role.ADMIN}])
    owner = market.org("firm")
    market.rows["users"].append({
        "id": market.next("users"), "username": "benchfirm", "display_name": "企业",
        "password_hash": "!", "role": "firm", "organisation_id": owner, "is_active": True,
        "created_at": datetime.now(UTC)})
    return market


def listings(session: Session, market: Market, owner: int, creator: int) -> None:
    from backend.listings.models import Achievement, Demand

    for field_id, code in market.fields:
        demand = Demand(organisation_id=owner, created_by_id=creator, title=f"基准需求{code}",
                        field_id=field_id, region="福州市", description="基准")
        achievement = Achievement(organisation_id=owner, created_by_id=creator,
                                  title=f"基准成果{code}", field_id=field_id, region="福州市",
                                  abstract="基准", trl=6, stage="pilot", team_lead="基准")
        session.add_all([demand, achievement])
        session.flush()
        market.demand_of_field[code] = demand.id
        market.achievement_of_field[code] = achievement.id


def write(session: Session, market: Market, counts: dict[str, int]) -> None:
    """Insert the rows gathered so far, table by table, and forget them."""
    from backend.models import Base

    for name in INSERT_ORDER:
        rows = market.rows.pop(name, [])
        table: Table = Base.metadata.tables[name]
        for i in range(0, len(rows), 5000):
            session.execute(table.insert(), rows[i:i + 5000])
        counts[name] = counts.get(name, 0) + len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--per-kind", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    import os

    workdir = Path(tempfile.mkdtemp(prefix="techbroker-bench-"))
    os.environ.setdefault("VAR_DIR", str(workdir))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    from backend.audit.service import SYSTEM
    from backend.cli import migrate_to_head
    from backend.db import make_engine
    from backend.integrity import service
    from backend.integrity.models import IntegrityFlag
    from backend.integrity.rules import RULES

    t0 = time.perf_counter()
    migrate_to_head(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        counts: dict[str, int] = {}
        market = prepare(session, args.seed)
        owner, creator = market.rows["organisations"][0]["id"], market.rows["users"][0]["id"]
        write(session, market, counts)
        listings(session, market, owner, creator)
        build(market, args.contracts, args.per_kind)
        write(session, market, counts)
    built = time.perf_counter() - t0
    n_contracts, n_claims = counts["contracts"], counts["reward_claims"]
    print(f"database: {url.split('://')[0]}; {n_contracts:,} contracts, {n_claims:,} claims, "
          f"{counts['organisations']:,} organisations, {counts['broker_profiles']:,} brokers "
          f"(built in {built:.1f} s)")

    with Session(engine) as session, session.begin():
        t1, c1 = time.perf_counter(), time.process_time()
        report = service.scan_open_claims(session, SYSTEM)
        total, cpu = time.perf_counter() - t1, time.process_time() - c1
        stored = session.execute(select(func.count()).select_from(IntegrityFlag)).scalar_one()
    flagged: dict[str, set[int]] = defaultdict(set)
    for claim_id, flags in report.flags.items():
        for f in flags:
            flagged[f.rule].add(claim_id)
    planted = set().union(*market.expected.values())
    clean_flagged = {c for rules in flagged.values() for c in rules} - planted
    print(f"full scan of {len(report.flags):,} claims: {total:.1f} s wall, {cpu:.1f} s CPU "
          f"(gather {report.seconds['gather']:.1f} s, rules {report.seconds['rules']:.1f} s, "
          f"store {report.seconds['store']:.1f} s); {stored:,} flags stored")
    print(f"{'rule':<26}{'planted':>9}{'flagged':>9}{'precision':>11}{'recall':>8}")
    results = {}
    for rule in RULES:
        expected, got = market.expected.get(rule, set()), flagged.get(rule, set())
        hit = len(expected & got)
        precision = hit / len(got) if got else 1.0
        recall = hit / len(expected) if expected else 1.0
        results[rule] = {"planted": len(expected), "flagged": len(got),
                         "precision": round(precision, 4), "recall": round(recall, 4)}
        print(f"{rule:<26}{len(expected):>9}{len(got):>9}{precision:>11.3f}{recall:>8.3f}")
    print(f"clean control: {n_claims - len(planted):,} claims, {len(clean_flagged)} flagged")
    summary = {"contracts": n_contracts, "claims": n_claims, "scan_seconds": round(total, 2),
               "scan_cpu_seconds": round(cpu, 2),
               "phases": {k: round(v, 2) for k, v in report.seconds.items()},
               "rules": results, "clean_claims": n_claims - len(planted),
               "clean_flagged": len(clean_flagged), "database": url.split("://")[0]}
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    engine.dispose()
    ok = (total < 60 and not clean_flagged
          and all(r["recall"] == 1.0 for r in results.values()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
