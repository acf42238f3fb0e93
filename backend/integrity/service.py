"""Running the rules and keeping their findings: on a claim's submission, and over every open
claim on demand (the Celery task `integrity.scan_open_claims`). Paid claims are scanned too:
fraud found after payment is clawed back.

A finding is identified by its rule and the stable part of its evidence (the fingerprint), so
a scan that finds it again refreshes the same flag and an administrator's decision on it
sticks; an open flag a scan no longer raises (the payment arrived, the listing expired) is
cleared. Flags never act by themselves: only the dishonesty list blocks a submission, and
every other consequence is an administrator's decision (`backend.integrity.review`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from time import perf_counter
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core import clock, jobs, paging
from backend.core.types import utcnow
from backend.integrity import lookup
from backend.integrity.context import Flag, RuleSettings
from backend.integrity.gather import gather_all, gather_for_claim
from backend.integrity.models import FlagStatus, IntegrityFlag, IntegrityScan, ScanTrigger
from backend.integrity.rules import run_rules
from backend.integrity.scan_index import scan
from backend.rewards import checks
from backend.rewards.models import LIVE_STATUSES, RewardClaim

SCAN_TASK = "integrity.scan_open_claims"
# Evidence that changes as the market moves without changing what was found.
VOLATILE_EVIDENCE = frozenset({"median_amount", "robust_z", "comparables", "threshold",
                               "received_amount", "uncounted_amount", "shortfall", "today"})
_CHUNK = 900


def fingerprint(flag: Flag) -> str:
    stable = {k: v for k, v in flag.evidence.items() if k not in VOLATILE_EVIDENCE}
    text = json.dumps({"rule": flag.rule, "evidence": stable}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SyncResult:
    raised: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)
    kept: int = 0


def _existing(session: Session, claim_ids: list[int], all_open: bool
              ) -> dict[tuple[int, str], IntegrityFlag]:
    rows: list[IntegrityFlag] = []
    if all_open:
        rows = list(session.execute(
            select(IntegrityFlag).join(RewardClaim, RewardClaim.id == IntegrityFlag.claim_id)
            .where(RewardClaim.status.in_(LIVE_STATUSES))).scalars())
    else:
        for i in range(0, len(claim_ids), _CHUNK):
            rows += session.execute(select(IntegrityFlag).where(
                IntegrityFlag.claim_id.in_(claim_ids[i:i + _CHUNK]))).scalars().all()
    wanted = set(claim_ids)
    return {(r.claim_id, r.fingerprint): r for r in rows if r.claim_id in wanted}


def sync_flags(session: Session, results: Mapping[int, Iterable[Flag]], *,
               all_open: bool = False) -> SyncResult:
    """Store what the rules found for these claims: new findings as open flags, findings seen
    again refreshed (keeping their decision; a cleared one reopens), open flags not seen
    again cleared."""
    now = utcnow()
    claim_ids = sorted(results)
    existing = _existing(session, claim_ids, all_open)
    outcome = SyncResult()
    seen: set[tuple[int, str]] = set()
    new_rows: list[dict[str, Any]] = []
    for claim_id in claim_ids:
        for flag in results[claim_id]:
            key = (claim_id, fingerprint(flag))
            if key in seen:
                continue
            seen.add(key)
            row = existing.get(key)
            if row is None:
                new_rows.append({
                    "claim_id": claim_id, "rule": flag.rule, "severity": flag.severity,
                    "blocking": flag.blocking, "message_zh": flag.message_zh,
                    "message_en": flag.message_en, "evidence": flag.evidence,
                    "fingerprint": key[1], "status": FlagStatus.OPEN, "raised_at": now,
                    "last_seen_at": now})
                continue
            row.last_seen_at = now
            if row.evidence != flag.evidence:
                row.evidence = flag.evidence
                row.message_zh, row.message_en = flag.message_zh, flag.message_en
                row.severity, row.blocking = flag.severity, flag.blocking
            if row.status == FlagStatus.CLEARED:
                row.status, row.cleared_at = FlagStatus.OPEN, None
                outcome.reopened.append(row.id)
            else:
                outcome.kept += 1
    for key, row in existing.items():
        if key not in seen and row.status == FlagStatus.OPEN:
            row.status, row.cleared_at = FlagStatus.CLEARED, now
            outcome.cleared.append(row.id)
    session.flush()
    if new_rows:
        outcome.raised = list(session.execute(
            insert(IntegrityFlag).returning(IntegrityFlag.id), new_rows).scalars())
    return outcome


def _record_scan(session: Session, actor: audit.Actor, trigger: ScanTrigger, started: datetime,
                 seconds: float, claims: int, outcome: SyncResult) -> IntegrityScan:
    row = IntegrityScan(trigger=trigger, requested_by_id=actor.user_id, started_at=started,
                        finished_at=utcnow(), claims_scanned=claims,
                        flags_raised=len(outcome.raised) + len(outcome.reopened),
                        flags_cleared=len(outcome.cleared), duration_ms=round(seconds * 1000))
    session.add(row)
    session.flush()
    audit.record(session, actor, "integrity.scan", "integrity_scan", row.id, after={
        "trigger": trigger, "claims_scanned": claims, "raised": sorted(outcome.raised),
        "reopened": sorted(outcome.reopened), "cleared": sorted(outcome.cleared)})
    return row


def check_claim(session: Session, actor: audit.Actor, claim_id: int,
                settings: RuleSettings | None = None, today: date | None = None) -> list[Flag]:
    """Run every rule on one claim (at its submission) and store the flags; returns what the
    rules found, blocking findings included, for the caller to refuse on."""
    started, t0 = utcnow(), perf_counter()
    settings = settings or RuleSettings()
    today = today or clock.today()
    gathered = gather_for_claim(session, claim_id, today, settings.window_days)
    ctx = gathered.index.context_for(gathered.index.claims[claim_id], today=today,
                                     settings=settings, brackets_for=gathered.brackets_for)
    flags = run_rules(ctx)
    outcome = sync_flags(session, {claim_id: flags})
    _record_scan(session, actor, ScanTrigger.SUBMISSION, started, perf_counter() - t0, 1,
                 outcome)
    return flags


@dataclass(frozen=True)
class ScanReport:
    scan: IntegrityScan
    flags: dict[int, list[Flag]]
    seconds: dict[str, float]  # gather, rules, store


def scan_open_claims(session: Session, actor: audit.Actor,
                     trigger: ScanTrigger = ScanTrigger.ON_DEMAND,
                     settings: RuleSettings | None = None, today: date | None = None
                     ) -> ScanReport:
    """Run every rule over every open claim at once: a few bulk reads, in-memory indexes, the
    pure rules, then one pass to store the flags."""
    started, t0 = utcnow(), perf_counter()
    today = today or clock.today()
    gathered = gather_all(session, today)
    t1 = perf_counter()
    open_ids = [i for i in session.execute(select(RewardClaim.id).where(
        RewardClaim.status.in_(LIVE_STATUSES)).order_by(RewardClaim.id)).scalars()
        if i in gathered.index.claims]
    results = scan(gathered.index, today=today, settings=settings,
                   brackets_for=gathered.brackets_for, claim_ids=open_ids)
    t2 = perf_counter()
    outcome = sync_flags(session, results, all_open=True)
    t3 = perf_counter()
    row = _record_scan(session, actor, trigger, started, t3 - t0, len(open_ids), outcome)
    return ScanReport(row, results, {"gather": t1 - t0, "rules": t2 - t1, "store": t3 - t2})


def request_scan(session: Session, actor: audit.Actor) -> None:
    """Queue a scan of all open claims, sent when this unit of work commits."""
    audit.record(session, actor, "integrity.scan_request", "integrity_scan", "pending")
    jobs.enqueue(session, SCAN_TASK, actor.user_id, actor.label)


def list_flags(session: Session, *, claim_id: int | None, rule: str | None,
               status: FlagStatus | None, page: int, page_size: int
               ) -> tuple[Sequence[IntegrityFlag], int]:
    """Flags, newest first, of one claim, rule or status when given."""
    query = select(IntegrityFlag)
    if claim_id is not None:
        query = query.where(IntegrityFlag.claim_id == claim_id)
    if rule:
        query = query.where(IntegrityFlag.rule == rule)
    if status is not None:
        query = query.where(IntegrityFlag.status == status)
    return paging.page_of(session, query.order_by(IntegrityFlag.id.desc()), page, page_size)


def list_scans(session: Session, page: int, page_size: int
               ) -> tuple[Sequence[IntegrityScan], int]:
    """Scans, newest first."""
    return paging.page_of(session, select(IntegrityScan).order_by(IntegrityScan.id.desc()),
                          page, page_size)


# Rewards runs these at a claim's submission and approval and shows their flags, without
# importing integrity (which sits above it): hand them over as this module loads.
checks.install(checks.ClaimChecks(
    check_claim=check_claim,
    blocking_flag_count=partial(lookup.open_flag_count, blocking_only=True),
    open_flag_counts=lookup.open_flag_counts,
    flags_for_claim=lookup.flags_for_claim))
