"""The landing page's public market figures."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.audit.service import Actor
from backend.core.clock import today
from backend.deals.models import EvidenceKind, Payment, Stage
from backend.listings.demands import publish_demand
from backend.listings.models import AchievementStatus, DemandStatus, Visibility
from backend.market import service
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import listings as lb
from tests.builders import rewards as rb

URL = "/api/v1/market/figures"


def test_last_months_are_twelve_calendar_months_oldest_first() -> None:
    months = service.last_months(date(2026, 1, 15))
    assert [m.label for m in months] == [
        "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09",
        "2025-10", "2025-11", "2025-12", "2026-01"]
    assert months[-1].start.isoformat() == "2026-01-01T00:00:00+08:00"
    assert months[-1].end.isoformat() == "2026-02-01T00:00:00+08:00"
    assert all(a.end == b_.start for a, b_ in itertools.pairwise(months))


def test_an_empty_market_is_all_zeros(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("demands", "achievements", "deals")} == {
        "demands": 0, "achievements": 0, "deals": 0}
    assert body["contract_amount"] == "0.00"
    assert body["rewards_paid"] == "0.00"
    assert len(body["monthly"]) == 12
    assert body["monthly"][-1] == {"month": today().strftime("%Y-%m"), "demands": 0,
                                   "achievements": 0, "deals": 0}
    assert body["completed"] == 0
    # Browsers ask again every time: a listing just published shows at once.
    assert response.headers["Cache-Control"] == "public, no-cache"


def test_counts_what_a_visitor_sees_and_registered_contracts(client: TestClient,
                                                             db: Session) -> None:
    firm = b.make_firm_user(db)
    institute = b.make_institute_user(db)
    lb.make_demand(db, firm)                                          # counted
    lb.make_demand(db, firm, status=DemandStatus.IN_NEGOTIATION)      # counted: still listed
    lb.make_demand(db, firm, visibility=Visibility.BROKERS)           # brokers only
    lb.make_demand(db, firm, visibility=Visibility.PRIVATE)
    lb.make_demand(db, firm, status=DemandStatus.DRAFT)
    lb.make_demand(db, firm, status=DemandStatus.WITHDRAWN)
    lb.make_demand(db, firm, hidden=True)
    lb.make_achievement(db, institute)                                # counted
    lb.make_achievement(db, institute, status=AchievementStatus.DRAFT)
    lb.make_achievement(db, institute, hidden=True)
    # Each deal rests on one public demand and one public achievement of its own.
    d.deal_at(db, Stage.REGISTERED)                                   # registered: counted
    d.deal_at(db, Stage.PAID, amount=Decimal("1234567.89"))           # registered: counted
    d.deal_at(db, Stage.SIGNED)                                       # not registered yet
    d.deal_at(db, Stage.INTRODUCED)

    body = client.get(URL).json()

    assert {k: body[k] for k in ("demands", "achievements", "deals")} == {
        "demands": 2 + 4, "achievements": 1 + 4, "deals": 4}
    assert body["contract_amount"] == "1534567.89"     # 300,000.00 + 1,234,567.89
    # By publication month: the deal builders' listings are rows without a publication time.
    this_month = body["monthly"][-1]
    assert this_month == {"month": today().strftime("%Y-%m"), "demands": 2, "achievements": 1,
                          "deals": 4}
    assert sum(m["demands"] for m in body["monthly"][:-1]) == 0


def test_figures_need_no_login_and_ignore_who_asks(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    lb.make_demand(db, firm, visibility=Visibility.BROKERS)
    broker = b.make_broker(db)
    anonymous = client.get(URL).json()
    as_broker = client.get(URL, headers=b.login_as(db, broker).headers).json()
    assert anonymous["demands"] == as_broker["demands"] == 0


def test_rewards_paid_are_the_paid_claims(client: TestClient, db: Session) -> None:
    first, second = b.make_admin(db), b.make_admin(db)
    paid = rb.claim(db, rb.paid_world(db))                      # 300,000 → 4,500.00
    rb.paid(db, paid.id, first, second)
    rb.claim(db, rb.paid_world(db, amount=Decimal("1000000")))  # submitted, not paid
    assert client.get(URL).json()["rewards_paid"] == "4500.00"


def test_figures_are_reused_for_max_age_then_recomputed(db: Session) -> None:
    cache = service.FiguresCache()
    firm = b.make_firm_user(db)
    lb.make_demand(db, firm)
    first = cache.get(db, today(), max_age=60)
    lb.make_demand(db, firm)
    assert cache.get(db, today(), max_age=60) is first  # within max_age: the same figures
    assert cache.get(db, today(), max_age=0).demands == first.demands + 1  # 0: no reuse
    assert cache.get(db, date(2031, 1, 1), max_age=60).demands == first.demands + 1  # a new day


def test_completed_counts_the_deals_fully_paid_as_the_parties_confirmed(
        client: TestClient, db: Session) -> None:
    d.deal_at(db, Stage.PAID)                          # fully paid, confirmed: counted
    d.deal_at(db, Stage.CLOSED)                        # paid, then closed: counted
    d.deal_at(db, Stage.REGISTERED)                    # nothing paid
    half = d.deal_at(db, Stage.REGISTERED)
    d.pay(db, half, d.AMOUNT / 2)                      # half paid
    declared = d.deal_at(db, Stage.REGISTERED)
    payment = d.pay(db, declared, d.AMOUNT, confirm=False)  # paid stage, not confirmed yet
    assert d.reload(db, declared.id).stage == Stage.PAID
    assert client.get(URL).json()["completed"] == 2
    d.answer(db, declared, declared.firm, EvidenceKind.PAYMENT, payment.id)
    d.answer(db, declared, declared.institute, EvidenceKind.PAYMENT, payment.id)
    assert db.get(Payment, payment.id).confirmed_amount == d.AMOUNT  # type: ignore[union-attr]
    assert client.get(URL).json()["completed"] == 3


def test_publishing_a_demand_moves_the_cached_figures_at_once(db: Session) -> None:
    cache = service.FiguresCache()
    firm = b.make_firm_user(db)
    draft = lb.make_demand(db, firm, status=DemandStatus.DRAFT)
    first = cache.get(db, today(), max_age=60)
    publish_demand(db, Actor(firm.id, firm.username), draft)
    assert cache.get(db, today(), max_age=60).demands == first.demands + 1
    # A deal fully paid moves the figures at once too.
    before = cache.get(db, today(), max_age=60)
    d.deal_at(db, Stage.PAID)
    assert cache.get(db, today(), max_age=60).completed == before.completed + 1
