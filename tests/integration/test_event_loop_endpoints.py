"""On PostgreSQL the API runs its endpoints in the event loop (core/routing.py), and the
`@blocking` ones in the thread pool. Both take the audit chain's row lock when they write.

If a unit of work in the pool held that lock while waiting for the event loop (to commit),
and an endpoint in the loop waited for the lock, the process would stop for good. The loop's
endpoints must wait only for work that finishes without the loop. This test writes through
both paths at once on one worker, and every request must be answered.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from backend.deals.models import Stage
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.integration.conftest import Database, Processes

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]

REGISTRATIONS, NOTES = 6, 30


def _registration(i: int) -> dict[str, object]:
    return {"user": {"username": f"loop_broker_{i}", "password": "Passw0rd1",
                     "display_name": f"经纪人{i}"},
            "person": b.person().model_dump(mode="json"),
            "broker": {"level": "junior", "certificate_no": f"JJR-LOOP-{i}",
                       "fields": ["电子信息"]}}


def test_writes_in_the_loop_and_in_the_pool_at_once_all_finish(
        integration_db: Database, processes: Processes, queue: str) -> None:
    with integration_db.session() as s:
        w = d.deal_at(s, Stage.NEGOTIATING)
        s.commit()
        deal_id, username = w.id, w.lead.username
    _, base = processes.api(CELERY_QUEUE=queue)
    token = httpx.post(f"{base}/api/v1/auth/token", timeout=30,
                       data={"username": username, "password": b.PASSWORD}).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}

    def register(i: int) -> int:
        with httpx.Client(base_url=base, timeout=30) as http:
            return http.post("/api/v1/auth/register/broker", json=_registration(i)).status_code

    def note(i: int) -> int:
        with httpx.Client(base_url=base, timeout=30) as http:
            return http.post(f"/api/v1/deals/{deal_id}/notes", headers=auth, json={
                "text": f"并发备注 concurrent note {i}", "visible_to_parties": False}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        registered = [pool.submit(register, i) for i in range(REGISTRATIONS)]
        noted = [pool.submit(note, i) for i in range(NOTES)]
        statuses = [f.result() for f in registered + noted]

    assert statuses == [201] * (REGISTRATIONS + NOTES)
    with httpx.Client(base_url=base, timeout=30) as http:
        timeline = http.get(f"/api/v1/deals/{deal_id}/timeline", headers=auth).json()
    texts = [event["text"] for event in timeline if event["kind"] == "note"]
    assert sorted(texts) == sorted(f"并发备注 concurrent note {i}" for i in range(NOTES))
