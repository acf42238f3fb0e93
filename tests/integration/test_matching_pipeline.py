"""The production path of a listing: created and published through the API (uvicorn), indexed
by a real Celery worker on Redis (not in the API process), and found by the matcher the API
serves — the API process picks the new index version up from disk."""

from __future__ import annotations

import httpx
import pytest

from tests.builders import accounts as b
from tests.builders.listings import achievement_body, demand_body
from tests.integration.conftest import Database, Processes, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def _login(http: httpx.Client, username: str) -> dict[str, str]:
    """Through the API: tokens are signed with the server's secret, not this process's."""
    r = http.post("/api/v1/auth/token", data={"username": username, "password": b.PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_listing_created_through_the_api_is_indexed_by_the_worker_and_matched(
        integration_db: Database, processes: Processes, queue: str) -> None:
    with integration_db.session() as s:
        firm_user, institute_user = b.make_firm_user(s), b.make_institute_user(s)
        s.commit()
        # The achievement offers what the demand wants (development) within its budget, so
        # it fits, too.
        demand_in = demand_body(s)
        achievement_in = achievement_body(s, modes=["development", "transfer"], price="600000")
    worker = processes.worker(queue)
    api, base = processes.api(CELERY_QUEUE=queue)
    http = httpx.Client(base_url=base, timeout=30)
    firm, institute = _login(http, firm_user.username), _login(http, institute_user.username)

    achievement = http.post("/api/v1/achievements", json=achievement_in, headers=institute)
    assert achievement.status_code == 201, achievement.text
    achievement_id = achievement.json()["id"]
    assert http.post(f"/api/v1/achievements/{achievement_id}/publish",
                     headers=institute).status_code == 200
    demand = http.post("/api/v1/demands", json=demand_in, headers=firm)
    assert demand.status_code == 201, demand.text
    demand_id = demand.json()["id"]
    assert http.post(f"/api/v1/demands/{demand_id}/publish", headers=firm).status_code == 200

    def matched() -> bool:
        r = http.get(f"/api/v1/demands/{demand_id}/matches", headers=firm)
        assert r.status_code == 200, r.text
        return achievement_id in {item["id"] for item in r.json()["items"]}

    wait_for("the new achievement among the demand's matches", matched, timeout=120,
             interval=0.5)
    # The worker, not the API process, did the indexing (its log lags the index a little).
    wait_for("the worker to log the indexing task's success",
             lambda: "matching.index_listing" in worker.log() and "succeeded" in worker.log())
    assert api.alive() and worker.alive()
