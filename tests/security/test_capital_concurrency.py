"""The capital chain's first writes at once (a double click, two tabs), each in its own
connection and transaction on PostgreSQL: a roadshow interest and an investor's mandate are
one row each, so parallel first writes must end in exactly that one row and no 500 (an
IntegrityError from the unique key the second insert hits)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.capital import roadshows, schemas
from backend.capital.models import Mandate, RoadshowInterest, RoadshowStatus
from backend.core.errors import Conflict
from tests.builders import accounts as b
from tests.builders import capital as c
from tests.conftest import migrated_postgres, postgres_reachable

pytestmark = pytest.mark.postgres

WRITERS = 8


@pytest.fixture(scope="module")
def pg() -> Iterator[Engine]:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    with migrated_postgres("techbroker_capital_concurrency") as (_, engine):
        yield engine


def _at_once(factory: sessionmaker[Session], write: Callable[[Session, int], object]
             ) -> list[str]:
    barrier = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        try:
            with factory() as session, session.begin():
                write(session, index)
            result = "ok"
        except Conflict:
            result = "Conflict"
        except Exception as exc:
            result = type(exc).__name__
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("attempt", range(2))
def test_parallel_first_roadshow_interests_make_one_row(pg: Engine, attempt: int) -> None:
    factory = sessionmaker(bind=pg, expire_on_commit=False)
    with factory() as session, session.begin():
        admin, owner, investor = b.make_admin(session), b.make_firm_user(session), \
            c.make_investor(session)
        request = c.make_request(session, owner)
        show = c.make_roadshow(session, admin)
        roadshows.invite_request(session, c.actor(admin), admin, show.id,
                                 schemas.PresentationIn(request_id=request.id))
        roadshows.invite_investor(session, c.actor(admin), admin, show.id,
                                  schemas.RoadshowInvestorIn(organisation_id=investor.organisation_id))
        roadshows.answer_invitation(session, c.actor(owner), owner, show.id, request.id, True)
        roadshows.register(session, c.actor(investor), investor, show.id)
        roadshows.end(session, c.actor(admin), admin, show.id, RoadshowStatus.HELD)
    show_id, request_id = show.id, request.id

    def write(session: Session, index: int) -> object:
        return roadshows.record_interest(
            session, c.actor(investor), investor, show_id, request_id,
            schemas.RoadshowInterestIn.model_validate({"status": "interested",
                                                       "note": f"第{index}次"}))

    outcomes = _at_once(factory, write)
    assert set(outcomes) <= {"ok", "Conflict"}, outcomes
    assert "ok" in outcomes
    with factory() as session:
        assert session.execute(select(func.count()).select_from(RoadshowInterest).where(
            RoadshowInterest.roadshow_id == show_id)).scalar_one() == 1


@pytest.mark.parametrize("attempt", range(2))
def test_parallel_first_mandates_make_one_row(pg: Engine, attempt: int) -> None:
    factory = sessionmaker(bind=pg, expire_on_commit=False)
    with factory() as session, session.begin():
        investor = c.make_investor(session)
        body = c.mandate_body(session)
    org_id = investor.organisation_id

    def write(session: Session, index: int) -> object:
        return c.service.set_mandate(session, c.actor(investor), investor,
                                     schemas.MandateIn.model_validate(body))

    outcomes = _at_once(factory, write)
    assert set(outcomes) <= {"ok", "Conflict"}, outcomes
    assert "ok" in outcomes
    with factory() as session:
        assert session.execute(select(func.count()).select_from(Mandate).where(
            Mandate.organisation_id == org_id)).scalar_one() == 1
