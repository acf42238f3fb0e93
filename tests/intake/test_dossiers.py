"""Confidential dossiers: no content without the owner's grant AND the accepted current terms;
revocation and new terms take effect at once; every read is logged and shown to the owner; the
matcher never carries dossier text."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.models import AuditEntry
from backend.intake.models import AccessStatus, DossierAccess, NdaAcceptance
from backend.listings.models import Demand, Visibility
from backend.matches import documents
from tests.builders import accounts as b
from tests.builders import intake as ib
from tests.builders import listings as lb

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _h(db: Session, user: User) -> dict[str, str]:
    return b.login_as(db, user).headers


def _grant(client: TestClient, db: Session, owner: User, dossier_id: int, user: User) -> None:
    r = client.post(f"/api/v1/dossiers/{dossier_id}/access/{user.id}/grant",
                    headers=_h(db, owner))
    assert r.status_code == 200, r.text


def _accept(client: TestClient, db: Session, user: User, dossier_id: int, version: int = 1
            ) -> int:
    return client.post(f"/api/v1/dossiers/{dossier_id}/terms/accept", json={"version": version},
                       headers=_h(db, user)).status_code


def test_no_dossier_without_a_grant_and_accepted_terms(client: TestClient, db: Session) -> None:
    firm, institute = b.make_firm_user(db), b.make_institute_user(db)
    demand_id, dossier = ib.demand_with_dossier(db, firm)
    url = f"/api/v1/dossiers/{dossier.id}"

    status = client.get(f"/api/v1/demands/{demand_id}/dossier", headers=_h(db, institute)).json()
    assert status == {"dossier_id": dossier.id, "demand_id": demand_id, "owner": False,
                      "financing_request_id": None, "challenge_id": None, "reviewer": False,
                      "access": None, "terms_version": 1, "terms_accepted": False,
                      "can_view": False}
    r = client.get(url, headers=_h(db, institute))
    assert (r.status_code, r.json()["reason"]) == (403, "access_required")
    assert ib.SECRET not in r.text

    # accepting the terms alone is not enough
    assert _accept(client, db, institute, dossier.id) == 200
    assert client.get(url, headers=_h(db, institute)).json()["reason"] == "access_required"

    asked = client.post(f"{url}/access-requests", json={"message": "评估合作"},
                        headers=_h(db, institute))
    assert (asked.status_code, asked.json()["access"]) == (201, "requested")
    assert client.get(url, headers=_h(db, institute)).status_code == 403

    _grant(client, db, firm, dossier.id, institute)
    r = client.get(url, headers=_h(db, institute))
    assert r.status_code == 200, r.text
    assert (r.json()["details"], r.json()["budget"]) == (ib.SECRET, "500000.00")


def test_a_grant_without_accepted_terms_shows_nothing(client: TestClient, db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    _, dossier = ib.demand_with_dossier(db, firm)
    _grant(client, db, firm, dossier.id, broker)
    r = client.get(f"/api/v1/dossiers/{dossier.id}", headers=_h(db, broker))
    assert (r.status_code, r.json()["reason"], r.json()["terms_version"]) == (
        403, "terms_required", 1)
    assert ib.SECRET not in r.text


def test_revocation_takes_effect_at_once(client: TestClient, db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    _, dossier = ib.demand_with_dossier(db, firm)
    _grant(client, db, firm, dossier.id, broker)
    assert _accept(client, db, broker, dossier.id) == 200
    url = f"/api/v1/dossiers/{dossier.id}"
    headers = _h(db, broker)  # the same login, before and after
    assert client.get(url, headers=headers).status_code == 200
    r = client.post(f"{url}/access/{broker.id}/revoke", headers=_h(db, firm))
    assert r.json()["status"] == "revoked"
    again = client.get(url, headers=headers)
    assert (again.status_code, again.json()["reason"]) == (403, "access_required")
    file_id = client.post(f"{url}/files", files={"file": ("图纸.pdf", PDF, "application/pdf")},
                          headers=_h(db, firm)).json()["id"]
    assert client.get(f"{url}/files/{file_id}", headers=headers).status_code == 403


def test_new_terms_must_be_accepted_again(client: TestClient, db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    _, dossier = ib.demand_with_dossier(db, firm)
    _grant(client, db, firm, dossier.id, broker)
    assert _accept(client, db, broker, dossier.id) == 200
    url = f"/api/v1/dossiers/{dossier.id}"
    assert client.get(url, headers=_h(db, broker)).status_code == 200

    text = "本企业保密协议第二版：资料仅用于评估合作，三年内不得向任何第三方披露。"
    published = client.post("/api/v1/nda-terms", json={"text": text}, headers=_h(db, firm))
    assert (published.status_code, published.json()["version"]) == (201, 2)
    r = client.get(url, headers=_h(db, broker))
    assert (r.status_code, r.json()["reason"], r.json()["terms_version"]) == (
        403, "terms_required", 2)
    assert client.get(f"{url}/terms", headers=_h(db, broker)).json()["text"] == text
    # accepting a version one did not read is refused
    assert _accept(client, db, broker, dossier.id, version=1) == 409
    assert _accept(client, db, broker, dossier.id, version=2) == 200
    assert client.get(url, headers=_h(db, broker)).status_code == 200
    versions = db.execute(select(NdaAcceptance.terms_id).where(
        NdaAcceptance.user_id == broker.id)).scalars().all()
    assert len(versions) == 2
    accepted = db.execute(select(AuditEntry.after).where(AuditEntry.action == "nda_terms.accept")
                          .order_by(AuditEntry.seq)).scalars().all()
    assert [(a or {})["version"] for a in accepted] == [1, 2]


def test_every_view_is_logged_and_shown_to_the_owner(client: TestClient, db: Session) -> None:
    firm, institute, admin = b.make_firm_user(db), b.make_institute_user(db), b.make_admin(db)
    _, dossier = ib.demand_with_dossier(db, firm)
    url = f"/api/v1/dossiers/{dossier.id}"
    file_id = client.post(f"{url}/files", files={"file": ("图纸.pdf", PDF, "application/pdf")},
                          headers=_h(db, firm)).json()["id"]
    _grant(client, db, firm, dossier.id, institute)
    _accept(client, db, institute, dossier.id)
    client.get(url, headers=_h(db, institute))
    client.get(url, headers=_h(db, institute))
    assert client.get(f"{url}/files/{file_id}", headers=_h(db, institute)).content == PDF
    client.get(url, headers=_h(db, firm))  # the owner's own reads are not disclosures

    log = client.get(f"{url}/views", headers=_h(db, firm)).json()
    assert [(v["user_id"], v["file_id"]) for v in log] == [
        (institute.id, file_id), (institute.id, None), (institute.id, None)]
    assert client.get(f"{url}/views", headers=_h(db, admin)).status_code == 200
    assert client.get(f"{url}/views", headers=_h(db, institute)).status_code == 403
    access = client.get(f"{url}/access", headers=_h(db, firm)).json()
    assert [(a["user_id"], a["status"], a["accepted_version"]) for a in access] == [
        (institute.id, "granted", 1)]


def test_administrators_oversee_but_do_not_read(client: TestClient, db: Session) -> None:
    firm, admin = b.make_firm_user(db), b.make_admin(db)
    _, dossier = ib.demand_with_dossier(db, firm)
    r = client.get(f"/api/v1/dossiers/{dossier.id}", headers=_h(db, admin))
    assert r.status_code == 403 and ib.SECRET not in r.text


def test_those_who_cannot_see_the_demand_do_not_learn_of_the_dossier(client: TestClient,
                                                                     db: Session) -> None:
    firm, broker, spare = b.make_firm_user(db), b.make_broker(db), b.make_broker(db)
    demand_id, dossier = ib.demand_with_dossier(db, firm, visibility=Visibility.PRIVATE)
    h = _h(db, broker)
    assert client.get(f"/api/v1/demands/{demand_id}/dossier", headers=h).status_code == 404
    assert client.get(f"/api/v1/dossiers/{dossier.id}", headers=h).status_code == 404
    assert client.post(f"/api/v1/dossiers/{dossier.id}/access-requests", json={},
                       headers=h).status_code == 404
    # nor can the owner grant access to someone who cannot see the demand
    r = client.post(f"/api/v1/dossiers/{dossier.id}/access/{spare.id}/grant",
                    headers=_h(db, firm))
    assert r.status_code == 422
    assert db.execute(select(DossierAccess)).first() is None


def test_the_drafting_broker_writes_it_with_the_firm_and_keeps_a_grant_after_approval(
        client: TestClient, db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    draft = ib.draft(db, ib.accepted(db, firm, broker), broker)
    r = client.put(f"/api/v1/demand-drafts/{draft.id}/dossier",
                   json={"details": ib.SECRET, "volumes": "年需求2万件", "budget": "500000"},
                   headers=_h(db, broker))
    assert r.status_code == 200, r.text
    dossier_id = r.json()["id"]
    assert client.get(f"/api/v1/dossiers/{dossier_id}", headers=_h(db, broker)
                      ).json()["details"] == ib.SECRET
    assert client.get(f"/api/v1/dossiers/{dossier_id}", headers=_h(db, firm)
                      ).status_code == 200
    assert client.get(f"/api/v1/dossiers/{dossier_id}", headers=_h(db, b.make_broker(db))
                      ).status_code == 404

    client.post(f"/api/v1/demand-drafts/{draft.id}/submit", headers=_h(db, broker))
    approved = client.post(f"/api/v1/demand-drafts/{draft.id}/approve", headers=_h(db, firm))
    demand_id = approved.json()["id"]
    status = client.get(f"/api/v1/demands/{demand_id}/dossier", headers=_h(db, broker)).json()
    assert (status["dossier_id"], status["access"], status["can_view"]) == (
        dossier_id, "granted", False)
    assert _accept(client, db, broker, dossier_id) == 200
    assert client.get(f"/api/v1/dossiers/{dossier_id}", headers=_h(db, broker)
                      ).status_code == 200
    row = db.execute(select(DossierAccess).where(DossierAccess.user_id == broker.id)
                     ).scalar_one()
    assert (row.status, row.decided_by_id) == (AccessStatus.GRANTED, firm.id)


def test_the_matcher_never_sees_dossier_text(client: TestClient, db: Session) -> None:
    """Dossiers are not indexed: a demand's document is built from its own fields only, so no
    ranking, reason or preview can carry dossier text, whatever the viewer may see."""
    firm = b.make_firm_user(db)
    demand_id, _ = ib.demand_with_dossier(db, firm, details="绝密词汇XQZ-SECRET-锆钛酸铅配比")
    row = db.get(Demand, demand_id)
    assert row is not None
    assert "XQZ-SECRET" not in documents.demand_text(row)
    assert "XQZ-SECRET" not in documents.demand_document(row, "equipment.robotics").text
    r = client.post("/api/v1/matches/preview", json={"text": "XQZ-SECRET 锆钛酸铅配比"},
                    headers=_h(db, b.make_broker(db)))
    assert r.status_code == 200 and "XQZ-SECRET-锆钛酸铅配比" not in r.text


def test_the_owner_lists_its_dossiers_with_their_counts(client: TestClient, db: Session) -> None:
    firm, institute, broker = b.make_firm_user(db), b.make_institute_user(db), b.make_broker(db)
    demand_id, dossier = ib.demand_with_dossier(db, firm, title="焊接工艺保密资料需求")
    ib.demand_with_dossier(db, b.make_firm_user(db))  # another firm's
    client.post(f"/api/v1/dossiers/{dossier.id}/access-requests", json={},
                headers=_h(db, institute))
    _grant(client, db, firm, dossier.id, broker)
    _accept(client, db, broker, dossier.id)
    client.get(f"/api/v1/dossiers/{dossier.id}", headers=_h(db, broker))
    listed = client.get("/api/v1/dossiers", headers=_h(db, firm)).json()
    assert [(x["id"], x["demand_id"], x["financing_request_id"], x["title"], x["requested"],
             x["granted"], x["views"]) for x in listed] == [
        (dossier.id, demand_id, None, "焊接工艺保密资料需求", 1, 1, 1)]
    assert client.get("/api/v1/dossiers", headers=_h(db, b.make_admin(db))).json() == []


def test_a_demand_says_whether_it_has_a_dossier_to_a_signed_in_reader(client: TestClient,
                                                                       db: Session) -> None:
    """The demand page asks for the dossier's status only when there is one (no 404 logged
    in the browser on every other demand)."""
    firm, institute = b.make_firm_user(db), b.make_institute_user(db)
    with_dossier, _ = ib.demand_with_dossier(db, firm)
    without = lb.make_demand(db, firm).id
    h = _h(db, institute)
    assert client.get(f"/api/v1/demands/{with_dossier}", headers=h).json()["has_dossier"] is True
    assert client.get(f"/api/v1/demands/{without}", headers=h).json()["has_dossier"] is False
    assert client.get(f"/api/v1/demands/{with_dossier}").json()["has_dossier"] is False
    listed = client.get("/api/v1/demands", headers=h).json()["items"]
    assert {d["id"]: d["has_dossier"] for d in listed} == {with_dossier: False, without: False}
