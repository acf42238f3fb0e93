"""HTTP for the bureau's exports (CSV, XLSX) and statistics."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from backend.accounts.deps import require
from backend.accounts.models import User
from backend.audit.exports import audit_table
from backend.core import clock
from backend.core.deps import PeriodDep, SessionDep
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.tabular import MEDIA_TYPES, Format, Table, render
from backend.integrity.exports import flags_table
from backend.integrity.schemas import FlagRatesOut
from backend.integrity.stats import flag_rates
from backend.rewards import exports, schemas, stats

exports_router = APIRouter(prefix="/api/v1/exports", tags=["exports"], route_class=UnitOfWorkRoute)
stats_router = APIRouter(prefix="/api/v1/stats", tags=["stats"], route_class=UnitOfWorkRoute)

Exporter = Annotated[User, Depends(require(Permission.EXPORT))]
StatsReader = Annotated[User, Depends(require(Permission.STATS_READ))]
Dataset = Literal["claims", "payouts", "clawbacks", "flags", "audit"]
FormatQuery = Annotated[Format, Query(alias="format")]

_FILES: dict[int | str, dict[str, Any]] = {200: {"content": {t: {} for t in MEDIA_TYPES.values()},
                "description": "The table as CSV (UTF-8 with BOM) or XLSX."}}


def _file(table: Table, fmt: Format) -> Response:
    name = f"techbroker-{table.name}-{clock.today():%Y%m%d}.{fmt}"
    return Response(render(table, fmt), media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


@exports_router.get("/{dataset}", response_class=Response, responses=_FILES)
@blocking
def export_dataset(dataset: Dataset, session: SessionDep, user: Exporter, when: PeriodDep,
                   fmt: FormatQuery = "xlsx", broker_id: int | None = None,
                   region: str | None = None) -> Response:
    """Claims (by submission), payouts (by batch creation), claw-backs (by decision), flags
    (by when raised) or the audit log (by time; `broker_id` selects the actor, `region` does
    not apply), for the dates `since`..`until` inclusive, Beijing time."""
    start, end = when.start, when.end
    f = exports.Filters(start, end, broker_id, region)
    if dataset == "claims":
        table = exports.claims_table(session, user, f)
    elif dataset == "payouts":
        table = exports.payouts_table(session, f)
    elif dataset == "clawbacks":
        table = exports.clawbacks_table(session, f)
    elif dataset == "flags":
        table = flags_table(session, since=start, until=end, broker_id=broker_id, region=region)
    else:
        table = audit_table(session, since=start, until=end, actor_id=broker_id)
    return _file(table, fmt)


@exports_router.get("/payouts/{batch_id}", response_class=Response, responses=_FILES)
@blocking
def export_batch(batch_id: int, session: SessionDep, _: Exporter, fmt: FormatQuery = "xlsx"
                 ) -> Response:
    """One payout batch for the finance office."""
    table = exports.batch_table(session, batch_id)
    return _file(table, fmt)


@stats_router.get("/rewards")
@blocking
def reward_stats(session: SessionDep, _: StatsReader, when: PeriodDep,
                 group_by: schemas.GroupBy = "month", broker_id: int | None = None,
                 region: str | None = None) -> schemas.RewardStatsOut:
    """Claims and the amounts claimed, approved, paid and clawed back, by month, field,
    broker or region."""
    return stats.reward_stats(session, group_by, since=when.start, until=when.end,
                              broker_id=broker_id, region=region)


@stats_router.get("/flags")
@blocking
def flag_rate_stats(session: SessionDep, _: StatsReader, when: PeriodDep,
                    broker_id: int | None = None, region: str | None = None) -> FlagRatesOut:
    """Per rule: how many of the period's claims it flagged, and the decisions."""
    return flag_rates(session, since=when.start, until=when.end, broker_id=broker_id,
                      region=region)
