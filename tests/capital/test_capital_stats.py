"""The capital chain's statistics: only confirmed money counts (evidence before money); by
field, instrument and stage; times to first interest and to close; PoC pass to financing;
the public totals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.capital import schemas, service
from backend.capital.models import FinancingRequest, FinancingStatus, Interest
from backend.listings import lookup
from tests.builders import accounts as b
from tests.builders import capital as c
from tests.builders import listings as lb

STATS = "/api/v1/capital/statistics"
TOTALS = "/api/v1/capital/totals"


def _outcome(db: Session, investor: object, request: FinancingRequest, amount: str
             ) -> Interest:
    service.mark_interest(db, c.actor(investor), investor, request.id,  # type: ignore[arg-type]
                          schemas.InterestIn())
    return service.record_outcome(db, c.actor(investor), investor, request.id,  # type: ignore[arg-type]
                                  schemas.OutcomeIn(status="term_sheet", amount=Decimal(amount)))


def _answer(db: Session, owner: object, interest: Interest, confirm: bool) -> None:
    service.answer_outcome(db, c.actor(owner), owner, interest.request_id,  # type: ignore[arg-type]
                           interest.id, confirm, None if confirm else "金额不符")


def test_only_confirmed_money_counts(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    equity = c.make_request(db, firm, amount="3000000.00")
    loan = c.make_request(db, firm, amount="2000000.00", instrument="loan", trl_current=7,
                          trl_target=8)
    c.make_request(db, firm, publish=False, amount="9000000.00")  # a draft asks nobody
    one, two = c.make_investor(db), c.make_investor(db)
    confirmed = _outcome(db, one, equity, "2500000")
    pending = _outcome(db, two, equity, "500000")
    disputed = _outcome(db, one, loan, "2000000")
    _answer(db, firm, confirmed, True)
    _answer(db, firm, disputed, False)
    admin = b.make_admin(db)
    body = client.get(STATS, headers=b.login_as(db, admin).headers).json()
    assert body["totals"]["requested"] == "5000000.00"
    assert body["totals"]["committed"] == "2500000.00", "pending and disputed count nowhere"
    assert body["totals"]["closed"] == "0.00"
    assert body["pending_confirmation"] == 1 and pending.confirmation == "pending"
    by_instrument = {g["key"]: g for g in body["by_instrument"]}
    assert by_instrument["equity"]["committed"] == "2500000.00"
    assert by_instrument["loan"]["committed"] == "0.00"
    assert {g["key"] for g in body["by_stage"]} == {"development", "industrialisation"}
    assert [g["key"] for g in body["by_field"]] == ["equipment"]
    # The owner closes the equity request: its confirmed money is now closed money.
    service.end(db, c.actor(firm), equity, FinancingStatus.CLOSED)
    body = client.get(STATS, headers=b.login_as(db, admin).headers).json()
    assert body["totals"]["closed"] == "2500000.00"
    assert body["days_to_first_interest"] is not None and body["days_to_close"] is not None
    # The public page: the totals only.
    totals = client.get(TOTALS).json()
    assert totals == {"requests": 2, "requested": "5000000.00", "committed": "2500000.00",
                      "closed": "2500000.00"}
    assert client.get(STATS, headers=b.login_as(db, firm).headers).status_code == 403


def test_times_are_measured_from_publication(client: TestClient, db: Session) -> None:
    firm = b.make_firm_user(db)
    request = c.make_request(db, firm)
    investor = c.make_investor(db)
    interest = _outcome(db, investor, request, "1000000")
    request.published_at = interest.created_at - timedelta(days=4)
    _answer(db, firm, interest, True)
    service.end(db, c.actor(firm), request, FinancingStatus.CLOSED)
    request.ended_at = request.published_at + timedelta(days=30)
    db.flush()
    body = client.get(STATS, headers=b.login_as(db, b.make_admin(db)).headers).json()
    assert body["days_to_first_interest"] == 4.0
    assert body["days_to_close"] == 30.0


def test_conversion_from_a_passed_proof_of_concept_to_financing(client: TestClient,
                                                                db: Session) -> None:
    institute = b.make_institute_user(db)
    investor = c.make_investor(db)
    requests = []
    for _ in range(3):
        achievement = lb.make_achievement(db, institute)
        requests.append((achievement, c.make_request(db, institute, subject="achievement",
                                                     achievement_id=achievement.id)))
    for achievement, _ in requests[:2]:
        lookup.record_poc_outcome(db, achievement.id, 5, date(2026, 11, 1), None)
    financed = _outcome(db, investor, requests[0][1], "1000000")
    _answer(db, institute, financed, True)
    unconfirmed = _outcome(db, investor, requests[1][1], "1000000")
    assert unconfirmed.confirmation == "pending"
    body = client.get(STATS, headers=b.login_as(db, b.make_admin(db)).headers).json()
    assert body["poc_passed_requests"] == 2 and body["poc_passed_financed"] == 1
    assert body["poc_conversion"] == 0.5 and body["other_conversion"] == 0.0
