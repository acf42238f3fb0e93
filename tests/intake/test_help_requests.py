"""Help requests: asking, routing by field, region, grade and load, accepting, assigning,
cancelling and escalating after the set working days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerLevel
from backend.audit.models import AuditEntry
from backend.config import get_settings
from backend.core import clock
from backend.deals.models import Notification
from backend.intake import requests
from backend.intake.models import DirectoryProfile, HelpOffer, HelpRequest, OfferStatus
from backend.intake.workdays import add_working_days
from backend.integrity import dishonesty
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import intake as ib
from tests.builders import listings as lb

URL = "/api/v1/help-requests"


def _ask(client: TestClient, db: Session, firm: object, **body: object) -> dict[str, object]:
    payload = {"description": "产线良率低，希望经纪人上门挖掘需求。", "preferred_times": "周二下午",
               "field_id": lb.field_id(db), **body}
    r = client.post(URL, json=payload, headers=b.login_as(db, firm).headers)  # type: ignore[arg-type]
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _offered(db: Session, request_id: int) -> list[int]:
    return list(db.execute(select(HelpOffer.broker_id).where(
        HelpOffer.help_request_id == request_id, HelpOffer.status == OfferStatus.OFFERED)
        .order_by(HelpOffer.rank)).scalars())


def test_routing_ranks_by_field_then_region_then_load_then_grade(
        client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "help_request_offers", 4)
    firm = b.make_firm_user(db)  # region 福州市; the request's field is industrial robots
    field_far = b.make_broker(db, fields=["生物医药"])
    robots_elsewhere = b.make_broker(db, fields=["equipment.robotics"])
    db.add(DirectoryProfile(user_id=robots_elsewhere.id, region="厦门市"))
    parent_here_busy = b.make_broker(db, fields=["智能装备"])  # the parent field, by name
    db.add(DirectoryProfile(user_id=parent_here_busy.id, region="福州市"))
    robots_here_senior = b.make_broker(db, fields=["Industrial robots"],
                                       level=BrokerLevel.SENIOR)
    db.add(DirectoryProfile(user_id=robots_here_senior.id, region="福州市"))
    robots_here_junior = b.make_broker(db, fields=["工业机器人"], level=BrokerLevel.JUNIOR)
    db.add(DirectoryProfile(user_id=robots_here_junior.id, region="福州市"))
    b.make_broker(db, fields=["工业机器人"], verified=False)  # never offered
    db.flush()
    # parent_here_busy already holds a help request: load 1
    ib.accepted(db, b.make_firm_user(db), parent_here_busy)

    body = _ask(client, db, firm)

    assert _offered(db, int(body["id"])) == [robots_here_senior.id, robots_here_junior.id,
                                             parent_here_busy.id, robots_elsewhere.id]
    assert field_far.id not in _offered(db, int(body["id"]))
    assert body["status"] == "open" and body["broker"] is None and body["region"] == "福州市"
    note = db.execute(select(Notification).where(
        Notification.user_id == robots_here_junior.id)).scalar_one()
    assert note.kind == "help.offered"


def test_a_confidential_request_goes_to_intermediate_or_above_and_hides_the_firm_until_accepted(
        client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    junior = b.make_broker(db, level=BrokerLevel.JUNIOR)
    middle = b.make_broker(db, level=BrokerLevel.INTERMEDIATE)
    body = _ask(client, db, firm, confidential=True)
    rid = int(body["id"])
    assert _offered(db, rid) == [middle.id]

    seen = client.get(f"{URL}/{rid}", headers=b.login_as(db, middle).headers).json()
    assert (seen["description"], seen["organisation_name"], seen["requested_by"]) == (
        None, None, None)
    assert seen["my_offer"] == "offered" and seen["preferred_times"] == "周二下午"
    assert client.get(f"{URL}/{rid}", headers=b.login_as(db, junior).headers).status_code == 404

    r = client.post(f"{URL}/{rid}/accept", headers=b.login_as(db, middle).headers)
    assert r.status_code == 200
    assert r.json()["description"] == "产线良率低，希望经纪人上门挖掘需求。"
    org = d.with_profile(db, firm).organisation
    assert org is not None and r.json()["organisation_name"] == org.name


def test_the_firm_picks_a_broker_from_the_directory_and_sees_who_accepted(
        client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    picked, other = b.make_broker(db), b.make_broker(db)
    body = _ask(client, db, firm, broker_id=picked.id)
    rid = int(body["id"])
    assert _offered(db, rid) == [picked.id]
    assert client.get(f"{URL}/{rid}", headers=b.login_as(db, other).headers).status_code == 404

    accepted = client.post(f"{URL}/{rid}/accept", headers=b.login_as(db, picked).headers)
    assert accepted.status_code == 200
    mine = client.get(f"{URL}/{rid}", headers=b.login_as(db, firm).headers).json()
    assert mine["status"] == "accepted"
    assert mine["broker"] == {"id": picked.id, "display_name": picked.display_name,
                              "level": "intermediate"}
    told = db.execute(select(Notification).where(Notification.user_id == firm.id,
                                                  Notification.kind == "help.accepted")
                      ).scalar_one()
    assert picked.display_name in told.title


def test_picking_a_broker_who_cannot_take_it_is_refused(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    unverified = b.make_broker(db, verified=False)
    r = client.post(URL, json={"description": "需要帮助", "broker_id": unverified.id},
                    headers=b.login_as(db, firm).headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "broker_id"
    assert db.execute(select(HelpRequest)).first() is None


def test_a_broker_on_the_dishonesty_list_is_never_offered(client: TestClient, db: Session
                                                          ) -> None:
    firm = b.make_firm_user(db)
    listed, clean = b.make_broker(db), b.make_broker(db)
    admin = b.make_admin(db)
    dishonesty.list_subject(db, d.actor(admin), dishonesty.broker_subjects(db, listed.id)[0],
                            reason="虚假申报", listed_on=clock.today())
    body = _ask(client, db, firm)
    assert _offered(db, int(body["id"])) == [clean.id]


def test_first_to_accept_takes_it_and_the_others_lose_sight_of_it(client: TestClient,
                                                                   db: Session) -> None:
    firm = b.make_firm_user(db)
    one, two = b.make_broker(db), b.make_broker(db)
    rid = int(_ask(client, db, firm)["id"])
    assert client.post(f"{URL}/{rid}/accept", headers=b.login_as(db, one).headers
                       ).status_code == 200
    late = client.post(f"{URL}/{rid}/accept", headers=b.login_as(db, two).headers)
    assert late.status_code == 404
    assert client.get(URL, headers=b.login_as(db, two).headers).json()["total"] == 0
    assert client.get(URL, headers=b.login_as(db, one).headers).json()["total"] == 1


def test_declining_passes_the_request_to_the_next_broker(client: TestClient, db: Session,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setattr(get_settings(), "help_request_offers", 1)
    firm = b.make_firm_user(db)
    first = b.make_broker(db, level=BrokerLevel.SENIOR)
    second = b.make_broker(db)
    rid = int(_ask(client, db, firm)["id"])
    assert _offered(db, rid) == [first.id]
    r = client.post(f"{URL}/{rid}/decline", headers=b.login_as(db, first).headers)
    assert r.status_code == 204
    assert _offered(db, rid) == [second.id]
    assert client.get(f"{URL}/{rid}", headers=b.login_as(db, first).headers).status_code == 404


def test_an_administrator_assigns_a_broker(client: TestClient, db: Session) -> None:
    firm, admin = b.make_firm_user(db), b.make_admin(db)
    offered, chosen = b.make_broker(db, level=BrokerLevel.SENIOR), b.make_broker(db)
    rid = int(ib.ask(db, firm, broker_id=offered.id).id)
    candidates = client.get(f"{URL}/{rid}/candidates", headers=b.login_as(db, admin).headers)
    assert [c["broker"]["id"] for c in candidates.json()] == [offered.id, chosen.id]
    r = client.post(f"{URL}/{rid}/assign", json={"broker_id": chosen.id},
                    headers=b.login_as(db, admin).headers)
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["broker"]["id"]) == ("accepted", chosen.id)
    assert _offered(db, rid) == []
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "help_request.assign")
                       ).scalar_one()
    assert entry.after is not None and entry.after["broker_id"] == chosen.id
    again = client.post(f"{URL}/{rid}/assign", json={"broker_id": offered.id},
                        headers=b.login_as(db, admin).headers)
    assert again.status_code == 409


def test_the_firm_cancels_and_the_broker_closes(client: TestClient, db: Session) -> None:
    firm, broker = b.make_firm_user(db), b.make_broker(db)
    open_one = ib.ask(db, firm, broker_id=broker.id)
    r = client.post(f"{URL}/{open_one.id}/cancel", headers=b.login_as(db, firm).headers)
    assert r.json()["status"] == "cancelled"
    taken = ib.accepted(db, firm, broker)
    assert client.post(f"{URL}/{taken.id}/cancel", headers=b.login_as(db, broker).headers
                       ).status_code == 403
    r = client.post(f"{URL}/{taken.id}/close", headers=b.login_as(db, broker).headers)
    assert r.json()["status"] == "closed"
    assert client.post(f"{URL}/{taken.id}/cancel", headers=b.login_as(db, firm).headers
                       ).status_code == 409


def test_an_institute_may_not_ask(client: TestClient, db: Session) -> None:
    institute = b.make_institute_user(db)
    r = client.post(URL, json={"description": "需要帮助"}, headers=b.login_as(db, institute).headers)
    assert r.status_code == 403


# --- escalation -------------------------------------------------------------------------------

def _at(text: str) -> datetime:
    """A Beijing wall-clock time as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=clock.CHINA_TZ).astimezone(UTC)


@pytest.mark.parametrize(("start", "days", "deadline"), [
    ("2026-12-07 10:00", 3, "2026-12-10 10:00"),  # Monday → Thursday
    ("2026-12-10 10:00", 3, "2026-12-15 10:00"),  # Thursday → over the weekend → Tuesday
    ("2026-12-12 10:00", 3, "2026-12-17 00:00"),  # Saturday: counts from Monday 00:00
    ("2026-12-11 23:30", 1, "2026-12-14 23:30"),  # Friday night → Monday night
])
def test_working_days(start: str, days: int, deadline: str) -> None:
    assert add_working_days(_at(start), days) == _at(deadline).astimezone(clock.CHINA_TZ)


def test_requests_not_accepted_in_three_working_days_are_escalated_once(db: Session) -> None:
    firm, admin = b.make_firm_user(db), b.make_admin(db)
    b.make_broker(db)
    late, early, taken = ib.ask(db, firm), ib.ask(db, firm), ib.ask(db, firm)
    late.created_at = _at("2026-12-04 09:00")   # Friday: due Wednesday 09:00
    early.created_at = _at("2026-12-07 09:00")  # Monday: due Thursday 09:00
    taken.created_at = _at("2026-12-01 09:00")
    broker = b.make_broker(db)
    ib.accepted(db, firm, broker)
    taken.status, taken.broker_id = requests.HelpStatus.ACCEPTED, broker.id
    db.flush()

    assert requests.escalate_overdue(db, now=_at("2026-12-09 08:59")) == []
    assert requests.escalate_overdue(db, now=_at("2026-12-09 09:00")) == [late.id]
    assert requests.escalate_overdue(db, now=_at("2026-12-10 12:00")) == [early.id]
    assert requests.escalate_overdue(db, now=_at("2026-12-20 12:00")) == []
    told = db.execute(select(Notification).where(Notification.user_id == admin.id,
                                                 Notification.kind == "help.escalated")
                      .order_by(Notification.id)).scalars().all()
    assert [n.title for n in told] == ["1 个需求挖掘申请超时未被接受"] * 2


def test_the_escalation_setting_is_read(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    firm = b.make_firm_user(db)
    request = ib.ask(db, firm)
    request.created_at = _at("2026-12-07 09:00")
    monkeypatch.setattr(get_settings(), "help_request_escalation_working_days", 1)
    assert requests.escalation_deadline(request) == _at("2026-12-08 09:00")


def test_administrators_list_escalated_requests_oldest_first(client: TestClient, db: Session
                                                             ) -> None:
    firm, admin = b.make_firm_user(db), b.make_admin(db)
    newer, older, fresh = ib.ask(db, firm), ib.ask(db, firm), ib.ask(db, firm)
    older.created_at = datetime.now(UTC) - timedelta(days=30)
    newer.created_at = datetime.now(UTC) - timedelta(days=20)
    db.flush()
    requests.escalate_overdue(db)
    r = client.get(URL, params={"escalated": True, "status": "open"},
                   headers=b.login_as(db, admin).headers)
    assert [i["id"] for i in r.json()["items"]] == [older.id, newer.id]
    assert all(i["overdue"] for i in r.json()["items"])
    assert fresh.id not in [i["id"] for i in r.json()["items"]]


def test_a_broker_who_does_not_exist_is_bad_input_not_a_crash(client: TestClient,
                                                                db: Session) -> None:
    """Found by the fuzzer: an unknown `broker_id` broke the foreign key (500)."""
    firm = b.make_firm_user(db)
    r = client.post(URL, json={"description": "需要膜分离技术的改造方案", "broker_id": 987654},
                    headers=b.login_as(db, firm).headers)
    assert r.status_code == 422, r.text
    assert "broker_id" in r.text
