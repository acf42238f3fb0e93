"""The contract: parties, amounts, dates, and its registration (技术合同登记号)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.core import clock
from backend.deals.models import ContractType, Stage
from backend.deals.registration import (
    InvalidRegistrationNo,
    invoice_names_contract,
    normalise_registration_no,
)
from backend.listings import lookup
from backend.listings.models import AchievementStatus, DemandStatus
from tests.builders import accounts as b
from tests.builders import deals as d

TYPES = ["development", "transfer", "licensing", "consulting", "service"]


def _body(w: d.World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "工业视觉检测技术开发合同", "type": "development",
                            "amount": "300000.00", "signed_on": d.days_ago(20).isoformat(),
                            "buyer_org_id": w.deal.demand_org_id,
                            "seller_org_id": w.deal.achievement_org_id}
    body.update(changes)
    return body


@pytest.mark.parametrize("type_", TYPES)
def test_a_broker_records_each_contract_type_then_signs(client: TestClient, db: Session,
                                                        type_: str) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    lead = b.login_as(db, w.lead)
    r = client.put(f"/api/v1/deals/{w.id}/contract", json=_body(w, type=type_),
                   headers=lead.headers)
    assert r.status_code == 200
    contract = r.json()["contract"]
    assert (contract["type"], contract["amount"], contract["received_amount"],
            contract["remaining_amount"]) == (type_, "300000.00", "0.00", "300000.00")
    r = client.post(f"/api/v1/deals/{w.id}/transitions", json={"to_stage": "signed"},
                    headers=lead.headers)
    assert r.status_code == 200 and r.json()["stage"] == "signed"


def test_buyer_and_seller_may_be_either_way_round(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    body = _body(w, buyer_org_id=w.deal.achievement_org_id, seller_org_id=w.deal.demand_org_id)
    r = client.put(f"/api/v1/deals/{w.id}/contract", json=body,
                   headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 200
    assert r.json()["contract"]["buyer_org_id"] == w.deal.achievement_org_id


@pytest.mark.parametrize("bad", ["outsider", "same", "missing"])
def test_buyer_and_seller_must_be_the_two_parties(client: TestClient, db: Session,
                                                  bad: str) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    outsider = b.make_firm_user(db).organisation_id
    body = {"outsider": _body(w, buyer_org_id=outsider),
            "same": _body(w, seller_org_id=w.deal.demand_org_id),
            "missing": _body(w, seller_org_id=999_999)}[bad]
    r = client.put(f"/api/v1/deals/{w.id}/contract", json=body,
                   headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "buyer_org_id"


@pytest.mark.parametrize(("change", "field"), [
    ({"amount": "0"}, "amount"), ({"amount": "-5"}, "amount"), ({"amount": "1.001"}, "amount"),
    ({"type": "joint_rd"}, "type"), ({"name": "\u202e \u200b"}, "name"),
    ({"signed_on": (clock.today() + timedelta(days=1)).isoformat()}, "signed_on"),
])
def test_contract_values_are_checked(client: TestClient, db: Session, change: dict[str, str],
                                     field: str) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    r = client.put(f"/api/v1/deals/{w.id}/contract", json=_body(w, **change),
                   headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("stage", [Stage.INTRODUCED, Stage.REGISTERED, Stage.PAID,
                                   Stage.CLOSED, Stage.LOST, Stage.CANCELLED])
def test_the_contract_is_recorded_only_while_negotiating_or_signed(
        client: TestClient, db: Session, stage: Stage) -> None:
    w = d.deal_at(db, stage)
    r = client.put(f"/api/v1/deals/{w.id}/contract", json=_body(w),
                   headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 409
    assert r.json()["current_stage"] == stage.value


def test_a_signed_contract_can_be_corrected_but_not_below_what_was_received(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    d.pay(db, w, Decimal("100000.00"))
    lead = b.login_as(db, w.lead)
    url = f"/api/v1/deals/{w.id}/contract"
    r = client.put(url, json=_body(w, name="工业视觉检测技术开发合同", amount="99999.99",
                                   signed_on=d.days_ago(30).isoformat()), headers=lead.headers)
    assert r.status_code == 409
    r = client.put(url, json=_body(w, name="工业视觉检测技术开发合同", amount="250000.00",
                                   signed_on=d.days_ago(30).isoformat()), headers=lead.headers)
    assert r.status_code == 200
    assert r.json()["contract"]["remaining_amount"] == "150000.00"
    # Signing cannot move after a recorded payment (paid 5 days ago).
    r = client.put(url, json=_body(w, signed_on=d.days_ago(1).isoformat()), headers=lead.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "signed_on"
    actions = db.execute(select(AuditEntry.action).where(AuditEntry.object_type == "contract",
                                                         AuditEntry.action.like("contract.%"))
                         .order_by(AuditEntry.seq)).scalars().all()
    assert actions == ["contract.record", "contract.update"]


@pytest.mark.parametrize("who", ["firm", "institute", "admin"])
def test_parties_and_admins_do_not_write_the_contract(client: TestClient, db: Session,
                                                      who: str) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    user = {"firm": w.firm, "institute": w.institute, "admin": b.make_admin(db)}[who]
    r = client.put(f"/api/v1/deals/{w.id}/contract", json=_body(w),
                   headers=b.login_as(db, user).headers)
    assert r.status_code == 403


# --- registration -----------------------------------------------------------------------------

def _registration(**changes: str) -> dict[str, str]:
    body = {"registration_no": d.new_registration_no(), "registered_on": d.days_ago(3).isoformat(),
            "technology_amount": "280000.00"}
    body.update(changes)
    return body


def test_registration_moves_a_signed_deal_to_registered(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    year = clock.today().year
    r = client.post(f"/api/v1/deals/{w.id}/contract/registration",
                    json=_registration(registration_no=f" {year}-350100-000777 "),
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 200
    body = r.json()
    assert body["stage"] == "registered"
    assert body["contract"]["registration_no"] == f"{year}350100000777"
    assert body["contract"]["technology_amount"] == "280000.00"


def test_registration_of_a_fully_paid_contract_goes_on_to_paid(client: TestClient,
                                                               db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    d.pay(db, w, d.AMOUNT)
    assert d.reload(db, w.id).stage == Stage.SIGNED
    r = client.post(f"/api/v1/deals/{w.id}/contract/registration", json=_registration(),
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 200
    assert r.json()["stage"] == "paid"


def test_a_registration_number_belongs_to_one_contract(client: TestClient, db: Session) -> None:
    first = d.deal_at(db, Stage.SIGNED)
    second = d.deal_at(db, Stage.SIGNED)
    number = d.new_registration_no()
    r = client.post(f"/api/v1/deals/{first.id}/contract/registration",
                    json=_registration(registration_no=number),
                    headers=b.login_as(db, first.lead).headers)
    assert r.status_code == 200
    r = client.post(f"/api/v1/deals/{second.id}/contract/registration",
                    json=_registration(registration_no=number),
                    headers=b.login_as(db, second.lead).headers)
    assert r.status_code == 409


@pytest.mark.parametrize(("change", "field"), [
    ({"registration_no": "12345"}, "registration_no"),
    ({"registration_no": "1899350100000123"}, "registration_no"),
    ({"registration_no": f"{clock.today().year + 1}350100000123"}, "registration_no"),
    ({"registration_no": "ABCD350100000123"}, "registration_no"),
    ({"registered_on": d.days_ago(60).isoformat()}, "registered_on"),       # before signing
    ({"registered_on": (clock.today() + timedelta(days=1)).isoformat()}, "registered_on"),
    ({"technology_amount": "300000.01"}, "technology_amount"),
    ({"technology_amount": "-1"}, "technology_amount"),
])
def test_registration_values_are_checked(client: TestClient, db: Session,
                                         change: dict[str, str], field: str) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    r = client.post(f"/api/v1/deals/{w.id}/contract/registration", json=_registration(**change),
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == field
    assert d.reload(db, w.id).stage == Stage.SIGNED


@pytest.mark.parametrize("stage", [Stage.NEGOTIATING, Stage.REGISTERED, Stage.LOST])
def test_registration_only_from_signed(client: TestClient, db: Session, stage: Stage) -> None:
    w = d.deal_at(db, stage, ready=stage == Stage.NEGOTIATING)
    r = client.post(f"/api/v1/deals/{w.id}/contract/registration", json=_registration(),
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 409


def test_closing_a_transfer_marks_both_listings(db: Session) -> None:
    w = d.deal_at(db, Stage.CLOSED, type_=ContractType.TRANSFER)
    assert lookup.demand_brief(db, w.demand.id).status == DemandStatus.FULFILLED
    assert lookup.achievement_brief(db, w.achievement.id).status == AchievementStatus.TRANSFERRED


def test_closing_a_licence_leaves_the_achievement_on_offer(db: Session) -> None:
    w = d.deal_at(db, Stage.CLOSED, type_=ContractType.LICENSING)
    assert lookup.demand_brief(db, w.demand.id).status == DemandStatus.FULFILLED
    assert lookup.achievement_brief(db, w.achievement.id).status == AchievementStatus.PUBLISHED


# --- the pure rules ---------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("2026350100000123", "2026350100000123"), ("2026 3501 0000 0123", "2026350100000123"),
    ("2026-350100-0001ab", "2026350100" + "0001AB"), ("２０２６３５０１００００", "202635010000"),
    ("1987110000A1", "1987110000A1"),
])
def test_registration_numbers_are_normalised(raw: str, expected: str) -> None:
    assert normalise_registration_no(raw, 2026) == expected


@pytest.mark.parametrize("raw", ["", "202635010", "2026350100000123456789012",
                                 "1986350100000123", "2027350100000123", "2026#350100000123",
                                 "技术合同2026350100000123"])
def test_implausible_registration_numbers_are_rejected(raw: str) -> None:
    with pytest.raises(InvalidRegistrationNo):
        normalise_registration_no(raw, 2026)


@pytest.mark.parametrize(("invoice", "counted"), [
    ("发票 No.123 合同登记号 2026-3501-0000-0123", True),
    ("货款：工业视觉检测 技术开发合同（首期）", True),
    ("工业视觉检测技术开发合同", True),
    ("货款", False),
    ("2026350100000999", False),
])
def test_an_invoice_names_its_contract_by_number_or_name(invoice: str, counted: bool) -> None:
    assert invoice_names_contract(invoice, "工业视觉检测技术开发合同", "2026350100000123") is counted
