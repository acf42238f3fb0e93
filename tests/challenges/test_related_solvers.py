"""A firm's challenge is not answered by the firm's own group: an organisation related to the
issuer (the links the integrity rules use — a common legal representative, officer or major
shareholder, control, a shared address, phone, e-mail domain or bank account) may neither
lead a proposal nor be a member of the team. Otherwise the issuer could award its prize, and
the bureau's top-up, to itself."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind
from backend.challenges.models import ChallengeStatus
from backend.core.permissions import Role
from tests.builders import accounts as b
from tests.builders import challenges as c

URL = "/api/v1/challenges"


def test_an_organisation_related_to_the_issuer_cannot_answer(client: TestClient,
                                                              db: Session) -> None:
    boss = b.person("王某")
    issuer = b.make_user(db, Role.FIRM, b.make_org(db, OrgKind.FIRM, legal_representative=boss))
    challenge = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    sister_org = b.make_org(db, OrgKind.FIRM, legal_representative=boss)
    sister = b.login_as(db, b.make_user(db, Role.FIRM, sister_org))
    r = client.post(f"{URL}/{challenge.id}/proposals", json=c.proposal_body(),
                    headers=sister.headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "lead"
    assert "王某" in r.text

    stranger = b.login_as(db, b.make_institute_user(db))
    r = client.post(f"{URL}/{challenge.id}/proposals", headers=stranger.headers,
                    json=c.proposal_body(member_org_ids=[sister_org.id]))
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "member_org_ids"
    r = client.post(f"{URL}/{challenge.id}/proposals", json=c.proposal_body(),
                    headers=stranger.headers)
    assert r.status_code == 201, r.text
