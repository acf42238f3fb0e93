"""A demand with an open deal stays under that deal: its owner cannot take it back to
"published" or withdraw it until the deal has ended (409 naming the deal)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.deals.models import Stage
from backend.listings.models import Demand, DemandStatus
from tests.builders import accounts as b
from tests.builders import deals as d


def _status(db: Session, demand_id: int) -> DemandStatus:
    db.expire_all()
    return db.execute(select(Demand.status).where(Demand.id == demand_id)).scalar_one()


@pytest.mark.parametrize("action", ["publish", "withdraw"])
@pytest.mark.parametrize("stage", [Stage.INTRODUCED, Stage.NEGOTIATING, Stage.SIGNED])
def test_the_owner_cannot_pull_a_demand_from_under_an_open_deal(
        client: TestClient, db: Session, action: str, stage: Stage) -> None:
    w = d.deal_at(db, stage)
    assert _status(db, w.demand.id) == DemandStatus.IN_NEGOTIATION
    r = client.post(f"/api/v1/demands/{w.demand.id}/{action}",
                    headers=b.login_as(db, w.firm).headers)
    assert r.status_code == 409
    assert r.json()["open_deal_ids"] == [w.id]
    assert f"#{w.id}" in r.json()["detail"]
    assert _status(db, w.demand.id) == DemandStatus.IN_NEGOTIATION


def test_an_expired_demand_with_an_open_deal_is_not_published_again(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    demand = db.get(Demand, w.demand.id)
    assert demand is not None
    demand.status = DemandStatus.EXPIRED
    db.flush()
    r = client.post(f"/api/v1/demands/{w.demand.id}/publish",
                    headers=b.login_as(db, w.firm).headers)
    assert r.status_code == 409 and r.json()["open_deal_ids"] == [w.id]


def test_once_the_deal_has_ended_the_owner_may_withdraw_it(client: TestClient,
                                                           db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    d.move(db, w, Stage.LOST, "价格谈不拢")
    assert _status(db, w.demand.id) == DemandStatus.PUBLISHED  # released by the deal's end
    r = client.post(f"/api/v1/demands/{w.demand.id}/withdraw",
                    headers=b.login_as(db, w.firm).headers)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
