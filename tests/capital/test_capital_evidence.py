"""Evidence before money (an investor's term sheet or approved loan counts only once the
request's owner confirmed it), question threads per (request, investor), requests for a deal
by its parties only, and proof-of-concept results in the feed."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.listings import lookup
from tests.builders import accounts as b
from tests.builders import capital as c
from tests.builders import deals as d
from tests.builders import listings as lb

FEED = "/api/v1/investors/me/feed"
REQUESTS = "/api/v1/financing-requests"


def h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def _actions(db: Session, action: str) -> list[AuditEntry]:
    return list(db.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars())


# --- outcomes and the owner's word ----------------------------------------------------------

def test_a_term_sheet_has_an_amount_which_waits_for_the_owners_word(
        client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    request = c.make_request(db, firm)
    investor = c.make_investor(db)
    url = f"{REQUESTS}/{request.id}"
    assert client.post(f"{url}/interest", json={}, headers=h(db, investor)).status_code == 201
    r = client.post(f"{url}/outcome", json={"status": "term_sheet"}, headers=h(db, investor))
    assert r.status_code == 422, "a term sheet names its amount"
    r = client.post(f"{url}/outcome", json={"status": "declined", "reason": "估值",
                                            "amount": "100.00"}, headers=h(db, investor))
    assert r.status_code == 422, "a decline moves no money"
    r = client.post(f"{url}/outcome", json={"status": "term_sheet", "amount": "2500000.00"},
                    headers=h(db, investor))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["amount"] == "2500000.00" and body["confirmation"] == "pending"
    interest_id = body["id"]
    # Only the owner gives its word: the investor is refused by role, another firm sees nothing.
    confirm = f"{url}/interests/{interest_id}/confirm"
    assert client.post(confirm, headers=h(db, investor)).status_code == 403
    assert client.post(confirm, headers=h(db, b.make_firm_user(db))).status_code == 404
    # The owner disputes it: it does not count, the investor records it again (corrected).
    r = client.post(f"{url}/interests/{interest_id}/dispute", json={"reason": "金额为200万"},
                    headers=h(db, firm))
    assert r.status_code == 200 and r.json()["confirmation"] == "disputed"
    assert r.json()["dispute_reason"] == "金额为200万"
    assert client.post(confirm, headers=h(db, firm)).status_code == 409, "nothing pending"
    r = client.post(f"{url}/outcome", json={"status": "term_sheet", "amount": "2000000.00"},
                    headers=h(db, investor))
    assert r.json()["confirmation"] == "pending" and r.json()["dispute_reason"] is None
    r = client.post(confirm, headers=h(db, firm))
    assert r.status_code == 200 and r.json()["confirmation"] == "confirmed"
    assert r.json()["confirmed_at"] is not None
    # Confirmed is final for the investor alone.
    r = client.post(f"{url}/outcome", json={"status": "declined", "reason": "变更"},
                    headers=h(db, investor))
    assert r.status_code == 409
    [confirmed] = _actions(db, "financing.outcome_confirm")
    assert confirmed.before["confirmation"] == "pending"
    assert confirmed.after["amount"] == "2000000.00"
    assert len(_actions(db, "financing.outcome_dispute")) == 1


def test_an_interest_of_another_request_is_not_confirmed_through_this_one(
        client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    mine, theirs = c.make_request(db, firm), c.make_request(db, b.make_firm_user(db))
    investor = c.make_investor(db)
    for r in (mine, theirs):
        client.post(f"{REQUESTS}/{r.id}/interest", json={}, headers=h(db, investor))
    other = client.post(f"{REQUESTS}/{theirs.id}/outcome",
                        json={"status": "loan_approved", "amount": "1000000.00"},
                        headers=h(db, investor)).json()
    r = client.post(f"{REQUESTS}/{mine.id}/interests/{other['id']}/confirm",
                    headers=h(db, firm))
    assert r.status_code == 404


# --- question threads -------------------------------------------------------------------------

def test_each_investor_has_its_own_thread_with_the_owner(client: TestClient,
                                                         db: Session) -> None:
    firm = b.make_firm_user(db)
    request = c.make_request(db, firm)
    one, two = c.make_investor(db), c.make_investor(db)
    url = f"{REQUESTS}/{request.id}/threads"
    r = client.post(url, json={"body": "请提供近两年财务数据。"}, headers=h(db, one))
    assert r.status_code == 201, r.text
    assert r.json()["unanswered"] is True
    assert client.post(url, json={"body": "估值预期？"}, headers=h(db, two)).status_code == 201
    assert client.post(url, json={"body": ""}, headers=h(db, two)).status_code == 422
    r = client.post(f"{url}/{one.organisation_id}", json={"body": "已上传至资料包。"},
                    headers=h(db, firm))
    assert r.status_code == 201, r.text
    assert [m["side"] for m in r.json()["messages"]] == ["investor", "owner"]
    assert r.json()["unanswered"] is False
    # The owner sees both threads; each investor only its own.
    assert {t["investor_id"] for t in client.get(url, headers=h(db, firm)).json()} == {
        one.organisation_id, two.organisation_id}
    [own] = client.get(url, headers=h(db, two)).json()
    assert own["investor_id"] == two.organisation_id
    assert [m["body"] for m in own["messages"]] == ["估值预期？"]
    # Nobody else sees or writes; the owner answers only a thread an investor opened.
    stranger = b.make_firm_user(db)
    assert client.get(url, headers=h(db, stranger)).status_code == 404
    assert client.post(url, json={"body": "?"}, headers=h(db, firm)).status_code == 403
    assert client.post(f"{url}/{one.organisation_id}", json={"body": "答"},
                       headers=h(db, two)).status_code == 403
    lurker = c.make_investor(db)
    assert client.post(f"{url}/{lurker.organisation_id}", json={"body": "答"},
                       headers=h(db, firm)).status_code == 404


def test_an_investor_outside_the_audience_cannot_ask(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    named, other = c.make_investor(db), c.make_investor(db)
    request = c.make_request(db, firm, audience="named",
                             named_investor_ids=[named.organisation_id])
    url = f"{REQUESTS}/{request.id}/threads"
    assert client.post(url, json={"body": "?"}, headers=h(db, other)).status_code == 404
    assert client.post(url, json={"body": "?"}, headers=h(db, named)).status_code == 201


# --- a deal's parties ask for money ------------------------------------------------------------

def test_only_a_deals_parties_ask_for_money_for_it(client: TestClient, db: Session) -> None:
    w = d.open_world(db)
    d.accept_both(db, w)
    body = c.request_body(db, subject="deal", deal_id=w.id)
    for party in (w.firm, w.institute):
        r = client.post(REQUESTS, json=body, headers=h(db, party))
        assert r.status_code == 201, r.text
        assert r.json()["deal_id"] == w.id and r.json()["subject"] == "deal"
    for outsider in (b.make_firm_user(db), b.make_institute_user(db)):
        r = client.post(REQUESTS, json=body, headers=h(db, outsider))
        assert r.status_code == 422, r.text
    r = client.post(REQUESTS, json=c.request_body(db, subject="deal"), headers=h(db, w.firm))
    assert r.status_code == 422, "a deal's request names the deal"


def test_an_institute_not_yet_admitted_to_a_deal_cannot_use_it(client: TestClient,
                                                              db: Session) -> None:
    w = d.open_world(db)
    r = client.post(REQUESTS, json=c.request_body(db, subject="deal", deal_id=w.id),
                    headers=h(db, b.make_broker(db)))
    assert r.status_code == 403


# --- proof of concept in the feed ------------------------------------------------------------

def _achievement_request(db: Session, institute: object, **overrides: object) -> object:
    achievement = lb.make_achievement(db, institute)  # type: ignore[arg-type]
    return achievement, c.make_request(db, institute, subject="achievement",  # type: ignore[arg-type]
                                       achievement_id=achievement.id, **overrides)


def test_a_passed_proof_of_concept_shows_and_lifts_the_request(client: TestClient,
                                                               db: Session) -> None:
    investor = c.make_investor(db)
    c.set_mandate(db, investor)
    institute = b.make_institute_user(db)
    _, plain = _achievement_request(db, institute)
    reviewed_achievement, reviewed = _achievement_request(db, institute)
    items = client.get(FEED, headers=h(db, investor)).json()["items"]
    assert [x["request"]["id"] for x in items] == [reviewed.id, plain.id], "newest first on ties"
    # The older one passes proof of concept: it now ranks first, and says so.
    lookup.record_poc_outcome(db, reviewed_achievement.id, 5, date(2026, 11, 30), "通过")
    items = client.get(FEED, headers=h(db, investor)).json()["items"]
    by_id = {x["request"]["id"]: x for x in items}
    assert by_id[reviewed.id]["request"]["poc_passed_on"] == "2026-11-30"
    assert by_id[reviewed.id]["request"]["reviewed_trl"] == 5
    assert by_id[plain.id]["request"]["poc_passed_on"] is None
    assert by_id[reviewed.id]["score"] > by_id[plain.id]["score"]
    assert any("概念验证" in r for r in by_id[reviewed.id]["reasons"])


def test_a_reviewed_trl_outside_the_mandate_takes_the_request_out_of_the_feed(
        client: TestClient, db: Session) -> None:
    investor = c.make_investor(db)
    c.set_mandate(db, investor, trl_min=5, trl_max=7)
    institute = b.make_institute_user(db)
    achievement, request = _achievement_request(db, institute, trl_current=5, trl_target=6)
    assert client.get(FEED, headers=h(db, investor)).json()["total"] == 1
    # The panel found TRL 8: past what the mandate takes (evidence over the declaration).
    lookup.record_poc_outcome(db, achievement.id, 8, None, None)
    assert client.get(FEED, headers=h(db, investor)).json()["total"] == 0
    # Still visible as a request: the feed, not visibility, leaves it out.
    assert client.get(f"{REQUESTS}/{request.id}", headers=h(db, investor)).status_code == 200


def test_no_outcome_is_recorded_on_a_withdrawn_request(client: TestClient, db: Session) -> None:
    """A firm that withdrew its request sought no money: a term sheet recorded on it afterwards
    would wait for a confirmation nobody should give, and could be confirmed by mistake."""
    firm = b.make_firm_user(db)
    request = c.make_request(db, firm)
    investor = c.make_investor(db)
    url = f"{REQUESTS}/{request.id}"
    assert client.post(f"{url}/interest", json={}, headers=h(db, investor)).status_code == 201
    assert client.post(f"{url}/withdraw", headers=h(db, firm)).status_code == 200
    r = client.post(f"{url}/outcome", json={"status": "term_sheet", "amount": "1000000.00"},
                    headers=h(db, investor))
    assert r.status_code == 409, r.text
    assert "撤回" in r.json()["detail"]
    assert _actions(db, "financing.outcome") == []


def test_confirmed_money_never_exceeds_the_amount_requested(client: TestClient,
                                                              db: Session) -> None:
    """Pentest: 9,999,999,999 confirmed on a 1,000,000 request went into the public totals."""
    firm = b.make_firm_user(db)
    request = c.make_request(db, firm, amount="1000000.00")
    first, second = c.make_investor(db), c.make_investor(db)
    url = f"{REQUESTS}/{request.id}"
    for investor in (first, second):
        assert client.post(f"{url}/interest", json={}, headers=h(db, investor)).status_code == 201
    r = client.post(f"{url}/outcome", json={"status": "term_sheet", "amount": "9999999999.00"},
                    headers=h(db, first))
    assert r.status_code == 409 and r.json()["reason"] == "above_request"
    assert "1,000,000.00" in r.json()["detail"]
    ok = client.post(f"{url}/outcome", json={"status": "term_sheet", "amount": "600000.00"},
                     headers=h(db, first)).json()
    other = client.post(f"{url}/outcome", json={"status": "loan_approved", "amount": "500000.00"},
                        headers=h(db, second)).json()
    assert other["confirmation"] == "pending", "nothing confirmed yet: 500,000 still fits"
    assert client.post(f"{url}/interests/{ok['id']}/confirm",
                       headers=h(db, firm)).status_code == 200
    # The owner cannot confirm past the amount asked either: 600,000 + 500,000 > 1,000,000.
    r = client.post(f"{url}/interests/{other['id']}/confirm", headers=h(db, firm))
    assert r.status_code == 409 and r.json()["reason"] == "above_request"
    r = client.post(f"{url}/outcome", json={"status": "loan_approved", "amount": "400000.00"},
                    headers=h(db, second))
    assert r.status_code == 200
    assert client.post(f"{url}/interests/{other['id']}/confirm",
                       headers=h(db, firm)).status_code == 200
