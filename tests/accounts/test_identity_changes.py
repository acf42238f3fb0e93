"""A change to who an organisation is: audited with its real values before and after, and — for
a verified organisation — back to review, whichever identity field it is (the phone and the
e-mail domain too: the related-party rules compare them)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Identifier, Organisation, VerificationStatus
from backend.audit.models import AuditEntry
from tests.builders import accounts as b


def _updates(db: Session, org_id: int) -> list[AuditEntry]:
    return list(db.execute(select(AuditEntry).where(
        AuditEntry.action == "organisation.update", AuditEntry.object_id == str(org_id))
        .order_by(AuditEntry.seq)).scalars())


def _patch(client: TestClient, login: b.Login, body: dict[str, Any]) -> dict[str, Any]:
    r = client.patch(f"/api/v1/organisations/{login.user.organisation_id}", json=body,
                     headers=login.headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_a_bank_name_change_is_recorded_with_its_real_before_and_after(
        client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    out = _patch(client, firm, {"bank_name": "中国银行福州分行"})
    assert out["bank_name"] == "中国银行福州分行"
    [entry] = _updates(db, out["id"])
    assert entry.before == {"bank_name": "中国工商银行福州分行", "verification_status": "verified"}
    assert entry.after == {"bank_name": "中国银行福州分行", "verification_status": "pending"}


@pytest.mark.parametrize(("field", "value", "after"), [
    ("phone", "0591-66668888", "059166668888"),
    ("email_domain", "@New-Domain.example.cn", "new-domain.example.cn"),
])
def test_a_new_phone_or_e_mail_domain_sends_a_verified_firm_back_to_review(
        client: TestClient, db: Session, field: str, value: str, after: str) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    org = db.get(Organisation, firm.user.organisation_id)
    assert org is not None
    old_id = org.phone_id if field == "phone" else org.email_domain_id
    out = _patch(client, firm, {field: value})
    assert out["verification_status"] == "pending"
    assert out[field] == after
    [entry] = _updates(db, out["id"])
    assert sorted(entry.after) == [field, "verification_status"]
    assert entry.before[field]["identifier_id"] == old_id
    assert entry.after[field]["value"] == after
    assert entry.after[field]["identifier_id"] != old_id
    assert entry.before[field]["value"] != after


def test_the_same_phone_written_another_way_is_no_change(client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    org_id = firm.user.organisation_id
    phone = db.execute(select(Identifier.value).join(
        Organisation, Organisation.phone_id == Identifier.id).where(Organisation.id == org_id)
    ).scalar_one()
    out = _patch(client, firm, {"phone": f"({phone[:4]}) {phone[4:]}"})
    assert out["verification_status"] == "verified"
    assert _updates(db, out["id"]) == []


def test_shareholders_and_officers_are_compared_by_who_and_how_much(
        client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    wang, li = b.person("王五"), b.person("李四")
    holders = [{"name": "王五", "id_number": wang.id_number, "percent": "60"},
               {"name": "李四", "id_number": li.id_number, "percent": "40"}]
    _patch(client, firm, {"shareholders": holders,
                          "officers": [{"name": "王五", "id_number": wang.id_number,
                                        "position": "director"}]})
    org = db.get(Organisation, firm.user.organisation_id)
    assert org is not None
    org.verification_status = VerificationStatus.VERIFIED
    db.flush()
    count = len(_updates(db, org.id))
    # The same holders in another order: nothing changed.
    out = _patch(client, firm, {"shareholders": holders[::-1]})
    assert out["verification_status"] == "verified" and len(_updates(db, org.id)) == count
    # A new split: recorded holder by holder, and back to review.
    out = _patch(client, firm, {"shareholders": [{**holders[0], "percent": "70"},
                                                 {**holders[1], "percent": "30"}]})
    assert out["verification_status"] == "pending"
    entry = _updates(db, org.id)[-1]
    assert sorted(entry.after) == ["shareholders", "verification_status"]
    assert [(h["name"], h["percent"]) for h in entry.before["shareholders"]] == [
        ("李四", "40.0000"), ("王五", "60.0000")]
    assert [(h["name"], h["percent"]) for h in entry.after["shareholders"]] == [
        ("李四", "30.0000"), ("王五", "70.0000")]


def test_a_region_change_is_audited_but_not_an_identity_change(client: TestClient,
                                                               db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    out = _patch(client, firm, {"region": "厦门市"})
    assert out["verification_status"] == "verified"
    [entry] = _updates(db, out["id"])
    assert (entry.before, entry.after) == ({"region": "福州市"}, {"region": "厦门市"})
