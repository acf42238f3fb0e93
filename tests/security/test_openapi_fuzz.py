"""Schemathesis against the OpenAPI schema: for every operation, generated requests (valid and
invalid) as an administrator and as a firm user never get a 5xx, and every response whose
status the schema documents matches the documented media type and schema.

Runs twice: on a private, migrated SQLite file and on a fresh PostgreSQL database (the tests'
server at 127.0.0.1:5432; skipped when unreachable unless TECHBROKER_REQUIRE_POSTGRES=1), each
seeded with one of each kind of object, so generated ids sometimes hit real rows. At least 25
generated examples per operation (FUZZ_EXAMPLES; set it higher locally to search harder), after
the coverage phase (boundary and just-out-of-bounds values of every parameter and body field).
Nothing is excluded: the callers' tokens are issued again after any call to `/auth/` (logout
revokes them), so every call is made by a logged-in admin and a logged-in firm user.

Measured on a 2-core machine (one process, -n 1): SQLite 651 s, PostgreSQL 817 s, 97
operations each. Over the 5 minutes aimed at; the next cut is one caller in the coverage phase
or a smaller negative coverage set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from sqlalchemy.orm import Session, sessionmaker

from backend import db as db_module
from backend.accounts import sessions
from backend.accounts.models import User
from backend.app import create_app
from backend.cli import migrate_to_head
from backend.config import get_settings
from backend.db import make_engine
from backend.deals.models import Stage
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import listings as lb
from tests.conftest import drop_postgres_database, fresh_postgres_database, postgres_reachable

EXAMPLES = max(25, int(os.environ.get("FUZZ_EXAMPLES", "25")))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@dataclass
class Callers:
    admin_id: int
    firm_id: int
    headers: list[dict[str, str]] = field(default_factory=list)

    def log_in(self) -> None:
        self.headers = [_bearer(self.admin_id), _bearer(self.firm_id)]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def callers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Callers]:
    name = None
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'fuzz.db'}"
    else:
        if not postgres_reachable():
            if os.environ.get("TECHBROKER_REQUIRE_POSTGRES") == "1":
                pytest.fail("PostgreSQL at 127.0.0.1:5432 is required but unreachable")
            pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
        name = f"techbroker_fuzz_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
        url = fresh_postgres_database(name)
    migrate_to_head(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as s:
        admin = b.make_admin(s)
        firm = b.make_firm_user(s)
        lb.make_demand(s, firm)
        institute = b.make_institute_user(s)
        lb.make_achievement(s, institute)
        d.deal_at(s, Stage.SIGNED)
        s.commit()
        ids = Callers(admin.id, firm.id)
    db_module.use_session_factory(factory)
    settings_ = get_settings()
    in_loop = settings_.endpoints_in_event_loop
    # On PostgreSQL the endpoints run in the event loop, as they do in production there.
    settings_.endpoints_in_event_loop = request.param == "postgresql"
    ids.log_in()
    try:
        yield ids
    finally:
        settings_.endpoints_in_event_loop = in_loop
        db_module.use_session_factory(None)
        engine.dispose()
        if name:
            drop_postgres_database(name)


# Every operation: the coverage phase first (unbounded by max_examples; unexpected HTTP
# methods left out: the router answers 405 for them all alike, and they would double the
# run), then EXAMPLES generated cases of valid and invalid data, then the schema's examples.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": True,
                                                                "unexpected-methods": []}}})
schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(), config=CONFIG)


def _bearer(user_id: int) -> dict[str, str]:
    factory = db_module.session_factory()
    with factory() as s:
        user = s.get(User, user_id)
        assert user is not None
        tokens = sessions.issue_tokens(s, user, "127.0.0.1", "schemathesis")
        s.commit()
    return {"Authorization": f"Bearer {tokens.access_token}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case: schemathesis.Case,
                                                        callers: Callers) -> None:
    for headers in callers.headers:
        case.call_and_validate(headers=headers, checks=CHECKS)
    if case.path.startswith("/api/v1/auth/"):
        callers.log_in()


@pytest.mark.parametrize("path", ["/api/v1/deals/9223372036854775808",
                                  "/api/v1/demands/99999999999999999999",
                                  "/api/v1/organisations/9223372036854775807",
                                  "/api/v1/audit/entries?actor_id=9223372036854775808"])
def test_ids_beyond_the_databases_integers_are_bad_input_not_a_crash(
        client: TestClient, db: Session, path: str) -> None:
    admin = b.login_as(db, b.make_admin(db))
    r = client.get(path, headers=admin.headers)
    assert r.status_code in (404, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
