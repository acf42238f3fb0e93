"""One rule for dates (core/dates.py): every `since`/`until` query lies between the platform's
epoch (2000-01-01) and a year from today, `since` not after `until`; a contract's signing, its
registration and a payment lie between the epoch and today. Anything else is a 422 naming the
field — not a 500 from a date that overflowed on its way to the database.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.core import clock
from backend.core.dates import SEARCH_MARGIN
from backend.deals.models import Stage
from tests.builders import accounts as b
from tests.builders import chains as chainb
from tests.builders import deals as d

# Values for the path parameters of the routes that take a period (a chain's id: the test's own).
PATH_VALUES = {"dataset": ["claims", "payouts", "clawbacks", "flags", "audit"],
               "chain_id": ["{chain_id}"]}
EPOCH_MESSAGE = "日期须在2000-01-01至"


def period_paths(app: FastAPI, values: dict[str, list[str]] | None = None) -> list[str]:
    """Every GET path whose operation takes `since` and `until`, from the route table; path
    parameters take `values` (those of PATH_VALUES by default)."""
    values = {**PATH_VALUES, **(values or {})}
    paths = []
    for context in iter_route_contexts(app.routes):
        route = context.route
        if not isinstance(route, APIRoute) or "GET" not in (context.methods or ()):
            continue
        names = {p.alias for p in get_flat_params(route.dependant)}
        if {"since", "until"} <= names:
            expanded = [context.path]
            for param in route.dependant.path_params:
                expanded = [p.replace(f"{{{param.name}}}", v) for p in expanded
                            for v in values[param.name]]
            paths += expanded
    return paths


def test_the_periods_found_are_the_ones_expected(app: FastAPI) -> None:
    assert sorted(period_paths(app)) == sorted([
        "/api/v1/audit/entries", "/api/v1/claims", "/api/v1/payouts", "/api/v1/clawbacks",
        "/api/v1/stats/rewards", "/api/v1/stats/flags",
        *(f"/api/v1/exports/{name}" for name in PATH_VALUES["dataset"]),
        "/api/v1/chains/{chain_id}/figures", "/api/v1/chains/{chain_id}/gaps"])


def _bad_periods() -> list[tuple[dict[str, str], str]]:
    too_late = (clock.today() + SEARCH_MARGIN + timedelta(days=1)).isoformat()
    return [({"since": "0001-01-01"}, "since"), ({"until": "9999-12-31"}, "until"),
            ({"since": "1999-12-31"}, "since"), ({"until": too_late}, "until"),
            ({"since": "2026-03-02", "until": "2026-03-01"}, "until")]


def test_every_period_refuses_dates_outside_the_platform_with_a_422_naming_the_field(
        app: FastAPI, client: TestClient, db: Session) -> None:
    admin_user = b.make_admin(db)
    admin = b.login_as(db, admin_user)
    chain = chainb.make_chain(db, admin_user)
    for path in period_paths(app, {"chain_id": [str(chain.id)]}):
        for params, field in _bad_periods():
            r = client.get(path, params=params, headers=admin.headers)
            assert r.status_code == 422, (path, params, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            assert [e["field"] for e in r.json()["errors"]] == [field], (path, params)
        r = client.get(path, params={"since": "2000-01-01",
                                     "until": (clock.today() + SEARCH_MARGIN).isoformat()},
                       headers=admin.headers)
        assert r.status_code == 200, (path, r.text)


def test_the_message_says_the_range(client: TestClient, db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    r = client.get("/api/v1/claims", params={"since": "0001-01-01"}, headers=admin.headers)
    latest = (clock.today() + SEARCH_MARGIN).isoformat()
    assert r.json()["errors"] == [{
        "field": "since",
        "message": f"日期须在2000-01-01至{latest}之间。The date must be between 2000-01-01 and "
                   f"{latest}."}]


def test_the_audit_log_takes_whole_days_like_every_other_period(client: TestClient,
                                                                db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))  # its login wrote today's first entries
    today = clock.today().isoformat()
    r = client.get("/api/v1/audit/entries", params={"since": today, "until": today},
                   headers=admin.headers)
    assert r.status_code == 200
    total = r.json()["total"]
    assert total == client.get("/api/v1/audit/entries", headers=admin.headers).json()["total"]
    r = client.get("/api/v1/audit/entries", params={"until": d.days_ago(1).isoformat()},
                   headers=admin.headers)
    assert r.json()["total"] == 0


def _contract(w: d.World, signed_on: str) -> dict[str, Any]:
    return {"name": "工业视觉检测技术开发合同", "type": "development", "amount": "300000.00",
            "signed_on": signed_on, "buyer_org_id": w.deal.demand_org_id,
            "seller_org_id": w.deal.achievement_org_id}


@pytest.mark.parametrize("value", ["1999-12-31", "0001-01-01", "9999-12-31"])
def test_contract_registration_and_payment_dates_lie_between_the_epoch_and_today(
        client: TestClient, db: Session, value: str) -> None:
    negotiating = d.deal_at(db, Stage.NEGOTIATING)
    r = client.put(f"/api/v1/deals/{negotiating.id}/contract", json=_contract(negotiating, value),
                   headers=b.login_as(db, negotiating.lead).headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "signed_on"
    assert r.json()["errors"][0]["message"].startswith(EPOCH_MESSAGE)

    signed = d.deal_at(db, Stage.SIGNED)
    r = client.post(f"/api/v1/deals/{signed.id}/contract/registration", json={
        "registration_no": d.new_registration_no(), "registered_on": value,
        "technology_amount": "280000.00"}, headers=b.login_as(db, signed.lead).headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "registered_on"
    assert r.json()["errors"][0]["message"].startswith(EPOCH_MESSAGE)

    registered = d.deal_at(db, Stage.REGISTERED)
    r = client.post(f"/api/v1/deals/{registered.id}/payments", json={
        "paid_on": value, "amount": "10.00", "bank_reference": "ICBC-1",
        "invoice_reference": "发票"}, headers=b.login_as(db, registered.lead).headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "paid_on"
    assert r.json()["errors"][0]["message"].startswith(EPOCH_MESSAGE)


def test_a_contract_signed_today_is_accepted(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    r = client.put(f"/api/v1/deals/{w.id}/contract", json=_contract(w, clock.today().isoformat()),
                   headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 200
    assert r.json()["contract"]["signed_on"] == clock.today().isoformat()
