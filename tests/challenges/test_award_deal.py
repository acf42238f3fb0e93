"""An award opens a deal in the broker pipeline, carrying the award in place of a
demand–achievement pair: the issuer's firm and the winner are its parties, the broker the
solver named leads it; only they and administrators see it; everything that reads a deal's
pair copes with a deal that has none."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.challenges.models import Award, ChallengeStatus, Proposal
from backend.core import clock
from backend.deals import lookup
from backend.deals.models import Deal, Notification, Stage
from backend.integrity import gather
from tests.builders import accounts as b
from tests.builders import challenges as c

URL = "/api/v1/challenges"
DEALS = "/api/v1/deals"


def _h(db: Session, user: User) -> dict[str, str]:
    return b.login_as(db, user).headers


def _awarded(db: Session, *, broker: User | None = None, solvers: int = 1):  # type: ignore[no-untyped-def]
    issuer = b.make_firm_user(db)
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    people = [b.make_institute_user(db) for _ in range(solvers)]
    props = [c.make_proposal(db, ch, p, broker_id=broker.id if broker else None)
             for p in people]
    return issuer, ch, people, props


def _deal_of(db: Session, proposal: Proposal) -> Deal:
    db.flush()
    award = db.query(Award).filter(Award.proposal_id == proposal.id).one()
    assert award.deal_id is not None
    deal = db.get(Deal, award.deal_id)
    assert deal is not None
    return deal


def test_an_award_opens_a_deal_between_the_issuer_and_the_winner(client: TestClient,
                                                                 db: Session) -> None:
    broker = b.make_broker(db)
    issuer, ch, (winner, loser), (p1, _p2) = _awarded(db, broker=broker, solvers=2)
    c.award(db, issuer, ch, p1)
    deal = _deal_of(db, p1)
    c.lead_accepts(db, broker, deal.id)
    assert (deal.demand_id, deal.achievement_id) == (None, None)
    assert deal.demand_org_id == issuer.organisation_id
    assert deal.achievement_org_id == winner.organisation_id
    assert deal.stage == Stage.NEGOTIATING
    r = client.get(f"{DEALS}/{deal.id}", headers=_h(db, issuer))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["challenge"]["challenge_id"] == ch.id
    assert body["challenge"]["proposal_id"] == p1.id
    assert body["demand"]["listing_id"] is None and body["demand"]["title"] == ch.title
    assert body["achievement"]["organisation"]["id"] == winner.organisation_id
    assert [x["broker_id"] for x in body["brokers"]] == [broker.id]
    assert body["both_accepted"] is True
    # the two parties, the broker, administrators; nobody else
    for who in (winner, broker, b.make_admin(db)):
        assert client.get(f"{DEALS}/{deal.id}", headers=_h(db, who)).status_code == 200
    for who in (loser, b.make_firm_user(db), b.make_broker(db)):
        assert client.get(f"{DEALS}/{deal.id}", headers=_h(db, who)).status_code == 404
    listed = client.get(DEALS, headers=_h(db, issuer)).json()["items"]
    assert [(d["id"], d["challenge_id"]) for d in listed] == [(deal.id, ch.id)]
    assert client.get(DEALS, headers=_h(db, loser)).json()["items"] == []
    # the challenge shows the deal on its award
    assert client.get(f"{URL}/{ch.id}").json()["awards"][0]["deal_id"] == deal.id


def test_the_deal_runs_through_the_pipeline_without_listings(client: TestClient,
                                                             db: Session) -> None:
    broker = b.make_broker(db)
    issuer, ch, (winner,), (p1,) = _awarded(db, broker=broker)
    c.award(db, issuer, ch, p1)
    deal = _deal_of(db, p1)
    c.lead_accepts(db, broker, deal.id)
    h = _h(db, broker)
    r = client.put(f"{DEALS}/{deal.id}/contract", headers=h, json={
        "name": "基板翘曲控制技术开发合同", "type": "development", "amount": "1000000.00",
        "signed_on": clock.today().isoformat(), "buyer_org_id": issuer.organisation_id,
        "seller_org_id": winner.organisation_id})
    assert r.status_code == 200, r.text
    summary = lookup.contract_for_claim(db, deal.id)
    assert summary.challenge_award_id == deal.challenge_award_id
    assert summary.demand_id is None
    assert lookup.challenge_field_code(db, deal.challenge_award_id) == ""
    # the integrity rules read its contract too (no field)
    assert any(x.deal_id == deal.id and x.field == "" for x in gather.contracts(db))
    # matching feedback and the chain map count pairs only
    assert all(o.deal_id != deal.id for o in lookup.pair_outcomes(db))
    assert all(x.deal_id != deal.id for x in lookup.listing_deals(db))
    r = client.post(f"{DEALS}/{deal.id}/transitions", headers=h,
                    json={"to_stage": "lost", "reason": "未能达成合同"})
    assert r.status_code == 200, r.text
    assert client.get(f"{DEALS}/{deal.id}", headers=_h(db, issuer)).json()["stage"] == "lost"


def test_without_a_broker_the_deal_has_none_and_the_bureau_is_a_party_of_its_own(
        client: TestClient, db: Session) -> None:
    issuer, ch, _, (p1,) = _awarded(db)
    c.award(db, issuer, ch, p1)
    deal = _deal_of(db, p1)
    assert client.get(f"{DEALS}/{deal.id}", headers=_h(db, issuer)).json()["brokers"] == []
    # A bureau challenge's deal has the bureau's organisation on the demand side.
    office = b.make_bureau(db)
    admin = b.make_admin(db)
    bureau = c.make_challenge(db, admin, ChallengeStatus.PUBLISHED)
    solver = b.make_institute_user(db)
    proposal = c.make_proposal(db, bureau, solver)
    c.award(db, admin, bureau, proposal)
    deal = _deal_of(db, proposal)
    assert (deal.demand_org_id, deal.achievement_org_id) == (office.id, solver.organisation_id)


def test_a_split_award_opens_a_deal_per_winner(db: Session) -> None:
    issuer, ch, people, (p1, p2) = _awarded(db, solvers=2)
    c.award(db, issuer, ch, p1, p2, amounts=["400000.00", "600000.00"])
    deals = [_deal_of(db, p) for p in (p1, p2)]
    assert [d.achievement_org_id for d in deals] == [p.organisation_id for p in people]
    assert len({d.challenge_award_id for d in deals}) == 2


def test_a_deal_carries_the_pair_or_the_award_never_neither(db: Session) -> None:
    issuer, ch, _, (p1,) = _awarded(db)
    c.award(db, issuer, ch, p1)
    deal = _deal_of(db, p1)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(Deal(demand_id=None, achievement_id=None, challenge_award_id=None,
                    demand_org_id=deal.demand_org_id, achievement_org_id=deal.achievement_org_id,
                    opened_by_id=issuer.id))
        db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():  # one deal per award
        db.add(Deal(challenge_award_id=deal.challenge_award_id,
                    demand_org_id=deal.demand_org_id, achievement_org_id=deal.achievement_org_id,
                    opened_by_id=issuer.id))
        db.flush()


@pytest.mark.parametrize("end", [ChallengeStatus.TERMINATED, ChallengeStatus.FAILED])
def test_ending_the_challenge_ends_its_deals(db: Session, end: ChallengeStatus) -> None:
    from backend.audit.models import AuditEntry
    from backend.challenges import service

    issuer, winner = b.make_firm_user(db), b.make_institute_user(db)
    ch, proposal, _ = c.in_delivery(db, issuer, winner)
    deal = _deal_of(db, proposal)
    assert deal.stage == Stage.NEGOTIATING
    service.transition(db, c.actor(issuer), issuer, ch, end, "攻关方向调整")
    db.flush()
    db.refresh(deal)
    assert deal.stage == Stage.CANCELLED and deal.ended_at is not None
    entry = db.query(AuditEntry).filter(AuditEntry.action == "deal.transition",
                                        AuditEntry.object_id == str(deal.id)).one()
    assert entry.after["stage"] == "cancelled"
    assert f"#{ch.id}" in entry.after["reason"] and "攻关方向调整" in entry.after["reason"]


def test_a_payment_awaiting_its_answer_keeps_challenge_and_deal_open(db: Session) -> None:
    from datetime import timedelta

    from backend.challenges import milestones, service
    from backend.core.errors import Conflict

    issuer, winner = b.make_firm_user(db), b.make_institute_user(db)
    ch, proposal, (m1, *_) = c.in_delivery(db, issuer, winner)
    deal = _deal_of(db, proposal)
    milestones.record_evidence(db, c.actor(winner), winner, ch, m1.id, "报告")
    milestones.record_decision(db, c.actor(issuer), issuer, ch, m1.id, True, None)
    milestones.record_payment(db, c.actor(issuer), issuer, ch, m1.id,
                              clock.today() + timedelta(days=0), "PAY-1")
    with pytest.raises(Conflict):
        service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.TERMINATED, "x")
    db.refresh(deal)
    assert deal.stage == Stage.NEGOTIATING


def test_the_named_broker_leads_only_once_it_accepts(client: TestClient, db: Session) -> None:
    broker = b.make_broker(db)
    issuer, ch, _, (p1,) = _awarded(db, broker=broker)
    c.award(db, issuer, ch, p1)
    deal = _deal_of(db, p1)
    # invited, not yet leading: no lead broker, no share
    body = client.get(f"{DEALS}/{deal.id}", headers=_h(db, broker)).json()
    assert [(x["broker_id"], x["status"], x["share"]) for x in body["brokers"]] == [
        (broker.id, "invited", "0.00")]
    assert body["invitation"]["proposed_shares"] == {str(broker.id): "100.00"}
    assert body["relation"] == "invitee"
    r = client.post(f"{DEALS}/{deal.id}/invitation/accept", headers=_h(db, broker))
    assert r.status_code == 200, r.text
    body = client.get(f"{DEALS}/{deal.id}", headers=_h(db, broker)).json()
    assert [(x["broker_id"], x["status"], x["role"], x["share"]) for x in body["brokers"]] == [
        (broker.id, "active", "lead", "100.00")]


def test_the_named_broker_may_decline(client: TestClient, db: Session) -> None:
    broker = b.make_broker(db)
    issuer, ch, (solver,), (p1,) = _awarded(db, broker=broker)
    c.award(db, issuer, ch, p1)
    deal = _deal_of(db, p1)
    r = client.post(f"{DEALS}/{deal.id}/invitation/decline", headers=_h(db, broker))
    assert r.status_code == 204, r.text
    assert client.get(f"{DEALS}/{deal.id}", headers=_h(db, broker)).status_code == 404
    body = client.get(f"{DEALS}/{deal.id}", headers=_h(db, issuer)).json()
    assert [x for x in body["brokers"] if x["status"] == "active"] == []
    # with no lead broker to tell, the parties are told the deal has no broker now
    told = set(db.execute(select(Notification.user_id).where(
        Notification.deal_id == deal.id, Notification.kind == "deal.invitation_declined")).scalars())
    assert issuer.id in told and solver.id in told and broker.id not in told
