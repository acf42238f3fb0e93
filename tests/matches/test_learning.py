"""Learning from brokers in the backend: labels from marks and deals, training through the
index (the task body and the CLI's function), and match lists that use a published model
only when it is usable."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.deals import opening
from backend.deals.models import Stage
from backend.listings.models import AchievementStatus
from backend.matches import learning, tasks
from backend.matches.index import IndexService
from backend.matches.models import MatchFeedback
from matching.rerank import PAIR_FEATURES, Model, Thresholds, feature_names, load_models
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import listings as lb


@pytest.fixture(autouse=True)
def model_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "models" / "reranker.json"
    monkeypatch.setattr(learning, "model_path", lambda: path)
    learning.forget()
    return path


def _mark(db: Session, user_id: int, demand_id: int, achievement_id: int, useful: bool) -> None:
    db.add(MatchFeedback(user_id=user_id, demand_id=demand_id, achievement_id=achievement_id,
                         source_kind="demand", useful=useful))
    db.flush()


def test_labels_come_from_marks_by_majority_and_from_deals_first(db: Session) -> None:
    firm = b.make_firm_user(db)
    institute = b.make_institute_user(db)
    users = [b.make_firm_user(db).id for _ in range(3)]
    d1, d2 = d.make_demand(db, firm), d.make_demand(db, firm)
    a1, a2 = d.make_achievement(db, institute), d.make_achievement(db, institute)
    for user, useful in zip(users, (True, True, False), strict=True):
        _mark(db, user, d1.id, a1.id, useful)  # 2 : 1 → relevant
    _mark(db, users[0], d1.id, a2.id, False)  # → not relevant
    _mark(db, users[0], d2.id, a1.id, True)
    _mark(db, users[1], d2.id, a1.id, False)  # a tie teaches nothing

    signed = d.deal_at(db, Stage.SIGNED)
    _mark(db, users[0], signed.demand.id, signed.achievement.id, False)  # the deal wins
    declined = d.open_world(db)
    opening.respond(db, d.actor(declined.firm), d.access(db, declined.firm, declined.id),
                      False, "不合适")
    accepted = d.open_world(db)
    opening.respond(db, d.actor(accepted.institute),
                      d.access(db, accepted.institute, accepted.id), True, None)
    d.open_world(db)  # unanswered, still introduced: no label

    assert learning.labels(db) == {
        (d1.id, a1.id): 1, (d1.id, a2.id): 0,
        (signed.demand.id, signed.achievement.id): 1,
        (declined.demand.id, declined.achievement.id): 0,
        (accepted.demand.id, accepted.achievement.id): 1,
    }


def test_training_reads_the_index_and_publishes_a_model_file(
        db: Session, index_service: IndexService, model_file: Path) -> None:
    firm = b.make_firm_user(db)
    institute = b.make_institute_user(db)
    marker = b.make_firm_user(db).id
    demands = [lb.make_demand(db, firm, title=f"焊接机器人视觉引导{i}") for i in range(2)]
    achievements = [lb.make_achievement(db, institute, title=f"焊缝识别{i}") for i in range(4)]
    gone = lb.make_achievement(db, institute, title="焊缝识别（已撤回）",
                               status=AchievementStatus.WITHDRAWN)
    for n, demand in enumerate(demands):
        for i, a in enumerate(achievements):
            _mark(db, marker, demand.id, a.id, (i + n) % 2 == 0)
    _mark(db, marker, demands[0].id, gone.id, True)  # its achievement left the index

    summary = learning.train_now(db)
    assert summary["pairs"] == 9 and summary["profile"] == "hash"
    assert summary["demand"] == {"labels": 8, "positives": 4, "lists": 2, "skipped": 1,
                                 "weight": 0.0, "cv": {}}  # 8 labels: far too few to use
    # Asking from the withdrawn achievement works: a source is read whatever its status.
    assert summary["achievement"]["labels"] == 9 and summary["achievement"]["skipped"] == 0
    assert summary["achievement"]["lists"] == 5  # each achievement has one positive
    assert summary["path"] == str(model_file)
    models = load_models(model_file.read_text(encoding="utf-8"))
    assert set(models) == {"demand", "achievement"}
    assert models["demand"].meta["profile"] == "hash"
    assert models["demand"].meta["direction"] == "demand"
    assert models["demand"].features[-len(PAIR_FEATURES):] == PAIR_FEATURES
    assert {"bm25", "hash"} <= set(models["demand"].parts)

    # With thresholds this low the cross-validation runs (two lists, one fold each).
    low = Thresholds(min_labels=2, min_positives=1, min_negatives=1, min_lists=2,
                     full_labels=8)
    summary = learning.train_now(db, low)
    assert set(summary["demand"]["cv"]) == {"0.0000", "0.2500", "0.5000", "0.7500", "1.0000"}


def test_the_task_is_registered_for_the_daily_beat() -> None:
    from backend.worker import celery_app

    assert celery_app.conf.beat_schedule["matching.train_reranker"] == {
        "task": "matching.train_reranker", "schedule": 86400.0}
    assert tasks.train_reranker.name == learning.TRAIN_TASK == "matching.train_reranker"


def _useful_first(profile: str = "hash", weight: float = 1.0) -> Model:
    """A model that ranks by how often a candidate was marked useful, and nothing else."""
    names = feature_names(["bm25", "hash"])
    coef = [10.0 if n == "marked_useful" else 0.0 for n in names]
    return Model(tuple(names), (0.0,) * len(names), (1.0,) * len(names), tuple(coef), 0.0,
                 weight, 500, 100, 50, {}, {"profile": profile})


def test_a_published_model_reorders_match_lists_only_when_usable(
        client: TestClient, db: Session, model_file: Path, index_service: IndexService) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    demand = lb.make_demand(db, firm.user, title="焊接机器人焊缝跟踪视觉引导",
                            description="焊缝跟踪 视觉引导 焊接机器人")
    institute = b.make_institute_user(db)
    close = lb.make_achievement(db, institute, title="焊接机器人焊缝跟踪视觉引导系统",
                                abstract="焊缝跟踪与视觉引导。")
    loose = lb.make_achievement(db, institute, title="激光测距传感器",
                                abstract="用于机器人定位的激光测距。")
    other = lb.make_demand(db, b.make_firm_user(db), title="激光测距")
    marker = b.make_firm_user(db).id
    _mark(db, marker, other.id, loose.id, True)
    url = f"/api/v1/demands/{demand.id}/matches"
    index_service.rebuild(db, "achievement")  # as the worker would (requests never build)

    def ids() -> list[int]:
        r = client.get(url, headers=firm.headers)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert ids()[:2] == [close.id, loose.id]  # no model file
    learning.write_models({"demand": _useful_first()})
    assert ids()[:2] == [loose.id, close.id]  # marked useful elsewhere: first
    preview = client.post("/api/v1/matches/preview", json={
        "text": "焊接机器人焊缝跟踪视觉引导 焊缝跟踪 视觉引导 焊接机器人"}, headers=firm.headers)
    assert [i["id"] for i in preview.json()["items"]][:2] == [loose.id, close.id]

    for unusable in ({"demand": _useful_first(weight=0.0)},  # too few labels, or no gain
                     {"demand": _useful_first(profile="default")},  # another matcher
                     {"achievement": _useful_first()}):  # the other direction only
        learning.write_models(unusable)
        assert ids()[:2] == [close.id, loose.id]
    model_file.write_text("{broken", encoding="utf-8")
    assert ids()[:2] == [close.id, loose.id]
