"""Consent before disclosure, for accounts: joining an organisation needs its approval, and
registration never tells whether a resident ID number is on file.

Each test here failed on the code before the fix: a broker registering with a verified
agency's public credit code became its member at once and read its private record (legal
representative, shareholders, bank, masked IDs); and with a taken username, a known ID number
with a wrong name answered "registered under another name", a right name "username taken".
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import schemas, service
from backend.accounts.models import Organisation, OrgKind, User
from backend.audit.models import AuditEntry
from backend.deals.models import Notification
from tests.builders import accounts as b


def _broker_body(username: str, person: dict[str, str], **broker: Any) -> dict[str, Any]:
    return {"user": {"username": username, "password": "Broker123", "display_name": "陈经纪"},
            "person": person,
            "broker": {"level": "junior", "certificate_no": f"FJ-{username}", "fields": [],
                       **broker}}


def _person(name: str, id_number: str | None = None) -> dict[str, str]:
    return {"name": name, "id_number": id_number or b.new_resident_id()}


def _token(client: TestClient, username: str, password: str = "Broker123"  # noqa: S107 — a test login
           ) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _agency_with_member(db: Session) -> tuple[Organisation, User]:
    agency = b.make_org(db, OrgKind.AGENCY)
    return agency, b.make_broker(db, agency=agency)


# --- joining --------------------------------------------------------------------------------

def test_a_broker_registering_into_an_agency_waits_for_its_approval_and_sees_nothing(
        client: TestClient, db: Session) -> None:
    agency, member = _agency_with_member(db)
    r = client.post("/api/v1/auth/register/broker",
                    json=_broker_body("joiner1", _person("陈明"),
                                      agency_credit_code=agency.credit_code))
    assert r.status_code == 201, r.text
    me = r.json()
    assert me["organisation"] is None and me["broker"]["agency_id"] is None
    assert me["join_request"]["organisation_name"] == agency.name
    assert me["join_request"]["status"] == "pending"
    joiner = _token(client, "joiner1")
    for path in (f"/api/v1/organisations/{agency.id}",
                 f"/api/v1/organisations/{agency.id}/join-requests",
                 f"/api/v1/organisations/{agency.id}/invitations"):
        assert client.get(path, headers=joiner).status_code == 404, path
    request_id = me["join_request"]["id"]
    r = client.post(f"/api/v1/organisations/{agency.id}/join-requests/{request_id}/approve",
                    headers=joiner)
    assert r.status_code == 404  # nobody approves themself in

    db.flush()
    notes = db.execute(select(Notification.kind).where(
        Notification.user_id == member.id)).scalars().all()
    assert notes == ["organisation.join_request"]
    lead = b.login_as(db, member)
    listed = client.get(f"/api/v1/organisations/{agency.id}/join-requests",
                        params={"status": "pending"}, headers=lead.headers).json()
    assert [(x["username"], x["role"], x["broker_certificate_no"]) for x in listed] == [
        ("joiner1", "broker", "FJ-joiner1")]

    r = client.post(f"/api/v1/organisations/{agency.id}/join-requests/{request_id}/approve",
                    headers=lead.headers)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    record = client.get(f"/api/v1/organisations/{agency.id}", headers=joiner)
    assert record.status_code == 200
    assert record.json()["legal_representative_id"].count("*") > 0  # masked for members
    me = client.get("/api/v1/auth/me", headers=joiner).json()
    assert me["organisation"]["id"] == agency.id and me["broker"]["agency_id"] == agency.id
    assert me["join_request"] is None
    r = client.post(f"/api/v1/organisations/{agency.id}/join-requests/{request_id}/decline",
                    headers=lead.headers)
    assert r.status_code == 409


def test_a_declined_request_leaves_the_user_outside(client: TestClient, db: Session) -> None:
    agency, _ = _agency_with_member(db)
    me = client.post("/api/v1/auth/register/broker",
                     json=_broker_body("joiner2", _person("林立"),
                                       agency_credit_code=agency.credit_code)).json()
    admin = b.login_as(db, b.make_admin(db))
    queue = client.get("/api/v1/join-requests", params={"status": "pending"},
                       headers=admin.headers).json()
    assert [(x["id"], x["organisation_id"], x["organisation_name"], x["username"])
            for x in queue] == [(me["join_request"]["id"], agency.id, agency.name, "joiner2")]
    r = client.post(f"/api/v1/organisations/{agency.id}/join-requests/"
                    f"{me['join_request']['id']}/decline", json={"note": "不认识此人"},
                    headers=admin.headers)
    assert r.status_code == 200 and r.json()["status"] == "declined"
    joiner = _token(client, "joiner2")
    assert client.get(f"/api/v1/organisations/{agency.id}", headers=joiner).status_code == 404
    me = client.get("/api/v1/auth/me", headers=joiner).json()
    assert me["organisation"] is None and me["join_request"]["status"] == "declined"
    actions = db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "organisation", AuditEntry.object_id == str(agency.id))
        .order_by(AuditEntry.seq)).scalars().all()
    assert actions == ["organisation.join_request", "organisation.join_decline"]


def test_a_pending_firm_member_cannot_act_for_the_firm(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    org = db.get(Organisation, firm.organisation_id)
    assert org is not None
    body = {"user": {"username": "colleague1", "password": "Secret123",
                     "display_name": "王同事"}, "credit_code": org.credit_code}
    r = client.post("/api/v1/auth/register/member", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "firm" and r.json()["organisation"] is None
    colleague = _token(client, "colleague1", "Secret123")
    r = client.post("/api/v1/demands", json={"title": "x"}, headers=colleague)
    assert r.status_code in (403, 422)
    assert client.get("/api/v1/demands", params={"mine": True},
                      headers=colleague).json()["total"] == 0
    assert client.get(f"/api/v1/organisations/{org.id}", headers=colleague).status_code == 404


def test_an_invitation_admits_at_once_and_only_once(client: TestClient, db: Session) -> None:
    agency, member = _agency_with_member(db)
    lead = b.login_as(db, member)
    r = client.post(f"/api/v1/organisations/{agency.id}/invitations", headers=lead.headers)
    assert r.status_code == 201
    code = r.json()["code"]
    r = client.post("/api/v1/auth/register/broker",
                    json=_broker_body("invited1", _person("郑华"), invitation_code=code))
    assert r.status_code == 201, r.text
    assert r.json()["organisation"]["id"] == agency.id
    assert r.json()["broker"]["agency_id"] == agency.id
    again = client.post("/api/v1/auth/register/broker",
                        json=_broker_body("invited2", _person("郑明"), invitation_code=code))
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "broker.invitation_code"
    listed = client.get(f"/api/v1/organisations/{agency.id}/invitations",
                        headers=lead.headers).json()
    assert len(listed) == 1 and listed[0]["used_at"] is not None and "code" not in listed[0]
    # A revoked code admits no one.
    fresh = client.post(f"/api/v1/organisations/{agency.id}/invitations",
                        headers=lead.headers).json()
    assert client.delete(f"/api/v1/organisations/{agency.id}/invitations/{fresh['id']}",
                         headers=lead.headers).status_code == 204
    r = client.post("/api/v1/auth/register/broker",
                    json=_broker_body("invited3", _person("郑强"), invitation_code=fresh["code"]))
    assert r.status_code == 422


def test_another_organisations_members_cannot_see_or_answer_its_requests(
        client: TestClient, db: Session) -> None:
    agency, _ = _agency_with_member(db)
    me = client.post("/api/v1/auth/register/broker",
                     json=_broker_body("joiner3", _person("黄伟"),
                                       agency_credit_code=agency.credit_code)).json()
    other_agency, outsider = _agency_with_member(db)
    headers = b.login_as(db, outsider).headers
    assert client.get(f"/api/v1/organisations/{agency.id}/join-requests",
                      headers=headers).status_code == 404
    r = client.post(f"/api/v1/organisations/{other_agency.id}/join-requests/"
                    f"{me['join_request']['id']}/approve", headers=headers)
    assert r.status_code == 404  # the request is not theirs to answer


# --- the registration oracle --------------------------------------------------------------

def _known_person(db: Session) -> dict[str, str]:
    """A resident ID number on file (a registered broker's), with its name."""
    known = _person("张三丰")
    user = service.register_broker(db, schemas.BrokerRegistration.model_validate(
        _broker_body(f"owner{next(b._seq)}", known)), None)
    assert user.person_id is not None
    return known


@pytest.mark.parametrize("route", ["broker", "organisation"])
def test_a_taken_username_is_refused_the_same_whoever_the_person_is(
        client: TestClient, db: Session, route: str) -> None:
    known = _known_person(db)
    taken = b.make_firm_user(db).username
    answers = []
    for person in (_person("李四", known["id_number"]), known, _person("王五")):
        if route == "broker":
            body = _broker_body(taken, person)
        else:
            body = {"organisation": b.organisation_in(
                        legal_representative=b.person(person["name"], person["id_number"])
                    ).model_dump(mode="json"),
                    "user": {"username": taken, "password": "Secret123",
                             "display_name": "王经理"}}
        r = client.post(f"/api/v1/auth/register/{route}", json=body)
        answers.append((r.status_code, r.json()["detail"], r.json()["errors"]))
    assert answers == [(409, "该用户名已被使用。This username is taken.",
                        [{"field": "user.username", "message": "已被使用 taken"}])] * 3


def test_a_known_id_number_under_another_name_is_not_refused(client: TestClient,
                                                             db: Session) -> None:
    known = _known_person(db)
    for n, person in enumerate((_person("李四", known["id_number"]), _person("王五"))):
        r = client.post("/api/v1/auth/register/broker",
                        json=_broker_body(f"probe{n}", person))
        assert r.status_code == 201, r.text
        assert set(r.json()) == {"id", "username", "display_name", "email", "role",
                                 "organisation", "broker", "join_request"}
    # A certificate already on file is refused before anyone's ID number is looked at.
    r = client.post("/api/v1/auth/register/broker",
                    json=_broker_body("probe0x", _person("李四", known["id_number"]),
                                      certificate_no="FJ-probe0"))
    assert (r.status_code, r.json()["errors"][0]["field"]) == (409, "broker.certificate_no")


def test_an_organisation_shows_the_names_it_declared_not_the_ones_on_file(
        client: TestClient, db: Session) -> None:
    known = _known_person(db)
    body = {"organisation": b.organisation_in(
                legal_representative=b.person("冒名者", known["id_number"]),
                officers=[{"name": "冒名董事", "id_number": known["id_number"],
                           "position": "director"}]).model_dump(mode="json"),
            "user": {"username": "probe_org", "password": "Secret123", "display_name": "王经理"}}
    r = client.post("/api/v1/auth/register/organisation", json=body)
    assert r.status_code == 201, r.text
    org_id = r.json()["organisation"]["id"]
    mine = client.get(f"/api/v1/organisations/{org_id}",
                      headers=_token(client, "probe_org", "Secret123")).json()
    assert mine["legal_representative"] == "冒名者"
    assert [o["name"] for o in mine["officers"]] == ["冒名董事"]
    assert "张三丰" not in str(mine) and mine["name_mismatches"] is None
    admin = client.get(f"/api/v1/organisations/{org_id}",
                       headers=b.login_as(db, b.make_admin(db)).headers).json()
    assert admin["name_mismatches"] == [
        {"role": "legal_representative", "declared": "冒名者", "on_file": "张三丰"},
        {"role": "officer", "declared": "冒名董事", "on_file": "张三丰"}]
