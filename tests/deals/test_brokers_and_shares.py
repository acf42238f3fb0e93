"""A second broker joins only by invitation; active brokers' shares always sum to 100%."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import OrgKind, User
from backend.audit.models import AuditEntry
from backend.deals.models import BrokerStatus, DealBroker, Stage
from backend.listings import lookup
from tests.builders import accounts as b
from tests.builders import deals as d


def _shares(db: Session, deal_id: int) -> dict[int, tuple[str, str]]:
    db.expire_all()
    rows = db.execute(select(DealBroker).where(DealBroker.deal_id == deal_id)).scalars()
    return {r.broker_id: (r.status.value, str(r.share)) for r in rows}


def _invite(client: TestClient, db: Session, w: d.World, invitee_id: int,
            shares: dict[int, str]) -> int:
    r = client.post(f"/api/v1/deals/{w.id}/brokers",
                    json={"broker_id": invitee_id, "shares": {str(k): v for k, v in shares.items()}},
                    headers=b.login_as(db, w.lead).headers)
    return r.status_code


def test_invited_broker_joins_on_acceptance_with_the_proposed_shares(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper = b.make_broker(db)
    assert _invite(client, db, w, helper.id, {w.lead.id: "60", helper.id: "40"}) == 200
    # Nothing changes until the invitee accepts.
    assert _shares(db, w.id) == {w.lead.id: ("active", "100.00"), helper.id: ("invited", "0.00")}
    me = b.login_as(db, helper)
    r = client.get(f"/api/v1/deals/{w.id}", headers=me.headers)
    assert r.status_code == 200
    assert r.json()["relation"] == "invitee"
    assert r.json()["invitation"]["proposed_shares"] == {str(w.lead.id): "60.00",
                                                         str(helper.id): "40.00"}
    r = client.post(f"/api/v1/deals/{w.id}/invitation/accept", headers=me.headers)
    assert r.status_code == 200
    assert r.json()["relation"] == "broker"
    assert r.json()["invitation"] is None
    assert _shares(db, w.id) == {w.lead.id: ("active", "60.00"), helper.id: ("active", "40.00")}
    assert lookup.is_assigned_broker(db, w.demand.id, helper.id)
    entry = db.execute(select(AuditEntry).where(
        AuditEntry.action == "deal.invitation_accept")).scalar_one()
    assert entry.after == {"shares": {str(w.lead.id): "60.00", str(helper.id): "40.00"}}


def test_a_declined_invitation_leaves_the_shares_as_they_were(client: TestClient,
                                                              db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper = b.make_broker(db)
    assert _invite(client, db, w, helper.id, {w.lead.id: "70", helper.id: "30"}) == 200
    me = b.login_as(db, helper)
    r = client.post(f"/api/v1/deals/{w.id}/invitation/decline", headers=me.headers)
    assert r.status_code == 204
    assert _shares(db, w.id) == {w.lead.id: ("active", "100.00"),
                                 helper.id: ("declined", "0.00")}
    # Having declined, the broker no longer sees the deal; the lead may invite them again.
    assert client.get(f"/api/v1/deals/{w.id}", headers=me.headers).status_code == 404
    assert _invite(client, db, w, helper.id, {w.lead.id: "50", helper.id: "50"}) == 200
    assert _shares(db, w.id)[helper.id] == ("invited", "0.00")


@pytest.mark.parametrize("shares", [
    {"lead": "60", "helper": "30"},              # 90%
    {"lead": "60", "helper": "50"},              # 110%
    {"lead": "100"},                             # the invitee has none
    {"lead": "60", "helper": "40", "other": "0.00"},  # someone not on the deal
    {"lead": "60.005", "helper": "39.995"},      # finer than the fen of a percent
    {"lead": "-10", "helper": "110"},
])
def test_shares_must_cover_every_broker_and_sum_to_exactly_100(
        client: TestClient, db: Session, shares: dict[str, str]) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper, other = b.make_broker(db), b.make_broker(db)
    ids = {"lead": w.lead.id, "helper": helper.id, "other": other.id}
    assert _invite(client, db, w, helper.id, {ids[k]: v for k, v in shares.items()}) == 422
    assert _shares(db, w.id) == {w.lead.id: ("active", "100.00")}


@pytest.mark.parametrize("case", ["unverified", "firm", "self", "already"])
def test_only_verified_brokers_not_yet_on_the_deal_can_be_invited(
        client: TestClient, db: Session, case: str) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    invitee = {"unverified": lambda: b.make_broker(db, verified=False),
               "firm": lambda: b.make_firm_user(db), "self": lambda: w.lead,
               "already": lambda: w.lead}[case]()
    code = _invite(client, db, w, invitee.id, {w.lead.id: "50", invitee.id: "50"}
                   if invitee.id != w.lead.id else {w.lead.id: "100"})
    assert code == (409 if case in ("self", "already") else 422)


def test_only_the_lead_invites(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper, third = b.make_broker(db), b.make_broker(db)
    _invite(client, db, w, helper.id, {w.lead.id: "60", helper.id: "40"})
    client.post(f"/api/v1/deals/{w.id}/invitation/accept", headers=b.login_as(db, helper).headers)
    r = client.post(f"/api/v1/deals/{w.id}/brokers",
                    json={"broker_id": third.id, "shares": {str(w.lead.id): "40",
                                                            str(helper.id): "40",
                                                            str(third.id): "20"}},
                    headers=b.login_as(db, helper).headers)
    assert r.status_code == 403
    for user in (w.firm, b.make_admin(db)):
        r = client.post(f"/api/v1/deals/{w.id}/brokers",
                        json={"broker_id": third.id, "shares": {str(w.lead.id): "50",
                                                                str(third.id): "50"}},
                        headers=b.login_as(db, user).headers)
        assert r.status_code == 403


def test_an_invitation_may_not_lower_another_brokers_share(client: TestClient,
                                                           db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper, third = b.make_broker(db), b.make_broker(db)
    _invite(client, db, w, helper.id, {w.lead.id: "60", helper.id: "40"})
    client.post(f"/api/v1/deals/{w.id}/invitation/accept", headers=b.login_as(db, helper).headers)
    assert _invite(client, db, w, third.id, {w.lead.id: "50", helper.id: "30",
                                             third.id: "20"}) == 422
    assert _invite(client, db, w, third.id, {w.lead.id: "40", helper.id: "40",
                                             third.id: "20"}) == 200


def test_one_pending_invitation_at_a_time_and_the_lead_may_withdraw_it(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper, third = b.make_broker(db), b.make_broker(db)
    assert _invite(client, db, w, helper.id, {w.lead.id: "60", helper.id: "40"}) == 200
    assert _invite(client, db, w, third.id, {w.lead.id: "60", third.id: "40"}) == 409
    lead = b.login_as(db, w.lead)
    r = client.delete(f"/api/v1/deals/{w.id}/brokers/{helper.id}/invitation",
                      headers=lead.headers)
    assert r.status_code == 200
    assert r.json()["invitation"] is None
    r = client.post(f"/api/v1/deals/{w.id}/invitation/accept",
                    headers=b.login_as(db, helper).headers)
    assert r.status_code == 404
    assert _invite(client, db, w, third.id, {w.lead.id: "60", third.id: "40"}) == 200


def test_invitations_need_an_open_deal(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.LOST)
    helper = b.make_broker(db)
    assert _invite(client, db, w, helper.id, {w.lead.id: "60", helper.id: "40"}) == 409


def test_accepting_without_an_invitation_is_409(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    r = client.post(f"/api/v1/deals/{w.id}/invitation/accept",
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 409


# --- re-splitting ---------------------------------------------------------------------------

def _two_brokers(client: TestClient, db: Session) -> tuple[d.World, User]:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper = b.make_broker(db)
    _invite(client, db, w, helper.id, {w.lead.id: "60", helper.id: "40"})
    client.post(f"/api/v1/deals/{w.id}/invitation/accept", headers=b.login_as(db, helper).headers)
    return w, helper


def test_a_resplit_that_lowers_no_one_else_applies_at_once(client: TestClient,
                                                           db: Session) -> None:
    w, helper = _two_brokers(client, db)
    r = client.put(f"/api/v1/deals/{w.id}/shares",
                   json={"shares": {str(w.lead.id): "50", str(helper.id): "50"}},
                   headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 200
    assert r.json()["share_proposal"] is None
    assert _shares(db, w.id) == {w.lead.id: ("active", "50.00"), helper.id: ("active", "50.00")}


def test_a_resplit_that_lowers_a_co_broker_waits_for_their_acceptance(
        client: TestClient, db: Session) -> None:
    w, helper = _two_brokers(client, db)
    lead = b.login_as(db, w.lead)
    r = client.put(f"/api/v1/deals/{w.id}/shares",
                   json={"shares": {str(w.lead.id): "75", str(helper.id): "25"}},
                   headers=lead.headers)
    assert r.status_code == 200
    assert r.json()["share_proposal"]["awaiting"] == [helper.id]
    assert _shares(db, w.id) == {w.lead.id: ("active", "60.00"), helper.id: ("active", "40.00")}
    # The lead cannot accept on the co-broker's behalf.
    assert client.post(f"/api/v1/deals/{w.id}/shares/accept",
                       headers=lead.headers).status_code == 409
    r = client.post(f"/api/v1/deals/{w.id}/shares/accept", headers=b.login_as(db, helper).headers)
    assert r.status_code == 200
    assert r.json()["share_proposal"] is None
    assert _shares(db, w.id) == {w.lead.id: ("active", "75.00"), helper.id: ("active", "25.00")}


def test_a_rejected_resplit_changes_nothing(client: TestClient, db: Session) -> None:
    w, helper = _two_brokers(client, db)
    client.put(f"/api/v1/deals/{w.id}/shares",
               json={"shares": {str(w.lead.id): "90", str(helper.id): "10"}},
               headers=b.login_as(db, w.lead).headers)
    r = client.post(f"/api/v1/deals/{w.id}/shares/decline",
                    headers=b.login_as(db, helper).headers)
    assert r.status_code == 200
    assert r.json()["share_proposal"] is None
    assert _shares(db, w.id) == {w.lead.id: ("active", "60.00"), helper.id: ("active", "40.00")}


@pytest.mark.parametrize("split", [("50", "40"), ("60", "50"), ("60", "40")])
def test_a_resplit_must_sum_to_100_and_change_something(client: TestClient, db: Session,
                                                        split: tuple[str, str]) -> None:
    w, helper = _two_brokers(client, db)
    r = client.put(f"/api/v1/deals/{w.id}/shares",
                   json={"shares": {str(w.lead.id): split[0], str(helper.id): split[1]}},
                   headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 422


def test_only_the_lead_proposes_a_resplit(client: TestClient, db: Session) -> None:
    w, helper = _two_brokers(client, db)
    r = client.put(f"/api/v1/deals/{w.id}/shares",
                   json={"shares": {str(w.lead.id): "10", str(helper.id): "90"}},
                   headers=b.login_as(db, helper).headers)
    assert r.status_code == 403


def test_active_shares_always_sum_to_100(client: TestClient, db: Session) -> None:
    w, helper = _two_brokers(client, db)
    client.put(f"/api/v1/deals/{w.id}/shares",
               json={"shares": {str(w.lead.id): "33.33", str(helper.id): "66.67"}},
               headers=b.login_as(db, w.lead).headers)
    db.expire_all()
    active = db.execute(select(DealBroker.share).where(
        DealBroker.deal_id == w.id, DealBroker.status == BrokerStatus.ACTIVE)).scalars().all()
    assert sum(active, Decimal(0)) == Decimal("100.00")
    assert sorted(active) == [Decimal("33.33"), Decimal("66.67")]


def _named(db: Session, user: User, name: str) -> User:
    user.display_name = name
    db.flush()
    return user


def test_co_brokers_are_found_and_shown_by_name(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    _named(db, w.lead, "林主办")
    agency = b.make_org(db, OrgKind.AGENCY, name="海峡技术转移中心")
    helper = _named(db, b.make_broker(db, agency=agency), "王协办")
    _named(db, b.make_broker(db, verified=False), "王待审")
    lead = b.login_as(db, w.lead).headers

    # Search by part of the name or the agency's: verified brokers only, id, name and agency.
    found = client.get("/api/v1/brokers/search", params={"q": "王"}, headers=lead).json()
    assert found == [{"id": helper.id, "display_name": "王协办",
                      "agency_name": "海峡技术转移中心", "level": "intermediate"}]
    by_agency = client.get("/api/v1/brokers/search", params={"q": "海峡"}, headers=lead).json()
    assert [x["id"] for x in by_agency] == [helper.id]
    assert client.get("/api/v1/brokers/search", params={"q": ""}, headers=lead).status_code == 422

    # The invitation names its inviter and every broker in the proposed split.
    assert _invite(client, db, w, helper.id, {w.lead.id: "70", helper.id: "30"}) == 200
    invitation = client.get(f"/api/v1/deals/{w.id}",
                            headers=b.login_as(db, helper).headers).json()["invitation"]
    assert (invitation["display_name"], invitation["invited_by_name"]) == ("王协办", "林主办")
    assert invitation["invited_by_id"] == w.lead.id
    assert invitation["names"] == {str(w.lead.id): "林主办", str(helper.id): "王协办"}

    mine = b.login_as(db, helper).headers
    client.post(f"/api/v1/deals/{w.id}/invitation/accept", headers=mine)
    # Lowering the co-broker's share waits for them; the proposal names both brokers.
    r = client.put(f"/api/v1/deals/{w.id}/shares",
                   json={"shares": {str(w.lead.id): "80", str(helper.id): "20"}}, headers=lead)
    assert r.status_code == 200, r.text
    proposal = r.json()["share_proposal"]
    assert proposal["names"] == {str(w.lead.id): "林主办", str(helper.id): "王协办"}
