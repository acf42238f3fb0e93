"""Counters' first events at the same moment, each in its own connection and transaction on
PostgreSQL (six brokers of one office registering in the same second): every event counts,
none fails on the counter row's key."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from backend.accounts import throttle
from backend.accounts.models import LoginThrottle
from tests.conftest import migrated_postgres, postgres_reachable

pytestmark = pytest.mark.postgres
EVENTS = 8


@pytest.fixture(scope="module")
def pg() -> Iterator[Engine]:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    with migrated_postgres("techbroker_throttle") as (_, engine):
        yield engine


def test_simultaneous_first_events_all_count(pg: Engine) -> None:
    factory = sessionmaker(bind=pg, expire_on_commit=False)
    counter = throttle.Counter("register:198.51.100.7", limit=100,
                               window=timedelta(minutes=60))
    start = threading.Barrier(EVENTS)
    errors: list[BaseException] = []

    def event() -> None:
        try:
            with factory() as session, session.begin():
                start.wait(timeout=30)
                throttle.count(session, (counter,))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=event) for _ in range(EVENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with factory() as session:
        row = session.get(LoginThrottle, counter.key)
        assert row is not None and row.failures == EVENTS
