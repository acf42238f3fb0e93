"""Feedback on matches (one verdict per user and pair, exported as CSV) and reindexing (API,
task, CLI), with the reasons rendered in both languages."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from backend.audit.models import AuditEntry
from backend.cli import app as cli
from backend.listings.models import Visibility
from backend.matches import reasons
from backend.matches.index import IndexService
from backend.matches.models import MatchFeedback
from matching import Reason, ReasonCode, read_version
from tests.builders import accounts as b
from tests.builders import listings as lb

FEEDBACK = "/api/v1/matches/feedback"


def test_feedback_is_one_per_user_and_pair_and_exported_for_admins(client: TestClient,
                                                                    db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    institute = b.login_as(db, b.make_institute_user(db))
    demand = lb.make_demand(db, firm.user)
    achievement = lb.make_achievement(db, institute.user)
    body = {"source_kind": "demand", "source_id": demand.id, "target_id": achievement.id,
            "useful": True}

    first = client.put(FEEDBACK, json=body, headers=firm.headers)
    assert first.status_code == 200, first.text
    assert first.json()["created"] is True and first.json()["useful"] is True
    again = client.put(FEEDBACK, json={**body, "useful": False, "comment": "=HYPERLINK(1) 价格太高"},
                       headers=firm.headers)
    assert again.status_code == 200
    out = again.json()
    assert out["created"] is False and out["id"] == first.json()["id"]
    assert out["useful"] is False and out["demand_id"] == demand.id
    assert out["achievement_id"] == achievement.id and out["target_id"] == achievement.id
    # The other side, matching from the achievement, gives its own verdict.
    r = client.put(FEEDBACK, json={"source_kind": "achievement", "source_id": achievement.id,
                                   "target_id": demand.id, "useful": True},
                   headers=institute.headers)
    assert r.status_code == 200 and r.json()["source_id"] == achievement.id
    assert db.execute(select(MatchFeedback).where(
        MatchFeedback.demand_id == demand.id)).scalars().all().__len__() == 2

    mine = client.get(FEEDBACK, params={"source_kind": "demand", "source_id": demand.id},
                      headers=firm.headers).json()
    assert [(f["target_id"], f["useful"]) for f in mine] == [(achievement.id, False)]

    admin = b.login_as(db, b.make_admin(db))
    export = client.get(f"{FEEDBACK}/export", headers=admin.headers)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [(r["source_kind"], r["useful"]) for r in rows] == [("demand", "0"),
                                                              ("achievement", "1")]
    assert rows[0]["comment"] == "'=HYPERLINK(1) 价格太高"  # not a formula in a spreadsheet
    assert rows[0]["demand_title"] == demand.title and rows[0]["username"] == firm.user.username
    assert export.headers["x-exported-count"] == "2"
    assert client.get(f"{FEEDBACK}/export", headers=firm.headers).status_code == 403


def test_feedback_needs_both_listings_visible(client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    private = lb.make_demand(db, owner, visibility=Visibility.PRIVATE)
    public = lb.make_demand(db, owner)
    institute = b.login_as(db, b.make_institute_user(db))
    achievement = lb.make_achievement(db, institute.user)
    r = client.put(FEEDBACK, json={"source_kind": "achievement", "source_id": achievement.id,
                                   "target_id": private.id, "useful": True},
                   headers=institute.headers)
    assert r.status_code == 404
    r = client.put(FEEDBACK, json={"source_kind": "demand", "source_id": public.id,
                                   "target_id": 99_999_999, "useful": True},
                   headers=institute.headers)
    assert r.status_code == 404
    r = client.put(FEEDBACK, json={"source_kind": "offer", "source_id": public.id,
                                   "target_id": achievement.id, "useful": True},
                   headers=institute.headers)
    assert r.status_code == 422
    assert client.put(FEEDBACK, json={"source_kind": "demand", "source_id": public.id,
                                      "target_id": achievement.id, "useful": True}
                      ).status_code == 401


def _actions(db: Session) -> list[str]:
    return list(db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "matching_index").order_by(AuditEntry.seq)).scalars())


def test_an_administrator_reindexes_and_it_is_audited(client: TestClient, db: Session,
                                                      index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    achievement = lb.make_achievement(db, institute)
    demand = lb.make_demand(db, b.make_firm_user(db))
    admin = b.login_as(db, b.make_admin(db))

    r = client.post("/api/v1/matches/reindex", headers=admin.headers)
    assert r.status_code == 202 and r.json() == {"queued": True,
                                                 "kinds": ["demand", "achievement"]}
    # Eager Celery: the rebuild ran after the request's commit.
    status = client.get("/api/v1/matches/index", headers=admin.headers).json()
    assert status["profile"] == "hash"
    by_kind = {c["kind"]: c for c in status["corpora"]}
    assert by_kind["achievement"]["disk_version"] == by_kind["achievement"]["loaded_version"] == 1
    assert by_kind["demand"]["documents"] == 1
    assert set(index_service.matcher(db, "achievement").ids()) == {str(achievement.id)}
    assert set(index_service.matcher(db, "demand").ids()) == {str(demand.id)}
    assert _actions(db) == ["matching.reindex", "matching.rebuild"]

    r = client.post("/api/v1/matches/reindex", params={"kind": "achievement"},
                    headers=admin.headers)
    assert r.json()["kinds"] == ["achievement"]
    assert read_version(index_service.root / "achievements") == 2
    assert read_version(index_service.root / "demands") == 1

    firm = b.login_as(db, b.make_firm_user(db))
    assert client.post("/api/v1/matches/reindex", headers=firm.headers).status_code == 403
    assert client.get("/api/v1/matches/index", headers=firm.headers).status_code == 403


def test_the_reindex_command(db: Session, index_service: IndexService) -> None:
    lb.make_achievement(db, b.make_institute_user(db))
    result = CliRunner().invoke(cli, ["reindex", "--kind", "achievement"])
    assert result.exit_code == 0, result.output
    assert "achievement: 1 documents, index version 1" in result.output
    assert read_version(index_service.root / "achievements") == 1
    assert read_version(index_service.root / "demands") is None
    assert _actions(db) == ["matching.rebuild"]
    assert CliRunner().invoke(cli, ["reindex", "--kind", "offer"]).exit_code == 2


def test_every_reason_reads_in_chinese_and_english() -> None:
    names = {"new_energy.storage": ("储能与电池", "Energy storage and batteries")}
    cases = [
        (Reason(ReasonCode.SHARED_TERMS, {"terms": ("正极材料", "coating")}),
            ("共同关键词：正极材料、coating", "Shared terms: 正极材料, coating")),
        (Reason(ReasonCode.SEMANTIC, {"similarity": 0.8234, "encoder": "use"}),
            ("需求描述的问题与成果解决的问题非常相近",
             "The problem the demand describes is very close to the one the achievement solves")),
        (Reason(ReasonCode.SAME_FIELD, {"field": "new_energy.storage"}),
            ("同属领域：储能与电池", "Same field: Energy storage and batteries")),
        (Reason(ReasonCode.SAME_REGION, {"region": "福州市"}),
            ("同一地区：福州市", "Same region: 福州市")),
        (Reason(ReasonCode.TRL_FIT, {"trl": 6, "min_trl": 4}),
            ("技术成熟度 6 级，满足不低于 4 级的要求", "TRL 6 meets the required minimum of 4")),
        (Reason(ReasonCode.PRICE_FIT, {"price": str(Decimal("300000.50")), "budget": "500000"}),
            ("报价 300,000.50 元，在预算 500,000 元以内",
             "Price CNY 300,000.50 is within the budget of CNY 500,000")),
    ]
    for reason, (zh, en) in cases:
        out = reasons.render(reason, names)
        assert (out.text_zh, out.text_en) == (zh, en)
        assert out.code == reason.code.value
    assert reasons.render(Reason(ReasonCode.SHARED_TERMS, {"terms": ("a",)}),
                          names).params == {"terms": ["a"]}
