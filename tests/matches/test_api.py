"""Matches over HTTP: the index follows listings through their tasks (eager Celery), callers
see only what they may, and reasons come in Chinese and English."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import load_user
from backend.audit.service import Actor
from backend.deals.opening import open_deal
from backend.listings.models import AchievementStatus, Demand, Visibility
from backend.matches.index import IndexService
from tests.builders import accounts as b
from tests.builders import listings as lb


def battery_demand(db: Session, owner: User, **overrides: Any) -> Demand:
    return lb.make_demand(
        db, owner, title="寻求锂电池正极材料包覆改性技术",
        description="我司生产三元正极材料，循环寿命不足，希望合作开发表面包覆改性工艺。",
        field="new_energy.storage", keywords=("正极材料", "包覆改性"), min_trl=4,
        budget_min=Decimal("200000"), budget_max=Decimal("2000000"), region="厦门市",
        **overrides)


def welding_demand(db: Session, owner: User, **overrides: Any) -> Demand:
    return lb.make_demand(db, owner, title="焊接机器人视觉引导",
                          description="焊缝跟踪 机器视觉 焊接机器人 视觉引导方案",
                          keywords=("焊接", "机器视觉"), **overrides)


def _ids(body: dict[str, object]) -> list[int]:
    return [item["id"] for item in body["items"]]  # type: ignore[attr-defined]


def test_a_new_achievement_appears_in_a_demands_matches_and_a_withdrawn_one_disappears(
        client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    institute = b.login_as(db, b.make_institute_user(db))
    demand = battery_demand(db, firm.user)
    lb.make_achievement(db, institute.user)  # welding: another field, few shared words
    url = f"/api/v1/demands/{demand.id}/matches"

    before = client.get(url, headers=firm.headers)
    assert before.status_code == 200, before.text

    r = client.post("/api/v1/achievements", json=lb.achievement_body(db, publish=True),
                    headers=institute.headers)
    assert r.status_code == 201, r.text
    achievement_id = r.json()["id"]
    assert achievement_id not in _ids(before.json())

    after = client.get(url, headers=firm.headers)
    assert after.status_code == 200
    body = after.json()
    assert body["source_kind"] == "demand" and body["source_id"] == demand.id
    assert body["profile"] == "hash" and body["index_version"] >= 2
    top = body["items"][0]
    assert top["id"] == achievement_id and top["kind"] == "achievement"
    assert top["achievement"]["title"] == "高镍三元正极材料表面包覆改性技术"
    assert top["demand"] is None
    assert top["score"] > 0 and {"bm25", "hash"} <= set(top["parts"])
    reasons = {r["code"]: r for r in top["reasons"]}
    assert {"phrases", "same_field", "trl_fit", "price_fit"} <= set(reasons)
    assert "shared_terms" not in reasons  # the phrase pairs replace the shared words
    phrases = reasons["phrases"]["params"]
    assert phrases == {"phrases": ["三元正极材料", "正极材料包覆改性"],
                       "terms": ["正极材料", "高镍三元正极材料表面包覆"]}
    assert reasons["phrases"]["text_zh"] == ("需求所说的对应成果的技术：“三元正极材料” ↔ “正极材料”；"
                                             "“正极材料包覆改性” ↔ “高镍三元正极材料表面包覆”")
    assert reasons["phrases"]["text_en"].startswith(
        "What the demand describes ↔ the achievement's technology: “三元正极材料” ↔ “正极材料”; ")
    assert reasons["same_field"]["text_zh"] == "同属领域：储能与电池"
    assert reasons["same_field"]["text_en"] == "Same field: Energy storage and batteries"
    assert reasons["trl_fit"]["params"] == {"trl": 6, "min_trl": 4}
    assert reasons["price_fit"]["text_en"] == ("Price CNY 1,500,000 is within the budget of "
                                               "CNY 2,000,000")

    # The demand's own constraints: a budget below the price drops it unless fit is off.
    assert achievement_id not in _ids(client.get(
        url, params={"max_price": "1000000"}, headers=firm.headers).json())
    assert achievement_id in _ids(client.get(
        url, params={"region": "厦门市"}, headers=firm.headers).json())
    assert achievement_id not in _ids(client.get(
        url, params={"region": "福州市"}, headers=firm.headers).json())
    assert achievement_id not in _ids(client.get(
        url, params={"field_id": lb.field_id(db, "equipment")}, headers=firm.headers).json())
    assert achievement_id in _ids(client.get(
        url, params={"field_id": lb.field_id(db, "new_energy")}, headers=firm.headers).json())

    r = client.post(f"/api/v1/achievements/{achievement_id}/withdraw", headers=institute.headers)
    assert r.status_code == 200, r.text
    gone = client.get(url, headers=firm.headers).json()
    assert achievement_id not in _ids(gone)


def test_an_achievement_finds_demands_and_only_the_ones_the_caller_may_see(
        client: TestClient, db: Session, index_service: IndexService) -> None:
    owner = b.make_firm_user(db)
    public = welding_demand(db, owner)
    for_brokers = welding_demand(db, owner, visibility=Visibility.BROKERS)
    private = welding_demand(db, owner, visibility=Visibility.PRIVATE)
    hidden = welding_demand(db, owner, hidden=True)
    index_service.sync(db, "demand", [public.id, for_brokers.id, private.id, hidden.id])
    institute = b.make_institute_user(db)
    achievement = lb.make_achievement(db, institute)
    url = f"/api/v1/achievements/{achievement.id}/matches"

    assigned = b.make_broker(db)
    lb.assign(db, private, assigned)
    expectations = {
        "the institute": (institute, {public.id}),
        "another firm": (b.make_firm_user(db), {public.id}),
        "an unverified broker": (b.make_broker(db, verified=False), {public.id}),
        "a verified broker": (b.make_broker(db), {public.id, for_brokers.id}),
        "the assigned broker": (assigned, {public.id, for_brokers.id, private.id}),
        "the owner": (owner, {public.id, for_brokers.id, private.id}),
        "an administrator": (b.make_admin(db), {public.id, for_brokers.id, private.id}),
    }
    for who, (user, wanted) in expectations.items():
        r = client.get(url, params={"top_k": 50}, headers=b.login_as(db, user).headers)
        assert r.status_code == 200, (who, r.text)
        got = set(_ids(r.json())) & {public.id, for_brokers.id, private.id, hidden.id}
        assert got == wanted, who

    # the demands' anonymity and fit (TRL 5 ≤ 6, budget 500,000 ≥ price 300,000) come through
    admin = b.login_as(db, b.make_admin(db))
    items = client.get(url, headers=admin.headers).json()["items"]
    codes = {r["code"] for r in items[0]["reasons"]}
    assert {"trl_fit", "price_fit", "same_field", "same_region"} <= codes
    assert items[0]["demand"]["id"] in {public.id, for_brokers.id, private.id}


def test_an_anonymous_demand_stays_anonymous_in_matches(client: TestClient, db: Session,
                                                       index_service: IndexService) -> None:
    demand = welding_demand(db, b.make_firm_user(db), anonymous=True)
    index_service.sync(db, "demand", [demand.id])
    institute = b.login_as(db, b.make_institute_user(db))
    achievement = lb.make_achievement(db, institute.user)
    items = client.get(f"/api/v1/achievements/{achievement.id}/matches",
                       headers=institute.headers).json()["items"]
    shown = next(i["demand"] for i in items if i["id"] == demand.id)
    assert shown["party"]["organisation_id"] is None and shown["party"]["anonymous"] is True
    assert shown["party"]["phone"] is None


def test_an_achievement_over_a_demands_budget_is_left_out_unless_fit_is_off(
        client: TestClient, db: Session, index_service: IndexService) -> None:
    demand = welding_demand(db, b.make_firm_user(db), budget_max=Decimal("100000"),
                            budget_min=None)
    index_service.sync(db, "demand", [demand.id])
    institute = b.login_as(db, b.make_institute_user(db))
    achievement = lb.make_achievement(db, institute.user, price=Decimal("300000"))
    url = f"/api/v1/achievements/{achievement.id}/matches"
    assert demand.id not in _ids(client.get(url, headers=institute.headers).json())
    loose = client.get(url, params={"fit": "false"}, headers=institute.headers).json()
    assert demand.id in _ids(loose)
    item = next(i for i in loose["items"] if i["id"] == demand.id)
    assert "price_fit" not in {r["code"] for r in item["reasons"]}


def test_matches_of_a_listing_the_caller_cannot_see_are_404(client: TestClient,
                                                           db: Session) -> None:
    owner = b.make_firm_user(db)
    private = lb.make_demand(db, owner, visibility=Visibility.PRIVATE)
    institute = b.make_institute_user(db)
    draft = lb.make_achievement(db, institute, status=AchievementStatus.DRAFT)
    stranger = b.login_as(db, b.make_firm_user(db))
    for url in (f"/api/v1/demands/{private.id}/matches",
                f"/api/v1/achievements/{draft.id}/matches",
                "/api/v1/demands/99999999/matches"):
        r = client.get(url, headers=stranger.headers)
        assert r.status_code == 404, url
        assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/demands/{private.id}/matches").status_code == 401
    mine = client.get(f"/api/v1/demands/{private.id}/matches",
                      headers=b.login_as(db, owner).headers)
    assert mine.status_code == 200
    assert client.get(f"/api/v1/achievements/{draft.id}/matches",
                      headers=b.login_as(db, institute).headers).status_code == 200


def test_top_k_is_bounded_and_filters_are_checked(client: TestClient, db: Session,
                                                  index_service: IndexService) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    demand = lb.make_demand(db, firm.user)
    url = f"/api/v1/demands/{demand.id}/matches"
    assert client.get(url, params={"top_k": 51}, headers=firm.headers).status_code == 422
    assert client.get(url, params={"mode": "barter"}, headers=firm.headers).status_code == 422
    r = client.get(url, params={"field_id": 99999}, headers=firm.headers)
    assert r.status_code == 422 and "field_id" in r.text
    for i in range(4):
        lb.make_achievement(db, b.make_institute_user(db), title=f"焊缝识别{i}")
    index_service.rebuild(db, "achievement")  # as the worker would (requests never build)
    r = client.get(url, params={"top_k": 2, "mode": "transfer"}, headers=firm.headers)
    assert r.status_code == 200 and len(r.json()["items"]) == 2
    assert client.get(url, params={"mode": "licensing"},
                      headers=firm.headers).json()["items"] == []


def test_the_preview_matches_a_draft_demands_text(client: TestClient, db: Session,
                                                  index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    battery = lb.make_achievement(db, institute, title="高镍三元正极材料表面包覆改性技术",
                                  abstract="原子层沉积包覆氧化铝，提升循环寿命。",
                                  field="new_energy.storage", keywords=("正极材料",))
    lb.make_achievement(db, institute)
    index_service.rebuild(db, "achievement")
    firm = b.login_as(db, b.make_firm_user(db))
    body = {"title": "正极材料", "text": "希望改善三元正极材料的循环寿命，寻找包覆改性方案。",
            "keywords": ["包覆"], "field_id": lb.field_id(db, "new_energy.storage"),
            "filters": {"min_trl": 4}, "top_k": 5}
    r = client.post("/api/v1/matches/preview", json=body, headers=firm.headers)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["source_kind"] is None and out["items"][0]["id"] == battery.id
    assert "same_field" in {x["code"] for x in out["items"][0]["reasons"]}
    assert client.post("/api/v1/matches/preview", json={**body, "field_id": 99999},
                       headers=firm.headers).status_code == 422
    assert client.post("/api/v1/matches/preview", json={**body, "text": " "},
                       headers=firm.headers).status_code == 422
    assert client.post("/api/v1/matches/preview", json=body).status_code == 401


def test_a_brokers_feed_pairs_new_listings_in_their_fields_without_open_deals(
        client: TestClient, db: Session, index_service: IndexService) -> None:
    demand = battery_demand(db, b.make_firm_user(db))
    welding = welding_demand(db, b.make_firm_user(db))
    battery = lb.make_achievement(db, b.make_institute_user(db),
                                  title="高镍三元正极材料表面包覆改性技术",
                                  abstract="正极材料包覆改性，提升锂电池循环寿命。",
                                  field="new_energy.storage", keywords=("正极材料", "包覆改性"),
                                  price=Decimal("1500000"))
    index_service.sync(db, "demand", [demand.id, welding.id])
    broker = b.make_broker(db, fields=["新能源"])
    headers = b.login_as(db, broker).headers

    r = client.get("/api/v1/matches/feed", headers=headers)
    assert r.status_code == 200, r.text
    out = r.json()
    assert "new_energy.storage" in out["field_codes"] and "new_energy" in out["field_codes"]
    pairs = [(i["demand"]["id"], i["achievement"]["id"]) for i in out["items"]]
    assert pairs[0] == (demand.id, battery.id)
    assert all(d != welding.id for d, _ in pairs)  # a welding demand is outside 新能源
    assert out["items"][0]["reasons"] and out["items"][0]["new_side"] in ("demand", "achievement")

    loaded = load_user(db, broker.id)
    assert loaded is not None
    open_deal(db, Actor(broker.id, broker.username), loaded, demand.id, battery.id)
    db.flush()
    out = client.get("/api/v1/matches/feed", headers=headers).json()
    assert (demand.id, battery.id) not in [(i["demand"]["id"], i["achievement"]["id"])
                                           for i in out["items"]]

    firm = b.login_as(db, b.make_firm_user(db))
    assert client.get("/api/v1/matches/feed", headers=firm.headers).status_code == 403
    admin = b.login_as(db, b.make_admin(db))
    assert client.get("/api/v1/matches/feed", headers=admin.headers).json()["field_codes"] == []


def test_index_sizes_reach_the_metrics(client: TestClient, db: Session,
                                      index_service: IndexService) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    demand = lb.make_demand(db, firm.user)
    lb.make_achievement(db, b.make_institute_user(db))
    index_service.rebuild(db, "achievement")
    assert client.get(f"/api/v1/demands/{demand.id}/matches", headers=firm.headers).is_success
    text = client.get("/metrics").text
    line = next(x for x in text.splitlines()
                if x.startswith('techbroker_index_documents{index="achievements"}'))
    assert float(line.split()[-1]) >= 1


def _pairs(body: dict[str, Any]) -> list[tuple[int, int]]:
    return [(i["demand"]["id"], i["achievement"]["id"]) for i in body["items"]]


def test_the_feed_filters_by_field_words_and_region_and_pages_without_a_stop(
        client: TestClient, db: Session, index_service: IndexService) -> None:
    battery = battery_demand(db, b.make_firm_user(db))  # 厦门市, new_energy.storage
    welding = welding_demand(db, b.make_firm_user(db))  # 福州市, equipment.robotics
    institute = b.make_institute_user(db)
    cathode = lb.make_achievement(db, institute, title="高镍三元正极材料表面包覆改性技术",
                                  abstract="正极材料包覆改性，提升锂电池循环寿命。",
                                  field="new_energy.storage", keywords=("正极材料", "包覆改性"),
                                  price=Decimal("1500000"))
    seam = lb.make_achievement(db, institute)  # welding seams, equipment.robotics
    index_service.sync(db, "demand", [battery.id, welding.id])
    index_service.sync(db, "achievement", [cathode.id, seam.id])
    headers = b.login_as(db, b.make_broker(db, fields=["新能源"])).headers
    url = "/api/v1/matches/feed"
    robotics = lb.field_id(db, "equipment.robotics")

    own = client.get(url, headers=headers).json()
    assert (battery.id, cathode.id) in _pairs(own)
    assert all(d != welding.id for d, _ in _pairs(own))
    assert (own["page"], own["page_size"], own["has_more"]) == (1, 20, False)

    # Another field than the broker's own: its pairs, and the feed says which field it covers.
    other = client.get(url, params={"field_id": robotics}, headers=headers).json()
    assert other["field_codes"] == ["equipment.robotics"]
    assert (welding.id, seam.id) in _pairs(other)
    assert all(d == welding.id or a == seam.id for d, a in _pairs(other))  # robotics sources
    assert client.get(url, params={"field_id": 999_999}, headers=headers).status_code == 422

    # Words the new listing mentions.
    worded = client.get(url, params={"field_id": robotics, "q": "焊缝"}, headers=headers).json()
    assert (welding.id, seam.id) in _pairs(worded)
    assert client.get(url, params={"field_id": robotics, "q": "蛋白质"},
                      headers=headers).json()["items"] == []

    # The new listing's region, as a prefix.
    xiamen = client.get(url, params={"region": "厦门"}, headers=headers).json()
    assert _pairs(xiamen)[0] == (battery.id, cathode.id)
    assert all(d == battery.id for d, _ in _pairs(xiamen))  # the one source in 厦门市
    assert client.get(url, params={"region": "上海"}, headers=headers).json()["items"] == []

    # Pages: one pair at a time gives the same pairs as one long page, in the same order.
    admin = b.login_as(db, b.make_admin(db)).headers
    everything = _pairs(client.get(url, params={"page_size": 50}, headers=admin).json())
    assert len(everything) >= 2
    paged: list[tuple[int, int]] = []
    for page in range(1, len(everything) + 1):
        body = client.get(url, params={"page": page, "page_size": 1}, headers=admin).json()
        assert body["page"] == page and len(body["items"]) == 1
        assert body["has_more"] is (page < len(everything))
        paged += _pairs(body)
    assert paged == everything
    beyond = client.get(url, params={"page": len(everything) + 1, "page_size": 1},
                        headers=admin).json()
    assert beyond["items"] == [] and beyond["has_more"] is False
