"""Named dependencies, so route signatures read like sentences."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.sessions import Authenticated, authenticate
from backend.audit.service import Actor
from backend.core.dates import Period, SearchDate
from backend.core.errors import NotAuthenticated
from backend.core.middleware import client_address
from backend.core.paging import MAX_PAGE
from backend.core.permissions import Permission, check_permission
from backend.core.routing import UnitDep, run_sync


async def _session(unit: UnitDep) -> Session:
    return unit.session


# The request's unit of work commits before the response is sent (core/routing.py), so a
# client never sees success for a transaction that then fails to commit.
SessionDep = Annotated[Session, Depends(_session)]

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def client_ip(request: Request) -> str | None:
    return client_address(request.scope)


# FastAPI runs a plain `def` dependency in the thread pool, a hop that costs more than most of
# these functions: they are `async def`, and the two that query run the query where endpoints
# run (a visitor without a token costs nothing).
async def _authenticated(session: SessionDep, token: Annotated[str | None, Depends(_bearer)]
                         ) -> Authenticated:
    if not token:
        raise NotAuthenticated("请先登录。Please log in.", headers={"WWW-Authenticate": "Bearer"})
    return await run_sync(authenticate, session, token)


async def _optional(session: SessionDep, token: Annotated[str | None, Depends(_bearer)]
                    ) -> User | None:
    return (await run_sync(authenticate, session, token)).user if token else None


AuthDep = Annotated[Authenticated, Depends(_authenticated)]


async def _current_user(auth: AuthDep) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(_current_user)]
OptionalUser = Annotated[User | None, Depends(_optional)]


async def _actor(user: CurrentUser, request: Request) -> Actor:
    return Actor(user.id, user.username, client_ip(request))


ActorDep = Annotated[Actor, Depends(_actor)]


def require(permission: Permission) -> Callable[[User], Awaitable[User]]:
    """A dependency returning the current user after checking their role may do `permission`."""

    async def dependency(user: CurrentUser) -> User:
        check_permission(user.role, permission)
        return user

    return dependency


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
