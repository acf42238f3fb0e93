"""The drafting help (`POST /api/v1/matches/preview`): a draft demand's achievements, a draft
achievement's demands (seen as `GET …/achievements/{id}/matches` would show them), the
predicted field, suggested technical terms, the vagueness hint and the per-user throttle."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.core.throttle import TokenBucket
from backend.listings.models import Visibility
from backend.matches import drafting
from backend.matches.index import IndexService
from tests.builders import accounts as b
from tests.builders import listings as lb

URL = "/api/v1/matches/preview"
BATTERY_TEXT = "希望改善三元正极材料的循环寿命，寻找包覆改性方案，材料为高镍811，容量衰减快。"


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drafting, "throttle", TokenBucket(drafting.BURST, drafting.PER_SECOND))


def _served(db: Session, index_service: IndexService) -> None:
    """Both indexes built, as the worker builds them (requests never build one)."""
    index_service.rebuild(db, "achievement")
    index_service.rebuild(db, "demand")


def _battery(db: Session, **overrides: Any) -> Any:
    return lb.make_achievement(db, b.make_institute_user(db),
                               title="高镍三元正极材料表面包覆改性技术",
                               abstract="原子层沉积包覆氧化铝，抑制电解液副反应，提升循环寿命。",
                               field="new_energy.storage", keywords=("正极材料", "原子层沉积"),
                               **overrides)


def test_a_draft_demand_gets_achievements_its_field_and_terms_to_add(
        client: TestClient, db: Session, index_service: IndexService) -> None:
    battery = _battery(db)
    lb.make_achievement(db, b.make_institute_user(db))  # welding, equipment.robotics
    _served(db, index_service)
    firm = b.login_as(db, b.make_firm_user(db))
    r = client.post(URL, json={"title": "正极材料寿命", "text": BATTERY_TEXT},
                    headers=firm.headers)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["source_kind"] is None and out["source_id"] is None
    assert out["items"][0]["id"] == battery.id and out["items"][0]["kind"] == "achievement"
    assert out["vague"] is False and out["hint_zh"] is None and out["hint_en"] is None
    best = out["predicted_fields"][0]
    assert (best["id"], best["code"], best["name_zh"]) == (
        lb.field_id(db, "new_energy.storage"), "new_energy.storage", "储能与电池")
    assert best["name_en"] == "Energy storage and batteries"
    assert 0.5 < best["probability"] <= 1.0
    assert [f["code"] for f in out["predicted_fields"]] == sorted(
        [f["code"] for f in out["predicted_fields"]],
        key=lambda c: -next(f["probability"] for f in out["predicted_fields"] if f["code"] == c))
    terms = out["suggested_keywords"]
    assert 1 <= len(terms) <= 8
    # the achievement's own words, absent from the draft
    assert all(t in "高镍三元正极材料表面包覆改性技术 原子层沉积包覆氧化铝，抑制电解液副反应，"
                    "提升循环寿命。正极材料 原子层沉积" for t in terms)
    assert all(t not in BATTERY_TEXT and t not in "正极材料寿命" for t in terms)


def test_a_vague_draft_gets_a_hint_and_no_keywords(client: TestClient, db: Session,
                                                     index_service: IndexService) -> None:
    _battery(db)
    _served(db, index_service)
    firm = b.login_as(db, b.make_firm_user(db))
    out = client.post(URL, json={"text": "我们有问题，希望找到好的技术。"},
                      headers=firm.headers).json()
    assert out["vague"] is True and out["suggested_keywords"] == []
    assert out["hint_zh"] == "请描述现象、材料、数量、设备等，越具体越容易匹配。"
    assert out["hint_en"].startswith("Describe what happens")
    institute = b.login_as(db, b.make_institute_user(db))
    out = client.post(URL, json={"kind": "achievement", "text": "一种新技术。"},
                      headers=institute.headers).json()
    assert out["vague"] is True and out["hint_zh"].startswith("请写明技术原理")


def test_a_draft_achievement_gets_the_demands_it_could_meet_as_the_caller_may_see_them(
        client: TestClient, db: Session, index_service: IndexService) -> None:
    owner = b.make_firm_user(db)
    text = dict(title="三元正极材料循环寿命提升", field="new_energy.storage",
                description="高镍正极材料容量衰减快，寻求表面包覆改性方案。",
                keywords=("正极材料", "包覆"), budget_max=None)
    public = lb.make_demand(db, owner, **{**text, "budget_max": Decimal("2000000")}, min_trl=4)
    anonymous = lb.make_demand(db, owner, **text, anonymous=True, min_trl=None)
    for_brokers = lb.make_demand(db, owner, **text, visibility=Visibility.BROKERS)
    private = lb.make_demand(db, owner, **text, visibility=Visibility.PRIVATE)
    demanding = lb.make_demand(db, owner, **text, min_trl=8)
    _served(db, index_service)
    institute = b.login_as(db, b.make_institute_user(db))
    body = {"kind": "achievement", "title": "高镍三元正极材料表面包覆改性技术",
            "text": "原子层沉积包覆氧化铝，提升正极材料循环寿命，容量保持率提高15%。",
            "keywords": ["正极材料"], "trl": 6, "price": "1500000.00", "top_k": 10}

    r = client.post(URL, json=body, headers=institute.headers)
    assert r.status_code == 200, r.text
    out = r.json()
    shown = {i["id"]: i for i in out["items"]}
    assert set(shown) == {public.id, anonymous.id}  # TRL 6 < 8; brokers-only and private unseen
    assert all(i["kind"] == "demand" and i["achievement"] is None for i in out["items"])
    party = shown[anonymous.id]["demand"]["party"]
    assert party["anonymous"] is True and party["organisation_id"] is None
    reasons = {x["code"]: x for x in shown[public.id]["reasons"]}
    assert reasons["trl_fit"]["params"] == {"trl": 6, "min_trl": 4}
    assert reasons["price_fit"]["params"] == {"price": "1500000.00", "budget": "2000000.00"}
    assert out["predicted_fields"][0]["code"] == "new_energy.storage"

    # Fit off: the demand wanting TRL 8 too; no TRL stated: no TRL requirement is checked.
    assert {i["id"] for i in client.post(URL, json={**body, "fit": False},
                                         headers=institute.headers).json()["items"]} == {
        public.id, anonymous.id, demanding.id}
    assert demanding.id in {i["id"] for i in client.post(
        URL, json={**body, "trl": None}, headers=institute.headers).json()["items"]}
    # A price above the budget drops the demand with a budget (the others have none known).
    assert public.id not in {i["id"] for i in client.post(
        URL, json={**body, "price": "3000000.00"}, headers=institute.headers).json()["items"]}

    # A verified broker sees the brokers-only demand too; the owner also its private one.
    broker = b.login_as(db, b.make_broker(db))
    assert {i["id"] for i in client.post(URL, json=body, headers=broker.headers).json()[
        "items"]} == {public.id, anonymous.id, for_brokers.id}
    firm = b.login_as(db, owner)
    assert {i["id"] for i in client.post(URL, json=body, headers=firm.headers).json()[
        "items"]} == {public.id, anonymous.id, for_brokers.id, private.id}


def test_bad_drafts_are_refused_plainly(client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    base = {"text": BATTERY_TEXT}
    for body, field in (({**base, "trl": 6}, "trl"), ({**base, "price": "100"}, "price"),
                        ({**base, "kind": "achievement", "filters": {"min_trl": 4}}, "filters"),
                        ({**base, "field_id": 99999}, "field_id")):
        r = client.post(URL, json=body, headers=firm.headers)
        assert r.status_code == 422, body
        assert r.headers["content-type"].startswith("application/problem+json")
        assert field in r.text
    for body in ({**base, "kind": "listing"}, {**base, "trl": 10}, {"text": "x" * 5001}):
        assert client.post(URL, json=body, headers=firm.headers).status_code == 422
    assert client.post(URL, json=base).status_code == 401


def test_previews_are_throttled_per_user(client: TestClient, db: Session,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drafting, "throttle", TokenBucket(2, 0.5, clock=lambda: 100.0))
    first = b.login_as(db, b.make_firm_user(db))
    second = b.login_as(db, b.make_firm_user(db))
    body = {"text": BATTERY_TEXT}
    assert [client.post(URL, json=body, headers=first.headers).status_code
            for _ in range(3)] == [200, 200, 429]
    refused = client.post(URL, json=body, headers=first.headers)
    assert refused.headers["retry-after"] == "2"  # a token every 2 s
    assert "预览过于频繁" in refused.json()["detail"]
    assert client.post(URL, json=body, headers=second.headers).status_code == 200


def test_the_token_bucket_refills_with_time() -> None:
    now = [0.0]
    bucket = TokenBucket(2, 1.0, max_keys=2, clock=lambda: now[0])
    assert [bucket.take("a"), bucket.take("a"), bucket.take("a")] == [0.0, 0.0, 1.0]
    now[0] = 0.5
    assert bucket.take("a") == 0.5
    now[0] = 1.5  # 1.5 s after the bucket ran dry: one token back (and a half)
    assert bucket.take("a") == 0.0 and bucket.take("a") == 0.5
    bucket.take("b")
    bucket.take("c")  # a third key pushes the idlest one ("a") out: it starts full again
    assert bucket.take("a") == 0.0
