"""Property: whatever brokers, parties and the registry do to a deal, in any order — share
changes, claims, payouts, payments, disputes, cancellations, registration changes — the
rewards paid on it, less what was clawed back, never exceed what the policy gives for the
contract as its parties confirm it (nothing, once the deal or its registration is cancelled).

Each example runs through the API (as the routers orchestrate a change and the
re-computation it triggers) inside a savepoint rolled back afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core.errors import DomainError
from backend.deals import brokers
from backend.deals.models import Contract, Deal, Payment, RegistryStatus, Stage
from backend.rewards.calculation import DEFAULT_BRACKETS, compute_reward
from backend.rewards.models import ClawBack, ClawBackStatus, RewardClaim
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import rewards as r

D = Decimal
ZERO = D("0.00")

Op = tuple[Any, ...]
_CLAIM = st.tuples(st.just("claim"), st.sampled_from(["lead", "co"]))
_PAY = st.tuples(st.just("pay"), st.sampled_from(["lead", "co"]))
# Claims and payouts come up more often than the rest: what is paid is what can go wrong.
OPS = st.one_of(
    st.tuples(st.just("shares"), st.sampled_from([D(10), D(25), D(50), D("66.67"), D(90)])),
    _CLAIM, _CLAIM, _PAY, _PAY, _PAY,
    st.tuples(st.just("dispute_payment"), st.sampled_from(["firm", "institute"]),
              st.integers(0, 3)),
    st.tuples(st.just("new_payment"), st.sampled_from([D("0.25"), D("0.5"), D(1)])),
    st.tuples(st.just("amend"), st.sampled_from([D("0.2"), D("0.5"), D("0.9"), D(1)]),
              st.booleans()),
    st.tuples(st.just("registry_cancel")),
    st.tuples(st.just("cancel")),
)


def allowed(db: Session, deal_id: int) -> Decimal:
    """What the default policy gives for the deal's contract as its parties confirmed it."""
    deal = db.get(Deal, deal_id)
    contract = db.execute(select(Contract).where(Contract.deal_id == deal_id)).scalar_one()
    assert deal is not None
    if (deal.stage in (Stage.CANCELLED, Stage.LOST) or contract.confirmed_amount is None
            or contract.registry_status == RegistryStatus.CANCELLED):
        return ZERO
    received = db.execute(select(func.sum(Payment.confirmed_amount)).where(
        Payment.contract_id == contract.id, Payment.counted.is_(True))).scalar_one() or ZERO
    technology = contract.confirmed_technology_amount
    base = min(technology if technology is not None else contract.confirmed_amount,
               D(received))
    return compute_reward(base, DEFAULT_BRACKETS).amount


def net_paid(db: Session, deal_id: int) -> Decimal:
    paid = db.execute(select(func.sum(RewardClaim.amount)).where(
        RewardClaim.deal_id == deal_id, RewardClaim.paid_at.is_not(None))).scalar_one()
    back = db.execute(select(func.sum(ClawBack.amount)).join(
        RewardClaim, RewardClaim.id == ClawBack.claim_id).where(
        RewardClaim.deal_id == deal_id,
        ClawBack.status.not_in([ClawBackStatus.WAIVED, ClawBackStatus.CANCELLED]))
    ).scalar_one()
    return D(paid or 0) - D(back or 0)


class Run:
    """One example: a paid, confirmed, registered deal with two brokers, and the actors."""

    def __init__(self, client: TestClient, db: Session) -> None:
        self.client, self.db = client, db
        self.w = r.paid_world(db)
        self.co = d.with_profile(db, b.make_broker(db))
        lead = d.with_profile(db, self.w.lead)
        brokers.invite(db, d.actor(lead), d.access(db, lead, self.w.id, lock=True), self.co.id,
                       {lead.id: D(50), self.co.id: D(50)})
        brokers.answer_invitation(db, d.actor(self.co), d.access(db, self.co, self.w.id,
                                                                 lock=True), True)
        for broker in (lead, self.co):
            r.verified_payee(db, broker.id)
        self.admins = r.admins(db)
        self.h = {name: b.login_as(db, user).headers for name, user in (
            ("lead", lead), ("co", self.co), ("firm", self.w.firm),
            ("institute", self.w.institute), ("a", self.admins.a), ("b", self.admins.b))}
        self.url = f"/api/v1/deals/{self.w.id}"

    def post(self, path: str, who: str, body: dict[str, Any] | None = None) -> int:
        status: int = self.client.post(path, json=body, headers=self.h[who]).status_code
        assert status < 500, path
        return status

    def view(self, who: str) -> dict[str, Any]:
        body: dict[str, Any] = self.client.get(self.url, headers=self.h[who]).json()
        return body

    def confirm_everything(self) -> None:
        for party in ("firm", "institute"):
            contract = self.view(party)["contract"]
            if contract["evidence"]["awaiting_me"]:
                self.post(f"{self.url}/contract/confirm", party,
                          {"version": contract["evidence"]["version"]})
            for p in contract["payments"]:
                if p["evidence"]["awaiting_me"]:
                    self.post(f"{self.url}/payments/{p['id']}/confirm", party,
                              {"version": p["evidence"]["version"]})

    def claim_of(self, who: str) -> RewardClaim | None:
        broker = self.w.lead if who == "lead" else self.co
        self.db.expire_all()
        return self.db.execute(select(RewardClaim).where(
            RewardClaim.deal_id == self.w.id, RewardClaim.broker_id == broker.id)
        ).scalar_one_or_none()

    def apply(self, op: Op) -> None:
        kind = op[0]
        handlers: dict[str, Callable[[Op], None]] = {
            "shares": self.shares, "claim": self.claim, "pay": self.pay,
            "dispute_payment": self.dispute_payment, "new_payment": self.new_payment,
            "amend": self.amend, "registry_cancel": self.registry_cancel, "cancel": self.cancel}
        handlers[kind](op)

    def shares(self, op: Op) -> None:
        lead_share = op[1]
        body = {"shares": {str(self.w.lead.id): str(lead_share),
                           str(self.co.id): str(D(100) - lead_share)}}
        if self.client.put(f"{self.url}/shares", json=body,
                           headers=self.h["lead"]).status_code == 200:
            self.post(f"{self.url}/shares/accept", "co")

    def claim(self, op: Op) -> None:
        self.post("/api/v1/claims", op[1], {"deal_id": self.w.id})

    def pay(self, op: Op) -> None:
        """Claim (unless done) and have the claim reviewed, approved and paid."""
        self.post("/api/v1/claims", op[1], {"deal_id": self.w.id})
        claim = self.claim_of(op[1])
        if claim is None:
            return
        url = f"/api/v1/claims/{claim.id}"
        self.post(f"{url}/review", "a")
        self.post(f"{url}/approve", "a")
        self.post(f"{url}/pay", "b", {"payment_reference": "BANK-PROP"})

    def dispute_payment(self, op: Op) -> None:
        payments = self.view(op[1])["contract"]["payments"]
        if payments:
            p = payments[op[2] % len(payments)]
            self.post(f"{self.url}/payments/{p['id']}/dispute", op[1],
                      {"version": p["evidence"]["version"], "reason": "未收到该笔款项"})

    def new_payment(self, op: Op) -> None:
        remaining = D(self.view("lead")["contract"]["remaining_amount"])
        amount = (remaining * op[1]).quantize(D("0.01"))
        if amount <= 0:
            return
        try:
            d.pay(self.db, self.w, amount, confirm=False)
        except DomainError:  # the deal has ended
            return
        self.confirm_everything()

    def amend(self, op: Op) -> None:
        contract = self.view("lead")["contract"]
        technology = (D(contract["amount"]) * op[1]).quantize(D("0.01"))
        status = self.client.put(f"{self.url}/contract/registration", headers=self.h["lead"],
                                 json={"registration_no": contract["registration_no"],
                                       "registered_on": contract["registered_on"],
                                       "technology_amount": str(technology)}).status_code
        assert status < 500
        if status == 200 and op[2]:
            self.confirm_everything()

    def registry_cancel(self, op: Op) -> None:
        outcome = d.record_in_registry(self.db, self.w, cancelled=True,
                                       uploader=self.admins.a)
        from backend.rewards.recompute import recompute_deals  # as the upload route does
        recompute_deals(self.db, d.actor(self.admins.a), outcome.changed_deal_ids)

    def cancel(self, op: Op) -> None:
        self.post(f"{self.url}/transitions", "lead", {"to_stage": "cancelled",
                                                      "reason": "买方放弃"})


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(OPS, min_size=2, max_size=10))
def test_paid_less_clawed_back_never_exceeds_the_confirmed_policy_amount(
        client: TestClient, db: Session, ops: list[Op]) -> None:
    savepoint = db.begin_nested()
    db.connection()
    try:
        run = Run(client, db)
        for op in ops:
            run.apply(op)
            db.expire_all()
            limit, net = allowed(db, run.w.id), net_paid(db, run.w.id)
            assert net <= limit, (op, net, limit)
            if net > 0:
                event(f"paid then {op[0]}")
            claimed = db.execute(select(func.sum(RewardClaim.share_percent)).where(
                RewardClaim.deal_id == run.w.id)).scalar_one()
            assert D(claimed or 0) <= D(100), op
            amounts = db.execute(select(RewardClaim.amount).where(
                RewardClaim.deal_id == run.w.id)).scalars().all()
            assert all(a >= 0 for a in amounts)
    finally:
        savepoint.rollback()
        db.expire_all()

