"""Selection (one, several, none) and delivery by milestone: evidence, acceptance, payment
only after acceptance, late flags, termination keeping what was paid."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.challenges import service
from backend.challenges.models import ChallengeStatus, Milestone
from backend.core import clock
from tests.builders import accounts as b
from tests.builders import challenges as c

URL = "/api/v1/challenges"


def _h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def _reviewing(db: Session, solvers: int = 2):  # type: ignore[no-untyped-def]
    issuer = b.make_firm_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    people = [b.make_institute_user(db) for _ in range(solvers)]
    props = [c.make_proposal(db, ch, p) for p in people]
    for to in (ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW):
        service.transition(db, c.actor(issuer), issuer, ch, to, None)
    db.flush()
    return issuer, ch, people, props


def test_awards_must_add_up_and_name_this_challenges_proposals(client: TestClient,
                                                              db: Session) -> None:
    issuer, ch, _, (p1, _p2) = _reviewing(db)
    elsewhere = c.make_proposal(db, c.make_challenge(db, b.make_firm_user(db),
                                                     ChallengeStatus.PUBLISHED),
                                b.make_institute_user(db))
    h = _h(db, issuer)
    bad = [[{"proposal_id": p1.id, "amount": "999999.99", "reason": "r"}],
           [{"proposal_id": elsewhere.id, "amount": "1000000.00", "reason": "r"}],
           [{"proposal_id": p1.id, "amount": "500000.00", "reason": "r"},
            {"proposal_id": p1.id, "amount": "500000.00", "reason": "r"}]]
    for awards in bad:
        assert client.post(f"{URL}/{ch.id}/selection", json={"awards": awards},
                           headers=h).status_code == 422
    assert client.post(f"{URL}/{ch.id}/selection", json={"awards": [
        {"proposal_id": p1.id, "amount": "1000000.00", "reason": "r"}]},
        headers=_h(db, b.make_firm_user(db))).status_code == 403


def test_a_split_award_lays_out_each_winners_milestones(client: TestClient,
                                                        db: Session) -> None:
    issuer, ch, (s1, s2), (p1, p2) = _reviewing(db)
    r = client.post(f"{URL}/{ch.id}/selection", headers=_h(db, issuer), json={
        "awards": [{"proposal_id": p1.id, "amount": "333333.33", "reason": "指标最优"},
                   {"proposal_id": p2.id, "amount": "666666.67", "reason": "成本最低，偏离评审排序"}],
        "reason": "拆分授奖"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "awarded"
    assert [a["winner_org_id"] for a in r.json()["awards"]] == [s1.organisation_id,
                                                                s2.organisation_id]
    one = client.get(f"{URL}/{ch.id}/milestones", headers=_h(db, s1)).json()
    two = client.get(f"{URL}/{ch.id}/milestones", headers=_h(db, s2)).json()
    assert sum(Decimal(m["amount"]) for m in one) == Decimal("333333.33")
    assert sum(Decimal(m["amount"]) for m in two) == Decimal("666666.67")
    assert len(client.get(f"{URL}/{ch.id}/milestones", headers=_h(db, issuer)).json()) == 4
    assert client.get(f"{URL}/{ch.id}/milestones",
                      headers=_h(db, b.make_institute_user(db))).status_code == 404


def _delivering(db: Session):  # type: ignore[no-untyped-def]
    issuer, ch, (winner, loser), (p1, _) = _reviewing(db)
    c.award(db, issuer, ch, p1)
    service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.IN_DELIVERY, None)
    db.flush()
    return issuer, ch, winner, loser


def test_a_milestone_is_paid_only_after_acceptance(client: TestClient, db: Session) -> None:
    issuer, ch, winner, loser = _delivering(db)
    hi, hw = _h(db, issuer), _h(db, winner)
    first = client.get(f"{URL}/{ch.id}/milestones", headers=hw).json()[0]
    base = f"{URL}/{ch.id}/milestones/{first['id']}"
    pay = {"paid_on": clock.today().isoformat(), "reference": "BANK-1"}
    r = client.post(f"{base}/payment", json=pay, headers=hi)
    assert r.status_code == 409 and "accepted" in r.json()["detail"]
    assert client.post(f"{base}/evidence", json={"text": "测试报告"},
                       headers=_h(db, loser)).status_code == 404
    assert client.post(f"{base}/evidence", json={"text": "测试报告"},
                       headers=hi).status_code == 403
    assert client.post(f"{base}/evidence", json={"text": "测试报告：翘曲0.15mm"},
                       headers=hw).json()["status"] == "submitted"
    assert client.post(f"{base}/accept", headers=hw).status_code == 403
    assert client.post(f"{base}/reject", json={}, headers=hi).status_code == 422
    assert client.post(f"{base}/reject", json={"reason": "未达0.2mm"},
                       headers=hi).json()["status"] == "rejected"
    assert client.post(f"{base}/payment", json=pay, headers=hi).status_code == 409
    client.post(f"{base}/evidence", json={"text": "复测：0.12mm"}, headers=hw)
    assert client.post(f"{base}/accept", headers=hi).json()["status"] == "accepted"
    # Pentest: a payment dated before the acceptance (2020-01-01) was recorded.
    early = {**pay, "paid_on": "2020-01-01"}
    r = client.post(f"{base}/payment", json=early, headers=hi)
    assert r.status_code == 422 and "验收" in r.json()["detail"] + str(r.json().get("errors"))
    r = client.post(f"{base}/payment", json=pay, headers=hi)
    assert r.status_code == 200 and r.json()["paid_amount"] == first["amount"]
    assert client.post(f"{base}/payment", json=pay, headers=hi).status_code == 409
    # Not every milestone is paid: the challenge cannot be accepted yet.
    r = client.post(f"{URL}/{ch.id}/transitions", json={"to_status": "accepted"}, headers=hi)
    assert r.status_code == 409


def test_all_paid_the_challenge_is_accepted(client: TestClient, db: Session) -> None:
    issuer, ch, winner, _ = _delivering(db)
    hi, hw = _h(db, issuer), _h(db, winner)
    for m in client.get(f"{URL}/{ch.id}/milestones", headers=hw).json():
        base = f"{URL}/{ch.id}/milestones/{m['id']}"
        client.post(f"{base}/evidence", json={"text": "报告"}, headers=hw)
        client.post(f"{base}/accept", json={"reason": "达标"}, headers=hi)
        assert client.post(f"{base}/payment", headers=hi, json={
            "paid_on": clock.today().isoformat(), "reference": f"B{m['id']}"}).status_code == 200
    # Paid as recorded, not yet as confirmed by the winner: not accepted yet.
    r = client.post(f"{URL}/{ch.id}/transitions", json={"to_status": "accepted"}, headers=hi)
    assert r.status_code == 409
    for m in client.get(f"{URL}/{ch.id}/milestones", headers=hw).json():
        assert client.post(f"{URL}/{ch.id}/milestones/{m['id']}/receipt",
                           json={"confirmed": True}, headers=hw).status_code == 200
    r = client.post(f"{URL}/{ch.id}/transitions", json={"to_status": "accepted"}, headers=hi)
    assert r.status_code == 200 and r.json()["status"] == "accepted"


def test_late_milestones_are_flagged_and_termination_keeps_payments(client: TestClient,
                                                                   db: Session) -> None:
    issuer, ch, winner, _ = _delivering(db)
    hi, hw = _h(db, issuer), _h(db, winner)
    ms = client.get(f"{URL}/{ch.id}/milestones", headers=hw).json()
    base = f"{URL}/{ch.id}/milestones/{ms[0]['id']}"
    client.post(f"{base}/evidence", json={"text": "报告"}, headers=hw)
    client.post(f"{base}/accept", headers=hi)
    client.post(f"{base}/payment", headers=hi,
                json={"paid_on": clock.today().isoformat(), "reference": "B1"})
    # the winner's word on it first: an unanswered payment holds the end (pentest)
    assert client.post(f"{base}/receipt", json={"confirmed": True},
                       headers=hw).status_code == 200
    second = db.get_one(Milestone, ms[1]["id"])
    second.due_on = clock.today() - timedelta(days=1)
    db.flush()
    flags = {m["id"]: m["late"] for m in client.get(f"{URL}/{ch.id}/milestones",
                                                     headers=hi).json()}
    assert flags == {ms[0]["id"]: False, ms[1]["id"]: True}
    assert client.post(f"{URL}/{ch.id}/transitions", json={"to_status": "terminated"},
                       headers=hi).status_code == 422
    r = client.post(f"{URL}/{ch.id}/transitions",
                    json={"to_status": "terminated", "reason": "第二阶段逾期"}, headers=hi)
    assert r.status_code == 200 and r.json()["outcome_reason"] == "第二阶段逾期"
    kept = client.get(f"{URL}/{ch.id}/milestones", headers=hi).json()
    assert kept[0]["paid_amount"] == ms[0]["amount"] and kept[0]["status"] == "paid"
    # Ended: nothing more moves.
    r = client.post(f"{URL}/{ch.id}/milestones/{ms[1]['id']}/evidence",
                    json={"text": "迟交"}, headers=hw)
    assert r.status_code == 409


def test_a_payment_counts_only_once_the_winner_confirmed_it(client: TestClient,
                                                            db: Session) -> None:
    from backend.challenges import milestones as rules

    issuer, ch, winner, loser = _delivering(db)
    hi, hw = _h(db, issuer), _h(db, winner)
    first = client.get(f"{URL}/{ch.id}/milestones", headers=hw).json()[0]
    base = f"{URL}/{ch.id}/milestones/{first['id']}"
    client.post(f"{base}/evidence", json={"text": "报告"}, headers=hw)
    # Nothing recorded yet: nothing to confirm.
    client.post(f"{base}/accept", headers=hi)
    assert client.post(f"{base}/receipt", json={"confirmed": True},
                       headers=hw).status_code == 409
    pay = {"paid_on": clock.today().isoformat(), "reference": "BANK-9"}
    assert client.post(f"{base}/payment", json=pay, headers=hi).status_code == 200
    row = db.get_one(Milestone, first["id"])
    assert rules.paid_total([row]) == Decimal(first["amount"])
    assert rules.confirmed_total([row]) == 0
    # Only the winner answers: the issuer by seat, a stranger does not see it.
    assert client.post(f"{base}/receipt", json={"confirmed": True},
                       headers=hi).status_code == 403
    assert client.post(f"{base}/receipt", json={"confirmed": True},
                       headers=_h(db, loser)).status_code == 404
    assert client.post(f"{base}/receipt", json={"confirmed": False},
                       headers=hw).status_code == 422
    r = client.post(f"{base}/receipt", json={"confirmed": False, "reason": "未收到该笔款项"},
                    headers=hw)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "accepted" and got["paid_amount"] is None
    assert got["receipt_status"] == "disputed" and got["receipt_reason"] == "未收到该笔款项"
    # Recorded anew and confirmed: now it counts.
    assert client.post(f"{base}/payment", json={**pay, "reference": "BANK-10"},
                       headers=hi).json()["receipt_status"] is None
    r = client.post(f"{base}/receipt", json={"confirmed": True}, headers=hw)
    assert r.json()["receipt_status"] == "confirmed" and r.json()["status"] == "paid"
    db.refresh(row)
    assert rules.confirmed_total([row]) == Decimal(first["amount"])
    assert client.post(f"{base}/receipt", json={"confirmed": False, "reason": "x"},
                       headers=hw).status_code == 409
