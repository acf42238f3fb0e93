"""Property: whatever the order of evidence, acceptance, rejection, payment and the winner's
confirmation or dispute on a split award's milestones, the total paid never exceeds prize plus
top-up, what counts as paid (confirmed) never exceeds what was recorded, and no milestone is
paid without having been accepted."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.challenges import milestones as rules
from backend.challenges.models import Milestone, MilestoneStatus
from backend.core.errors import Conflict, InvalidInput

NOW = datetime(2026, 6, 1, tzinfo=UTC)
OPS = ("evidence", "accept", "reject", "pay", "confirm", "dispute")


def _plan(cents: list[int], award_cents: list[int]) -> tuple[list[Milestone], Decimal]:
    """Each award's milestones, scaled from one plan the way an award lays them out (an award
    too small to split is left out, as selection refuses it)."""
    plan = [{"amount": str(Decimal(c) / 100)} for c in cents]
    whole = sum((Decimal(c) for c in cents), Decimal(0)) / 100
    shares = [Decimal(a) / 100 for a in award_cents]
    shares[-1] = whole - sum(shares[:-1], Decimal(0))
    out: list[Milestone] = []
    for award_id, share in enumerate(shares, start=1):
        if share <= 0:
            continue
        try:
            amounts = rules.split(plan, share, whole)
        except InvalidInput:
            continue
        out += [Milestone(id=len(out) + i, award_id=award_id, seq=i, amount=a,
                          status=MilestoneStatus.PENDING, due_on=date(2026, 1, 1))
                for i, a in enumerate(amounts, start=1)]
    return out, whole


@settings(max_examples=300, deadline=None)
@given(cents=st.lists(st.integers(1, 10**9), min_size=1, max_size=5),
       award_cents=st.lists(st.integers(1, 10**9), min_size=1, max_size=3),
       ops=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 30)), max_size=60))
def test_payments_never_exceed_the_prize_nor_pay_an_unaccepted_milestone(
        cents: list[int], award_cents: list[int], ops: list[tuple[str, int]]) -> None:
    ms, whole = _plan(cents, award_cents)
    ceiling = whole  # a published plan adds up to prize plus top-up exactly
    accepted_once: set[int] = set()
    for op, index in ops:
        if not ms:
            break
        m = ms[index % len(ms)]
        before = m.status
        try:
            if op == "evidence":
                rules.submit_evidence(m, "报告", NOW)
            elif op == "accept":
                rules.accept(m, None, NOW)
            elif op == "reject":
                rules.reject(m, "未达标", NOW)
            elif op == "confirm":
                rules.confirm_receipt(m, NOW)
            elif op == "dispute":
                rules.dispute_receipt(m, "未收到", NOW)
            else:
                rules.pay(m, ms, ceiling, date(2026, 6, 1), "B")
        except Conflict:
            assert m.status == before  # a refused step changes nothing
            continue
        if m.status == MilestoneStatus.ACCEPTED:
            accepted_once.add(id(m))
        if m.status == MilestoneStatus.PAID and before != MilestoneStatus.PAID:
            assert before == MilestoneStatus.ACCEPTED  # only an accepted milestone becomes paid
        assert rules.confirmed_total(ms) <= rules.paid_total(ms) <= ceiling
        if op == "confirm":
            assert before == MilestoneStatus.PAID and rules.is_confirmed(m)
    for m in ms:
        if m.paid_amount is not None:
            assert id(m) in accepted_once and m.status == MilestoneStatus.PAID
            assert m.paid_amount == m.amount


def test_pay_refuses_beyond_the_ceiling_even_when_accepted() -> None:
    ms = [Milestone(id=1, amount=Decimal("60.00"), status=MilestoneStatus.ACCEPTED),
          Milestone(id=2, amount=Decimal("50.00"), status=MilestoneStatus.ACCEPTED)]
    rules.pay(ms[0], ms, Decimal("100.00"), date(2026, 6, 1), "B1")
    try:
        rules.pay(ms[1], ms, Decimal("100.00"), date(2026, 6, 1), "B2")
    except Conflict:
        pass
    else:
        raise AssertionError("paid beyond the ceiling")
    assert rules.paid_total(ms) == Decimal("60.00")


def test_split_adds_up_exactly() -> None:
    plan = [{"amount": "333.33"}, {"amount": "333.33"}, {"amount": "333.34"}]
    parts = rules.split(plan, Decimal("100.01"), Decimal("1000.00"))
    assert sum(parts, Decimal(0)) == Decimal("100.01")
