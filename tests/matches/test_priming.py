"""The worker encodes what a listing's match list will ask of the models when it indexes the
listing (its text as a query, the words its reasons pair), so opening a match list sends
nothing to a model: with E5 that was most of a list's time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.matches.index import IndexService, use_index_service
from matching import CachedEncoder
from matching.cache import EmbeddingCache
from tests.builders import accounts as b
from tests.builders import listings as lb
from tests.matches.test_api import battery_demand
from tests.matching.conftest import QueryCountingEncoder


@pytest.fixture
def counted(tmp_path: Path, index_service: IndexService
            ) -> Iterator[tuple[IndexService, QueryCountingEncoder]]:
    encoder = QueryCountingEncoder(name="hash-counting")
    cached = CachedEncoder(encoder, EmbeddingCache(tmp_path / "embeddings"))
    service = IndexService(tmp_path / "primed", "hash", encoders={"hash": cached}, save_delay=0)
    use_index_service(service)
    yield service, encoder
    use_index_service(index_service)
    service.close()


def test_opening_a_match_list_sends_nothing_to_the_model(
        client: TestClient, db: Session,
        counted: tuple[IndexService, QueryCountingEncoder]) -> None:
    service, encoder = counted
    firm = b.login_as(db, b.make_firm_user(db))
    institute = b.login_as(db, b.make_institute_user(db))
    demand = battery_demand(db, firm.user)
    achievement = lb.make_achievement(db, institute.user, title="高镍三元正极材料表面包覆改性技术",
                                      field="new_energy.storage")
    service.sync(db, "demand", [demand.id])  # the worker's work: indexed and primed
    service.sync(db, "achievement", [achievement.id])
    assert encoder.queries and encoder.calls
    encoder.queries.clear()
    encoder.calls.clear()

    for url, who in ((f"/api/v1/demands/{demand.id}/matches", firm),
                     (f"/api/v1/achievements/{achievement.id}/matches", institute)):
        r = client.get(url, headers=who.headers)
        assert r.status_code == 200, r.text
        assert r.json()["items"], url
        assert any(reason["code"] == "phrases" for item in r.json()["items"]
                   for reason in item["reasons"]), url
    assert encoder.queries == [] and encoder.calls == []


def test_a_preview_still_encodes_the_draft(
        client: TestClient, db: Session,
        counted: tuple[IndexService, QueryCountingEncoder]) -> None:
    service, encoder = counted
    firm = b.login_as(db, b.make_firm_user(db))
    achievement = lb.make_achievement(db, b.make_institute_user(db))
    service.sync(db, "achievement", [achievement.id])
    encoder.queries.clear()
    draft = {"kind": "demand", "title": "焊缝老是跟不准", "text": "机器人焊接时焊缝位置总是偏"}
    r = client.post("/api/v1/matches/preview", json=draft, headers=firm.headers)
    assert r.status_code == 200, r.text
    assert any("焊缝老是跟不准" in q for q in encoder.queries)
