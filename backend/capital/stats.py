"""The capital chain's statistics: money requested, committed and closed by field (top-level),
instrument and stage; time from a request's publication to its first interest and to its
close; conversion from a passed proof of concept to financing. Public totals for the market
page.

Evidence before money: "committed" and "closed" sum only the money outcomes (term sheets,
approved loans) the request's owner confirmed; a pending or disputed amount counts nowhere.
- requested: the amounts of requests published (published or closed; not drafts, not
  withdrawn);
- committed: confirmed outcomes' amounts, whatever the request's state;
- closed: confirmed outcomes' amounts on closed requests.
Stage is the request's current TRL band: research (TRL 1–3), development (4–6),
industrialisation (7–9).
Computed in Python over the published requests and their interests (a few thousand rows at
the most for a province); no cache.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.capital import schemas
from backend.capital.models import (
    FinancingRequest,
    FinancingStatus,
    Interest,
    OutcomeConfirmation,
)
from backend.capital.service import poc_of
from backend.listings import taxonomy

_ZERO = Decimal("0.00")
_COUNTED = (FinancingStatus.PUBLISHED, FinancingStatus.CLOSED)


def stage_of(trl: int) -> str:
    return "research" if trl <= 3 else "development" if trl <= 6 else "industrialisation"


def _requests(session: Session) -> list[FinancingRequest]:
    return list(session.execute(select(FinancingRequest).where(
        FinancingRequest.status.in_(_COUNTED)).order_by(FinancingRequest.id)).scalars())


def _interests(session: Session, ids: set[int]) -> dict[int, list[Interest]]:
    out: dict[int, list[Interest]] = defaultdict(list)
    if ids:
        for i in session.execute(select(Interest).where(Interest.request_id.in_(ids))).scalars():
            out[i.request_id].append(i)
    return out


def _confirmed(rows: Sequence[Interest]) -> Decimal:
    return sum((i.amount or _ZERO for i in rows
                if i.confirmation == OutcomeConfirmation.CONFIRMED), _ZERO)


def _group(requests: Sequence[FinancingRequest], interests: dict[int, list[Interest]],
           key: Callable[[FinancingRequest], str]) -> list[schemas.CapitalGroupOut]:
    groups: dict[str, list[FinancingRequest]] = defaultdict(list)
    for r in requests:
        groups[key(r)].append(r)
    out = [_figures(key_, rows, interests) for key_, rows in groups.items()]
    return sorted(out, key=lambda g: (-g.requested, g.key))


def _figures(key: str, rows: Sequence[FinancingRequest], interests: dict[int, list[Interest]]
             ) -> schemas.CapitalGroupOut:
    committed = sum((_confirmed(interests[r.id]) for r in rows), _ZERO)
    closed = sum((_confirmed(interests[r.id]) for r in rows
                  if r.status == FinancingStatus.CLOSED), _ZERO)
    return schemas.CapitalGroupOut(
        key=key, requests=len(rows), requested=sum((r.amount for r in rows), _ZERO),
        committed=committed, closed=closed)


def _days(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


def statistics(session: Session) -> schemas.CapitalStatsOut:
    requests = _requests(session)
    interests = _interests(session, {r.id for r in requests})
    tops = taxonomy.top_level_codes(session)

    def top_field(r: FinancingRequest) -> str:
        return tops.get(r.field_id, str(r.field_id))

    to_interest, to_close = [], []
    for r in requests:
        if r.published_at is None:
            continue
        rows = interests[r.id]
        if rows:
            first = min(i.created_at for i in rows)
            to_interest.append((first - r.published_at).total_seconds() / 86400)
        if r.status == FinancingStatus.CLOSED and r.ended_at is not None and _confirmed(rows):
            to_close.append((r.ended_at - r.published_at).total_seconds() / 86400)

    poc = poc_of(session, requests)
    passed = [r for r in requests if r.id in poc and poc[r.id].passed_on is not None]
    others = [r for r in requests if r not in passed]
    financed = [r for r in passed if _confirmed(interests[r.id])]
    others_financed = [r for r in others if _confirmed(interests[r.id])]

    return schemas.CapitalStatsOut(
        totals=_figures("all", requests, interests),
        by_field=_group(requests, interests, top_field),
        by_instrument=_group(requests, interests, lambda r: str(r.instrument)),
        by_stage=_group(requests, interests, lambda r: stage_of(r.trl_current)),
        days_to_first_interest=_days(to_interest),
        days_to_close=_days(to_close),
        pending_confirmation=sum(1 for rows in interests.values() for i in rows
                                 if i.confirmation == OutcomeConfirmation.PENDING),
        poc_passed_requests=len(passed), poc_passed_financed=len(financed),
        poc_conversion=round(len(financed) / len(passed), 4) if passed else None,
        other_conversion=(round(len(others_financed) / len(others), 4) if others else None))


def public_totals(session: Session) -> schemas.CapitalTotalsOut:
    """The totals only, for the public market page."""
    requests = _requests(session)
    figures = _figures("all", requests, _interests(session, {r.id for r in requests}))
    return schemas.CapitalTotalsOut(requests=figures.requests, requested=figures.requested,
                                    committed=figures.committed, closed=figures.closed)
