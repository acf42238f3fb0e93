"""Named dependencies of the plumbing (the unit of work, dates, pages), so route signatures
read like sentences. Who is asking, and what they may do, is `backend/accounts/deps.py`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from backend.core.dates import Period, SearchDate
from backend.core.middleware import client_address
from backend.core.paging import MAX_PAGE
from backend.core.routing import UnitDep


async def _session(unit: UnitDep) -> Session:
    return unit.session


# The request's unit of work commits before the response is sent (core/routing.py), so a
# client never sees success for a transaction that then fails to commit.
SessionDep = Annotated[Session, Depends(_session)]


def client_ip(request: Request) -> str | None:
    return client_address(request.scope)


async def _period(
        since: Annotated[SearchDate | None, Query(
            description="first day, Beijing time (inclusive), 2000-01-01 or later")] = None,
        until: Annotated[SearchDate | None, Query(
            description="last day, Beijing time (inclusive), at most a year from today")] = None,
) -> Period:
    return Period(since, until)


# Every `since`/`until` query: checked dates (a clear 422, never an overflow), one meaning.
PeriodDep = Annotated[Period, Depends(_period)]


# Every list's `page` and `page_size` (core/paging.py cuts the page): people browse up to 100
# rows at a time, administrators' desks and a year's claims up to 200, the audit log 500.
PageNo = Annotated[int, Query(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Query(ge=1, le=100)]
DeskPageSize = Annotated[int, Query(ge=1, le=200)]
LogPageSize = Annotated[int, Query(ge=1, le=500)]
