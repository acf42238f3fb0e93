"""How a sync endpoint runs: the endpoint and the commit of the request's unit of work in one
call, in the event loop or in one trip through the thread pool.

FastAPI runs a sync endpoint in the thread pool, then its response validation in another trip,
then the session dependency's exit (the commit) in a third, each trip costing more than most
endpoints' own work (about 2 ms of a 6 ms request under load). Every router here uses
`UnitOfWorkRoute`, which hands FastAPI a coroutine instead: it runs the endpoint and ends the
unit of work in one synchronous call, so the response is validated in the loop and nothing is
left for the exit.

Where that call runs is `ENDPOINTS_IN_EVENT_LOOP` (config.py). In the event loop, as a sync
worker runs a request, a process serves one endpoint at a time and the other workers keep the
cores busy; it cannot deadlock, because a unit of work takes its row locks and commits within
one call (or rolls back there, when the endpoint fails), without giving the loop to another
request in between. Endpoints marked `@blocking`
(password hashing, files, whole-table exports, probes of other services) always go to the
thread pool, so a slow one does not hold up the requests behind it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Depends
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from backend.config import get_settings
from backend.db import RequestUnit, request_unit

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
T = TypeVar("T")
UNIT_PARAMETER = "_unit_of_work"
UnitDep = Annotated[RequestUnit, Depends(request_unit, scope="function")]


def blocking(endpoint: F) -> F:
    """Mark an endpoint that may take long: it always runs in the thread pool."""
    endpoint.__blocking__ = True  # type: ignore[attr-defined]
    return endpoint


def is_blocking(endpoint: Callable[..., Any]) -> bool:
    return bool(getattr(endpoint, "__blocking__", False))


def in_event_loop() -> bool:
    return bool(get_settings().endpoints_in_event_loop)


async def run_sync(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a dependency's synchronous work where endpoints run."""
    if in_event_loop():
        return func(*args, **kwargs)
    return await run_in_threadpool(func, *args, **kwargs)


def in_one_call(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A coroutine endpoint with `endpoint`'s parameters (annotations evaluated, so FastAPI
    resolves them without the endpoint's module) plus the request's unit of work."""
    signature = inspect.signature(endpoint, eval_str=True)
    if UNIT_PARAMETER in signature.parameters:
        raise TypeError(f"{endpoint.__qualname__} already has a parameter {UNIT_PARAMETER}")
    always_in_thread = is_blocking(endpoint)

    async def call(**values: Any) -> Any:
        unit: RequestUnit = values.pop(UNIT_PARAMETER)

        def endpoint_then_end() -> Any:
            # A failure rolls back here too: a @blocking endpoint's row locks must not wait in
            # the pool for the event loop, where an endpoint may be waiting for them.
            try:
                result = endpoint(**values)
            except BaseException as exc:
                unit.end(type(exc), exc, exc.__traceback__)
                raise
            unit.end(None, None, None)
            return result

        if always_in_thread or not in_event_loop():
            return await run_in_threadpool(endpoint_then_end)
        return endpoint_then_end()

    # Its name and docstring (the operation id, the description), not __wrapped__: FastAPI
    # unwraps that when it asks whether a callable is a coroutine.
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(call, attribute, getattr(endpoint, attribute))
    parameters = [*signature.parameters.values(),
                  inspect.Parameter(UNIT_PARAMETER, inspect.Parameter.KEYWORD_ONLY,
                                    annotation=UnitDep)]
    call.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return call


class UnitOfWorkRoute(APIRoute):
    """An APIRoute whose sync endpoint runs `in_one_call`; coroutine endpoints are unchanged."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = in_one_call(endpoint)
        super().__init__(path, endpoint, **kwargs)
