"""The broker directory (figures from confirmed evidence only), training records, the promotion
rule on its edges, the nightly proposals an administrator confirms, demotion on an upheld
finding, and grade gates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from statistics import median

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerLevel, BrokerProfile, User
from backend.audit.models import AuditEntry
from backend.config import get_settings
from backend.core import clock
from backend.core.errors import Conflict
from backend.deals import opening
from backend.deals.models import Contract, Deal, DealBroker, Stage
from backend.intake import grades, grading, tasks
from backend.intake.grading import Facts, Rule, evaluate, months_before
from backend.intake.models import (
    DirectoryProfile,
    GradeChange,
    GradeProposal,
    ProposalStatus,
    TrainingKind,
    TrainingRecord,
)
from backend.integrity import dishonesty
from backend.listings.models import Visibility
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import listings as lb
from tests.builders import rewards as r

D = Decimal
DIRECTORY = "/api/v1/broker-directory"


def _h(db: Session, user: User) -> dict[str, str]:
    return b.login_as(db, user).headers


def _deal_for(db: Session, lead: User, stage: Stage, *, amount: Decimal = d.AMOUNT,
              opened_days_ago: int = 100) -> d.World:
    """A deal `lead` opened `opened_days_ago` days ago, brought to `stage`."""
    firm, institute = b.make_firm_user(db), b.make_institute_user(db)
    who = d.with_profile(db, lead)
    demand, achievement = d.make_demand(db, firm), d.make_achievement(db, institute)
    deal = opening.open_deal(db, d.actor(who), who, demand.id, achievement.id)
    w = d.World(firm, institute, who, demand, achievement, deal)
    if stage in (Stage.LOST, Stage.CANCELLED):
        d.move(db, w, stage, "测试：项目终止")
    elif stage != Stage.INTRODUCED:
        d.accept_both(db, w)
        d.move(db, w, Stage.NEGOTIATING)
        if stage != Stage.NEGOTIATING:
            d.record_contract(db, w, amount=amount)
            d.move(db, w, Stage.SIGNED)
            if stage == Stage.REGISTERED:
                d.register(db, w)
    row = db.get(Deal, deal.id)
    assert row is not None
    row.opened_at = datetime.now(UTC) - timedelta(days=opened_days_ago)
    db.flush()
    return w


def _recomputed(db: Session, broker_id: int) -> dict[str, object]:
    """The figures, recomputed here from the deal and contract rows: registered (a registration
    number) and not lost or cancelled counts; value is the contract amount."""
    rows = db.execute(select(Deal, Contract).join(DealBroker, DealBroker.deal_id == Deal.id)
                      .outerjoin(Contract, Contract.deal_id == Deal.id)
                      .where(DealBroker.broker_id == broker_id)).all()
    registered = [(deal, c) for deal, c in rows if c is not None and c.registration_no
                  and deal.stage not in (Stage.LOST, Stage.CANCELLED)]
    days = [(c.signed_on - deal.opened_at.astimezone(clock.CHINA_TZ).date()).days
            for deal, c in registered]
    lost = sum(1 for deal, _ in rows if deal.stage in (Stage.LOST, Stage.CANCELLED))
    return {"introductions": len(rows), "deals_registered": len(registered),
            "confirmed_value": f"{sum((c.amount for _, c in registered), D('0')):.2f}",
            "median_days_to_signing": f"{D(median(days)):.1f}" if days else None,
            "lost_share": f"{D(lost) / len(rows):.4f}" if rows else None,
            "upheld_findings": 0}


def test_directory_figures_equal_those_recomputed_from_confirmed_evidence(
        client: TestClient, db: Session) -> None:
    broker = b.make_broker(db, fields=["智能装备"])
    db.add(DirectoryProfile(user_id=broker.id, region="福州市", languages=["中文", "English"],
                            bio="专注智能装备。"))
    _deal_for(db, broker, Stage.REGISTERED, amount=D("300000"), opened_days_ago=100)
    _deal_for(db, broker, Stage.REGISTERED, amount=D("450000.50"), opened_days_ago=60)
    _deal_for(db, broker, Stage.SIGNED, amount=D("9000000"))  # signed, not registered: no value
    _deal_for(db, broker, Stage.LOST)
    _deal_for(db, broker, Stage.INTRODUCED)
    b.make_broker(db, verified=False)  # not listed

    listed = client.get(DIRECTORY).json()
    assert listed["total"] == 1
    entry = listed["items"][0]
    assert entry["record"] == _recomputed(db, broker.id)
    # and the values themselves: signed 30 days ago, opened 100 and 60 days ago
    assert entry["record"] == {"introductions": 5, "deals_registered": 2,
                               "confirmed_value": "750000.50", "median_days_to_signing": "50.0",
                               "lost_share": "0.2000", "upheld_findings": 0}
    assert (entry["region"], entry["languages"], entry["bio"]) == (
        "福州市", ["中文", "English"], "专注智能装备。")

    detail = client.get(f"{DIRECTORY}/{broker.id}").json()
    assert detail["record"] == entry["record"]
    assert len(detail["quarters"]) == 8
    assert sum(q["introductions"] for q in detail["quarters"]) == 5
    assert sum(q["deals_registered"] for q in detail["quarters"]) == 2
    assert sum(D(q["confirmed_value"]) for q in detail["quarters"]) == D("750000.50")


def test_a_broker_listed_as_dishonest_is_hidden_and_the_finding_counts_after(
        client: TestClient, db: Session) -> None:
    broker, admin = b.make_broker(db), b.make_admin(db)
    entry = dishonesty.list_subject(db, d.actor(admin), dishonesty.broker_subjects(db, broker.id)[0],
                                    reason="虚假申报", listed_on=clock.today() - timedelta(days=9),
                                    years=0)
    entry.listed_until = clock.today() + timedelta(days=1)
    db.flush()
    assert client.get(DIRECTORY).json()["total"] == 0
    assert client.get(f"{DIRECTORY}/{broker.id}").status_code == 404
    entry.listed_until = clock.today() - timedelta(days=1)  # the listing has expired
    db.flush()
    shown = client.get(f"{DIRECTORY}/{broker.id}").json()
    assert shown["record"]["upheld_findings"] == 1
    assert shown["level"] == "junior"  # demoted from intermediate when listed
    assert [(c["from_level"], c["to_level"], c["reason"]) for c in shown["grade_history"]] == [
        ("intermediate", "junior", "demotion")]


def test_the_directory_filters(client: TestClient, db: Session) -> None:
    a = b.make_broker(db, fields=["新能源"], level=BrokerLevel.SENIOR)
    db.add(DirectoryProfile(user_id=a.id, region="厦门市", languages=["English"]))
    c = b.make_broker(db, fields=["智能装备"], level=BrokerLevel.JUNIOR)
    db.flush()

    def ids(**params: object) -> list[int]:
        return [i["broker_id"] for i in client.get(DIRECTORY, params=params).json()["items"]]

    assert ids() == [a.id, c.id]
    assert ids(field="智能装备") == [c.id]
    assert ids(region="厦门") == [a.id]
    assert ids(level="junior") == [c.id]
    assert ids(language="english") == [a.id]


def test_a_broker_edits_their_directory_profile(client: TestClient, db: Session) -> None:
    broker = b.make_broker(db)
    # The one text rule: stored as typed (control characters stripped), escaped where shown.
    body = {"region": "泉州市", "languages": ["中文", "闽南语", "中文"],
            "bio": "<b>十年</b>经验\u202e"}
    r = client.put(f"{DIRECTORY}/me", json=body, headers=_h(db, broker))
    assert r.json() == {"region": "泉州市", "languages": ["中文", "闽南语"],
                        "bio": "<b>十年</b>经验"}
    assert client.get(f"{DIRECTORY}/{broker.id}").json()["region"] == "泉州市"


# --- the rule, on its edges ---------------------------------------------------------------------

RULE = Rule(min_training_hours=D("40"), min_registered_deals=3, min_deal_value=D("1000000"),
            window_months=24, exam_required=False, no_upheld_finding=True)
TODAY = date(2026, 12, 6)


def _facts(hours: str = "40", deals: tuple[tuple[date, str], ...] = (), exam: bool = False,
           findings: tuple[date, ...] = (), listed: bool = False) -> Facts:
    return Facts(D(hours), [(day, D(v)) for day, v in deals], exam, findings, listed)


THREE = ((date(2025, 1, 1), "400000"), (date(2026, 3, 1), "300000"),
         (date(2026, 11, 30), "300000"))


@pytest.mark.parametrize(("facts", "eligible", "short"), [
    (_facts(deals=THREE), True, []),
    (_facts("39.9", THREE), False, ["training_hours"]),
    (_facts(deals=THREE[:2]), False, ["registered_deals", "deal_value"]),
    (_facts(deals=((*THREE[:2], (date(2026, 11, 30), "299999.99")))), False, ["deal_value"]),
    # the window's first day counts; the day before does not
    (_facts(deals=((date(2024, 12, 6), "400000"), *THREE[1:])), True, []),
    (_facts(deals=((date(2024, 12, 5), "400000"), *THREE[1:])), False,
     ["registered_deals", "deal_value"]),
    (_facts(deals=THREE, findings=(date(2025, 6, 1),)), False, ["upheld_finding"]),
    (_facts(deals=THREE, findings=(date(2024, 12, 5),)), True, []),
    (_facts(deals=THREE, findings=(date(2024, 12, 5),), listed=True), False,
     ["upheld_finding"]),
])
def test_the_promotion_rule(facts: Facts, eligible: bool, short: list[str]) -> None:
    verdict = evaluate(RULE, facts, TODAY)
    assert (verdict.eligible, verdict.shortfalls) == (eligible, short)


def test_an_exam_when_the_rule_asks_for_one() -> None:
    rule = Rule(D("0"), 0, D("0"), 36, exam_required=True, no_upheld_finding=False)
    assert evaluate(rule, _facts(), TODAY).shortfalls == ["exam"]
    assert evaluate(rule, _facts(exam=True), TODAY).eligible


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 12, 6), 24, date(2024, 12, 6)), (date(2026, 3, 31), 1, date(2026, 2, 28)),
    (date(2028, 2, 29), 12, date(2027, 2, 28)), (date(2026, 1, 15), 1, date(2025, 12, 15))])
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


# --- proposals and decisions --------------------------------------------------------------------

def _qualify(db: Session, broker: User, admin: User, *, hours: str = "40") -> None:
    grades.record_training(db, d.actor(admin), broker.id, grades.TrainingIn(
        kind=TrainingKind.COURSE, title="技术经纪人培训", hours=D(hours),
        completed_on=clock.today() - timedelta(days=10)))
    for _ in range(3):
        r.world_for(db, broker, amount=D("340000"))


def test_the_nightly_task_proposes_and_an_administrator_confirms(client: TestClient,
                                                                 db: Session) -> None:
    admin = b.make_admin(db)
    ready = b.make_broker(db, level=BrokerLevel.JUNIOR)
    short = b.make_broker(db, level=BrokerLevel.JUNIOR)
    _qualify(db, ready, admin)
    _qualify(db, short, admin, hours="39.5")

    db.flush()
    assert tasks.propose_promotions.run() == 1  # the beat's nightly task
    assert grades.evaluate_all(db) == (0, 1)  # one pending: not proposed twice, one short
    [proposal] = db.execute(select(GradeProposal)).scalars().all()
    assert (proposal.broker_id, proposal.from_level, proposal.to_level) == (
        ready.id, BrokerLevel.JUNIOR, BrokerLevel.INTERMEDIATE)
    assert proposal.evidence["registered_deals"] == 3
    assert proposal.evidence["deal_value"] == "1020000.00"
    profile = db.get(BrokerProfile, ready.id)
    assert profile is not None and profile.level == BrokerLevel.JUNIOR  # not until confirmed

    listed = client.get("/api/v1/grade-proposals", params={"status": "pending"},
                        headers=_h(db, admin)).json()
    assert [p["id"] for p in listed] == [proposal.id]
    done = client.post(f"/api/v1/grade-proposals/{proposal.id}/confirm", json={"note": "符合"},
                       headers=_h(db, admin))
    assert done.json()["status"] == "confirmed"
    db.refresh(profile)
    assert profile.level == BrokerLevel.INTERMEDIATE
    history = client.get(f"{DIRECTORY}/{ready.id}").json()["grade_history"]
    assert [(h["from_level"], h["to_level"], h["reason"]) for h in history] == [
        ("junior", "intermediate", "promotion")]
    assert client.post(f"/api/v1/grade-proposals/{proposal.id}/reject", json={},
                       headers=_h(db, admin)).status_code == 409
    actions = db.execute(select(AuditEntry.action).where(AuditEntry.action.in_(
        ["grade_proposal.create", "grade_proposal.confirmed", "broker.promote"]))
        .order_by(AuditEntry.seq)).scalars().all()
    assert actions == ["grade_proposal.create", "grade_proposal.confirmed", "broker.promote"]


def test_rules_are_data(client: TestClient, db: Session) -> None:
    admin = b.make_admin(db)
    broker = b.make_broker(db, level=BrokerLevel.JUNIOR)
    _qualify(db, broker, admin)
    body = {"min_training_hours": "80", "min_registered_deals": 3,
            "min_deal_value": "1000000", "window_months": 24}
    r = client.put("/api/v1/grade-rules/intermediate", json=body, headers=_h(db, admin))
    assert r.status_code == 200 and r.json()["min_training_hours"] == "80.0"
    assert grades.evaluate_all(db) == (0, 1)
    assert client.put("/api/v1/grade-rules/junior", json=body, headers=_h(db, admin)
                      ).status_code == 422


def test_demotion_on_an_upheld_finding_withdraws_a_pending_promotion(db: Session) -> None:
    admin = b.make_admin(db)
    broker = b.make_broker(db, level=BrokerLevel.SENIOR)
    db.add(GradeProposal(broker_id=broker.id, from_level=BrokerLevel.SENIOR,
                         to_level=BrokerLevel.SENIOR, evidence={}, pending_key=broker.id))
    db.flush()
    entry = dishonesty.list_subject(db, d.actor(admin), dishonesty.broker_subjects(db, broker.id)[0],
                                    reason="虚假申报", listed_on=clock.today())
    profile = db.get(BrokerProfile, broker.id)
    assert profile is not None and profile.level == BrokerLevel.INTERMEDIATE
    change = db.execute(select(GradeChange)).scalar_one()
    assert (change.finding_id, change.reason.value) == (entry.id, "demotion")
    assert db.execute(select(GradeProposal.status)).scalar_one() == ProposalStatus.WITHDRAWN


def test_a_proposal_whose_broker_changed_grade_is_refused(db: Session) -> None:
    admin = b.make_admin(db)
    broker = b.make_broker(db, level=BrokerLevel.INTERMEDIATE)
    proposal = GradeProposal(broker_id=broker.id, from_level=BrokerLevel.JUNIOR,
                             to_level=BrokerLevel.INTERMEDIATE, evidence={},
                             pending_key=broker.id)
    db.add(proposal)
    db.flush()
    with pytest.raises(Conflict):
        grades.confirm(db, d.actor(admin), proposal.id, "")


def test_training_records(client: TestClient, db: Session) -> None:
    admin, broker = b.make_admin(db), b.make_broker(db)
    url = f"/api/v1/brokers/{broker.id}/training"
    course = {"kind": "course", "title": "中级技术经纪人培训", "hours": "32.5",
              "completed_on": (clock.today() - timedelta(days=3)).isoformat(),
              "certificate_no": "PX-2026-001"}
    assert client.post(url, json=course, headers=_h(db, admin)).status_code == 201
    exam = {"kind": "exam", "title": "中级考试", "exam_level": "intermediate", "score": "86",
            "passed": True, "completed_on": clock.today().isoformat()}
    assert client.post(url, json=exam, headers=_h(db, admin)).status_code == 201
    no_hours = {**course, "hours": None}
    assert client.post(url, json=no_hours, headers=_h(db, admin)).status_code == 422
    mine = client.get(url, headers=_h(db, broker)).json()
    assert [(t["kind"], t["hours"], t["passed"]) for t in mine] == [
        ("exam", None, True), ("course", "32.5", None)]
    assert client.get(url, headers=_h(db, b.make_broker(db))).status_code == 404
    rows = db.execute(select(TrainingRecord)).scalars().all()
    assert len(rows) == 2
    assert grades.facts(db, broker.id, BrokerLevel.INTERMEDIATE, clock.today()).exam_passed


# --- gates --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("level", "amount", "expected"), [
    (BrokerLevel.JUNIOR, "1000000.00", 200), (BrokerLevel.JUNIOR, "1000000.01", 409),
    (BrokerLevel.INTERMEDIATE, "5000000.00", 200)])
def test_contracts_above_the_threshold_need_the_grade(client: TestClient, db: Session,
                                                      level: BrokerLevel, amount: str,
                                                      expected: int) -> None:
    lead = b.make_broker(db, level=level)
    w = _deal_for(db, lead, Stage.NEGOTIATING)
    body = {"name": "技术开发合同", "type": "development", "amount": amount,
            "signed_on": (clock.today() - timedelta(days=5)).isoformat(),
            "buyer_org_id": w.deal.demand_org_id, "seller_org_id": w.deal.achievement_org_id}
    resp = client.put(f"/api/v1/deals/{w.id}/contract", json=body, headers=_h(db, lead))
    assert resp.status_code == expected, resp.text
    if expected == 409:
        assert (resp.json()["gate"], resp.json()["required_level"]) == ("large_deal",
                                                                         "intermediate")


def test_a_gate_set_to_none_is_off(client: TestClient, db: Session,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "grade_for_large_deals", "none")
    lead = b.make_broker(db, level=BrokerLevel.JUNIOR)
    w = _deal_for(db, lead, Stage.NEGOTIATING)
    body = {"name": "技术开发合同", "type": "development", "amount": "8000000",
            "signed_on": (clock.today() - timedelta(days=5)).isoformat(),
            "buyer_org_id": w.deal.demand_org_id, "seller_org_id": w.deal.achievement_org_id}
    assert client.put(f"/api/v1/deals/{w.id}/contract", json=body, headers=_h(db, lead)
                      ).status_code == 200


def test_assigning_a_junior_to_a_private_demand_is_refused(client: TestClient, db: Session
                                                           ) -> None:
    firm, admin = b.make_firm_user(db), b.make_admin(db)
    demand = lb.make_demand(db, firm, visibility=Visibility.PRIVATE)
    junior, middle = b.make_broker(db, level=BrokerLevel.JUNIOR), b.make_broker(db)
    url = f"/api/v1/demands/{demand.id}/brokers"
    r = client.post(url, json={"broker_id": junior.id}, headers=_h(db, admin))
    assert (r.status_code, r.json()["reason"]) == (409, "grade_too_low")
    assert client.post(url, json={"broker_id": middle.id}, headers=_h(db, admin)
                       ).status_code in (200, 204)


def test_grading_is_pure() -> None:
    assert grading.evaluate(RULE, _facts(deals=THREE), TODAY).value == D("1000000")
