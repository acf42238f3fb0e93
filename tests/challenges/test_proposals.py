"""Proposals: eligibility, visibility between solvers, editing until the deadline, freezing
with a hash in the audit log."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind
from backend.audit.models import AuditEntry
from backend.challenges import proposals
from backend.challenges.models import ChallengeStatus, Proposal
from backend.core import clock
from tests.builders import accounts as b
from tests.builders import challenges as c

URL = "/api/v1/challenges"


def _h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def _open(db: Session, **overrides: object):  # type: ignore[no-untyped-def]
    issuer = b.make_firm_user(db)
    return issuer, c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED, **overrides)


def test_solvers_never_see_each_others_proposals(client: TestClient, db: Session) -> None:
    issuer, ch = _open(db)
    one, two = b.make_institute_user(db), b.make_firm_user(db)
    r1 = client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(), headers=_h(db, one))
    r2 = client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(), headers=_h(db, two))
    assert r1.status_code == 201 and r2.status_code == 201, (r1.text, r2.text)
    p1, p2 = r1.json()["id"], r2.json()["id"]
    assert client.get(f"{URL}/{ch.id}/proposals/{p2}", headers=_h(db, one)).status_code == 404
    assert client.put(f"{URL}/{ch.id}/proposals/{p2}", json=c.proposal_body(),
                      headers=_h(db, one)).status_code == 404
    assert [p["id"] for p in client.get(f"{URL}/{ch.id}/proposals",
                                        headers=_h(db, one)).json()] == [p1]
    assert [p["id"] for p in client.get(f"{URL}/{ch.id}/proposals",
                                        headers=_h(db, issuer)).json()] == [p1, p2]
    assert [p["id"] for p in client.get(f"{URL}/{ch.id}/proposals",
                                        headers=_h(db, b.make_admin(db))).json()] == [p1, p2]
    assert client.get(f"{URL}/{ch.id}/proposals/{p1}",
                      headers=_h(db, b.make_broker(db))).status_code == 404
    assert client.get(f"{URL}/{ch.id}/proposals").status_code == 401


def test_a_joint_teams_members_see_it_and_only_the_lead_edits(client: TestClient,
                                                             db: Session) -> None:
    _, ch = _open(db)
    lead, member = b.make_institute_user(db), b.make_firm_user(db)
    r = client.post(f"{URL}/{ch.id}/proposals",
                    json=c.proposal_body(member_org_ids=[member.organisation_id]),
                    headers=_h(db, lead))
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert client.get(f"{URL}/{ch.id}/proposals/{pid}", headers=_h(db, member)
                      ).status_code == 200
    assert client.put(f"{URL}/{ch.id}/proposals/{pid}", json=c.proposal_body(),
                      headers=_h(db, member)).status_code == 403
    r = client.put(f"{URL}/{ch.id}/proposals/{pid}", json=c.proposal_body(budget="800000.00"),
                   headers=_h(db, lead))
    assert r.status_code == 200 and r.json()["revision"] == 2


def test_eligibility_is_enforced(client: TestClient, db: Session) -> None:
    _, ch = _open(db, eligibility={"regions": ["厦门市"], "org_kinds": ["institute"],
                                   "joint_teams": False})
    fuzhou = b.make_institute_user(db)                       # builders put orgs in 福州市
    xiamen = b.make_institute_user(db, region="厦门市")
    firm = b.make_firm_user(db, region="厦门市")
    other = b.make_org(db, OrgKind.INSTITUTE, region="厦门市")
    cases = [(fuzhou, c.proposal_body(), "福州市"), (firm, c.proposal_body(), "firm"),
             (xiamen, c.proposal_body(member_org_ids=[other.id]), "joint")]
    for who, body, words in cases:
        r = client.post(f"{URL}/{ch.id}/proposals", json=body, headers=_h(db, who))
        assert r.status_code == 422 and words in r.json()["detail"], r.text
    assert client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(),
                       headers=_h(db, xiamen)).status_code == 201


def test_only_verified_solvers_not_the_issuer_and_one_proposal_each(client: TestClient,
                                                                    db: Session) -> None:
    issuer, ch = _open(db)
    for who in (b.make_institute_user(db, verified=False), issuer, b.make_admin(db)):
        assert client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(),
                           headers=_h(db, who)).status_code == 403
    assert client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(),
                       headers=_h(db, b.make_broker(db))).status_code == 403
    solver = b.make_institute_user(db)
    assert client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(),
                       headers=_h(db, solver)).status_code == 201
    r = client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(), headers=_h(db, solver))
    assert r.status_code == 409


def test_no_proposal_on_a_draft(client: TestClient, db: Session) -> None:
    issuer = b.make_firm_user(db)
    ch = c.make_challenge(db, issuer)
    r = client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(),
                    headers=_h(db, b.make_institute_user(db)))
    assert r.status_code == 404


def test_the_broker_who_brought_the_solver_in_must_be_verified(client: TestClient,
                                                               db: Session) -> None:
    _, ch = _open(db)
    solver = b.make_institute_user(db)
    pending, verified = b.make_broker(db, verified=False), b.make_broker(db)
    r = client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(broker_id=pending.id),
                    headers=_h(db, solver))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "broker_id"
    r = client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(broker_id=verified.id),
                    headers=_h(db, solver))
    assert r.status_code == 201 and r.json()["broker_id"] == verified.id


def test_after_the_deadline_proposals_are_frozen_and_closed(client: TestClient,
                                                           db: Session) -> None:
    issuer, ch = _open(db)
    solver, late = b.make_institute_user(db), b.make_firm_user(db)
    p = c.make_proposal(db, ch, solver)
    c.pass_deadline(db, ch)
    deadline = ch.deadline.isoformat()
    r = client.put(f"{URL}/{ch.id}/proposals/{p.id}", json=c.proposal_body(budget="1.00"),
                   headers=_h(db, solver))
    assert r.status_code == 409 and deadline in r.json()["detail"]
    r = client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(), headers=_h(db, late))
    assert r.status_code == 409 and deadline in r.json()["detail"]
    body = client.get(f"{URL}/{ch.id}/proposals/{p.id}", headers=_h(db, solver)).json()
    assert body["budget"] == "900000.00"
    row = db.get_one(Proposal, p.id)
    expected = hashlib.sha256(proposals.canonical_json(row).encode()).hexdigest()
    assert body["frozen_sha256"] == expected
    entry = db.execute(select(AuditEntry).where(
        AuditEntry.action == "challenge_proposal.freeze",
        AuditEntry.object_id == str(p.id))).scalar_one()
    assert entry.after["sha256"] == expected
    assert client.get(f"{URL}/{ch.id}", headers=_h(db, issuer)).json()["status"] == "closed"


def test_the_hash_covers_the_submitted_content(db: Session) -> None:
    _, ch = _open(db)
    p = c.make_proposal(db, ch, b.make_institute_user(db))
    before = proposals.fingerprint(p)
    p.approach = p.approach + "。"
    assert proposals.fingerprint(p) != before


def test_a_proposals_plan_adds_up_to_its_budget(client: TestClient, db: Session) -> None:
    _, ch = _open(db)
    body = c.proposal_body()
    body["budget"] = "900000.01"
    r = client.post(f"{URL}/{ch.id}/proposals", json=body,
                    headers=_h(db, b.make_institute_user(db)))
    assert r.status_code == 422 and "900000.01" in r.json()["errors"][0]["message"]


def test_proposals_are_taken_through_the_deadline_day(client: TestClient, db: Session) -> None:
    _, ch = _open(db)
    ch.deadline = clock.today()
    db.flush()
    assert client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(),
                       headers=_h(db, b.make_institute_user(db))).status_code == 201
