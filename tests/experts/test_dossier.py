"""A proof-of-concept request's dossier: the institute attaches files (PDF or images, checked
by their bytes, size-limited); its members, administrators and the experts seated on the panel
read them; a proposed, declined or swapped-out expert, an expert with a conflict and everyone
else may not."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.audit.models import AuditEntry
from backend.experts import conflicts, poc, schemas
from backend.experts.models import AssignmentStatus, ExpertKind, PocRequest
from tests.builders import accounts as b
from tests.builders import experts as e
from tests.builders import listings as lb

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _req(db: Session, request_id: int) -> PocRequest:
    request = db.get(PocRequest, request_id)
    assert request is not None
    return request


def _upload(client: TestClient, db: Session, who: User, rid: int, name: str, data: bytes,
            category: str = "data") -> Response:
    return client.post(f"/api/v1/poc-requests/{rid}/files", data={"category": category},
                       files={"file": (name, data, "application/octet-stream")},
                       headers=b.login_as(db, who).headers)


def _list(client: TestClient, db: Session, who: User, rid: int) -> Response:
    return client.get(f"/api/v1/poc-requests/{rid}/files", headers=b.login_as(db, who).headers)


def _panel(db: Session) -> tuple[User, User, int, dict[ExpertKind, User]]:
    institute = b.make_institute_user(db)
    admin = b.make_admin(db)
    achievement = lb.make_achievement(db, institute)
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    return institute, admin, rid, pool


def test_the_institute_attaches_and_the_seated_panel_reads(client: TestClient, db: Session
                                                           ) -> None:
    institute, admin, rid, pool = _panel(db)
    r = _upload(client, db, institute, rid, "样机照片.png", PNG, "photo")
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["category"], body["filename"], body["content_type"], body["size"],
            body["sha256"]) == ("photo", "样机照片.png", "image/png", len(PNG),
                                hashlib.sha256(PNG).hexdigest())
    assert _upload(client, db, institute, rid, "转化计划.pdf", PDF, "transfer_plan"
                   ).status_code == 201
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    scientist = pool[ExpertKind.SCIENTIST]
    # Proposed, not yet asked: the expert does not know of the request.
    assert _list(client, db, scientist, rid).status_code == 404
    poc.confirm(db, e.actor(admin), _req(db, rid))
    for who in (institute, admin, scientist):
        r = _list(client, db, who, rid)
        assert r.status_code == 200, r.text
        assert [f["category"] for f in r.json()] == ["photo", "transfer_plan"]
    file_id = r.json()[1]["id"]
    r = client.get(f"/api/v1/poc-requests/{rid}/files/{file_id}",
                   headers=b.login_as(db, scientist).headers)
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    read = db.execute(select(AuditEntry).where(AuditEntry.action == "poc_file.read")
                      ).scalars().all()
    assert [(a.actor_id, a.object_id) for a in read] == [(scientist.id, str(file_id))]


def test_outsiders_removed_and_conflicted_experts_may_not_read(client: TestClient,
                                                               db: Session) -> None:
    institute, admin, rid, pool = _panel(db)
    assert _upload(client, db, institute, rid, "数据.pdf", PDF).status_code == 201
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    poc.confirm(db, e.actor(admin), _req(db, rid))
    stranger_expert = e.make_expert(db, ExpertKind.SCIENTIST)
    other_institute = b.make_institute_user(db)
    assert _list(client, db, stranger_expert, rid).status_code == 404
    assert _list(client, db, other_institute, rid).status_code == 404
    assert _list(client, db, b.make_firm_user(db), rid).status_code == 403  # by role
    # Swapped out: the seat is gone, and the dossier with it.
    investor = pool[ExpertKind.INVESTOR]
    seat = next(s for s in poc.seats(db, rid) if s.expert_id == investor.id)
    poc.swap(db, e.actor(admin), _req(db, rid), schemas.SwapIn(
        assignment_id=seat.id, expert_id=e.make_expert(db, ExpertKind.INVESTOR).id))
    assert _list(client, db, investor, rid).status_code == 404
    # Declined: the same.
    entrepreneur = pool[ExpertKind.ENTREPRENEUR]
    seat = next(s for s in poc.seats(db, rid) if s.expert_id == entrepreneur.id)
    poc.answer(db, e.actor(entrepreneur), entrepreneur, seat.id, False)
    assert seat.status == AssignmentStatus.DECLINED
    assert _list(client, db, entrepreneur, rid).status_code == 404
    # A conflict recorded after the seat was offered closes the dossier, explained.
    scientist = pool[ExpertKind.SCIENTIST]
    conflicts.add_manual(db, e.actor(admin), scientist.id, schemas.ManualConflictIn(
        organisation_id=institute.organisation_id or 0, reason="曾指导该团队"))
    r = _list(client, db, scientist, rid)
    assert r.status_code == 403
    assert "利益冲突" in r.json()["detail"] and "曾指导该团队" in r.json()["detail"]


def test_a_conflicted_employee_seated_by_hand_still_may_not_read(client: TestClient,
                                                                 db: Session) -> None:
    institute, admin, rid, _ = _panel(db)
    assert _upload(client, db, institute, rid, "数据.pdf", PDF).status_code == 201
    poc.accept(db, e.actor(admin), _req(db, rid), schemas.AcceptIn())
    owner = db.get(Organisation, institute.organisation_id)
    colleague = e.make_expert(db, ExpertKind.SCIENTIST, employer=owner)
    [seat] = [s for s in poc.seats(db, rid) if s.kind == ExpertKind.SCIENTIST]
    seat.expert_id = colleague.id  # as if the rules had been bypassed
    poc.confirm(db, e.actor(admin), _req(db, rid))
    assert _list(client, db, colleague, rid).status_code == 403


def test_only_the_institute_uploads_within_the_limits(client: TestClient, db: Session) -> None:
    institute, admin, rid, pool = _panel(db)
    r = _upload(client, db, institute, rid, "run.exe", b"MZ\x90\x00 executable")
    assert r.status_code == 415 and "PDF" in r.json()["detail"]
    r = _upload(client, db, institute, rid, "x.pdf", PDF, "secret")
    assert r.status_code == 422
    assert _upload(client, db, admin, rid, "x.pdf", PDF).status_code == 403
    assert _upload(client, db, pool[ExpertKind.SCIENTIST], rid, "x.pdf", PDF).status_code == 403
    assert _upload(client, db, b.make_institute_user(db), rid, "x.pdf", PDF).status_code == 404
    r = _upload(client, db, institute, rid, "../../etc/专利证书.pdf", PDF, "ip")
    assert r.status_code == 201 and r.json()["filename"] == "专利证书.pdf"
    file_id = r.json()["id"]
    # Removing: the institute only, while the review is open.
    who = b.login_as(db, institute)
    assert client.delete(f"/api/v1/poc-requests/{rid}/files/{file_id}",
                         headers=who.headers).status_code == 204
    assert _list(client, db, institute, rid).json() == []
    poc.decline(db, e.actor(admin), _req(db, rid), "材料不全")
    r = _upload(client, db, institute, rid, "x.pdf", PDF)
    assert r.status_code == 409 and "评审已结束" in r.json()["detail"]
