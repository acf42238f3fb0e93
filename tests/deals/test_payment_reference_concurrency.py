"""Two brokers recording one bank reference at the same moment, on two deals (so no contract
lock orders them), each in their own transaction on PostgreSQL: only one payment is kept,
the other gets the 409 naming the reference — from the check when the first has committed,
from the partial unique index when both checked before either committed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from backend.core.errors import Conflict
from backend.deals import payments
from backend.deals.models import Payment, Stage
from tests.builders import deals as d
from tests.conftest import migrated_postgres, postgres_reachable

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg() -> Iterator[Engine]:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    with migrated_postgres("techbroker_payref") as (_, engine):
        yield engine


@dataclass
class Prepared:
    world: d.World
    file_id: int


def _prepare(factory: sessionmaker[Session]) -> list[Prepared]:
    with factory() as session, session.begin():
        worlds = [d.deal_at(session, Stage.REGISTERED) for _ in range(2)]
        return [Prepared(w, d.evidence_file(session, w).id) for w in worlds]


def _race(factory: sessionmaker[Session], prepared: list[Prepared], reference: str
          ) -> list[str]:
    barrier = threading.Barrier(len(prepared))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(p: Prepared) -> None:
        barrier.wait()
        try:
            with factory() as session, session.begin():
                payments.record_payment(
                    session, d.actor(p.world.lead), d.access(session, p.world.lead, p.world.id,
                                                             lock=True),
                    paid_on=d.days_ago(2), amount=Decimal("1000.00"), bank_reference=reference,
                    invoice_reference="发票", invoice_no="INV-RACE",
                    payer_account=d.PAYER_ACCOUNT, payee_account=d.PAYEE_ACCOUNT,
                    evidence_file_id=p.file_id)
            result = "ok"
        except Conflict as exc:
            assert exc.extra["reason"] == "bank_reference_taken" and reference in exc.detail
            result = "Conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(p,)) for p in prepared]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


def _kept(factory: sessionmaker[Session], reference: str) -> int:
    with factory() as session:
        return len(session.execute(select(Payment.id).where(
            Payment.bank_reference == reference)).all())


@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_payments_with_one_reference_one_is_kept(pg: Engine,
                                                                attempt: int) -> None:
    factory = sessionmaker(bind=pg, expire_on_commit=False)
    reference = f"RACE-{attempt}"
    assert _race(factory, _prepare(factory), reference) == ["Conflict", "ok"]
    assert _kept(factory, reference) == 1


def test_the_index_refuses_what_the_check_did_not_see(pg: Engine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the service's check (as when both checked before either committed), the
    partial unique index alone keeps the second payment out, as the same 409."""
    factory = sessionmaker(bind=pg, expire_on_commit=False)
    monkeypatch.setattr(payments, "_refuse_reused_reference", lambda *a, **k: None)
    assert _race(factory, _prepare(factory), "RACE-INDEX") == ["Conflict", "ok"]
    assert _kept(factory, "RACE-INDEX") == 1
