"""Listing cards: kept per process, dropped when the market generation moves, never kept from
a unit of work that changed the market itself."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.core.generations import Generation
from backend.db import session_scope
from backend.listings import views
from backend.listings.models import MARKET, Demand
from tests.builders import accounts as b
from tests.builders import listings as lb
from tests.statements import captured


def _generation(db: Session) -> int:
    """The committed counter now (`generations.current` keeps what a unit of work read first)."""
    return db.execute(select(Generation.value).where(Generation.name == MARKET)).scalar_one()


def test_the_generation_moves_with_each_committed_change_to_what_cards_show(db: Session
                                                                             ) -> None:
    firm = b.make_firm_user(db)
    demand = lb.make_demand(db, firm)
    start = _generation(db)
    assert start is not None

    with session_scope() as s:
        s.get_one(Demand, demand.id).title = "新标题 new title"
    assert _generation(db) == start + 1
    with session_scope() as s:
        s.get_one(Organisation, firm.organisation_id).name = "改名后的企业有限公司"
    assert _generation(db) == start + 2
    with session_scope() as s:
        s.get_one(User, firm.id).display_name = "李四"
    assert _generation(db) == start + 3


def test_the_generation_stays_for_other_changes_and_rolled_back_ones(db: Session) -> None:
    firm = b.make_firm_user(db)
    demand = lb.make_demand(db, firm)
    start = _generation(db)

    with session_scope() as s:
        s.get_one(User, firm.id).last_login_at = demand.created_at  # not on any card
        b.make_firm_user(s)  # a new user is on no card yet
    with pytest.raises(RuntimeError), session_scope() as s:
        s.get_one(Demand, demand.id).title = "不会提交 never committed"
        s.flush()
        raise RuntimeError
    assert _generation(db) == start


def _statements(client: TestClient, db: Session, url: str) -> list[str]:
    with captured(db) as seen:
        assert client.get(url).status_code == 200
    return seen


def test_a_second_read_takes_the_cards_without_their_queries(client: TestClient, db: Session
                                                             ) -> None:
    firm = b.make_firm_user(db)
    for _ in range(3):
        lb.make_demand(db, firm)
    first = _statements(client, db, "/api/v1/demands")
    second = _statements(client, db, "/api/v1/demands")

    def card_queries(statements: list[str]) -> list[str]:
        return [s for s in statements if "identifiers" in s or "demand_brokers" in s]

    assert card_queries(first) and not card_queries(second)
    assert len(second) < len(first)


def test_a_committed_change_shows_at_once(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    demand = lb.make_demand(db, firm)
    owner = b.login_as(db, firm)
    assert client.get(f"/api/v1/demands/{demand.id}").json()["title"] == demand.title

    r = client.patch(f"/api/v1/demands/{demand.id}", headers=owner.headers,
                     json={"title": "改过的需求标题 edited"})
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/demands/{demand.id}").json()["title"] == "改过的需求标题 edited"
    with session_scope() as s:
        s.get_one(Organisation, firm.organisation_id).name = "新名字科技有限公司"
    listed = client.get("/api/v1/demands").json()["items"]
    assert [d["party"]["name"] for d in listed if d["id"] == demand.id] == ["新名字科技有限公司"]


def test_a_unit_that_changed_the_market_keeps_none_of_its_cards(db: Session) -> None:
    demand = lb.make_demand(db, b.make_firm_user(db))
    with session_scope() as s:
        assert views.demand_views(s, None, [demand.id])[0].title == demand.title  # now kept

    with pytest.raises(RuntimeError), session_scope() as s:
        s.get_one(Demand, demand.id).title = "未提交的标题 uncommitted"
        assert views.demand_views(s, None, [demand.id])[0].title == "未提交的标题 uncommitted"
        raise RuntimeError
    with session_scope() as s:
        assert views.demand_views(s, None, [demand.id])[0].title == demand.title
        assert s.execute(select(Demand.title).where(Demand.id == demand.id)).scalar_one() \
            == demand.title
