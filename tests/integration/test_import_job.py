"""A bulk import on the production path: uploaded through the API (uvicorn), which only checks
the file and answers 202, imported by a real Celery worker on Redis, and its result read back
through the API."""

from __future__ import annotations

import httpx
import pytest

from tests.builders import accounts as b
from tests.integration.conftest import Database, Processes, wait_for
from tests.listings.test_import import csv_bytes, row

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def test_an_import_is_checked_by_the_api_and_done_by_the_worker(
        integration_db: Database, processes: Processes, queue: str) -> None:
    with integration_db.session() as s:
        institute_user = b.make_institute_user(s)
        s.commit()
    worker = processes.worker(queue)
    api, base = processes.api(CELERY_QUEUE=queue)
    http = httpx.Client(base_url=base, timeout=30)
    r = http.post("/api/v1/auth/token", data={"username": institute_user.username,
                                              "password": b.PASSWORD})
    assert r.status_code == 200, r.text
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    content = csv_bytes([row(n) for n in range(1200)])
    started = http.post("/api/v1/achievements/import", headers=headers,
                        files={"file": ("成果.csv", content, "text/csv")})
    assert started.status_code == 202, started.text
    assert (started.json()["status"], started.json()["rows_total"]) == ("queued", 1200)
    job_url = f"/api/v1/achievements/imports/{started.json()['id']}"

    def finished() -> dict[str, object] | None:
        job = http.get(job_url, headers=headers).json()
        return job if job["status"] in ("succeeded", "failed") else None

    job = wait_for("the worker to finish the import", finished, timeout=180, interval=0.5)
    assert job["status"] == "succeeded", job
    assert (job["imported"], job["rows_checked"]) == (1200, 1200)
    mine = http.get("/api/v1/achievements", params={"mine": True}, headers=headers).json()
    assert mine["total"] == 1200
    wait_for("the worker to log the import task's success",
             lambda: "listings.import_achievements" in worker.log()
             and "succeeded" in worker.log())
    assert "listings.import_achievements" not in api.log()
    assert api.alive() and worker.alive()
