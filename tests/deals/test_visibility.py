"""A deal seen from every role's side: who sees it at all, and what each sees."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.deals import lookup
from backend.deals.models import Stage
from backend.listings.models import Visibility
from tests.builders import accounts as b
from tests.builders import deals as d


@dataclass
class Cast:
    w: d.World
    helper: User      # an invited broker who joined
    invitee: User     # invited, not yet answered
    internal_note: str
    shared_note: str


def _cast(client: TestClient, db: Session) -> Cast:
    w = d.deal_at(db, Stage.SIGNED)
    helper, invitee = b.make_broker(db), b.make_broker(db)
    lead = b.login_as(db, w.lead)
    client.post(f"/api/v1/deals/{w.id}/brokers",
                json={"broker_id": helper.id, "shares": {str(w.lead.id): "70",
                                                         str(helper.id): "30"}},
                headers=lead.headers)
    client.post(f"/api/v1/deals/{w.id}/invitation/accept", headers=b.login_as(db, helper).headers)
    client.post(f"/api/v1/deals/{w.id}/brokers",
                json={"broker_id": invitee.id, "shares": {str(w.lead.id): "60",
                                                          str(helper.id): "30",
                                                          str(invitee.id): "10"}},
                headers=lead.headers)
    internal, shared = "买方预算上限其实是35万", "请双方于周五前确认合同终稿"
    for text, shared_flag in ((internal, False), (shared, True)):
        client.post(f"/api/v1/deals/{w.id}/notes", json={"text": text,
                                                         "visible_to_parties": shared_flag},
                    headers=lead.headers)
    return Cast(d.World(w.firm, w.institute, w.lead, w.demand, w.achievement, w.deal), helper,
                invitee, internal, shared)


ROLES: dict[str, Callable[[Session, Cast], User]] = {
    "lead broker": lambda db, c: c.w.lead,
    "invited broker who joined": lambda db, c: c.helper,
    "invitee still deciding": lambda db, c: c.invitee,
    "other broker": lambda db, c: b.make_broker(db),
    "demand party": lambda db, c: c.w.firm,
    "achievement party": lambda db, c: c.w.institute,
    "unrelated firm": lambda db, c: b.make_firm_user(db),
    "unrelated institute": lambda db, c: b.make_institute_user(db),
    "admin": lambda db, c: b.make_admin(db),
}
# role → (relation, sees contract, sees shares, sees internal notes, sees timeline)
EXPECTED: dict[str, tuple[str, bool, bool, bool, bool] | None] = {
    "lead broker": ("lead", True, True, True, True),
    "invited broker who joined": ("broker", True, True, True, True),
    "invitee still deciding": ("invitee", False, True, False, False),
    "other broker": None,
    "demand party": ("demand_party", True, False, False, True),
    "achievement party": ("achievement_party", True, False, False, True),
    "unrelated firm": None,
    "unrelated institute": None,
    "admin": ("admin", True, True, True, True),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_a_deal_from_every_side(client: TestClient, db: Session, role: str) -> None:
    cast = _cast(client, db)
    user = ROLES[role](db, cast)
    who = b.login_as(db, user)
    deal_id = cast.w.id
    detail = client.get(f"/api/v1/deals/{deal_id}", headers=who.headers)
    listing = client.get("/api/v1/deals", headers=who.headers)
    timeline = client.get(f"/api/v1/deals/{deal_id}/timeline", headers=who.headers)
    files = client.get(f"/api/v1/deals/{deal_id}/files", headers=who.headers)
    expected = EXPECTED[role]
    assert lookup.deal_is_visible(db, d.with_profile(db, user), deal_id) is (expected is not None)
    if expected is None:
        assert detail.status_code == timeline.status_code == files.status_code == 404
        assert cast.w.demand.title not in detail.text
        assert listing.json()["total"] == 0
        return
    relation, sees_contract, sees_shares, sees_internal, sees_timeline = expected
    assert detail.status_code == 200
    body = detail.json()
    assert body["relation"] == relation
    assert [x["id"] for x in listing.json()["items"]] == [deal_id]
    assert listing.json()["items"][0]["relation"] == relation
    assert (body["contract"] is not None) is sees_contract
    assert all((x["share"] is not None) is sees_shares for x in body["brokers"])
    if sees_timeline:
        assert timeline.status_code == 200 and files.status_code == 200
        texts = [e["text"] for e in timeline.json()]
        assert cast.shared_note in texts
        assert (cast.internal_note in texts) is sees_internal
        kinds = {e["kind"] for e in timeline.json()}
        assert ("broker_invited" in kinds) is sees_internal
    else:
        assert timeline.status_code == files.status_code == 404
    assert cast.internal_note not in detail.text


def test_anonymous_gets_401_everywhere(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    for url in (f"/api/v1/deals/{w.id}", "/api/v1/deals", f"/api/v1/deals/{w.id}/timeline",
                f"/api/v1/deals/{w.id}/files", "/api/v1/deals/dashboard"):
        assert client.get(url).status_code == 401


def test_parties_see_which_brokers_but_not_the_split(client: TestClient, db: Session) -> None:
    cast = _cast(client, db)
    body = client.get(f"/api/v1/deals/{cast.w.id}", headers=b.login_as(db, cast.w.firm).headers
                      ).json()
    assert sorted(x["broker_id"] for x in body["brokers"]) == sorted([cast.w.lead.id,
                                                                      cast.helper.id])
    assert body["invitation"] is None and body["share_proposal"] is None


def test_the_list_is_scoped_and_filtered_by_stage(client: TestClient, db: Session) -> None:
    signed = d.deal_at(db, Stage.SIGNED)
    lost = d.deal_at(db, Stage.LOST)
    admin = b.login_as(db, b.make_admin(db))
    r = client.get("/api/v1/deals", params={"stage": "signed"}, headers=admin.headers)
    assert [x["id"] for x in r.json()["items"]] == [signed.id]
    r = client.get("/api/v1/deals", params={"open_only": True}, headers=admin.headers)
    assert [x["id"] for x in r.json()["items"]] == [signed.id]
    r = client.get("/api/v1/deals", params={"page_size": 1, "page": 2}, headers=admin.headers)
    assert (r.json()["total"], [x["id"] for x in r.json()["items"]]) == (2, [signed.id])
    r = client.get("/api/v1/deals", headers=b.login_as(db, lost.firm).headers)
    assert [x["id"] for x in r.json()["items"]] == [lost.id]


# --- the demand's identity before both accept ---------------------------------------------

@pytest.mark.parametrize(("anonymous", "visibility", "shown_before"), [
    (False, Visibility.PUBLIC, True),
    (False, Visibility.BROKERS, False),
])
def test_the_achievement_side_learns_who_the_demand_is_when_both_accept(
        client: TestClient, db: Session, anonymous: bool, visibility: Visibility,
        shown_before: bool) -> None:
    w = d.open_world(db, anonymous=anonymous, visibility=visibility)
    institute, firm = b.login_as(db, w.institute), b.login_as(db, w.firm)
    url = f"/api/v1/deals/{w.id}"
    org_name = client.get(url, headers=firm.headers).json()["demand"]["organisation"]["name"]

    def seen() -> object:
        r = client.get(url, headers=institute.headers)
        summary = client.get("/api/v1/deals", headers=institute.headers).json()["items"][0]
        org = r.json()["demand"]["organisation"]
        assert summary["demand_organisation"] == (org["name"] if org else None)
        assert (org_name in r.text) is (org is not None)
        return org

    assert (seen() is not None) is shown_before
    client.post(f"{url}/accept", headers=institute.headers)
    assert (seen() is not None) is shown_before
    client.post(f"{url}/accept", headers=firm.headers)
    assert seen() == {"id": w.deal.demand_org_id, "name": org_name}


def test_an_anonymous_demands_firm_is_named_to_the_achievement_side_when_both_accept(
        client: TestClient, db: Session) -> None:
    w = d.open_world(db, anonymous=True)
    institute, firm = b.login_as(db, w.institute), b.login_as(db, w.firm)
    url = f"/api/v1/deals/{w.id}"
    assert client.get(url, headers=institute.headers).status_code == 404  # a request
    client.post(f"{url}/accept", headers=firm.headers)
    assert client.get(url, headers=institute.headers).json()["demand"]["organisation"] is None
    client.post(f"{url}/accept", headers=institute.headers)
    seen = client.get(url, headers=institute.headers).json()["demand"]["organisation"]
    assert seen["id"] == w.deal.demand_org_id


def test_brokers_learn_an_anonymous_demands_firm_once_it_accepts(client: TestClient,
                                                                 db: Session) -> None:
    w = d.open_world(db, anonymous=True)
    url = f"/api/v1/deals/{w.id}"
    for user, before in ((w.lead, None), (w.firm, w.deal.demand_org_id),
                         (b.make_admin(db), w.deal.demand_org_id)):
        org = client.get(url, headers=b.login_as(db, user).headers).json()["demand"][
            "organisation"]
        assert (org["id"] if org else None) == before
    d.accept_request(db, w)
    lead = client.get(url, headers=b.login_as(db, w.lead).headers).json()
    assert lead["demand"]["organisation"]["id"] == w.deal.demand_org_id


def test_the_other_sides_people_stay_unnamed_on_the_timeline(client: TestClient,
                                                             db: Session) -> None:
    w = d.open_world(db, anonymous=True)
    firm = b.login_as(db, w.firm)
    client.post(f"/api/v1/deals/{w.id}/accept", headers=firm.headers)
    events = client.get(f"/api/v1/deals/{w.id}/timeline",
                        headers=b.login_as(db, w.institute).headers).json()
    accepted = next(e for e in events if e["kind"] == "request_accepted")
    assert (accepted["actor_id"], accepted["actor_name"]) == (None, None)
    opened = next(e for e in events if e["kind"] == "requested")
    assert opened["actor_id"] == w.lead.id
    mine = client.get(f"/api/v1/deals/{w.id}/timeline", headers=firm.headers).json()
    assert next(e for e in mine if e["kind"] == "request_accepted")["actor_id"] == w.firm.id


def test_notes_are_written_by_brokers_only(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    for user in (w.firm, w.institute, b.make_admin(db)):
        r = client.post(f"/api/v1/deals/{w.id}/notes", json={"text": "hello"},
                        headers=b.login_as(db, user).headers)
        assert r.status_code == 403
    r = client.post(f"/api/v1/deals/{w.id}/notes", json={"text": "<script>x</script>记录"},
                    headers=b.login_as(db, w.lead).headers)
    assert r.status_code == 201
    assert (r.json()["text"], r.json()["visible_to_parties"]) == ("<script>x</script>记录", False)
