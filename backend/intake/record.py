"""A broker's record, computed by the platform from confirmed evidence only.

`confirmed_evidence` is the one place that says what counts: today a deal counts as registered
when its contract carries the registration office's number (登记号) and the deal did not end
lost or cancelled, and its value is the contract amount. When the parties' own confirmation of
contracts and payments exists, repoint this function; everything else (the directory, the
quarterly chart, the grade rules) follows.

The figures:
  introductions          deals the broker is active on (led, or joined when invited)
  deals registered       of those, the registered ones
  confirmed value        the sum of their contract amounts
  median days to signing from the introduction (the deal's opening, China date) to the
                         contract's signing, over the registered deals
  lost share             deals that ended lost or cancelled / introductions
  upheld findings        entries on the dishonesty list against the broker, not revoked
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from backend.core.clock import CHINA_TZ
from backend.deals import records
from backend.deals.models import Stage

ZERO = Decimal("0.00")
QUARTERS_SHOWN = 8


@dataclass(frozen=True)
class Evidence:
    """One deal of one broker as confirmed evidence sees it."""

    deal_id: int
    broker_id: int
    introduced_on: date
    ended_lost: bool
    registered_on: date | None   # None: not (or not yet) a confirmed registered deal
    signed_on: date | None
    value: Decimal | None        # the confirmed contract value of a registered deal


def confirmed_evidence(session: Session, broker_ids: Iterable[int] | None = None
                       ) -> list[Evidence]:
    """Every deal of these brokers (None: all) with what is confirmed about it."""
    found = []
    for row in records.broker_deals(session, broker_ids):
        lost = row.stage in (Stage.LOST, Stage.CANCELLED)
        registered = row.registration_no is not None and row.registered_on is not None \
            and not lost
        found.append(Evidence(
            deal_id=row.deal_id, broker_id=row.broker_id,
            introduced_on=row.opened_at.astimezone(CHINA_TZ).date(), ended_lost=lost,
            registered_on=row.registered_on if registered else None,
            signed_on=row.signed_on if registered else None,
            value=row.contract_amount if registered else None))
    return found


def by_broker(evidence: Iterable[Evidence]) -> dict[int, list[Evidence]]:
    grouped: dict[int, list[Evidence]] = {}
    for e in evidence:
        grouped.setdefault(e.broker_id, []).append(e)
    return grouped


@dataclass(frozen=True)
class Record:
    introductions: int
    deals_registered: int
    confirmed_value: Decimal
    median_days_to_signing: Decimal | None
    lost_share: Decimal | None
    upheld_findings: int


def median(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[mid]).quantize(Decimal("0.1"))
    return (Decimal(ordered[mid - 1] + ordered[mid]) / 2).quantize(Decimal("0.1"),
                                                                   ROUND_HALF_UP)


def compute(evidence: Sequence[Evidence], findings: int) -> Record:
    registered = [e for e in evidence if e.registered_on is not None]
    days = [(e.signed_on - e.introduced_on).days for e in registered if e.signed_on is not None]
    lost = sum(1 for e in evidence if e.ended_lost)
    return Record(
        introductions=len(evidence), deals_registered=len(registered),
        confirmed_value=sum((e.value or ZERO for e in registered), ZERO),
        median_days_to_signing=median(days),
        lost_share=(Decimal(lost) / len(evidence)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        if evidence else None,
        upheld_findings=findings)


@dataclass(frozen=True)
class Quarter:
    label: str
    introductions: int
    deals_registered: int
    confirmed_value: Decimal


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters(evidence: Sequence[Evidence], today: date, count: int = QUARTERS_SHOWN
             ) -> list[Quarter]:
    """The last `count` quarters up to today's, oldest first: introductions by the quarter they
    were made in, registered deals and value by the quarter of registration."""
    year, q = _quarter(today)
    keys = []
    for _ in range(count):
        keys.append((year, q))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    keys.reverse()
    intro = {k: 0 for k in keys}
    reg = {k: 0 for k in keys}
    value = {k: ZERO for k in keys}
    for e in evidence:
        k = _quarter(e.introduced_on)
        if k in intro:
            intro[k] += 1
        if e.registered_on is not None:
            k = _quarter(e.registered_on)
            if k in reg:
                reg[k] += 1
                value[k] += e.value or ZERO
    return [Quarter(f"{y}Q{n}", intro[(y, n)], reg[(y, n)], value[(y, n)]) for y, n in keys]
