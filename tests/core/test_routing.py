"""core/routing.py: a sync endpoint and its commit run in one call, in the event loop or in
the thread pool, as ENDPOINTS_IN_EVENT_LOOP and `@blocking` say."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel, field_serializer
from sqlalchemy import text
from sqlalchemy.orm import Session

from backend.config import Settings, get_settings
from backend.core.deps import SessionDep
from backend.core.errors import NotFound, install_error_handlers
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.db import RequestUnit

pytestmark = pytest.mark.usefixtures("db")


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Probe(BaseModel):
    """Notes, when the response is serialised, whether the request's transaction is open."""

    in_loop: bool
    session: Any = None

    @field_serializer("session")
    def _open(self, session: Session) -> bool:
        return session.in_transaction()


router = APIRouter(prefix="/probe", route_class=UnitOfWorkRoute)


@router.get("/quick")
def quick(session: SessionDep, n: int = 1) -> Probe:
    """A docstring FastAPI should keep as the description."""
    session.execute(text("SELECT 1"))
    return Probe(in_loop=_in_event_loop(), session=session)


@router.get("/slow")
@blocking
def slow(session: SessionDep) -> Probe:
    session.execute(text("SELECT 1"))
    return Probe(in_loop=_in_event_loop(), session=session)


@router.get("/fails")
@blocking
def fails(session: SessionDep) -> Probe:
    session.execute(text("SELECT 1"))
    raise NotFound("没有。Not here.")


@pytest.fixture
def probe() -> Iterator[TestClient]:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("in_loop", [True, False])
def test_where_endpoints_run(probe: TestClient, monkeypatch: pytest.MonkeyPatch,
                             in_loop: bool) -> None:
    monkeypatch.setattr(get_settings(), "endpoints_in_event_loop", in_loop)
    assert probe.get("/probe/quick").json()["in_loop"] is in_loop
    assert probe.get("/probe/slow").json()["in_loop"] is False  # @blocking: the pool, always


@pytest.mark.parametrize("in_loop", [True, False])
def test_the_unit_of_work_ends_with_the_endpoint_before_the_response_is_made(
        probe: TestClient, monkeypatch: pytest.MonkeyPatch, in_loop: bool) -> None:
    monkeypatch.setattr(get_settings(), "endpoints_in_event_loop", in_loop)
    assert probe.get("/probe/quick").json()["session"] is False
    assert probe.get("/probe/slow").json()["session"] is False


def test_a_failing_blocking_endpoint_rolls_back_in_the_pool_not_in_the_loop(
        probe: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its row locks must not wait for the event loop, where an endpoint may wait for them."""
    monkeypatch.setattr(get_settings(), "endpoints_in_event_loop", True)
    ends: list[tuple[type[BaseException] | None, bool]] = []
    end = RequestUnit.end

    def noting_end(unit: RequestUnit, *exc_info: Any) -> None:
        if unit.open:
            ends.append((exc_info[0], _in_event_loop()))
        end(unit, *exc_info)

    monkeypatch.setattr(RequestUnit, "end", noting_end)
    assert probe.get("/probe/fails").status_code == 404
    assert ends == [(NotFound, False)]


def test_parameters_name_and_description_are_the_endpoints(probe: TestClient) -> None:
    assert probe.get("/probe/quick", params={"n": "x"}).status_code == 422
    operation = probe.get("/openapi.json").json()["paths"]["/probe/quick"]["get"]
    assert operation["operationId"].startswith("quick_")
    assert operation["description"] == "A docstring FastAPI should keep as the description."
    assert [p["name"] for p in operation["parameters"]] == ["n"]


def test_every_api_route_runs_its_endpoint_with_its_commit() -> None:
    from backend.app import create_app

    routes = [c.original_route for c in iter_route_contexts(create_app().routes)]
    plain = [r.path for r in routes if isinstance(r, APIRoute)
             and not isinstance(r, UnitOfWorkRoute) and r.path != "/{path:path}"]
    assert not plain, f"routers without route_class=UnitOfWorkRoute: {plain}"


def test_the_event_loop_is_chosen_for_postgresql_only() -> None:
    assert Settings(database_url="sqlite:///x.db").endpoints_in_event_loop is False
    pg = "postgresql+psycopg://u@h/db"
    assert Settings(database_url=pg).endpoints_in_event_loop is True
    assert Settings(database_url=pg, endpoints_in_event_loop=False
                    ).endpoints_in_event_loop is False
    with pytest.raises(ValueError, match="ENDPOINTS_IN_EVENT_LOOP needs PostgreSQL"):
        Settings(database_url="sqlite:///x.db", endpoints_in_event_loop=True)
