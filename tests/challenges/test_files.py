"""Files on proposals and milestone evidence: the dossier kit's checks, seen only by whom the
proposal or milestone is visible to, proposal files frozen at the deadline, reads by the
issuer audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.challenges.models import ChallengeStatus
from backend.core.permissions import Role
from tests.builders import accounts as b
from tests.builders import challenges as c

URL = "/api/v1/challenges"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def test_proposal_files_follow_the_proposal(client: TestClient, db: Session) -> None:
    issuer, solver = b.make_firm_user(db), b.make_institute_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    proposal = c.make_proposal(db, ch, solver)
    path = f"{URL}/{ch.id}/proposals/{proposal.id}/files"
    r = client.post(path, files={"file": ("方案.pdf", PDF, "application/pdf")},
                    headers=_h(db, solver))
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    # the bytes decide the type, not the name
    r = client.post(path, files={"file": ("x.pdf", b"MZ\x90\x00not a pdf", "application/pdf")},
                    headers=_h(db, solver))
    assert r.status_code in (415, 422), r.text
    # the issuer cannot add to it; another solver does not see it
    assert client.post(path, files={"file": ("a.pdf", PDF, "application/pdf")},
                       headers=_h(db, issuer)).status_code == 403
    other = b.make_institute_user(db)
    assert client.get(path, headers=_h(db, other)).status_code == 404
    assert client.get(f"{path}/{fid}", headers=_h(db, other)).status_code == 404
    assert [f["id"] for f in client.get(path, headers=_h(db, issuer)).json()] == [fid]
    r = client.get(f"{path}/{fid}", headers=_h(db, issuer))
    assert r.status_code == 200 and r.content == PDF
    db.flush()
    assert db.execute(select(AuditEntry.id).where(AuditEntry.action == "challenge_file.read",
                                                  AuditEntry.object_id == str(fid))
                      ).first() is not None
    # frozen after the deadline
    c.pass_deadline(db, ch)
    assert client.post(path, files={"file": ("b.pdf", PDF, "application/pdf")},
                       headers=_h(db, solver)).status_code == 409
    assert client.delete(f"{path}/{fid}", headers=_h(db, solver)).status_code == 409
    assert client.get(f"{path}/{fid}", headers=_h(db, solver)).status_code == 200


def test_milestone_files_are_the_winners_until_acceptance(client: TestClient,
                                                          db: Session) -> None:
    issuer, winner = b.make_firm_user(db), b.make_institute_user(db)
    ch, _, (m1, *_) = c.in_delivery(db, issuer, winner)
    path = f"{URL}/{ch.id}/milestones/{m1.id}/files"
    r = client.post(path, files={"file": ("报告.pdf", PDF, "application/pdf")},
                    headers=_h(db, winner))
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    assert client.post(path, files={"file": ("a.pdf", PDF, "application/pdf")},
                       headers=_h(db, issuer)).status_code == 403
    for who in (b.make_institute_user(db), b.make_firm_user(db)):
        assert client.get(path, headers=_h(db, who)).status_code == 404
        assert client.get(f"{path}/{fid}", headers=_h(db, who)).status_code == 404
    admin = b.make_user(db, Role.ADMIN)
    for who in (issuer, admin, winner):
        assert client.get(f"{path}/{fid}", headers=_h(db, who)).status_code == 200
    client.post(f"{URL}/{ch.id}/milestones/{m1.id}/evidence", json={"text": "报告"},
                headers=_h(db, winner))
    assert client.post(f"{URL}/{ch.id}/milestones/{m1.id}/accept",
                       headers=_h(db, issuer)).status_code == 200
    assert client.post(path, files={"file": ("b.pdf", PDF, "application/pdf")},
                       headers=_h(db, winner)).status_code == 409
