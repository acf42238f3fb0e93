"""Finding a joint team's members by name: verified organisations the challenge admits, only
their public name, kind and region; never the issuer, the caller's own, or an unverified one."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind
from backend.challenges.models import ChallengeStatus
from tests.builders import accounts as b
from tests.builders import challenges as c

URL = "/api/v1/challenges"


def _h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def test_partners_by_name_follow_the_eligibility(client: TestClient, db: Session) -> None:
    issuer = b.make_firm_user(db, name="闽江精密制造有限公司")
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED,
                          eligibility={"regions": ["厦门市"], "org_kinds": [],
                                       "joint_teams": True})
    lead = b.make_institute_user(db, name="闽江工学院", region="厦门市")
    fit = b.make_org(db, OrgKind.FIRM, name="闽江传感科技有限公司", region="厦门市")
    b.make_org(db, OrgKind.FIRM, name="闽江远方科技有限公司", region="福州市")     # region
    b.make_org(db, OrgKind.FIRM, verified=False, name="闽江未认证有限公司", region="厦门市")
    b.make_org(db, OrgKind.INVESTOR, name="闽江创投基金", region="厦门市")        # kind
    r = client.get(f"{URL}/{ch.id}/partners", params={"q": "闽江"}, headers=_h(db, lead))
    assert r.status_code == 200, r.text
    assert r.json() == [{"id": fit.id, "name": "闽江传感科技有限公司", "kind": "firm",
                         "region": "厦门市"}]


def test_partners_need_two_characters_and_a_visible_challenge(client: TestClient,
                                                              db: Session) -> None:
    issuer = b.make_firm_user(db)
    draft = c.make_challenge(db, issuer, ChallengeStatus.DRAFT)
    solver = b.make_institute_user(db)
    r = client.get(f"{URL}/{draft.id}/partners", params={"q": "研究"}, headers=_h(db, solver))
    assert r.status_code == 404
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    r = client.get(f"{URL}/{ch.id}/partners", params={"q": "研"}, headers=_h(db, solver))
    assert r.status_code == 422 and "q" in r.text
    r = client.get(f"{URL}/{ch.id}/partners", params={"q": "研究"},
                   headers=_h(db, b.make_broker(db)))
    assert r.status_code == 403


def test_no_partners_when_joint_teams_are_closed(client: TestClient, db: Session) -> None:
    issuer = b.make_firm_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED,
                          eligibility={"regions": [], "org_kinds": [], "joint_teams": False})
    b.make_org(db, OrgKind.FIRM, name="独行科技有限公司")
    r = client.get(f"{URL}/{ch.id}/partners", params={"q": "独行"},
                   headers=_h(db, b.make_firm_user(db)))
    assert r.status_code == 200 and r.json() == []
