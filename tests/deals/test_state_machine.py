"""The stage machine, exhaustively: every stage × every target stage."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.core.errors import Conflict, InvalidInput, PermissionDenied
from backend.deals import brokers, opening, pipeline
from backend.deals.models import OPEN_STAGES, DealEvent, Stage
from backend.deals.pipeline import TRANSITIONS, allowed_next, transition
from tests.builders import accounts as b
from tests.builders import deals as d

ALLOWED = [(s, t) for s in Stage for t in Stage if t in TRANSITIONS[s]]
FORBIDDEN = [(s, t) for s in Stage for t in Stage if t not in TRANSITIONS[s]]
FORWARD = [Stage.INTRODUCED, Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.PAID,
           Stage.CLOSED]


def test_the_machine_is_the_documented_one() -> None:
    assert set(TRANSITIONS) == set(Stage)
    for here, there in itertools.pairwise(FORWARD):
        assert TRANSITIONS[here] == {there, Stage.LOST, Stage.CANCELLED}
    for ended in (Stage.CLOSED, Stage.LOST, Stage.CANCELLED):
        assert TRANSITIONS[ended] == frozenset()
    # A request on an anonymous or private demand is introduced (once the firm accepts it)
    # or cancelled; it is never lost, having never been under way.
    assert TRANSITIONS[Stage.REQUESTED] == {Stage.INTRODUCED, Stage.CANCELLED}
    assert {s for s in Stage if TRANSITIONS[s]} == OPEN_STAGES
    assert len(ALLOWED) == 17 and len(FORBIDDEN) == 64


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=[f"{s}->{t}" for s, t in ALLOWED])
def test_every_allowed_transition_passes_and_is_recorded(db: Session, current: Stage,
                                                         target: Stage) -> None:
    w = d.deal_at(db, current, ready=True)
    reason = "测试原因" if target in (Stage.LOST, Stage.CANCELLED) else None
    event = transition(db, d.actor(w.lead), d.reload(db, w.id), target, reason)
    deal = d.reload(db, w.id)
    assert deal.stage == target
    assert (event.from_stage, event.to_stage, event.actor_id, event.text) == (
        current, target, w.lead.id, reason)
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "deal.transition")
                       .order_by(AuditEntry.seq.desc())).scalars().first()
    assert entry is not None and entry.object_id == str(w.id)
    assert entry.before == {"stage": current.value}
    assert entry.after == {"stage": target.value, "reason": reason}
    if target in (Stage.CLOSED, Stage.LOST, Stage.CANCELLED):
        assert deal.open_pair_key is None and deal.ended_at is not None
    else:
        assert deal.open_pair_key == f"{w.demand.id}:{w.achievement.id}"


@pytest.mark.parametrize(("current", "target"), FORBIDDEN,
                         ids=[f"{s}->{t}" for s, t in FORBIDDEN])
def test_every_forbidden_transition_is_409_naming_the_stage_and_the_way_on(
        db: Session, current: Stage, target: Stage) -> None:
    w = d.deal_at(db, current, ready=True)
    events_before = db.execute(select(DealEvent.id).where(DealEvent.deal_id == w.id)).all()
    with pytest.raises(Conflict) as caught:
        transition(db, d.actor(w.lead), d.reload(db, w.id), target, "测试原因")
    message = caught.value.detail
    assert f"'{current.value}'" in message
    assert caught.value.extra["current_stage"] == current.value
    assert caught.value.extra["allowed_next"] == [s.value for s in allowed_next(current)]
    for stage in allowed_next(current):
        assert stage.value in message.split("allowed next:")[1]
    if not allowed_next(current):
        assert "allowed next: none" in message
    assert d.reload(db, w.id).stage == current
    assert db.execute(select(DealEvent.id).where(DealEvent.deal_id == w.id)).all() == events_before


def test_forbidden_transition_over_http_is_problem_json_with_the_allowed_stages(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    lead = b.login_as(db, w.lead)
    r = client.post(f"/api/v1/deals/{w.id}/transitions", json={"to_stage": "paid"},
                    headers=lead.headers)
    assert r.status_code == 409
    body = r.json()
    assert body["current_stage"] == "negotiating"
    assert body["allowed_next"] == ["signed", "lost", "cancelled"]
    assert "negotiating" in body["detail"] and "signed, lost, cancelled" in body["detail"]


# --- guards ---------------------------------------------------------------------------------

def test_negotiating_needs_both_parties_to_have_accepted(db: Session) -> None:
    w = d.deal_at(db, Stage.INTRODUCED)
    with pytest.raises(Conflict, match="Both parties must accept"):
        transition(db, d.actor(w.lead), d.reload(db, w.id), Stage.NEGOTIATING, None)
    opening.respond(db, d.actor(w.firm), d.access(db, w.firm, w.id), True, None)
    with pytest.raises(Conflict, match="Both parties must accept"):
        transition(db, d.actor(w.lead), d.reload(db, w.id), Stage.NEGOTIATING, None)


def test_signed_needs_a_contract(db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    with pytest.raises(Conflict, match="Record the contract first"):
        transition(db, d.actor(w.lead), d.reload(db, w.id), Stage.SIGNED, None)


def test_registered_needs_the_registration_number_and_date(db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    with pytest.raises(Conflict, match="not registered yet"):
        transition(db, d.actor(w.lead), d.reload(db, w.id), Stage.REGISTERED, None)


def test_paid_needs_the_full_amount_counted(db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED)
    d.pay(db, w, d.AMOUNT - 1)
    with pytest.raises(Conflict, match="not been fully received"):
        transition(db, d.actor(w.lead), d.reload(db, w.id), Stage.PAID, None)


@pytest.mark.parametrize("target", [Stage.LOST, Stage.CANCELLED])
@pytest.mark.parametrize("reason", [None, ""])
def test_ending_a_deal_needs_a_reason(db: Session, target: Stage, reason: str | None) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    with pytest.raises(InvalidInput) as caught:
        transition(db, d.actor(w.lead), d.reload(db, w.id), target, reason)
    assert caught.value.errors == [{"field": "reason", "message": caught.value.detail}]


def test_ending_over_http_without_a_reason_is_422(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    lead = b.login_as(db, w.lead)
    r = client.post(f"/api/v1/deals/{w.id}/transitions", json={"to_stage": "lost"},
                    headers=lead.headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "reason"


# --- who may move a deal ----------------------------------------------------------------------

def test_parties_may_not_move_the_stage(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.INTRODUCED, ready=True)
    for user in (w.firm, w.institute):
        r = client.post(f"/api/v1/deals/{w.id}/transitions",
                        json={"to_stage": "cancelled", "reason": "不想做了"},
                        headers=b.login_as(db, user).headers)
        assert r.status_code == 403


def test_admin_may_cancel_but_not_advance(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.INTRODUCED, ready=True)
    admin = b.login_as(db, b.make_admin(db))
    url = f"/api/v1/deals/{w.id}/transitions"
    r = client.post(url, json={"to_stage": "negotiating"}, headers=admin.headers)
    assert r.status_code == 403
    r = client.post(url, json={"to_stage": "cancelled", "reason": "虚构项目"}, headers=admin.headers)
    assert r.status_code == 200
    assert r.json()["stage"] == "cancelled"
    assert r.json()["allowed_next"] == []


def test_lead_moves_the_deal_over_http_and_the_transition_is_on_the_timeline(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.INTRODUCED, ready=True)
    lead = b.login_as(db, w.lead)
    r = client.post(f"/api/v1/deals/{w.id}/transitions",
                    json={"to_stage": "negotiating", "reason": "双方约定下周面谈"},
                    headers=lead.headers)
    assert r.status_code == 200
    assert r.json()["stage"] == "negotiating"
    assert r.json()["allowed_next"] == ["signed", "lost", "cancelled"]
    timeline = client.get(f"/api/v1/deals/{w.id}/timeline", headers=lead.headers).json()
    last = timeline[-1]
    assert (last["kind"], last["from_stage"], last["to_stage"], last["text"], last["actor_id"]) == (
        "stage_changed", "introduced", "negotiating", "双方约定下周面谈", w.lead.id)


def test_anonymous_may_not_move_a_deal(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.INTRODUCED, ready=True)
    r = client.post(f"/api/v1/deals/{w.id}/transitions", json={"to_stage": "negotiating"})
    assert r.status_code == 401


def test_an_unrelated_broker_gets_404(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.INTRODUCED, ready=True)
    other = b.login_as(db, b.make_broker(db))
    r = client.post(f"/api/v1/deals/{w.id}/transitions", json={"to_stage": "negotiating"},
                    headers=other.headers)
    assert r.status_code == 404


def test_request_transition_rejects_invitees(db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    helper = d.with_profile(db, b.make_broker(db))
    brokers.invite(db, d.actor(w.lead), d.access(db, w.lead, w.id), helper.id,
                   {w.lead.id: Decimal("70"), helper.id: Decimal("30")})
    with pytest.raises(PermissionDenied):
        pipeline.request_transition(db, d.actor(helper), d.access(db, helper, w.id),
                                    Stage.LOST, "x")


def test_a_request_is_introduced_only_once_the_firm_accepts(db: Session) -> None:
    w = d.deal_at(db, Stage.REQUESTED)
    with pytest.raises(Conflict, match="must accept the request"):
        transition(db, d.actor(w.lead), d.reload(db, w.id), Stage.INTRODUCED, None)
