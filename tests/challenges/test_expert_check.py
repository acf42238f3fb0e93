"""An expert check of a milestone: when the challenge asks for it, a reviewer seated on the
challenge confirms the submitted evidence before the issuer may accept it; new evidence is
checked anew; nobody else confirms."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.challenges import service
from backend.challenges.models import ChallengeStatus, ReviewSeat, ReviewSeatStatus
from tests.builders import accounts as b
from tests.builders import challenges as c
from tests.builders import experts as e

URL = "/api/v1/challenges"


def _h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def test_a_seated_reviewer_confirms_before_the_issuer_accepts(client: TestClient,
                                                              db: Session) -> None:
    issuer, winner = b.make_firm_user(db), b.make_institute_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED, milestone_expert_check=True)
    assert client.get(f"{URL}/{ch.id}").json()["milestone_expert_check"] is True
    proposal = c.make_proposal(db, ch, winner)
    expert, outsider = e.make_expert(db), e.make_expert(db)
    # the panel sits before the award (a challenge asking for the check needs one: pentest)
    db.add(ReviewSeat(challenge_id=ch.id, expert_id=expert.id, kind="scientist",
                      status=ReviewSeatStatus.SUBMITTED))
    db.flush()
    c.award(db, issuer, ch, proposal)
    service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.IN_DELIVERY, None)
    m1 = client.get(f"{URL}/{ch.id}/milestones", headers=_h(db, issuer)).json()[0]["id"]
    base = f"{URL}/{ch.id}/milestones/{m1}"
    assert client.post(f"{base}/evidence", json={"text": "报告"},
                       headers=_h(db, winner)).status_code == 200
    r = client.post(f"{base}/accept", headers=_h(db, issuer))
    assert r.status_code == 409, r.text
    for who in (outsider, issuer, winner):
        assert client.post(f"{base}/expert-check", json={"note": "达标"},
                           headers=_h(db, who)).status_code in (403, 404)
    # the seated reviewer reads the evidence and confirms it
    assert client.get(f"{URL}/{ch.id}/milestones", headers=_h(db, expert)).status_code == 200
    r = client.post(f"{base}/expert-check", json={"note": "指标达到"}, headers=_h(db, expert))
    assert r.status_code == 200, r.text
    assert r.json()["expert_check_note"] == "指标达到"
    assert client.post(f"{base}/expert-check", json={"note": "再次"},
                       headers=_h(db, expert)).status_code == 409
    # rejected and submitted again: checked anew
    assert client.post(f"{base}/reject", json={"reason": "缺数据"},
                       headers=_h(db, issuer)).status_code == 200
    r = client.post(f"{base}/evidence", json={"text": "补充"}, headers=_h(db, winner))
    assert r.json()["expert_checked_at"] is None
    assert client.post(f"{base}/accept", headers=_h(db, issuer)).status_code == 409
    client.post(f"{base}/expert-check", json={"note": "补充后达标"}, headers=_h(db, expert))
    assert client.post(f"{base}/accept", headers=_h(db, issuer)).status_code == 200


def test_without_the_check_nothing_changes(client: TestClient, db: Session) -> None:
    issuer, winner = b.make_firm_user(db), b.make_institute_user(db)
    ch, _, (m1, *_) = c.in_delivery(db, issuer, winner)
    base = f"{URL}/{ch.id}/milestones/{m1.id}"
    client.post(f"{base}/evidence", json={"text": "报告"}, headers=_h(db, winner))
    assert client.post(f"{base}/expert-check", json={"note": "x"},
                       headers=_h(db, e.make_expert(db))).status_code == 404
    assert client.post(f"{base}/accept", headers=_h(db, issuer)).status_code == 200


def _checked_challenge(db: Session) -> tuple[object, object, object, str]:
    issuer, winner = b.make_firm_user(db), b.make_institute_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED, milestone_expert_check=True)
    proposal = c.make_proposal(db, ch, winner)
    expert = e.make_expert(db)
    db.add(ReviewSeat(challenge_id=ch.id, expert_id=expert.id, kind="scientist",
                      status=ReviewSeatStatus.SUBMITTED))
    db.flush()
    c.award(db, issuer, ch, proposal)
    service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.IN_DELIVERY, None)
    return issuer, winner, expert, f"{URL}/{ch.id}"


def test_a_failing_verdict_is_kept_shown_and_blocks_acceptance(client: TestClient,
                                                               db: Session) -> None:
    issuer, winner, expert, ch_url = _checked_challenge(db)
    m1 = client.get(f"{ch_url}/milestones", headers=_h(db, issuer)).json()[0]["id"]
    base = f"{ch_url}/milestones/{m1}"
    client.post(f"{base}/evidence", json={"text": "报告"}, headers=_h(db, winner))
    # a fail needs its reason
    assert client.post(f"{base}/expert-check", json={"verdict": "fail"},
                       headers=_h(db, expert)).status_code == 422
    r = client.post(f"{base}/expert-check", json={"verdict": "fail", "note": "效率仅18%"},
                    headers=_h(db, expert))
    assert r.status_code == 200, r.text
    assert (r.json()["expert_verdict"], r.json()["expert_check_note"]) == ("fail", "效率仅18%")
    # both sides see it on the tracker
    for who in (issuer, winner):
        row = client.get(f"{ch_url}/milestones", headers=_h(db, who)).json()[0]
        assert (row["expert_verdict"], row["expert_check_note"]) == ("fail", "效率仅18%")
    # the issuer cannot accept against a failing verdict, but may reject
    r = client.post(f"{base}/accept", headers=_h(db, issuer))
    assert r.status_code == 409, r.text
    assert "未通过" in r.json()["detail"] and "failed" in r.json()["detail"]
    assert client.post(f"{base}/reject", json={"reason": "按专家意见驳回"},
                       headers=_h(db, issuer)).status_code == 200
    # new evidence clears the verdict; a pass then lets the issuer accept
    r = client.post(f"{base}/evidence", json={"text": "补充"}, headers=_h(db, winner))
    assert r.json()["expert_verdict"] is None
    r = client.post(f"{base}/expert-check", json={"verdict": "pass", "note": "补充后达标"},
                    headers=_h(db, expert))
    assert r.json()["expert_verdict"] == "pass"
    assert client.post(f"{base}/accept", headers=_h(db, issuer)).status_code == 200


def test_a_verdict_without_its_word_is_a_pass(client: TestClient, db: Session) -> None:
    issuer, winner, expert, ch_url = _checked_challenge(db)
    m1 = client.get(f"{ch_url}/milestones", headers=_h(db, issuer)).json()[0]["id"]
    base = f"{ch_url}/milestones/{m1}"
    client.post(f"{base}/evidence", json={"text": "报告"}, headers=_h(db, winner))
    r = client.post(f"{base}/expert-check", json={"note": "达标"}, headers=_h(db, expert))
    assert r.json()["expert_verdict"] == "pass"
