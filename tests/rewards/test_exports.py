"""Exports open in openpyxl (and as CSV) and say what the database says; statistics add up."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.audit.models import AuditEntry
from backend.core import clock
from backend.core.clock import CHINA_TZ
from backend.core.tabular import csv_value
from backend.integrity import review as flag_review
from backend.integrity.models import IntegrityFlag
from backend.rewards import clawbacks, payouts
from backend.rewards.models import RewardClaim
from tests.builders import accounts as b
from tests.builders import rewards as r

D = Decimal


def xlsx(client: TestClient, path: str, headers: dict[str, str], **params: Any
         ) -> list[tuple[Any, ...]]:
    response = client.get(path, headers=headers, params={"format": "xlsx", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(client: TestClient, path: str, headers: dict[str, str], **params: Any
             ) -> list[list[str]]:
    response = client.get(path, headers=headers, params={"format": "csv", **params})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 by its BOM
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def money(value: Any) -> Decimal:
    return D(str(value)).quantize(D("0.01"))


def _market(db: Session) -> dict[str, RewardClaim]:
    """Four claims: paid, approved in a batch, submitted in another region, clawed back."""
    admins = r.admins(db)
    paid = r.claim(db, r.paid_world(db, amount=D("800000.00")))
    r.paid(db, paid.id, admins.a, admins.b)
    approved = r.claim(db, r.paid_world(db, amount=D("2500000.00")))
    r.approved(db, approved.id, admins.a)
    payouts.create_batch(db, r.actor(admins.a), [approved.id], "第一批")
    elsewhere = r.paid_world(db, amount=D("1000000.00"))
    seller = db.get(Organisation, elsewhere.deal.achievement_org_id)
    assert seller is not None
    seller.region = "厦门市"
    db.flush()
    submitted = r.claim(db, elsewhere)
    clawed = r.claim(db, r.paid_world(db, amount=D("3000000.00")))
    r.paid(db, clawed.id, admins.a, admins.b)
    clawbacks.claw_back(db, r.actor(admins.a), clawed.id, "虚假申报")
    db.flush()
    return {"paid": paid, "approved": approved, "submitted": submitted, "clawed": clawed}


def test_claims_export_matches_the_database(client: TestClient, db: Session) -> None:
    claims = _market(db)
    headers = b.login_as(db, b.make_admin(db)).headers
    rows = xlsx(client, "/api/v1/exports/claims", headers)
    assert rows[0][0] == "申报编号 Claim" and len(rows[0]) == 22
    db.expire_all()
    stored = db.execute(select(RewardClaim).order_by(RewardClaim.id)).scalars().all()
    assert [row[0] for row in rows[1:]] == [c.id for c in stored]
    for row, claim in zip(rows[1:], stored, strict=True):
        assert (row[1], row[3], row[4], row[6]) == (claim.broker_id, claim.region,
                                                    claim.field_code, claim.registration_no)
        assert (money(row[9]), money(row[10]), money(row[12])) == (
            claim.contract_amount, claim.base_amount, claim.amount)
        assert row[13] == claim.status.value
        assert row[14] == claim.submitted_at.astimezone(CHINA_TZ).replace(
            tzinfo=None, microsecond=row[14].microsecond)
    assert [money(row[12]) for row in rows[1:]] == [
        D("12000.00"), D("30000.00"), D("15000.00"), D("35000.00")]

    as_csv = csv_rows(client, "/api/v1/exports/claims", headers)
    assert as_csv[0] == list(rows[0])
    assert [(line[0], line[12], line[13]) for line in as_csv[1:]] == [
        (str(c.id), str(c.amount), c.status.value) for c in stored]

    only_xiamen = xlsx(client, "/api/v1/exports/claims", headers, region="厦门市")
    assert [row[0] for row in only_xiamen[1:]] == [claims["submitted"].id]
    one_broker = xlsx(client, "/api/v1/exports/claims", headers,
                      broker_id=claims["paid"].broker_id)
    assert [row[0] for row in one_broker[1:]] == [claims["paid"].id]
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    assert xlsx(client, "/api/v1/exports/claims", headers, since=tomorrow)[1:] == []
    today = clock.today().isoformat()
    assert len(xlsx(client, "/api/v1/exports/claims", headers, since=today, until=today)) == 5


def test_payouts_clawbacks_flags_and_audit_exports(client: TestClient, db: Session) -> None:
    claims = _market(db)
    headers = b.login_as(db, b.make_admin(db)).headers
    batch_id = claims["approved"].payout_batch_id
    payout_rows = xlsx(client, f"/api/v1/exports/payouts/{batch_id}", headers)
    assert [(row[7], row[8], row[9], money(row[4]), row[6]) for row in payout_rows[1:]] == [
        (batch_id, "open", claims["approved"].id, D("30000.00"), "经纪人 broker")]
    assert client.get("/api/v1/exports/payouts/999999", headers=headers).status_code == 404
    assert len(xlsx(client, "/api/v1/exports/payouts", headers)) == 2

    clawed = xlsx(client, "/api/v1/exports/clawbacks", headers)
    assert [(row[1], money(row[5]), money(row[6]), row[7], row[9]) for row in clawed[1:]] == [
        (claims["clawed"].id, D("35000.00"), D("35000.00"), True, "due")]

    flag = IntegrityFlag(claim_id=claims["submitted"].id, rule="amount_outlier",
                         severity="warning", blocking=False, message_zh="=HYPERLINK(\"x\")",
                         message_en="far above", evidence={"amount": "1000000.00"},
                         fingerprint="f" * 64)
    db.add(flag)
    db.flush()
    flag_review.dismiss(db, r.actor(b.make_admin(db)), flag.id, "行业特点")
    flag_rows = xlsx(client, "/api/v1/exports/flags", headers)
    assert [(row[1], row[4], row[7], row[8], row[15]) for row in flag_rows[1:]] == [
        (claims["submitted"].id, "amount_outlier", "dismissed", "'=HYPERLINK(\"x\")", "行业特点")]
    assert xlsx(client, "/api/v1/exports/flags", headers, region="福州市")[1:] == []

    audit_rows = xlsx(client, "/api/v1/exports/audit", headers)
    entries = db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert [(row[0], row[4], row[11]) for row in audit_rows[1:]] == [
        (e.seq, e.action, e.hash) for e in entries]


def test_formula_text_is_defused_in_csv() -> None:
    assert csv_value("=1+1") == "'=1+1" and csv_value("-5") == "'-5"
    assert csv_value(D("-5.00")) == "-5.00"  # numbers stay numbers


def test_reward_statistics(client: TestClient, db: Session) -> None:
    claims = _market(db)
    headers = b.login_as(db, b.make_admin(db)).headers
    month = clock.today().strftime("%Y-%m")
    by_month = client.get("/api/v1/stats/rewards", headers=headers).json()
    assert by_month["rows"] == [{
        "key": month, "label": month, "claims": 4, "claimed": "92000.00",
        "approved": "77000.00", "paid": "47000.00", "clawed_back": "35000.00"}]
    by_region = client.get("/api/v1/stats/rewards", headers=headers,
                           params={"group_by": "region"}).json()
    assert [(row["key"], row["claims"], row["claimed"]) for row in by_region["rows"]] == [
        ("厦门市", 1, "15000.00"), ("福州市", 3, "77000.00")]
    by_broker = client.get("/api/v1/stats/rewards", headers=headers,
                           params={"group_by": "broker"}).json()
    assert len(by_broker["rows"]) == 4 and by_broker["total"]["paid"] == "47000.00"
    by_field = client.get("/api/v1/stats/rewards", headers=headers,
                          params={"group_by": "field"}).json()
    assert [row["key"] for row in by_field["rows"]] == ["electronics"]
    assert by_field["rows"][0]["label"] != "electronics"
    assert by_month["total"]["claims"] == len(claims)


@pytest.mark.parametrize("who", ["broker", "firm"])
def test_statistics_and_exports_are_for_administrators(client: TestClient, db: Session,
                                                       who: str) -> None:
    user = b.make_broker(db) if who == "broker" else b.make_firm_user(db)
    headers = b.login_as(db, user).headers
    assert client.get("/api/v1/stats/flags", headers=headers).status_code == 403
    assert client.get("/api/v1/exports/audit", headers=headers).status_code == 403


def test_flag_rates_per_rule(client: TestClient, db: Session) -> None:
    r.claim(db)
    flagged = r.claim(db)
    db.add(IntegrityFlag(claim_id=flagged.id, rule="round_trip", severity="warning",
                         blocking=False, message_zh="x", message_en="x", evidence={},
                         fingerprint="a" * 64))
    db.flush()
    headers = b.login_as(db, b.make_admin(db)).headers
    rates = client.get("/api/v1/stats/flags", headers=headers).json()
    assert rates["claims"] == 2
    by_rule = {row["rule"]: row for row in rates["rules"]}
    assert (by_rule["round_trip"]["flagged_claims"], by_rule["round_trip"]["rate"],
            by_rule["round_trip"]["open"]) == (1, "0.5000", 1)
    assert by_rule["related_party"]["flags"] == 0
