"""Who may read, change and verify an organisation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, Person, VerificationStatus
from backend.audit.models import AuditEntry
from tests.builders import accounts as b


def test_members_read_their_own_organisation_with_personal_data_masked(
        client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    org_id = firm.user.organisation_id
    r = client.get(f"/api/v1/organisations/{org_id}", headers=firm.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["legal_representative_id"][6:14] == "********"
    assert body["bank_account"].startswith("****")


def test_admin_sees_resident_ids_masked_and_in_full_only_by_an_audited_request(
        client: TestClient, db: Session) -> None:
    user = b.make_firm_user(db)
    org = db.get(Organisation, user.organisation_id)
    assert org is not None
    legal_rep = db.get(Person, org.legal_rep_id)
    assert legal_rep is not None
    full = legal_rep.id_number
    admin = b.login_as(db, b.make_admin(db))
    r = client.get(f"/api/v1/organisations/{org.id}", headers=admin.headers)
    assert r.status_code == 200
    assert r.json()["legal_representative_id"] == full[:6] + "********" + full[-4:]
    assert full not in r.text
    assert r.json()["credit_code"] == org.credit_code
    assert db.execute(select(AuditEntry).where(
        AuditEntry.action == "organisation.reveal_identity")).first() is None

    r = client.post(f"/api/v1/organisations/{org.id}/identity", headers=admin.headers)
    assert r.status_code == 200
    assert r.json() == {"organisation_id": org.id, "people": [
        {"role": "legal_representative", "name": legal_rep.name, "id_number": full}]}
    entry = db.execute(select(AuditEntry).where(
        AuditEntry.action == "organisation.reveal_identity")).scalar_one()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        admin.user.id, "organisation", str(org.id))
    assert entry.after == {"people": 1}
    assert full not in str(entry.after)


def test_only_administrators_may_reveal_resident_ids(client: TestClient, db: Session) -> None:
    member = b.login_as(db, b.make_firm_user(db))
    url = f"/api/v1/organisations/{member.user.organisation_id}/identity"
    assert client.post(url, headers=member.headers).status_code == 403
    assert client.post(url, headers=b.login_as(db, b.make_broker(db)).headers).status_code == 403
    assert client.post(url).status_code == 401
    assert client.post("/api/v1/organisations/999999/identity",
                       headers=b.login_as(db, b.make_admin(db)).headers).status_code == 404


def test_another_organisation_is_not_found_not_forbidden(client: TestClient, db: Session) -> None:
    mine = b.login_as(db, b.make_firm_user(db))
    other = b.make_firm_user(db)
    institute = b.login_as(db, b.make_institute_user(db))
    broker = b.login_as(db, b.make_broker(db))
    for who in (mine, institute, broker):
        r = client.get(f"/api/v1/organisations/{other.organisation_id}", headers=who.headers)
        assert r.status_code == 404
        assert "credit_code" not in r.text
        r = client.patch(f"/api/v1/organisations/{other.organisation_id}",
                         json={"region": "厦门市"}, headers=who.headers)
        assert r.status_code in (403, 404)
    assert db.get(Organisation, other.organisation_id).region == "福州市"  # type: ignore[union-attr]


def test_missing_organisation_is_404_for_admin(client: TestClient, db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    assert client.get("/api/v1/organisations/999999", headers=admin.headers).status_code == 404


def test_anonymous_is_401(client: TestClient, db: Session) -> None:
    user = b.make_firm_user(db)
    assert client.get(f"/api/v1/organisations/{user.organisation_id}").status_code == 401
    assert client.get("/api/v1/organisations").status_code == 401


def test_editing_identity_sends_a_verified_organisation_back_for_review(
        client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    org_id = firm.user.organisation_id
    r = client.patch(f"/api/v1/organisations/{org_id}", json={"region": "厦门市"},
                     headers=firm.headers)
    assert r.status_code == 200
    assert r.json()["verification_status"] == "verified"
    r = client.patch(f"/api/v1/organisations/{org_id}",
                     json={"registered_address": "福建省厦门市思明区新地址1号"},
                     headers=firm.headers)
    assert r.status_code == 200
    assert r.json()["verification_status"] == "pending"
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "organisation.update")
                       .order_by(AuditEntry.seq.desc())).scalars().first()
    assert entry is not None
    assert entry.after["registered_address"]["text"] == "福建省厦门市思明区新地址1号"
    assert (entry.before["registered_address"]["identifier_id"]
            != entry.after["registered_address"]["identifier_id"])


def test_only_admins_verify_and_a_rejection_needs_a_reason(client: TestClient, db: Session) -> None:
    user = b.make_firm_user(db, verified=False)
    firm = b.login_as(db, user)
    admin = b.login_as(db, b.make_admin(db))
    url = f"/api/v1/organisations/{user.organisation_id}/verification"
    assert client.post(url, json={"status": "verified"}, headers=firm.headers).status_code == 403
    r = client.post(url, json={"status": "rejected"}, headers=admin.headers)
    assert r.status_code == 422
    r = client.post(url, json={"status": "verified", "note": "营业执照核验通过"},
                    headers=admin.headers)
    assert r.status_code == 200
    assert r.json()["verification_status"] == "verified"
    org = db.get(Organisation, user.organisation_id)
    assert org is not None and org.verification_status == VerificationStatus.VERIFIED
    assert org.verified_by_id == admin.user.id


def test_admin_verification_queue_lists_pending(client: TestClient, db: Session) -> None:
    b.make_firm_user(db, verified=False)
    b.make_firm_user(db, verified=True)
    admin = b.login_as(db, b.make_admin(db))
    r = client.get("/api/v1/organisations", params={"status": "pending"}, headers=admin.headers)
    assert r.status_code == 200
    assert r.json()["total"] == 1


def test_broker_verification(client: TestClient, db: Session) -> None:
    broker_user = b.make_broker(db, verified=False)
    broker = b.login_as(db, broker_user)
    other = b.login_as(db, b.make_broker(db))
    admin = b.login_as(db, b.make_admin(db))
    assert client.get(f"/api/v1/brokers/{broker_user.id}", headers=broker.headers).status_code == 200
    assert client.get(f"/api/v1/brokers/{broker_user.id}", headers=other.headers).status_code == 404
    r = client.get("/api/v1/brokers", params={"status": "pending"}, headers=admin.headers)
    assert [x["user_id"] for x in r.json()["items"]] == [broker_user.id]
    url = f"/api/v1/brokers/{broker_user.id}/verification"
    assert client.post(url, json={"status": "verified"}, headers=broker.headers).status_code == 403
    r = client.post(url, json={"status": "verified"}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["verification_status"] == "verified"
