"""Schemathesis against the OpenAPI schema: for every operation, generated requests (valid and
invalid) as an administrator and as a firm user never get a 5xx, and every response whose
status the schema documents matches the documented media type and schema.

Runs on the embedded default (a private, migrated SQLite file) seeded with one of each kind
of object, so generated ids sometimes hit real rows. Examples per operation are bounded
(FUZZ_EXAMPLES, default 6) to keep the run within a few minutes; set it higher locally to
search harder. Nothing is excluded: logout is harmless because every call logs in afresh.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
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
from backend.db import make_engine
from backend.deals.models import Stage
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import listings as lb

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@dataclass(frozen=True)
class Callers:
    admin_id: int
    firm_id: int


@pytest.fixture(scope="module")
def callers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callers]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'fuzz.db'}"
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
    try:
        yield ids
    finally:
        db_module.use_session_factory(None)
        engine.dispose()


# The coverage phase (boundary values of every parameter, unbounded by max_examples) takes
# ~8 minutes over this API; its finding — ids beyond the database's integers — has its own
# test below. Fuzzing (valid and invalid data) plus the schema's examples stay on.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
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
    for user_id in (callers.admin_id, callers.firm_id):
        case.call_and_validate(headers=_bearer(user_id), checks=CHECKS)


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
