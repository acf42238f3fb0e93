"""What a worker process does before its first request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import fastapi.routing
import jieba
import pytest
from fastapi.testclient import TestClient

from backend.app import create_app, warm_up
from backend.core.metrics import REQUESTS
from backend.listings import search


def _requests_counted() -> float:
    return sum(sample.value for metric in REQUESTS.collect() for sample in metric.samples
               if sample.name.endswith("_total"))


@pytest.fixture
def fresh_dictionary(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """jieba's default tokenizer as a new process has it: not yet loaded."""
    monkeypatch.setattr(jieba, "dt", jieba.Tokenizer())
    search._tokenizer.cache_clear()
    yield jieba.dt
    search._tokenizer.cache_clear()


@pytest.fixture
def route_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per route FastAPI resolves (it does so lazily, once per route and process)."""
    built: list[int] = []
    original = fastapi.routing._populate_api_route_state

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "_populate_api_route_state", counting)
    return built


def test_warm_up_loads_the_dictionary_and_builds_every_route_uncounted(
        fresh_dictionary: Any, route_builds: list[int]) -> None:
    app = create_app()
    before = _requests_counted()
    anyio.run(warm_up, app)
    assert fresh_dictionary.initialized
    assert route_builds  # the routes were resolved ahead of the first request...
    built = len(route_builds)
    with TestClient(app) as client:
        assert client.get("/api/v1/market/figures").status_code in (200, 503)
    assert len(route_builds) == built  # ...so the first request resolves none
    assert _requests_counted() == before + 1  # only the real request was counted
