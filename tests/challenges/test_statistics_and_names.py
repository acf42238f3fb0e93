"""The bureau's dashboard (`GET /api/v1/challenges/statistics`): committed prize money, paid
money only once the winner confirmed it, proposals, statuses; and the organisations' names
on the public list and page (names are public, proposals are not)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.challenges.models import ChallengeStatus
from backend.core import clock
from tests.builders import accounts as b
from tests.builders import challenges as c
from tests.builders import listings as lb

URL = "/api/v1/challenges"


def _h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def _stats(client: TestClient, db: Session) -> dict[str, Any]:
    r = client.get(f"{URL}/statistics", headers=_h(db, b.make_admin(db)))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _status(stats: dict[str, Any], status: str) -> int:
    return next((s["challenges"] for s in stats["by_status"] if s["status"] == status), 0)


def test_only_administrators_read_the_dashboard(client: TestClient, db: Session) -> None:
    assert client.get(f"{URL}/statistics").status_code == 401
    for user in (b.make_firm_user(db), b.make_institute_user(db)):
        assert client.get(f"{URL}/statistics", headers=_h(db, user)).status_code == 403


def test_paid_counts_only_payments_the_winner_confirmed(client: TestClient,
                                                        db: Session) -> None:
    before = _stats(client, db)
    issuer, winner = b.make_firm_user(db), b.make_institute_user(db)
    ch, _, (m1, m2, _m3) = c.in_delivery(db, issuer, winner)
    c.make_proposal(db, c.make_challenge(db, b.make_firm_user(db), ChallengeStatus.PUBLISHED),
                    b.make_institute_user(db))
    c.make_challenge(db, b.make_firm_user(db))  # a draft: only in by_status / drafts
    hi, hw = _h(db, issuer), _h(db, winner)
    for m in (m1, m2):
        base = f"{URL}/{ch.id}/milestones/{m.id}"
        assert client.post(f"{base}/evidence", json={"text": "测试报告"}, headers=hw).is_success
        assert client.post(f"{base}/accept", headers=hi).is_success
        assert client.post(f"{base}/payment", headers=hi, json={
            "paid_on": clock.today().isoformat(), "reference": f"B{m.id}"}).is_success
    # m1 confirmed, m2 recorded but not confirmed: only m1 is paid money.
    assert client.post(f"{URL}/{ch.id}/milestones/{m1.id}/receipt", json={"confirmed": True},
                       headers=hw).is_success
    after = _stats(client, db)
    t0, t1 = before["totals"], after["totals"]
    assert t1["challenges"] - t0["challenges"] == 2
    assert t1["proposals"] - t0["proposals"] == 2
    assert Decimal(t1["committed"]) - Decimal(t0["committed"]) == ch.prize + ch.top_up
    assert Decimal(t1["paid"]) - Decimal(t0["paid"]) == m1.amount
    assert after["drafts"] - before["drafts"] == 1
    assert after["awaiting_receipt"] - before["awaiting_receipt"] == 1
    assert _status(after, "in_delivery") - _status(before, "in_delivery") == 1
    assert _status(after, "published") - _status(before, "published") == 1
    # Challenges without a demand have no field: they sit in "none".
    none = next(g for g in after["by_field"] if g["key"] == "none")
    assert none["challenges"] >= 2
    assert sum(g["challenges"] for g in after["by_field"]) == t1["challenges"]


def test_a_challenge_counts_under_its_demands_top_level_field(client: TestClient,
                                                              db: Session) -> None:
    issuer = b.make_firm_user(db)
    demand = lb.make_demand(db, issuer)
    before = _stats(client, db)
    c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED, demand_id=demand.id)
    after = _stats(client, db)
    grew = [g["key"] for g in after["by_field"]
            if g["challenges"] > next((x["challenges"] for x in before["by_field"]
                                       if x["key"] == g["key"]), 0)]
    assert len(grew) == 1 and grew[0] != "none"


def test_names_are_public_proposals_are_not(client: TestClient, db: Session) -> None:
    issuer, winner = b.make_firm_user(db), b.make_institute_user(db)
    ch, _, _ = c.in_delivery(db, issuer, winner)
    names = accounts.organisation_names(db, [issuer.organisation_id, winner.organisation_id])
    issuer_name, winner_name = names[issuer.organisation_id], names[winner.organisation_id]
    r = client.get(f"{URL}/{ch.id}")  # anonymous
    body = r.json()
    assert body["issuer_name"] == issuer_name
    assert [a["winner_name"] for a in body["awards"]] == [winner_name]
    item = next(i for i in client.get(URL, params={"page_size": 100}).json()["items"]
                if i["id"] == ch.id)
    assert item["issuer_name"] == issuer_name
    assert item["winner_names"] == [winner_name]
    assert client.get(f"{URL}/{ch.id}/proposals").status_code == 401
    bureau = c.make_challenge(db, b.make_admin(db), ChallengeStatus.PUBLISHED)
    assert client.get(f"{URL}/{bureau.id}").json()["issuer_name"] is None


def test_the_invitation_names_the_issuer_and_the_issuer_sees_who_proposed(
        client: TestClient, db: Session) -> None:
    from backend.challenges.models import ReviewSeat, ReviewSeatStatus
    from tests.builders import experts as e

    issuer = b.make_firm_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    lead, member = b.make_institute_user(db), b.make_firm_user(db)
    proposal = c.make_proposal(db, ch, lead, member_org_ids=[member.organisation_id])
    names = accounts.organisation_names(db, [issuer.organisation_id, lead.organisation_id])
    inv = client.get(f"{URL}/invitations", headers=_h(db, member)).json()
    assert inv[0]["challenge"]["issuer_name"] == names[issuer.organisation_id]
    for who in (issuer, b.make_admin(db), lead):
        listed = client.get(f"{URL}/{ch.id}/proposals", headers=_h(db, who)).json()
        assert [p["lead_org_name"] for p in listed] == [names[lead.organisation_id]]
        one = client.get(f"{URL}/{ch.id}/proposals/{proposal.id}", headers=_h(db, who)).json()
        assert one["lead_org_name"] == names[lead.organisation_id]
    # a seated reviewer reads the proposal, not who leads it (as before)
    from backend.challenges import service
    for to in (ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW):
        service.transition(db, c.actor(issuer), issuer, ch, to, None)
    expert = e.make_expert(db)
    db.add(ReviewSeat(challenge_id=ch.id, expert_id=expert.id, kind="scientist",
                      status=ReviewSeatStatus.SEATED))
    db.flush()
    listed = client.get(f"{URL}/{ch.id}/proposals", headers=_h(db, expert)).json()
    assert [p["lead_org_name"] for p in listed] == [None]
