"""A challenge's confidential dossier (保密资料, issue 22): the issuer writes it behind its terms;
an eligible would-be solver asks, and reads nothing before the issuer grants access and the
solver accepts the terms; the seated reviewers read it once they accept the terms; every read
and grant is on record; a draft takes no requests; once the challenge is decided the dossier
closes to every solver but the winners."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import Organisation, OrgKind, User
from backend.audit.models import AuditEntry
from backend.challenges import schemas, selection, service
from backend.challenges.models import Challenge, ChallengeStatus, ReviewSeat, ReviewSeatStatus
from backend.core.permissions import Role
from backend.deals.models import Notification
from backend.intake.models import DossierView
from tests.builders import accounts as b
from tests.builders import capital as cap
from tests.builders import challenges as c
from tests.builders import experts as e

URL = "/api/v1/challenges"
DOSSIERS = "/api/v1/dossiers"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BODY = {"details": "基板叠层结构与翘曲实测数据（保密）", "volumes": "年需求 20 万片", "budget": None}


def h(db: Session, user: User) -> dict[str, str]:
    return b.login_as(db, user).headers


def _write(client: TestClient, db: Session, issuer: User, cid: int) -> int:
    r = client.put(f"{URL}/{cid}/dossier", json=BODY, headers=h(db, issuer))
    assert r.status_code == 200, r.text
    assert r.json()["challenge_id"] == cid and r.json()["demand_id"] is None
    return int(r.json()["id"])


def _ask(client: TestClient, db: Session, solver: User, did: int) -> None:
    r = client.post(f"{DOSSIERS}/{did}/access-requests", json={"message": "拟揭榜"},
                    headers=h(db, solver))
    assert r.status_code == 201, r.text


def _grant(client: TestClient, db: Session, issuer: User, solver: User, did: int) -> None:
    r = client.post(f"{DOSSIERS}/{did}/access/{solver.id}/grant", headers=h(db, issuer))
    assert r.status_code == 200, r.text


def _accept(client: TestClient, db: Session, reader: User, did: int) -> None:
    version = client.get(f"{DOSSIERS}/{did}/terms", headers=h(db, reader)).json()["version"]
    r = client.post(f"{DOSSIERS}/{did}/terms/accept", json={"version": version},
                    headers=h(db, reader))
    assert r.status_code == 200, r.text


def _admit(client: TestClient, db: Session, issuer: User, solver: User, did: int) -> None:
    _ask(client, db, solver, did)
    _grant(client, db, issuer, solver, did)
    _accept(client, db, solver, did)


def _published(db: Session, **overrides: object) -> tuple[User, Challenge]:
    issuer = b.make_firm_user(db)
    return issuer, c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED, **overrides)


def _reason(client: TestClient, db: Session, user: User, did: int) -> tuple[int, object]:
    r = client.get(f"{DOSSIERS}/{did}", headers=h(db, user))
    return r.status_code, r.json().get("reason")


def test_the_issuer_writes_it_and_nobody_else_may(client: TestClient, db: Session) -> None:
    issuer, ch = _published(db)
    solver, other_firm = b.make_institute_user(db), b.make_firm_user(db)
    assert client.get(f"{URL}/{ch.id}", headers=h(db, solver)).json()["has_dossier"] is False
    did = _write(client, db, issuer, ch.id)
    assert client.get(f"{URL}/{ch.id}", headers=h(db, solver)).json()["has_dossier"] is True
    assert client.get(f"{URL}/{ch.id}").json()["has_dossier"] is False  # anonymous
    mine = client.get(f"{URL}/{ch.id}/dossier", headers=h(db, issuer)).json()
    assert mine["owner"] is True and mine["can_view"] is True and mine["challenge_id"] == ch.id
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, issuer)).json()["details"] == BODY[
        "details"]
    # Another firm sees the challenge but is not its issuer; an institute issues nothing.
    assert client.put(f"{URL}/{ch.id}/dossier", json=BODY,
                      headers=h(db, other_firm)).status_code == 403
    assert client.put(f"{URL}/{ch.id}/dossier", json=BODY,
                      headers=h(db, solver)).status_code == 403
    assert client.post(f"{DOSSIERS}/{did}/files",
                       files={"file": ("a.pdf", PDF, "application/pdf")},
                       headers=h(db, solver)).status_code == 403
    r = client.post(f"{DOSSIERS}/{did}/files", files={"file": ("a.pdf", PDF, "application/pdf")},
                    headers=h(db, issuer))
    assert r.status_code == 201, r.text
    # Text that is all blanks is refused with a message a person understands.
    r = client.put(f"{URL}/{ch.id}/dossier", json={**BODY, "details": "   "},
                   headers=h(db, issuer))
    assert r.status_code == 422
    actions = set(db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "dossier", AuditEntry.object_id == str(did))).scalars())
    assert actions == {"dossier.create"}


def test_a_dishonest_solver_reads_nothing_before_grant_and_terms(client: TestClient,
                                                                db: Session) -> None:
    issuer, ch = _published(db)
    did = _write(client, db, issuer, ch.id)
    file_id = client.post(f"{DOSSIERS}/{did}/files",
                          files={"file": ("a.pdf", PDF, "application/pdf")},
                          headers=h(db, issuer)).json()["id"]
    solver = b.make_institute_user(db)
    assert _reason(client, db, solver, did) == (403, "access_required")
    # Accepting the terms unasked opens nothing; nor does asking.
    _accept(client, db, solver, did)
    _ask(client, db, solver, did)
    assert _reason(client, db, solver, did) == (403, "access_required")
    assert client.get(f"{DOSSIERS}/{did}/files/{file_id}",
                      headers=h(db, solver)).status_code == 403
    # The solver cannot grant itself, nor see who else asked.
    assert client.post(f"{DOSSIERS}/{did}/access/{solver.id}/grant",
                       headers=h(db, solver)).status_code == 403
    assert client.get(f"{DOSSIERS}/{did}/access", headers=h(db, solver)).status_code == 403
    assert client.get(f"{DOSSIERS}/{did}/views", headers=h(db, solver)).status_code == 403
    _grant(client, db, issuer, solver, did)
    # New terms published since: the grant alone is not enough.
    terms = {"text": "新版保密协议：揭榜方不得披露任何资料内容，违者承担责任。"}
    assert client.post("/api/v1/nda-terms", json=terms, headers=h(db, issuer)).status_code == 201
    assert _reason(client, db, solver, did) == (403, "terms_required")
    _accept(client, db, solver, did)
    r = client.get(f"{DOSSIERS}/{did}", headers=h(db, solver))
    assert r.status_code == 200 and r.json()["details"] == BODY["details"]
    assert client.get(f"{DOSSIERS}/{did}/files/{file_id}",
                      headers=h(db, solver)).status_code == 200
    # Every read is on the log, and the grant in the audit trail.
    reads = db.execute(select(DossierView.user_id, DossierView.file_id).where(
        DossierView.dossier_id == did).order_by(DossierView.id)).all()
    assert [tuple(r) for r in reads] == [(solver.id, None), (solver.id, file_id)]
    views = client.get(f"{DOSSIERS}/{did}/views", headers=h(db, issuer)).json()
    assert len(views) == 2
    actions = list(db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "dossier", AuditEntry.object_id == str(did))
        .order_by(AuditEntry.id)).scalars())
    assert actions == ["dossier.create", "dossier.request", "dossier.grant"]


def test_another_solver_does_not_ride_on_someone_elses_grant(client: TestClient,
                                                              db: Session) -> None:
    issuer, ch = _published(db)
    did = _write(client, db, issuer, ch.id)
    admitted = b.make_institute_user(db)
    _admit(client, db, issuer, admitted, did)
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, admitted)).status_code == 200
    stranger = b.make_firm_user(db)
    colleague = b.make_user(db, Role.INSTITUTE, db.get_one(Organisation, admitted.organisation_id))
    for other in (stranger, colleague):
        _accept(client, db, other, did)
        assert _reason(client, db, other, did) == (403, "access_required")
        status = client.get(f"{URL}/{ch.id}/dossier", headers=h(db, other)).json()
        assert status["access"] is None and status["can_view"] is False


def test_a_declined_solver_reads_nothing_and_hears_of_it(client: TestClient,
                                                         db: Session) -> None:
    issuer, ch = _published(db)
    colleague = b.make_user(db, Role.FIRM, db.get_one(Organisation, issuer.organisation_id))
    did = _write(client, db, issuer, ch.id)
    solver = b.make_institute_user(db)
    _ask(client, db, solver, did)
    asked = db.execute(select(Notification.user_id, Notification.kind, Notification.title).where(
        Notification.kind == "challenge.dossier_requested")).all()
    assert {u for u, _, _ in asked} == {issuer.id, colleague.id}
    assert all(t.startswith(f"揭榜挂帅 #{ch.id}：") for _, _, t in asked)
    r = client.post(f"{DOSSIERS}/{did}/access/{solver.id}/decline", headers=h(db, colleague))
    assert r.status_code == 200 and r.json()["status"] == "declined"
    _accept(client, db, solver, did)
    assert _reason(client, db, solver, did) == (403, "access_required")
    kinds = list(db.execute(select(Notification.kind).where(
        Notification.user_id == solver.id)).scalars())
    assert kinds == ["challenge.dossier_declined"]
    # Declining twice, or revoking what was never granted: a conflict.
    assert client.post(f"{DOSSIERS}/{did}/access/{solver.id}/decline",
                       headers=h(db, issuer)).status_code == 409
    assert client.post(f"{DOSSIERS}/{did}/access/{solver.id}/revoke",
                       headers=h(db, issuer)).status_code == 409


def test_only_eligible_verified_solvers_may_ask(client: TestClient, db: Session) -> None:
    issuer, ch = _published(db, eligibility={"regions": ["厦门市"], "org_kinds": ["institute"],
                                             "joint_teams": False})
    did = _write(client, db, issuer, ch.id)
    eligible = b.make_institute_user(db, region="厦门市")
    elsewhere = b.make_institute_user(db)                     # 福州市
    a_firm = b.make_firm_user(db, region="厦门市")            # not an institute
    unverified = b.make_user(db, Role.INSTITUTE, b.make_org(db, OrgKind.INSTITUTE,
                                                            verified=False, region="厦门市"))
    broker, investor = b.make_broker(db), cap.make_investor(db)
    for outsider in (elsewhere, a_firm, unverified, broker, investor):
        assert client.get(f"{URL}/{ch.id}", headers=h(db, outsider)).json()["has_dossier"] is False
        assert client.get(f"{URL}/{ch.id}/dossier", headers=h(db, outsider)).status_code == 404
        r = client.post(f"{DOSSIERS}/{did}/access-requests", json={"message": ""},
                        headers=h(db, outsider))
        assert r.status_code in (403, 404), r.text
        assert client.get(f"{DOSSIERS}/{did}", headers=h(db, outsider)).status_code in (403, 404)
        # Nor can the issuer admit them.
        r = client.post(f"{DOSSIERS}/{did}/access/{outsider.id}/grant", headers=h(db, issuer))
        assert r.status_code == 422, r.text
    _admit(client, db, issuer, eligible, did)
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, eligible)).status_code == 200


def test_a_draft_takes_no_requests(client: TestClient, db: Session) -> None:
    issuer = b.make_firm_user(db)
    ch = c.make_challenge(db, issuer)
    did = _write(client, db, issuer, ch.id)
    solver = b.make_institute_user(db)
    assert client.get(f"{URL}/{ch.id}/dossier", headers=h(db, solver)).status_code == 404
    assert client.post(f"{DOSSIERS}/{did}/access-requests", json={"message": ""},
                       headers=h(db, solver)).status_code == 404
    assert client.post(f"{DOSSIERS}/{did}/access/{solver.id}/grant",
                       headers=h(db, issuer)).status_code == 422


def test_seated_reviewers_read_it_once_they_accept_the_terms(client: TestClient,
                                                             db: Session) -> None:
    issuer, ch = _published(db)
    did = _write(client, db, issuer, ch.id)
    seated, removed, outsider = e.make_expert(db), e.make_expert(db), e.make_expert(db)
    db.add_all([ReviewSeat(challenge_id=ch.id, expert_id=seated.id, kind="scientist"),
                ReviewSeat(challenge_id=ch.id, expert_id=removed.id, kind="scientist",
                           status=ReviewSeatStatus.REMOVED)])
    db.flush()
    status = client.get(f"{URL}/{ch.id}/dossier", headers=h(db, seated)).json()
    assert status["reviewer"] is True and status["can_view"] is False
    assert _reason(client, db, seated, did) == (403, "terms_required")
    # A reviewer needs no grant: asking is refused as needless.
    assert client.post(f"{DOSSIERS}/{did}/access-requests", json={"message": ""},
                       headers=h(db, seated)).status_code == 409
    _accept(client, db, seated, did)
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, seated)).status_code == 200
    for other in (removed, outsider):
        assert client.get(f"{URL}/{ch.id}/dossier", headers=h(db, other)).status_code == 404
        assert client.get(f"{DOSSIERS}/{did}", headers=h(db, other)).status_code == 404
    # An expert reads no demand's dossier (the reader dependency lets experts through for this).
    assert client.get(f"{DOSSIERS}/{did}/access", headers=h(db, seated)).status_code == 403


def test_once_decided_it_closes_to_every_solver_but_the_winner(client: TestClient,
                                                               db: Session) -> None:
    issuer, ch = _published(db)
    did = _write(client, db, issuer, ch.id)
    winner, loser, bystander = (b.make_institute_user(db) for _ in range(3))
    for s in (winner, loser, bystander):
        _admit(client, db, issuer, s, did)
    won = c.make_proposal(db, ch, winner)
    c.make_proposal(db, ch, loser)
    c.award(db, issuer, ch, won)
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, winner)).status_code == 200
    for gone in (loser, bystander):
        assert client.get(f"{DOSSIERS}/{did}", headers=h(db, gone)).status_code == 404
        assert client.get(f"{URL}/{ch.id}", headers=h(db, gone)).json()["has_dossier"] is False
    # Terminated: the winner keeps what it was given; writing is over.
    service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.IN_DELIVERY, None)
    service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.TERMINATED, "经费取消")
    db.flush()
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, winner)).status_code == 200
    assert client.put(f"{URL}/{ch.id}/dossier", json=BODY,
                      headers=h(db, issuer)).status_code == 409
    r = client.post(f"{DOSSIERS}/{did}/files", files={"file": ("a.pdf", PDF, "application/pdf")},
                    headers=h(db, issuer))
    assert r.status_code == 409, r.text
    assert "榜单已结束" in r.json()["detail"] and "has ended" in r.json()["detail"]


def test_not_awarded_closes_it_to_all_solvers(client: TestClient, db: Session) -> None:
    issuer, ch = _published(db)
    did = _write(client, db, issuer, ch.id)
    solver = b.make_institute_user(db)
    _admit(client, db, issuer, solver, did)
    c.make_proposal(db, ch, solver)
    service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.CLOSED, None)
    service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.UNDER_REVIEW, None)
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, solver)).status_code == 200
    selection.select_proposals(db, c.actor(issuer), issuer, ch,
                               schemas.SelectionIn(awards=[], reason="均未达到指标"))
    db.flush()
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, solver)).status_code == 404
    assert client.get(f"{URL}/{ch.id}/dossier", headers=h(db, solver)).status_code == 404


def test_the_bureau_issues_a_dossier_its_administrators_manage(client: TestClient,
                                                              db: Session) -> None:
    bureau = accounts.create_organisation(db, b.organisation_in(OrgKind.INSTITUTE),
                                          kind=OrgKind.BUREAU)
    admin, colleague = (b.make_user(db, Role.ADMIN, bureau) for _ in range(2))
    ch = c.make_challenge(db, admin, ChallengeStatus.PUBLISHED)
    assert ch.issuer_org_id is None
    # An administrator outside the bureau organisation cannot give its terms.
    assert client.put(f"{URL}/{ch.id}/dossier", json=BODY,
                      headers=h(db, b.make_admin(db))).status_code == 409
    did = _write(client, db, admin, ch.id)
    solver = b.make_firm_user(db)
    _ask(client, db, solver, did)
    told = set(db.execute(select(Notification.user_id).where(
        Notification.kind == "challenge.dossier_requested")).scalars())
    assert {admin.id, colleague.id} <= told
    _grant(client, db, colleague, solver, did)
    assert list(db.execute(select(Notification.kind).where(
        Notification.user_id == solver.id)).scalars()) == ["challenge.dossier_granted"]
    _accept(client, db, solver, did)
    assert client.get(f"{DOSSIERS}/{did}", headers=h(db, solver)).status_code == 200
    assert client.get(f"{URL}/{ch.id}/dossier", headers=h(db, colleague)).json()["owner"] is True


def test_administrators_oversee_a_firms_dossier_without_reading_it(client: TestClient,
                                                                  db: Session) -> None:
    issuer, ch = _published(db)
    did = _write(client, db, issuer, ch.id)
    admin = b.make_admin(db)
    assert client.get(f"{URL}/{ch.id}/dossier", headers=h(db, admin)).json()["owner"] is False
    assert _reason(client, db, admin, did) == (403, "access_required")
    assert client.get(f"{DOSSIERS}/{did}/access", headers=h(db, admin)).status_code == 200
    assert client.put(f"{URL}/{ch.id}/dossier", json=BODY,
                      headers=h(db, admin)).status_code == 403
