"""A financing request's dossier (保密资料): documents behind the owner's terms, as for demands.
The owner writes it; investors who may see the request ask for access, and read nothing before
the owner grants it and they accept the terms; a revocation or a withdrawal closes it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.models import AuditEntry
from backend.deals.models import Notification
from backend.intake.models import DossierView
from tests.builders import accounts as b
from tests.builders import capital as c
from tests.builders import listings as lb

REQUESTS = "/api/v1/financing-requests"
DOSSIERS = "/api/v1/dossiers"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BODY = {"details": "中试线工艺参数与良率数据（保密）", "volumes": "首期 3 条产线",
        "budget": "2500000.00"}


def h(db: Session, user: User) -> dict[str, str]:
    return b.login_as(db, user).headers


def _write(client: TestClient, db: Session, owner: User, rid: int) -> int:
    r = client.put(f"{REQUESTS}/{rid}/dossier", json=BODY, headers=h(db, owner))
    assert r.status_code == 200, r.text
    assert r.json()["financing_request_id"] == rid and r.json()["demand_id"] is None
    return int(r.json()["id"])


def _admit(client: TestClient, db: Session, owner: User, investor: User, did: int) -> None:
    r = client.post(f"{DOSSIERS}/{did}/access-requests", json={"message": "拟投资"},
                    headers=h(db, investor))
    assert r.status_code == 201, r.text
    r = client.post(f"{DOSSIERS}/{did}/access/{investor.id}/grant", headers=h(db, owner))
    assert r.status_code == 200, r.text
    version = client.get(f"{DOSSIERS}/{did}/terms", headers=h(db, investor)).json()["version"]
    r = client.post(f"{DOSSIERS}/{did}/terms/accept", json={"version": version},
                    headers=h(db, investor))
    assert r.status_code == 200, r.text


def test_the_owner_writes_it_and_nobody_else_may(client: TestClient, db: Session) -> None:
    firm, investor = b.make_firm_user(db), c.make_investor(db)
    rid = c.make_request(db, firm).id
    assert client.get(f"{REQUESTS}/{rid}", headers=h(db, investor)).json()["has_dossier"] is False
    did = _write(client, db, firm, rid)
    assert client.get(f"{REQUESTS}/{rid}", headers=h(db, investor)).json()["has_dossier"] is True
    r = client.get(f"{REQUESTS}/{rid}/dossier", headers=h(db, firm))
    assert r.json()["owner"] is True and r.json()["can_view"] is True
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, firm)).json()["details"] == BODY[
        "details"]
    assert client.put(f"{REQUESTS}/{rid}/dossier", json=BODY,
                      headers=h(db, investor)).status_code == 403
    assert client.put(f"{REQUESTS}/{rid}/dossier", json=BODY,
                      headers=h(db, b.make_firm_user(db))).status_code == 404
    assert client.post(f"{DOSSIERS}/{did}/files", files={"file": ("a.pdf", PDF, "application/pdf")},
                       headers=h(db, investor)).status_code == 403
    actions = set(db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "dossier", AuditEntry.object_id == str(did))).scalars())
    assert "dossier.create" in actions


def test_an_institute_owns_its_requests_dossier_and_grants_access(
        client: TestClient, db: Session) -> None:
    institute, investor = b.make_institute_user(db), c.make_investor(db)
    achievement = lb.make_achievement(db, institute)
    rid = c.make_request(db, institute, subject="achievement", achievement_id=achievement.id).id
    did = _write(client, db, institute, rid)
    _admit(client, db, institute, investor, did)
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, investor)).status_code == 200


def test_an_investor_outside_the_audience_learns_nothing(client: TestClient,
                                                         db: Session) -> None:
    firm, named, other = b.make_firm_user(db), c.make_investor(db), c.make_investor(db)
    rid = c.make_request(db, firm, audience="named",
                         named_investor_ids=[named.organisation_id]).id
    did = _write(client, db, firm, rid)
    assert client.get(f"{REQUESTS}/{rid}/dossier", headers=h(db, named)).status_code == 200
    for url in (f"{REQUESTS}/{rid}/dossier", f"{DOSSIERS}/{did}", f"{DOSSIERS}/{did}/terms"):
        assert client.get(url, headers=h(db, other)).status_code == 404, url
    assert client.post(f"{DOSSIERS}/{did}/access-requests", json={"message": ""},
                       headers=h(db, other)).status_code == 404
    # Nor may the owner grant it to them, nor to a firm or a broker.
    for target in (other, b.make_firm_user(db)):
        assert client.post(f"{DOSSIERS}/{did}/access/{target.id}/grant",
                           headers=h(db, firm)).status_code == 422


def test_nothing_before_the_grant_everything_after_and_revoke_closes(
        client: TestClient, db: Session) -> None:
    firm, investor = b.make_firm_user(db), c.make_investor(db)
    rid = c.make_request(db, firm).id
    did = _write(client, db, firm, rid)
    file_id = client.post(f"{DOSSIERS}/{did}/files",
                          files={"file": ("尽调.pdf", PDF, "application/pdf")},
                          headers=h(db, firm)).json()["id"]
    status = client.get(f"{REQUESTS}/{rid}/dossier", headers=h(db, investor)).json()
    assert status["can_view"] is False and status["access"] is None and "details" not in status
    r = client.get(f"{DOSSIERS}/{did}", headers=h(db, investor))
    assert r.status_code == 403 and r.json()["reason"] == "access_required"
    assert client.get(f"{DOSSIERS}/{did}/files/{file_id}", headers=h(db, investor)
                      ).status_code == 403
    assert client.get(f"{DOSSIERS}/{did}/access", headers=h(db, investor)).status_code == 403
    # Granted but terms not yet accepted: still nothing.
    client.post(f"{DOSSIERS}/{did}/access-requests", json={"message": ""}, headers=h(db, investor))
    client.post(f"{DOSSIERS}/{did}/access/{investor.id}/grant", headers=h(db, firm))
    r = client.get(f"{DOSSIERS}/{did}", headers=h(db, investor))
    assert r.status_code == 403 and r.json()["reason"] == "terms_required"
    _admit(client, db, firm, investor, did)
    r = client.get(f"{DOSSIERS}/{did}", headers=h(db, investor))
    assert r.status_code == 200 and r.json()["details"] == BODY["details"]
    assert [f["id"] for f in r.json()["files"]] == [file_id]
    assert client.get(f"{DOSSIERS}/{did}/files/{file_id}", headers=h(db, investor)
                      ).content == PDF
    assert db.execute(select(DossierView).where(DossierView.user_id == investor.id)
                      ).scalars().all(), "the investor's reads are logged for the owner"
    assert client.post(f"{DOSSIERS}/{did}/access/{investor.id}/revoke",
                       headers=h(db, firm)).status_code == 200
    r = client.get(f"{DOSSIERS}/{did}", headers=h(db, investor))
    assert r.status_code == 403 and r.json()["reason"] == "access_required"


def test_a_withdrawn_request_closes_its_dossier_to_investors(client: TestClient,
                                                             db: Session) -> None:
    firm, investor = b.make_firm_user(db), c.make_investor(db)
    rid = c.make_request(db, firm).id
    did = _write(client, db, firm, rid)
    assert client.post(f"{REQUESTS}/{rid}/interest", json={},
                       headers=h(db, investor)).status_code == 201
    _admit(client, db, firm, investor, did)
    assert client.post(f"{REQUESTS}/{rid}/withdraw", headers=h(db, firm)).status_code == 200
    # It still sees the request (it marked interest), but not the dossier.
    assert client.get(f"{REQUESTS}/{rid}", headers=h(db, investor)).status_code == 200
    assert client.get(f"{REQUESTS}/{rid}/dossier", headers=h(db, investor)).status_code == 404
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, investor)).status_code == 404
    assert client.get(f"{REQUESTS}/{rid}", headers=h(db, investor)).json()["has_dossier"] is False
    assert client.get(f"{REQUESTS}/{rid}", headers=h(db, firm)).json()["has_dossier"] is True
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, firm)).status_code == 200
    assert client.put(f"{REQUESTS}/{rid}/dossier", json=BODY,
                      headers=h(db, firm)).status_code == 409


def test_an_investor_reads_no_demands_dossier_still(client: TestClient, db: Session) -> None:
    """Letting investors through the dossier routes must not open demands' dossiers to them,
    nor let a firm grant an investor a demand's dossier."""
    from tests.builders import intake as ib

    firm, investor = b.make_firm_user(db), c.make_investor(db)
    _, dossier = ib.demand_with_dossier(db, firm)
    did = dossier.id
    assert client.post(f"{DOSSIERS}/{did}/access-requests", json={"message": ""},
                       headers=h(db, investor)).status_code in (403, 404)
    assert client.post(f"{DOSSIERS}/{did}/terms/accept", json={"version": 1},
                       headers=h(db, investor)).status_code in (403, 404)
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, investor)).status_code in (403, 404)
    assert client.post(f"{DOSSIERS}/{did}/access/{investor.id}/grant",
                       headers=h(db, firm)).status_code == 422


def _notices(db: Session, user: User) -> list[tuple[str, str]]:
    return [(n.kind, n.title) for n in db.execute(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).scalars()]


def test_its_notifications_speak_of_the_request_not_a_demands_dossier(
        client: TestClient, db: Session) -> None:
    institute, investor = b.make_institute_user(db), c.make_investor(db)
    achievement = lb.make_achievement(db, institute)
    rid = c.make_request(db, institute, subject="achievement", achievement_id=achievement.id).id
    did = _write(client, db, institute, rid)
    _admit(client, db, institute, investor, did)
    assert client.post(f"{DOSSIERS}/{did}/access/{investor.id}/revoke",
                       headers=h(db, institute)).status_code == 200
    owner_notes = [n for n in _notices(db, institute) if "dossier" in n[0]]
    assert [k for k, _ in owner_notes] == ["financing.dossier_requested"]
    assert owner_notes[0][1].startswith(f"融资需求 #{rid}：保密资料")
    investor_notes = [n for n in _notices(db, investor) if "dossier" in n[0]]
    assert [k for k, _ in investor_notes] == ["financing.dossier_granted",
                                              "financing.dossier_revoked"]
    assert all(title.startswith(f"融资需求 #{rid}：") for _, title in investor_notes)


def test_the_owners_list_holds_financing_dossiers_and_no_one_elses(
        client: TestClient, db: Session) -> None:
    institute, firm, investor = (b.make_institute_user(db), b.make_firm_user(db),
                                 c.make_investor(db))
    achievement = lb.make_achievement(db, institute)
    request = c.make_request(db, institute, subject="achievement", achievement_id=achievement.id)
    did = _write(client, db, institute, request.id)
    _admit(client, db, institute, investor, did)
    firm_rid = c.make_request(db, firm).id
    firm_did = _write(client, db, firm, firm_rid)
    listed = client.get(DOSSIERS, headers=h(db, institute)).json()
    assert [(x["id"], x["demand_id"], x["financing_request_id"], x["title"], x["requested"],
             x["granted"]) for x in listed] == [(did, None, request.id, request.title, 0, 1)]
    assert [x["id"] for x in client.get(DOSSIERS, headers=h(db, firm)).json()] == [firm_did]
    # Admitted or not, others' dossiers are not listed as one's own.
    assert client.get(DOSSIERS, headers=h(db, investor)).status_code == 403
    assert client.get(DOSSIERS, headers=h(db, b.make_institute_user(db))).json() == []
    assert client.get(DOSSIERS, headers=h(db, b.make_admin(db))).json() == []


def test_no_file_is_added_once_the_request_is_closed_or_withdrawn(client: TestClient,
                                                                 db: Session) -> None:
    firm = b.make_firm_user(db)
    for end in ("close", "withdraw"):
        rid = c.make_request(db, firm).id
        did = _write(client, db, firm, rid)
        pdf = {"file": ("a.pdf", PDF, "application/pdf")}
        assert client.post(f"{DOSSIERS}/{did}/files", files=pdf,
                           headers=h(db, firm)).status_code == 201
        r = client.post(f"{REQUESTS}/{rid}/{end}", headers=h(db, firm))
        assert r.status_code == 200, r.text
        r = client.post(f"{DOSSIERS}/{did}/files", files=pdf, headers=h(db, firm))
        assert r.status_code == 409, (end, r.text)
        assert "融资需求" in r.json()["detail"] and "financing request" in r.json()["detail"]


def test_an_institutes_terms_speak_of_the_institute_not_a_demand_side(
        client: TestClient, db: Session) -> None:
    institute, investor = b.make_institute_user(db), c.make_investor(db)
    achievement = lb.make_achievement(db, institute)
    rid = c.make_request(db, institute, subject="achievement", achievement_id=achievement.id).id
    did = _write(client, db, institute, rid)
    text = client.get(f"{DOSSIERS}/{did}/terms", headers=h(db, investor)).json()["text"]
    assert "需求方" not in text and "the firm" not in text
    assert "本机构" in text and "the institution" in text
    # a firm's stay as they were
    firm = b.make_firm_user(db)
    did = _write(client, db, firm, c.make_request(db, firm).id)
    assert "需求方" in client.get(f"{DOSSIERS}/{did}/terms", headers=h(db, investor)).json()["text"]
