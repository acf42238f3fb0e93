"""Expert review of a challenge's proposals: a panel without conflicts of interest with any
team, reviewers who read the proposals only while seated and score blind to each other, the
issuer's ranking with disagreement, and an award that departs from it only with a reason."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.audit.models import AuditEntry
from backend.challenges import service
from backend.challenges.models import Challenge, ChallengeStatus, Proposal
from tests.builders import accounts as b
from tests.builders import challenges as c
from tests.builders import experts as e

URL = "/api/v1/challenges"


def _h(db: Session, user: User) -> dict[str, str]:
    return b.login_as(db, user).headers


def _closed(db: Session, solvers: int = 2
            ) -> tuple[User, Challenge, list[User], list[Proposal]]:
    issuer = b.make_firm_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    people = [b.make_institute_user(db) for _ in range(solvers)]
    props = [c.make_proposal(db, ch, p) for p in people]
    service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.CLOSED, None)
    db.flush()
    return issuer, ch, people, props


def _sheet(props: list[Proposal], *values: int) -> dict[str, object]:
    return {"reviews": [{"proposal_id": p.id, "scores": {"c1": v, "c2": v},
                         "comment": "方案清晰"} for p, v in zip(props, values, strict=True)]}


def _panel(client: TestClient, db: Session, issuer: User, ch: Challenge, n: int = 2
           ) -> list[User]:
    r = client.post(f"{URL}/{ch.id}/review", json={"seats": ["scientist"] * n},
                    headers=_h(db, issuer))
    assert r.status_code == 201, r.text
    return [db.get_one(User, s["expert_id"]) for s in r.json()["seats"]]


def test_the_panel_excludes_experts_conflicted_with_any_team(client: TestClient,
                                                            db: Session) -> None:
    issuer, ch, (s1, s2), _ = _closed(db)
    conflicted = [e.make_expert(db, employer=db.get_one(Organisation, s.organisation_id))
                  for s in (s1, s2)]
    free = [e.make_expert(db) for _ in range(2)]
    # Only institutes and administrators… no: only the issuer or an administrator asks.
    assert client.post(f"{URL}/{ch.id}/review", json={"seats": ["scientist"]},
                       headers=_h(db, b.make_firm_user(db))).status_code == 403
    r = client.post(f"{URL}/{ch.id}/review", json={"seats": ["scientist", "scientist"]},
                    headers=_h(db, issuer))
    assert r.status_code == 201, r.text
    seated = {s["expert_id"] for s in r.json()["seats"]}
    assert seated == {u.id for u in free} and not seated & {u.id for u in conflicted}
    assert r.json()["status"] == "under_review"
    assert [f["code"] for f in r.json()["form"]] == ["c1", "c2"]
    # A panel is seated once; a third scientist without conflict does not exist.
    assert client.post(f"{URL}/{ch.id}/review", json={"seats": ["scientist"]},
                       headers=_h(db, issuer)).status_code == 409


def test_no_panel_when_every_expert_is_conflicted(client: TestClient, db: Session) -> None:
    issuer, ch, (s1, _), _ = _closed(db)
    e.make_expert(db, employer=db.get_one(Organisation, s1.organisation_id))
    r = client.post(f"{URL}/{ch.id}/review", json={"seats": ["scientist"]},
                    headers=_h(db, issuer))
    assert r.status_code == 409 and r.json()["missing_kinds"] == ["scientist"]
    assert db.get_one(Challenge, ch.id).status == ChallengeStatus.CLOSED


def test_reviewers_read_the_proposals_only_while_seated(client: TestClient,
                                                       db: Session) -> None:
    issuer, ch, _, (p1, p2) = _closed(db)
    for _ in range(3):
        e.make_expert(db)
    first, second = _panel(client, db, issuer, ch)
    outsider = next(u for u in db.execute(select(User).where(User.role == "expert")).scalars()
                    if u.id not in (first.id, second.id))
    hf = _h(db, first)
    assert [p["id"] for p in client.get(f"{URL}/{ch.id}/proposals", headers=hf).json()] == [
        p1.id, p2.id]
    assert client.get(f"{URL}/{ch.id}/proposals/{p2.id}", headers=hf).status_code == 200
    ho = _h(db, outsider)
    assert client.get(f"{URL}/{ch.id}/proposals", headers=ho).json() == []
    assert client.get(f"{URL}/{ch.id}/proposals/{p1.id}", headers=ho).status_code == 404
    assert client.get(f"{URL}/{ch.id}/review", headers=ho).status_code == 404
    assert [x["challenge"]["id"] for x in client.get(f"{URL}/reviewing", headers=hf).json()] \
        == [ch.id]
    # Replaced: the first reviewer reads nothing any more; the outsider takes the seat.
    seat = client.get(f"{URL}/{ch.id}/review", headers=_h(db, issuer)).json()["seats"][0]
    assert seat["expert_id"] == first.id
    r = client.post(f"{URL}/{ch.id}/review/seats/{seat['id']}/replace", headers=_h(db, issuer))
    assert r.status_code == 200, r.text
    assert client.get(f"{URL}/{ch.id}/proposals/{p1.id}", headers=hf).status_code == 404
    assert client.get(f"{URL}/{ch.id}/proposals", headers=hf).json() == []
    assert client.get(f"{URL}/{ch.id}/proposals/{p1.id}", headers=ho).status_code == 200


def test_reviewers_score_blind_and_once(client: TestClient, db: Session) -> None:
    issuer, ch, _, props = _closed(db)
    e.make_expert(db), e.make_expert(db)
    first, second = _panel(client, db, issuer, ch)
    hf, hs = _h(db, first), _h(db, second)
    url = f"{URL}/{ch.id}/review/scores"
    assert client.put(url, json=_sheet(props[:1], 4), headers=hf).status_code == 422
    assert client.put(url, json=_sheet(props, 4, 6), headers=hf).status_code == 422
    bad = _sheet(props, 4, 3)
    bad["reviews"][0]["scores"] = {"c1": 4}  # type: ignore[index]
    assert client.put(url, json=bad, headers=hf).status_code == 422
    assert client.put(url, json=_sheet(props, 4, 3),
                      headers=_h(db, issuer)).status_code == 403
    r = client.put(url, json=_sheet(props, 4, 3), headers=hf)
    assert r.status_code == 200, r.text
    assert r.json()["my_seat"]["status"] == "submitted" and r.json()["ranking"]
    assert client.put(url, json=_sheet(props, 5, 5), headers=hf).status_code == 409
    # The second reviewer has not submitted: they see their own (empty) sheet, no scores.
    board = client.get(f"{URL}/{ch.id}/review", headers=hs).json()
    assert board["ranking"] == [] and board["seats"] == []
    assert board["my_seat"]["scores"] == {}


def test_ranking_disagreement_and_a_departure_needs_a_reason(client: TestClient,
                                                            db: Session) -> None:
    issuer, ch, _, (p1, p2) = _closed(db)
    e.make_expert(db), e.make_expert(db)
    first, second = _panel(client, db, issuer, ch)
    hi = _h(db, issuer)
    whole = {"awards": [{"proposal_id": p2.id, "amount": "1000000.00", "reason": "成本最低"}]}
    r = client.post(f"{URL}/{ch.id}/selection", json=whole, headers=hi)
    assert r.status_code == 409  # a review is under way: every sheet first
    client.put(f"{URL}/{ch.id}/review/scores", json=_sheet([p1, p2], 5, 2),
               headers=_h(db, first))
    client.put(f"{URL}/{ch.id}/review/scores", json=_sheet([p1, p2], 3, 2),
               headers=_h(db, second))
    board = client.get(f"{URL}/{ch.id}/review", headers=hi).json()
    assert board["complete"] is True
    ranked = board["ranking"]
    assert [x["proposal_id"] for x in ranked] == [p1.id, p2.id]
    assert Decimal(ranked[0]["overall_mean"]) == Decimal("4.00")
    assert ranked[0]["disagreement"] is True and ranked[1]["disagreement"] is False
    assert Decimal(ranked[0]["overall_spread"]) == Decimal("2.00")
    r = client.post(f"{URL}/{ch.id}/selection", json=whole, headers=hi)
    assert r.status_code == 422 and "ranking" in r.json()["detail"]
    r = client.post(f"{URL}/{ch.id}/selection", headers=hi,
                    json={**whole, "departure_reason": "排名第一的方案预算超出可承受范围"})
    assert r.status_code == 200, r.text
    assert r.json()["ranking_departure_reason"] == "排名第一的方案预算超出可承受范围"
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "challenge.award",
                                                AuditEntry.object_id == str(ch.id))
                       ).scalar_one()
    assert entry.after["ranking_top"] == [p1.id]
    # The public does not see the issuer's reasoning about the ranking.
    assert client.get(f"{URL}/{ch.id}").json()["ranking_departure_reason"] is None


def test_following_the_ranking_needs_no_departure_reason(client: TestClient,
                                                        db: Session) -> None:
    issuer, ch, _, (p1, p2) = _closed(db)
    e.make_expert(db)
    (only,) = _panel(client, db, issuer, ch, n=1)
    client.put(f"{URL}/{ch.id}/review/scores", json=_sheet([p1, p2], 2, 4),
               headers=_h(db, only))
    r = client.post(f"{URL}/{ch.id}/selection", headers=_h(db, issuer), json={"awards": [
        {"proposal_id": p2.id, "amount": "1000000.00", "reason": "评审第一"}]})
    assert r.status_code == 200, r.text
    assert r.json()["ranking_departure_reason"] is None
