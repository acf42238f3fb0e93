"""The workspace's badges: what waits on the signed-in user."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.deals.models import Stage
from tests.builders import accounts as b
from tests.builders import deals as d


def _pending(client: TestClient, db: Session, user: User) -> dict[str, int]:
    r = client.get("/api/v1/deals/pending", headers=b.login_as(db, user).headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_a_party_counts_the_introductions_its_side_has_not_answered(
        client: TestClient, db: Session) -> None:
    w = d.open_world(db)
    second = d.open_world(db)
    d.accept_both(db, second)  # answered: not pending
    nothing = {"introductions": 0, "invitations": 0, "share_proposals": 0}
    assert _pending(client, db, w.firm) == {**nothing, "introductions": 1}
    assert _pending(client, db, w.institute) == {**nothing, "introductions": 1}
    assert _pending(client, db, second.firm) == nothing
    # One side answering leaves the other side's introduction pending.
    client.post(f"/api/v1/deals/{w.id}/accept", headers=b.login_as(db, w.firm).headers)
    assert _pending(client, db, w.firm) == nothing
    assert _pending(client, db, w.institute) == {**nothing, "introductions": 1}
    assert _pending(client, db, w.lead) == nothing


def test_a_broker_counts_invitations_and_share_resplits_awaiting_them(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper = b.make_broker(db)
    lead = b.login_as(db, w.lead)
    client.post(f"/api/v1/deals/{w.id}/brokers",
                json={"broker_id": helper.id, "shares": {str(w.lead.id): "60",
                                                         str(helper.id): "40"}},
                headers=lead.headers)
    assert _pending(client, db, helper) == {"introductions": 0, "invitations": 1,
                                            "share_proposals": 0}
    client.post(f"/api/v1/deals/{w.id}/invitation/accept", headers=b.login_as(db, helper).headers)
    assert _pending(client, db, helper)["invitations"] == 0
    client.put(f"/api/v1/deals/{w.id}/shares",
               json={"shares": {str(w.lead.id): "75", str(helper.id): "25"}}, headers=lead.headers)
    assert _pending(client, db, helper) == {"introductions": 0, "invitations": 0,
                                            "share_proposals": 1}
    assert _pending(client, db, w.lead)["share_proposals"] == 0
    client.post(f"/api/v1/deals/{w.id}/shares/accept", headers=b.login_as(db, helper).headers)
    assert _pending(client, db, helper)["share_proposals"] == 0


def test_administrators_have_nothing_pending_here(client: TestClient, db: Session) -> None:
    d.open_world(db)
    assert _pending(client, db, b.make_admin(db)) == {"introductions": 0, "invitations": 0,
                                                      "share_proposals": 0}
