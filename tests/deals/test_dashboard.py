"""Brokers' dashboards: open deals by stage; deals closed and amounts this year."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.core import clock
from backend.deals.models import EvidenceKind, Stage
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.statements import captured


def _by_stage(body: dict[str, object]) -> dict[str, int]:
    return {row["stage"]: row["count"] for row in body["open_by_stage"]}  # type: ignore[attr-defined]


def test_a_broker_sees_their_own_open_deals_and_this_years_closings(
        client: TestClient, db: Session) -> None:
    mine = [d.deal_at(db, s) for s in (Stage.INTRODUCED, Stage.NEGOTIATING, Stage.NEGOTIATING,
                                       Stage.PAID, Stage.LOST)]
    closed = d.deal_at(db, Stage.CLOSED, amount=Decimal("1000000.00"))
    closed_last_year = d.deal_at(db, Stage.CLOSED, amount=Decimal("5.00"))
    closed_last_year.deal.ended_at = datetime(clock.today().year - 1, 12, 31, 23, 0,
                                              tzinfo=clock.CHINA_TZ)
    others = d.deal_at(db, Stage.SIGNED)  # another broker's
    # One broker on all of them: rebuild ownership by moving the lead rows to `me`.
    me = b.make_broker(db)
    for w in [*mine, closed, closed_last_year]:
        w.deal.brokers[0].broker_id = me.id
    db.flush()
    # Share half of the closed deal with a co-broker: my share-weighted amount is half.
    closed.deal.brokers[0].share = Decimal("50.00")
    db.flush()
    r = client.get("/api/v1/deals/dashboard", headers=b.login_as(db, me).headers)
    assert r.status_code == 200
    body = r.json()
    assert body["scope"] == "own"
    assert _by_stage(body) == {"requested": 0, "introduced": 1, "negotiating": 2, "signed": 0,
                               "registered": 0, "paid": 1}
    assert body["open_total"] == 4
    assert body["closed_this_year"] == {"year": clock.today().year, "count": 1,
                                        "amount": "1000000.00"}
    assert body["my_share_amount"] == "500000.00"
    assert others.lead.id != me.id


def test_admins_see_all_deals(client: TestClient, db: Session) -> None:
    for stage in (Stage.INTRODUCED, Stage.SIGNED, Stage.REGISTERED):
        d.deal_at(db, stage)
    d.deal_at(db, Stage.CLOSED, amount=Decimal("200000.00"))
    d.deal_at(db, Stage.CLOSED, amount=Decimal("300000.50"))
    r = client.get("/api/v1/deals/dashboard", headers=b.login_as(db, b.make_admin(db)).headers)
    body = r.json()
    assert body["scope"] == "all"
    assert _by_stage(body) == {"requested": 0, "introduced": 1, "negotiating": 0, "signed": 1,
                               "registered": 1, "paid": 0}
    assert body["closed_this_year"]["count"] == 2
    assert body["closed_this_year"]["amount"] == "500000.50"
    assert body["my_share_amount"] is None


def test_an_empty_dashboard(client: TestClient, db: Session) -> None:
    r = client.get("/api/v1/deals/dashboard", headers=b.login_as(db, b.make_broker(db)).headers)
    assert r.json()["open_total"] == 0
    assert r.json()["closed_this_year"]["amount"] == "0.00"
    assert r.json()["my_share_amount"] == "0.00"


def test_parties_have_no_broker_dashboard(client: TestClient, db: Session) -> None:
    for user in (b.make_firm_user(db), b.make_institute_user(db)):
        r = client.get("/api/v1/deals/dashboard", headers=b.login_as(db, user).headers)
        assert r.status_code == 403
    assert client.get("/api/v1/deals/dashboard").status_code == 401


def test_the_year_is_beijing_time() -> None:
    start, end = clock.year_bounds(2026)
    assert start.isoformat() == "2026-01-01T00:00:00+08:00"
    assert end.isoformat() == "2027-01-01T00:00:00+08:00"


def _queries_listing_deals(client: TestClient, db: Session, headers: dict[str, str]) -> int:
    with captured(db) as statements:
        response = client.get("/api/v1/deals?page_size=50", headers=headers)
    assert response.status_code == 200
    return len(statements)


def test_the_deal_list_costs_the_same_queries_for_two_deals_or_six(
        client: TestClient, db: Session) -> None:
    admin = b.make_admin(db)
    headers = b.login_as(db, admin).headers
    for _ in range(2):
        d.open_world(db)
    with_two = _queries_listing_deals(client, db, headers)
    for _ in range(4):
        d.open_world(db)
    assert _queries_listing_deals(client, db, headers) == with_two


def test_a_closed_deal_counts_only_its_confirmed_amount(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.CLOSED)
    headers = b.login_as(db, w.lead).headers
    closed = client.get("/api/v1/deals/dashboard", headers=headers).json()["closed_this_year"]
    assert (closed["count"], closed["amount"]) == (1, "300000.00")
    # The buyer disputes the confirmed terms: the confirmation is withdrawn, nothing counts.
    d.answer(db, w, w.firm, EvidenceKind.CONTRACT, None, confirm=False, reason="金额有误")
    closed = client.get("/api/v1/deals/dashboard", headers=headers).json()["closed_this_year"]
    assert (closed["count"], closed["amount"]) == (1, "0.00")
