"""While PostgreSQL is unreachable the API stays up: /readyz answers 503, every request that
needs the database gets a clear 503 problem+json (never a traceback), and when the database
is back the API recovers by itself.

The outage is made with a TCP proxy between the API and the shared PostgreSQL server (which
other tests use, so it is never stopped): cutting the proxy closes every connection and
refuses new ones, exactly as a stopped server does.
"""

from __future__ import annotations

import httpx
import pytest

from tests.builders import accounts as b
from tests.builders.listings import demand_body
from tests.integration.conftest import Database, FaultProxy, Processes, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]

LEAKS = ("Traceback", "psycopg", "OperationalError", "sqlalchemy", "127.0.0.1")


def assert_clear_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers.get("retry-after")
    body = response.json()
    assert body["status"] == 503
    assert body["type"] == "/problems/service-unavailable"
    assert "数据库" in body["detail"] and "database" in body["detail"]
    for leak in LEAKS:
        assert leak not in response.text, leak


def test_api_answers_503_while_postgres_is_down_and_recovers(
        integration_db: Database, processes: Processes, pg_proxy: FaultProxy, queue: str
) -> None:
    with integration_db.session() as s:
        firm = b.make_firm_user(s)
        s.commit()
        username = firm.username
    with integration_db.session() as s:
        body = demand_body(s)
    api, base = processes.api(DATABASE_URL=integration_db.url_via(pg_proxy.port),
                              CELERY_QUEUE=queue)
    http = httpx.Client(base_url=base, timeout=30)

    assert http.get("/readyz").status_code == 200
    token = http.post("/api/v1/auth/token", data={"username": username,
                                                  "password": b.PASSWORD}).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    assert http.get("/api/v1/auth/me", headers=auth).status_code == 200

    pg_proxy.cut()

    ready = http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["checks"] == {"database": "down", "broker": "ok", "admission": "ok"}
    assert http.get("/healthz").status_code == 200  # the process itself is fine
    for response in (
            http.get("/api/v1/demands"),
            http.get("/api/v1/auth/me", headers=auth),
            http.post("/api/v1/demands", json=body, headers=auth),
            http.post("/api/v1/auth/token", data={"username": username,
                                                  "password": b.PASSWORD})):
        assert_clear_503(response)
    assert api.alive()

    pg_proxy.restore()

    wait_for("/readyz to answer 200 again", lambda: http.get("/readyz").status_code == 200,
             timeout=60, interval=0.5)
    assert http.get("/api/v1/auth/me", headers=auth).status_code == 200
    created = http.post("/api/v1/demands", json=body, headers=auth)
    assert created.status_code == 201, created.text
    assert http.get(f"/api/v1/demands/{created.json()['id']}", headers=auth).status_code == 200
    assert "Traceback" not in api.log()

