"""One record of a challenge's money (issue 22): the award's deal has the milestones as its
payment schedule. Once the deal's contract is registered, a milestone payment the issuer
records is a payment on that contract naming the milestone, and the winner's receipt
confirmation is that payment's confirmation — so the deal's amounts received, the reward
basis (confirmed money only) and the challenge's paid total agree, and nothing counts twice.
A milestone paid before registration stays on the milestone and is attached, with its
answers, when the contract is registered; the contract's amount is never below the milestone
payments recorded. A bureau challenge's award opens a deal whose demand side is the bureau's
organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind, User
from backend.challenges import milestones as rules
from backend.challenges import service
from backend.challenges.models import Award, Challenge, ChallengeStatus, Milestone
from backend.core import clock
from backend.core.permissions import Role
from backend.deals import evidence, lookup
from backend.deals.ledger import confirmed_received, received
from backend.deals.models import Deal, EvidenceKind, EvidenceStatus, Payment, Stage
from tests.builders import accounts as b
from tests.builders import challenges as c
from tests.builders import deals as d

URL = "/api/v1/challenges"
DEALS = "/api/v1/deals"
MILLION = Decimal("1000000.00")


def _h(db: Session, user: User) -> dict[str, str]:
    return b.login_as(db, user).headers


@dataclass
class Setup:
    issuer: User
    winner: User
    broker: User
    challenge: Challenge
    deal: Deal
    world: d.World


def _delivering(db: Session, issuer: User | None = None) -> Setup:
    """A challenge (1,000,000: milestones of 400,000 and 600,000) awarded whole to one
    proposal that named a broker, in delivery; its deal."""
    issuer = issuer or b.make_firm_user(db)
    winner = b.make_institute_user(db)
    broker = d.with_profile(db, b.make_broker(db))
    ch = c.make_challenge(db, issuer, ChallengeStatus.PUBLISHED)
    proposal = c.make_proposal(db, ch, winner, broker_id=broker.id)
    c.award(db, issuer, ch, proposal)
    service.transition(db, c.actor(issuer), issuer, ch, ChallengeStatus.IN_DELIVERY, None)
    db.flush()
    award = db.execute(select(Award).where(Award.proposal_id == proposal.id)).scalar_one()
    assert award.deal_id is not None
    c.lead_accepts(db, broker, award.deal_id)
    deal = d.reload(db, award.deal_id)
    # the deal's builders act as on a pair's deal: the issuer's side, the winner's, the lead
    world = d.World(issuer, winner, broker, None, None, deal)  # type: ignore[arg-type]
    return Setup(issuer, winner, broker, ch, deal, world)


def _milestones(db: Session, s: Setup) -> list[Milestone]:
    db.flush()
    db.expire_all()  # the requests wrote through their own sessions
    return rules.for_challenge(db, s.challenge)


def _contract(db: Session, s: Setup, amount: Decimal = MILLION, *, register: bool = True,
              signed_days_ago: int = 30) -> None:
    d.record_contract(db, s.world, amount=amount, signed_on=d.days_ago(signed_days_ago),
                      confirm=False)
    d.move(db, s.world, Stage.SIGNED)
    if register:
        d.register(db, s.world, confirm=False, in_registry=False)


def _accept(client: TestClient, db: Session, s: Setup, m: Milestone) -> str:
    base = f"{URL}/{s.challenge.id}/milestones/{m.id}"
    assert client.post(f"{base}/evidence", json={"text": "测试报告"},
                       headers=_h(db, s.winner)).status_code == 200
    assert client.post(f"{base}/accept", headers=_h(db, s.issuer)).status_code == 200
    return base


def _pay(client: TestClient, db: Session, s: Setup, base: str, reference: str,
         paid_on: str | None = None) -> dict[str, object]:
    r = client.post(f"{base}/payment", headers=_h(db, s.issuer), json={
        "paid_on": paid_on or clock.today().isoformat(), "reference": reference})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _receipt(client: TestClient, db: Session, s: Setup, base: str, confirmed: bool) -> None:
    body: dict[str, object] = {"confirmed": confirmed}
    if not confirmed:
        body["reason"] = "未收到该笔款项"
    r = client.post(f"{base}/receipt", json=body, headers=_h(db, s.winner))
    assert r.status_code == 200, r.text


def _payments(db: Session, s: Setup) -> list[Payment]:
    db.flush()
    contract = d.reload(db, s.deal.id).contract
    assert contract is not None
    return list(db.execute(select(Payment).where(Payment.contract_id == contract.id)
                           .order_by(Payment.id)).scalars())


def _totals(db: Session, s: Setup) -> tuple[Decimal, Decimal, Decimal]:
    """(the deal's amount received, its confirmed amount received, the challenge's paid)."""
    contract = d.reload(db, s.deal.id).contract
    assert contract is not None
    return (received(db, contract.id), confirmed_received(db, contract.id),
            rules.confirmed_total(_milestones(db, s)))


def test_a_milestone_paid_on_a_registered_contract_is_that_contracts_payment(
        client: TestClient, db: Session) -> None:
    s = _delivering(db)
    _contract(db, s)
    first, second = _milestones(db, s)
    base = _accept(client, db, s, first)
    _pay(client, db, s, base, "ICBC-M1")
    (payment,) = _payments(db, s)
    assert (payment.challenge_milestone_id, payment.amount, payment.counted) == (
        first.id, Decimal("400000.00"), True)
    assert payment.bank_reference == "ICBC-M1"
    # the issuer's record is its side's answer; the winner's is awaited
    assert payment.evidence_status == EvidenceStatus.DECLARED
    assert _totals(db, s) == (Decimal("400000.00"), 0, 0)
    # the deal does not ask the winner to answer it there, nor may anyone answer it there
    awaiting = evidence.awaiting(db, d.with_profile(db, s.winner))
    assert [a for a in awaiting if a.kind == EvidenceKind.PAYMENT] == []
    r = client.post(f"{DEALS}/{s.deal.id}/payments/{payment.id}/confirm",
                    headers=_h(db, s.winner), json={"version": 1})
    assert r.status_code == 409 and r.json()["reason"] == "milestone_payment", r.text
    r = client.post(f"{DEALS}/{s.deal.id}/payments/{payment.id}/void",
                    headers=_h(db, s.broker), json={"reason": "录错"})
    assert r.status_code == 409 and r.json()["reason"] == "milestone_payment", r.text
    # the winner's receipt is the payment's confirmation: all three totals agree
    _receipt(client, db, s, base, True)
    db.refresh(payment)
    assert payment.evidence_status == EvidenceStatus.CONFIRMED
    assert payment.confirmed_amount == Decimal("400000.00")
    assert _totals(db, s) == (Decimal("400000.00"),) * 3
    summary = lookup.contract_for_claim(db, s.deal.id)
    assert [(p.amount, p.confirmed_amount) for p in summary.payments] == [
        (Decimal("400000.00"), Decimal("400000.00"))]
    # a dispute voids the payment; the milestone is paid anew under the same reference
    base2 = _accept(client, db, s, second)
    _pay(client, db, s, base2, "ICBC-M2")
    _receipt(client, db, s, base2, False)
    disputed = _payments(db, s)[1]
    assert disputed.voided_at is not None and disputed.challenge_milestone_id == second.id
    assert _totals(db, s) == (Decimal("400000.00"),) * 3
    _pay(client, db, s, base2, "ICBC-M2")
    _receipt(client, db, s, base2, True)
    assert _totals(db, s) == (MILLION,) * 3
    assert len([p for p in _payments(db, s) if p.voided_at is None]) == 2
    # fully received: the deal is paid
    assert d.reload(db, s.deal.id).stage == Stage.PAID


def test_brokers_record_no_payments_of_their_own_on_a_challenge_deal(
        client: TestClient, db: Session) -> None:
    s = _delivering(db)
    _contract(db, s)
    receipt = d.evidence_file(db, s.world)
    r = client.post(f"{DEALS}/{s.deal.id}/payments", headers=_h(db, s.broker), json={
        "paid_on": clock.today().isoformat(), "amount": "400000.00",
        "bank_reference": "BANK-X", "invoice_reference": "发票", "invoice_no": "INV1",
        "payer_account": "6222000011112222", "payee_account": "6222000033334444",
        "evidence_file_id": receipt.id})
    assert r.status_code == 409, r.text
    assert r.json()["reason"] == "paid_by_milestones"
    assert "里程碑" in r.json()["detail"]
    assert _payments(db, s) == []


def test_paid_before_registration_stays_on_the_milestone_and_is_attached_when_registered(
        client: TestClient, db: Session) -> None:
    s = _delivering(db)
    first, second = _milestones(db, s)
    base = _accept(client, db, s, first)
    _pay(client, db, s, base, "CCB-1")
    _receipt(client, db, s, base, True)
    base2 = _accept(client, db, s, second)
    _pay(client, db, s, base2, "CCB-2")  # recorded, not yet answered
    assert rules.confirmed_total(_milestones(db, s)) == Decimal("400000.00")
    # the contract's amount may not be below what the milestones recorded (1,000,000)
    r = client.put(f"{DEALS}/{s.deal.id}/contract", headers=_h(db, s.broker), json={
        "name": "基板翘曲控制技术开发合同", "type": "development", "amount": "999999.99",
        "signed_on": d.days_ago(30).isoformat(), "buyer_org_id": s.issuer.organisation_id,
        "seller_org_id": s.winner.organisation_id})
    assert r.status_code == 409 and r.json()["reason"] == "contract_amount_below_milestones"
    # nor signed after the first milestone payment
    r = client.put(f"{DEALS}/{s.deal.id}/contract", headers=_h(db, s.broker), json={
        "name": "基板翘曲控制技术开发合同", "type": "development", "amount": "1000000.00",
        "signed_on": (clock.today() + timedelta(days=1)).isoformat(),
        "buyer_org_id": s.issuer.organisation_id, "seller_org_id": s.winner.organisation_id})
    assert r.status_code == 422, r.text
    _contract(db, s, register=False)
    assert _payments(db, s) == []  # signed, not registered: nothing on the contract yet
    d.register(db, s.world, confirm=False, in_registry=False)
    one, two = _payments(db, s)
    assert (one.challenge_milestone_id, one.evidence_status) == (first.id,
                                                                 EvidenceStatus.CONFIRMED)
    assert (two.challenge_milestone_id, two.evidence_status) == (second.id,
                                                                 EvidenceStatus.DECLARED)
    assert _totals(db, s) == (MILLION, Decimal("400000.00"), Decimal("400000.00"))
    assert d.reload(db, s.deal.id).stage == Stage.PAID  # recorded in full
    _receipt(client, db, s, base2, True)
    assert _totals(db, s) == (MILLION,) * 3


def test_a_recorded_contract_caps_the_milestone_payments(client: TestClient,
                                                         db: Session) -> None:
    s = _delivering(db)
    _contract(db, s, Decimal("500000.00"), register=False, signed_days_ago=3)
    first, second = _milestones(db, s)
    base = _accept(client, db, s, first)
    r = client.post(f"{base}/payment", headers=_h(db, s.issuer), json={
        "paid_on": d.days_ago(5).isoformat(), "reference": "EARLY"})
    assert r.status_code == 422, r.text  # before the contract's signing
    _pay(client, db, s, base, "ABC-1")
    base2 = _accept(client, db, s, second)
    r = client.post(f"{base2}/payment", headers=_h(db, s.issuer), json={
        "paid_on": clock.today().isoformat(), "reference": "ABC-2"})
    assert r.status_code == 409, r.text
    assert r.json()["reason"] == "contract_amount_below_milestones"
    assert "500000.00" in r.json()["detail"]
    assert db.get_one(Milestone, second.id).paid_amount is None


def test_a_reference_used_elsewhere_is_refused_for_a_milestone_payment(
        client: TestClient, db: Session) -> None:
    other = d.open_world(db)
    d.accept_both(db, other)
    d.move(db, other, Stage.NEGOTIATING)
    d.record_contract(db, other)
    d.move(db, other, Stage.SIGNED)
    d.register(db, other)
    taken = d.pay(db, other, Decimal("1000.00")).bank_reference
    s = _delivering(db)
    _contract(db, s)
    (first, _second) = _milestones(db, s)
    base = _accept(client, db, s, first)
    r = client.post(f"{base}/payment", headers=_h(db, s.issuer), json={
        "paid_on": clock.today().isoformat(), "reference": taken})
    assert r.status_code == 409 and r.json()["reason"] == "bank_reference_taken", r.text
    assert db.get_one(Milestone, first.id).paid_amount is None


def test_a_bureau_challenge_opens_a_deal_with_the_bureaus_organisation(
        client: TestClient, db: Session) -> None:
    admin = b.make_admin(db)
    ch = c.make_challenge(db, admin, ChallengeStatus.PUBLISHED)
    proposal = c.make_proposal(db, ch, b.make_institute_user(db))
    r = client.post(f"{URL}/{ch.id}/transitions", json={"to_status": "closed"},
                    headers=_h(db, admin))
    assert r.status_code == 200
    client.post(f"{URL}/{ch.id}/transitions", json={"to_status": "under_review"},
                headers=_h(db, admin))
    choice = {"awards": [{"proposal_id": proposal.id, "amount": "1000000.00",
                          "reason": "唯一达标方案"}]}
    r = client.post(f"{URL}/{ch.id}/selection", json=choice, headers=_h(db, admin))
    assert r.status_code == 409 and r.json()["reason"] == "bureau_not_registered", r.text
    bureau = b.make_bureau(db)
    r = client.post(f"{URL}/{ch.id}/selection", json=choice, headers=_h(db, admin))
    assert r.status_code == 200, r.text
    deal_id = r.json()["awards"][0]["deal_id"]
    deal = d.reload(db, deal_id)
    assert (deal.demand_org_id, deal.stage) == (bureau.id, Stage.NEGOTIATING)
    # any administrator sees it (they act for the bureau); the winner is the other party
    assert client.get(f"{DEALS}/{deal_id}", headers=_h(db, b.make_admin(db))).status_code == 200


def test_the_bureaus_deal_is_paid_by_its_milestones_too(client: TestClient,
                                                        db: Session) -> None:
    bureau = b.make_bureau(db)
    admin = b.make_user(db, Role.ADMIN, bureau)
    s = _delivering(db, admin)
    assert s.deal.demand_org_id == bureau.id
    d.record_contract(db, s.world, amount=MILLION, signed_on=d.days_ago(30), confirm=False)
    # the administrators answer for the bureau's side of the contract
    assert d.answer(db, s.world, admin, EvidenceKind.CONTRACT, None) == EvidenceStatus.DECLARED
    assert d.answer(db, s.world, s.winner, EvidenceKind.CONTRACT,
                    None) == EvidenceStatus.CONFIRMED
    d.move(db, s.world, Stage.SIGNED)
    d.register(db, s.world, confirm=False, in_registry=False)
    first, _second = _milestones(db, s)
    base = _accept(client, db, s, first)
    _pay(client, db, s, base, "BUREAU-1")
    _receipt(client, db, s, base, True)
    assert _totals(db, s) == (Decimal("400000.00"),) * 3


def test_a_solver_related_to_the_bureau_cannot_answer_its_challenge(client: TestClient,
                                                                    db: Session) -> None:
    boss = b.person("李某")
    b.make_bureau(db, legal_representative=boss)
    ch = c.make_challenge(db, b.make_admin(db), ChallengeStatus.PUBLISHED)
    related = b.make_user(db, Role.FIRM, b.make_org(db, OrgKind.FIRM, legal_representative=boss))
    r = client.post(f"{URL}/{ch.id}/proposals", json=c.proposal_body(),
                    headers=_h(db, related))
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "lead"


_refs = iter(range(10**6))


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(registered_after=st.integers(0, 8),
       ops=st.lists(st.tuples(st.sampled_from(("next", "next", "next", "dispute")),
                              st.integers(0, 1)), min_size=4, max_size=14))
def test_whatever_the_order_the_deal_and_the_challenge_agree_on_the_money(
        db: Session, registered_after: int, ops: list[tuple[str, int]]) -> None:
    """Through the services, milestones moving in any interleaving, paid, confirmed or
    disputed, the contract registered at any point: what the
    deal counts as received is what the milestones recorded (once attached), what it counts
    as confirmed is what the challenge counts as paid, and neither exceeds the contract's
    amount nor prize plus top-up."""
    from backend.core.errors import DomainError

    s = _delivering(db)
    d.record_contract(db, s.world, amount=MILLION, signed_on=d.days_ago(30), confirm=False)
    d.move(db, s.world, Stage.SIGNED)
    registered = False
    issuer, winner = (d.with_profile(db, u) for u in (s.issuer, s.winner))
    for step, (op, index) in enumerate(ops):
        if step == registered_after and not registered:
            d.register(db, s.world, confirm=False, in_registry=False)
            registered = True
        ms = _milestones(db, s)
        m = ms[index % len(ms)]
        if op == "next":  # the milestone's next step
            op = {"pending": "evidence", "rejected": "evidence", "submitted": "accept",
                  "accepted": "pay"}.get(m.status.value, "confirm")
        try:
            with db.begin_nested():
                if op == "evidence":
                    rules.record_evidence(db, c.actor(winner), winner, s.challenge, m.id, "报告")
                elif op == "accept":
                    rules.record_decision(db, c.actor(issuer), issuer, s.challenge, m.id, True,
                                          None)
                elif op == "pay":
                    rules.record_payment(db, c.actor(issuer), issuer, s.challenge, m.id,
                                         clock.today(), f"P-{next(_refs)}")
                else:
                    rules.record_receipt(db, c.actor(winner), winner, s.challenge, m.id,
                                         op == "confirm", "未收到" if op == "dispute" else None)
        except DomainError:
            continue
        ms = _milestones(db, s)
        got, confirmed, challenge_paid = _totals(db, s)
        assert rules.confirmed_total(ms) <= rules.paid_total(ms) <= rules.total(s.challenge)
        if registered:
            assert got == rules.paid_total(ms) <= MILLION
            assert confirmed == challenge_paid
            live = [p for p in _payments(db, s) if p.voided_at is None]
            assert sorted(p.challenge_milestone_id or 0 for p in live) == sorted(
                x.id for x in ms if x.paid_amount is not None)
        else:
            assert (got, confirmed) == (0, 0)
