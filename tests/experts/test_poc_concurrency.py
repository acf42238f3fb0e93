"""An institute asking for a proof-of-concept review of the same achievement several times at
once (a double click, two tabs), each in their own connection and transaction on PostgreSQL: one request is
opened, the others are told one is under way."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from backend.core.errors import Conflict
from backend.experts.models import PocRequest
from tests.builders import accounts as b
from tests.builders import experts as e
from tests.builders import listings as lb
from tests.conftest import migrated_postgres, postgres_reachable

pytestmark = pytest.mark.postgres

ASKERS = 6


@pytest.fixture(scope="module")
def pg() -> Iterator[Engine]:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    with migrated_postgres("techbroker_poc_concurrency") as (_, engine):
        yield engine


@pytest.mark.parametrize("attempt", range(2))
def test_parallel_asks_open_one_request(pg: Engine, attempt: int) -> None:
    factory = sessionmaker(bind=pg, expire_on_commit=False)
    with factory() as session, session.begin():
        institute = b.make_institute_user(session)
        achievement_id = lb.make_achievement(session, institute).id
    barrier = threading.Barrier(ASKERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        try:
            with factory() as session, session.begin():
                e.request(session, institute, achievement_id)
            result = "ok"
        except Conflict as exc:
            result = type(exc).__name__
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(ASKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["Conflict"] * (ASKERS - 1) + ["ok"]
    with factory() as session:
        count = session.execute(select(func.count()).select_from(PocRequest).where(
            PocRequest.achievement_id == achievement_id)).scalar_one()
        assert count == 1
