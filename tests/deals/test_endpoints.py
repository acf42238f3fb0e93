"""Every deal endpoint: anonymous → 401; someone outside the deal → 404 (or 403 when their
role may never do it), and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.deals.models import Stage
from tests.builders import accounts as b
from tests.builders import deals as d

# (method, path under the deal, json body, roles that may call it at all)
BROKER, PARTY, ANY = "broker", "party", "any"
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("GET", "", None, ANY),
    ("GET", "/timeline", None, ANY),
    ("GET", "/files", None, ANY),
    ("GET", "/files/1", None, ANY),
    ("POST", "/accept", None, PARTY),
    ("POST", "/decline", {"reason": "x"}, PARTY),
    ("POST", "/transitions", {"to_stage": "cancelled", "reason": "x"}, BROKER),
    ("POST", "/brokers", {"broker_id": 1, "shares": {"1": "100"}}, BROKER),
    ("DELETE", "/brokers/1/invitation", None, BROKER),
    ("POST", "/invitation/accept", None, BROKER),
    ("POST", "/invitation/decline", None, BROKER),
    ("PUT", "/shares", {"shares": {"1": "100"}}, BROKER),
    ("POST", "/shares/accept", None, BROKER),
    ("POST", "/shares/decline", None, BROKER),
    ("PUT", "/contract", {"name": "合同", "type": "service", "amount": "1.00",
                          "signed_on": "2026-01-02", "buyer_org_id": 1, "seller_org_id": 2},
     BROKER),
    ("POST", "/contract/registration", {"registration_no": "2026350100000001",
                                        "registered_on": "2026-01-03",
                                        "technology_amount": "1.00"}, BROKER),
    ("POST", "/payments", {"paid_on": "2026-01-04", "amount": "1.00", "bank_reference": "B",
                           "invoice_reference": "I", "invoice_no": "N",
                           "payer_account": "6222020200112233445",
                           "payee_account": "6222020200998877665", "evidence_file_id": 1},
     BROKER),
    ("POST", "/notes", {"text": "x"}, BROKER),
]
IDS = [f"{m} {p or '/'}" for m, p, _, _ in ENDPOINTS]


def _call(client: TestClient, method: str, url: str, body: dict[str, Any] | None,
          headers: dict[str, str] | None = None) -> int:
    return client.request(method, url, json=body, headers=headers).status_code


@pytest.mark.parametrize(("method", "path", "body", "who"), ENDPOINTS, ids=IDS)
def test_anonymous_is_401(client: TestClient, db: Session, method: str, path: str,
                          body: dict[str, Any] | None, who: str) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    assert _call(client, method, f"/api/v1/deals/{w.id}{path}", body) == 401


def test_anonymous_cannot_open_or_list(client: TestClient, db: Session) -> None:
    assert client.post("/api/v1/deals", json={"demand_id": 1, "achievement_id": 1}
                       ).status_code == 401
    assert client.get("/api/v1/deals").status_code == 401


@pytest.mark.parametrize(("method", "path", "body", "who"), ENDPOINTS, ids=IDS)
def test_outsiders_get_404_or_403_and_change_nothing(client: TestClient, db: Session,
                                                     method: str, path: str,
                                                     body: dict[str, Any] | None,
                                                     who: str) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    entries = db.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    outsiders = {"broker": b.make_broker(db), "firm": b.make_firm_user(db),
                 "institute": b.make_institute_user(db)}
    for kind, user in outsiders.items():
        allowed = who == ANY or (who == BROKER) == (kind == "broker")
        status = _call(client, method, f"/api/v1/deals/{w.id}{path}", body,
                       b.login_as(db, user).headers)
        assert status == (404 if allowed else 403), kind
    db.expire_all()
    assert db.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == entries
    assert d.reload(db, w.id).stage == Stage.SIGNED


def test_a_missing_deal_is_404_for_an_admin(client: TestClient, db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    assert client.get("/api/v1/deals/999999", headers=admin.headers).status_code == 404
    assert client.get("/api/v1/deals/999999/timeline", headers=admin.headers).status_code == 404
