"""A financing request's milestone falls due between the platform's epoch and ten years ahead,
as a challenge's does: 0001-01-01 or 9999-12-31 is a 422 naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.builders import accounts as b
from tests.builders import capital as c


@pytest.mark.parametrize("due_on", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_a_milestone_date_out_of_range_is_refused(client: TestClient, db: Session,
                                                  due_on: str) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    body = c.request_body(db, milestones=[{"text": "中试线建成", "due_on": due_on}])
    r = client.post("/api/v1/financing-requests", headers=firm.headers, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"].startswith("milestones")
    draft = client.post("/api/v1/financing-requests", headers=firm.headers,
                        json=c.request_body(db))
    assert draft.status_code == 201, draft.text
    r = client.patch(f"/api/v1/financing-requests/{draft.json()['id']}", headers=firm.headers,
                     json={"milestones": [{"text": "中试线建成", "due_on": due_on}]})
    assert r.status_code == 422, r.text
