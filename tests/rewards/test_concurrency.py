"""Two administrators acting on one claim at the same moment, each in their own connection
and transaction on PostgreSQL: only one approval and only one payment can succeed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from backend.audit import service as audit
from backend.audit.models import AuditEntry
from backend.core.errors import Conflict, PermissionDenied
from backend.rewards import review
from backend.rewards.models import ClaimStatus, RewardClaim
from tests.builders import accounts as b
from tests.builders import rewards as r
from tests.conftest import migrated_postgres, postgres_reachable

pytestmark = pytest.mark.postgres


@dataclass
class Setup:
    factory: sessionmaker[Session]
    claim_id: int
    admin_ids: list[int]


@pytest.fixture(scope="module")
def pg() -> Iterator[Engine]:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    with migrated_postgres("techbroker_concurrency") as (_, engine):
        yield engine


def _setup(engine: Engine, status: ClaimStatus) -> Setup:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session, session.begin():
        admins = [b.make_admin(session) for _ in range(3)]
        claim = r.claim(session)
        if status in (ClaimStatus.UNDER_REVIEW, ClaimStatus.APPROVED):
            review.start_review(session, r.actor(admins[0]), claim.id)
        if status == ClaimStatus.APPROVED:
            review.approve(session, r.actor(admins[0]), claim.id)
        return Setup(factory, claim.id, [a.id for a in admins])


def _race(setup: Setup, work: Callable[[Session, int], object], admin_ids: list[int]
          ) -> list[str]:
    """Run `work` for each administrator at once, each in its own transaction; the outcome
    of each: "ok", or the error's class name."""
    barrier = threading.Barrier(len(admin_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(admin_id: int) -> None:
        barrier.wait()
        try:
            with setup.factory() as session, session.begin():
                work(session, admin_id)
            result = "ok"
        except (Conflict, PermissionDenied, StaleDataError) as exc:
            result = type(exc).__name__
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(a,)) for a in admin_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


def _actor(admin_id: int) -> audit.Actor:
    return audit.Actor(admin_id, f"admin{admin_id}")


@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_approvals_one_succeeds(pg: Engine, attempt: int) -> None:
    setup = _setup(pg, ClaimStatus.UNDER_REVIEW)
    outcomes = _race(setup, lambda s, a: review.approve(s, _actor(a), setup.claim_id),
                     setup.admin_ids[:2])
    assert outcomes == ["Conflict", "ok"]
    with setup.factory() as session:
        claim = session.get(RewardClaim, setup.claim_id)
        assert claim is not None and claim.status == ClaimStatus.APPROVED
        approvals = session.query(AuditEntry).filter(
            AuditEntry.action == "claim.approve",
            AuditEntry.object_id == str(setup.claim_id)).count()
        assert approvals == 1
        assert audit.verify(session).ok


@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_payments_one_succeeds(pg: Engine, attempt: int) -> None:
    setup = _setup(pg, ClaimStatus.APPROVED)
    payers = setup.admin_ids[1:]  # neither approved it
    outcomes = _race(setup, lambda s, a: review.pay(s, _actor(a), setup.claim_id, f"BK-{a}"),
                     payers)
    assert outcomes == ["Conflict", "ok"]
    with setup.factory() as session:
        claim = session.get(RewardClaim, setup.claim_id)
        assert claim is not None and claim.status == ClaimStatus.PAID
        assert claim.paid_by_id in payers
        assert claim.payment_reference == f"BK-{claim.paid_by_id}"
        payments = session.query(AuditEntry).filter(
            AuditEntry.action == "claim.pay", AuditEntry.object_id == str(setup.claim_id)
        ).count()
        assert payments == 1


def test_the_approver_racing_a_colleague_to_pay_still_cannot(pg: Engine) -> None:
    setup = _setup(pg, ClaimStatus.APPROVED)
    outcomes = _race(setup, lambda s, a: review.pay(s, _actor(a), setup.claim_id, f"BK-{a}"),
                     setup.admin_ids[:2])
    assert outcomes == ["PermissionDenied", "ok"]
