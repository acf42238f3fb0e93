"""The login dependencies: who is asking, and may they. Routes read them by name
(`CurrentUser`, `ActorDep`, `require(Permission.X)`), so their signatures read like sentences."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from backend.accounts.models import User
from backend.accounts.sessions import Authenticated, authenticate
from backend.audit.service import Actor
from backend.core.deps import SessionDep, client_ip
from backend.core.errors import NotAuthenticated
from backend.core.permissions import Permission, check_permission
from backend.core.routing import run_sync

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


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
