"""Registry reconciliation: the registration office's export against the declared contracts."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.deals import registry
from backend.deals.models import Contract, RegistryStatus, Stage
from backend.rewards.models import ClawBack
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import rewards as r


def _contract(db: Session, w: d.World) -> Contract:
    db.expire_all()
    return db.execute(select(Contract).where(Contract.deal_id == w.id)).scalar_one()


def _row(db: Session, w: d.World, **changes: object) -> tuple[str, str, str, str, D, date, str]:
    c = _contract(db, w)
    codes = registry.credit_codes(db, [c.buyer_org_id, c.seller_org_id])
    row: dict[str, object] = {"no": c.registration_no, "buyer": codes[c.buyer_org_id],
                              "seller": codes[c.seller_org_id], "type": "技术开发",
                              "amount": c.amount, "day": c.registered_on, "state": "有效"}
    row.update(changes)
    return (str(row["no"]), str(row["buyer"]), str(row["seller"]), str(row["type"]),
            row["amount"], row["day"], str(row["state"]))  # type: ignore[return-value]


def _upload(client: TestClient, headers: dict[str, str], content: bytes,
            name: str = "登记数据.csv") -> dict[str, object]:
    r_ = client.post("/api/v1/registry/imports", headers=headers,
                     files={"file": (name, content, "application/octet-stream")})
    assert r_.status_code == 201, r_.text
    body: dict[str, object] = r_.json()
    return body


def test_matched_contracts_are_verified_and_every_mismatch_is_named(client: TestClient,
                                                                    db: Session) -> None:
    ok, other_amount, other_parties, other_date = (d.deal_at(db, Stage.REGISTERED)
                                                   for _ in range(4))
    for w in (ok, other_amount, other_parties, other_date):
        assert _contract(db, w).registry_status == RegistryStatus.VERIFIED  # the builder's
    stranger = b.new_credit_code()
    content = d.registry_csv([
        _row(db, ok),
        _row(db, other_amount, amount=D("3000000.00")),
        _row(db, other_parties, buyer=stranger),
        _row(db, other_date, day=d.days_ago(400)),
    ])
    admin = b.login_as(db, b.make_admin(db)).headers
    body = _upload(client, admin, content)
    assert body["matched"] == 1
    named = {m["deal_id"]: m["registry_issues"] for m in body["mismatched"]}  # type: ignore[attr-defined]
    assert named == {other_amount.id: ["amount"], other_parties.id: ["parties"],
                     other_date.id: ["date"]}
    listed = client.get("/api/v1/registry/contracts", headers=admin).json()
    assert {i["deal_id"] for i in listed["items"]} == set(named)
    assert _contract(db, ok).registry_status == RegistryStatus.VERIFIED
    assert _contract(db, other_amount).registry_status == RegistryStatus.MISMATCH


def test_a_number_the_registry_never_named_is_unchecked_and_cannot_be_claimed(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    d.register(db, w, in_registry=False)
    d.pay(db, w, d.AMOUNT)
    r.backdate_deal(db, w.id)
    assert _contract(db, w).registry_status == RegistryStatus.UNCHECKED
    r.verified_payee(db, w.lead.id)
    refused = client.post("/api/v1/claims", headers=b.login_as(db, w.lead).headers,
                          json={"deal_id": w.id})
    assert refused.status_code == 409 and refused.json()["reason"] == "registry_unverified"
    assert refused.json()["registry_status"] == "unchecked"


def test_a_grace_period_lets_a_claim_wait_for_the_export(client: TestClient,
                                                         db: Session) -> None:
    admins = r.admins(db)
    policy = r.policy(db, admins.a, key="grace", effective_from=date(2020, 1, 1))
    policy.registry_grace_days = 30
    db.flush()
    w = d.deal_at(db, Stage.SIGNED)
    d.register(db, w, in_registry=False)  # registered 10 days ago
    d.pay(db, w, d.AMOUNT)
    r.backdate_deal(db, w.id)
    claim = r.claim(db, w)
    assert claim.policy_id == policy.id
    a = b.login_as(db, admins.a).headers
    assert client.post(f"/api/v1/claims/{claim.id}/review", headers=a).status_code == 200
    assert client.post(f"/api/v1/claims/{claim.id}/approve", headers=a).status_code == 200


def test_a_cancelled_registration_claws_back_a_paid_reward(client: TestClient,
                                                           db: Session) -> None:
    admins = r.admins(db)
    w = r.paid_world(db)
    claim = r.claim(db, w)
    r.paid(db, claim.id, admins.a, admins.b)
    content = d.registry_csv([_row(db, w, state="撤销")])
    body = _upload(client, b.login_as(db, admins.a).headers, content)
    assert body["matched"] == 0
    assert [m["registry_issues"] for m in body["mismatched"]] == [["cancelled"]]  # type: ignore[attr-defined]
    db.expire_all()
    [back] = db.execute(select(ClawBack).where(ClawBack.claim_id == claim.id)).scalars().all()
    assert (back.kind, back.status, back.amount) == ("recompute", "pending_review", D("4500.00"))


def test_an_xlsx_export_is_read_too_and_bad_rows_are_all_named(client: TestClient,
                                                               db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["技术合同登记号", "买方信用代码", "卖方信用代码", "合同类型", "交易额度",
                  "登记日期"])
    row = _row(db, w)
    sheet.append([row[0], row[1], row[2], "技术开发", float(row[4]), row[5]])
    buffer = io.BytesIO()
    book.save(buffer)
    admin = b.login_as(db, b.make_admin(db)).headers
    # "交易额度" is not a heading we know: the file is refused, naming the column
    refused = client.post("/api/v1/registry/imports", headers=admin,
                          files={"file": ("登记.xlsx", buffer.getvalue(), "application/octet-stream")})
    assert refused.status_code == 422 and "amount" in refused.json()["detail"]
    sheet.cell(row=1, column=5, value="成交金额（元）")
    buffer = io.BytesIO()
    book.save(buffer)
    assert _upload(client, admin, buffer.getvalue(), "登记.xlsx")["matched"] == 1

    bad = d.registry_csv([("12", "X", "Y", "卖菜", D("-1"), date(2026, 1, 1), "存疑")])
    refused = client.post("/api/v1/registry/imports", headers=admin,
                          files={"file": ("登记.csv", bad, "text/csv")})
    assert refused.status_code == 422
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields == ["row 2: registration_no", "row 2: buyer_credit_code",
                      "row 2: seller_credit_code", "row 2: contract_type", "row 2: amount",
                      "row 2: status"]
