"""Keyword search in Chinese and English, filters, sorting and pagination."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.core import clock
from backend.listings import search
from backend.listings.models import AchievementStatus, DemandStatus
from tests.builders import accounts as b
from tests.builders import listings as lb


def _ids(r: object) -> list[int]:
    return [x["id"] for x in r.json()["items"]]  # type: ignore[attr-defined]


def test_segmentation_keeps_compounds_and_their_words() -> None:
    text = search.search_text("碳纤维复合材料轻量化", "用于 EV 电池包 & PCB", ["5G通信"])
    words = text.split(" ")
    assert {"碳纤维", "复合材料", "轻量化", "ev", "pcb", "5g", "通信"} <= set(words)
    assert "&" not in words
    assert search.query_terms("寻求 碳纤维复合材料 的 技术") == [
        "纤维", "碳纤维", "复合", "材料", "复合材料", "技术"]
    assert search.query_terms("  ，。") == []


def test_chinese_keyword_search(client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    weld = lb.make_demand(db, owner, title="焊接机器人视觉引导系统开发",
                          description="需要提升焊缝跟踪精度。", keywords=("机器视觉",))
    battery = lb.make_demand(db, owner, title="锂离子电池正极材料包覆改性",
                             description="循环寿命不足，寻求包覆工艺。", keywords=("正极材料",))
    fibre = lb.make_demand(db, owner, title="碳纤维复合材料汽车零件轻量化",
                           description="希望用于 EV 电池包壳体。", keywords=("CFRP",))

    def found(q: str) -> list[int]:
        r = client.get("/api/v1/demands", params={"q": q, "sort": "oldest"})
        assert r.status_code == 200
        return _ids(r)

    assert found("焊接机器人") == [weld.id]
    assert found("机器人 焊缝") == [weld.id]
    assert found("电池") == [battery.id, fibre.id]
    assert found("锂电池") == []  # a word the listings do not contain
    assert found("正极材料") == [battery.id]
    assert found("复合材料") == [fibre.id]
    assert found("cfrp") == [fibre.id] and found("EV") == [fibre.id]
    assert found("的") == [weld.id, battery.id, fibre.id]  # stop words alone do not filter
    assert found("100%_") == []  # LIKE wildcards are escaped


def test_demand_filters(client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    a = lb.make_demand(db, owner, field="equipment.robotics", region="福州市",
                       modes=("development",), min_trl=3, budget_min=Decimal("100000"),
                       budget_max=Decimal("300000"))
    c = lb.make_demand(db, owner, field="equipment.cnc", region="厦门市",
                       modes=("transfer", "licensing"), min_trl=7, budget_min=None,
                       budget_max=Decimal("2000000"))
    d = lb.make_demand(db, owner, field="materials.polymers", region="福州市鼓楼区",
                       modes=("joint_rd",), min_trl=None, budget_min=None, budget_max=None,
                       status=DemandStatus.IN_NEGOTIATION)

    def found(**params: object) -> list[int]:
        r = client.get("/api/v1/demands", params={"sort": "oldest", **params})
        assert r.status_code == 200, r.text
        return _ids(r)

    assert found(field_id=lb.field_id(db, "equipment")) == [a.id, c.id]  # with its sub-fields
    assert found(field_id=lb.field_id(db, "equipment.cnc")) == [c.id]
    assert found(region="福州") == [a.id, d.id]
    assert found(region="福州市鼓楼区") == [d.id]
    assert found(modes=["transfer"]) == [c.id]
    assert found(modes=["licensing", "joint_rd"]) == [c.id, d.id]
    assert found(trl_min=5) == [c.id]
    assert found(trl_max=5) == [a.id]
    assert found(budget_min="500000") == [c.id]  # budgets reaching 500,000
    assert found(budget_max="150000") == [a.id, c.id]  # starting at or below 150,000 (c: 0)
    assert found(budget_min="200000", budget_max="400000") == [a.id, c.id]
    assert found(status=["in_negotiation"]) == [d.id]
    assert found(status=["published", "in_negotiation"]) == [a.id, c.id, d.id]


def test_demand_sorting(client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    today = clock.today()
    cheap = lb.make_demand(db, owner, budget_min=Decimal("10000"), budget_max=Decimal("50000"),
                           min_trl=2, deadline=today + timedelta(days=30))
    rich = lb.make_demand(db, owner, budget_min=Decimal("500000"),
                          budget_max=Decimal("5000000"), min_trl=8,
                          deadline=today + timedelta(days=10))
    unknown = lb.make_demand(db, owner, budget_min=None, budget_max=None, min_trl=None)
    unknown.deadline = None
    db.flush()

    def order(sort: str) -> list[int]:
        return _ids(client.get("/api/v1/demands", params={"sort": sort}))

    assert order("newest") == [unknown.id, rich.id, cheap.id]
    assert order("oldest") == [cheap.id, rich.id, unknown.id]
    assert order("deadline") == [rich.id, cheap.id, unknown.id]  # no deadline last
    assert order("budget_high") == [rich.id, cheap.id, unknown.id]
    assert order("budget_low") == [cheap.id, rich.id, unknown.id]
    assert order("trl_high") == [rich.id, cheap.id, unknown.id]
    assert order("trl_low") == [cheap.id, rich.id, unknown.id]


def test_pages_with_totals(client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    made = [lb.make_demand(db, owner).id for _ in range(7)]
    seen: list[int] = []
    for page in (1, 2, 3):
        r = client.get("/api/v1/demands", params={"page": page, "page_size": 3, "sort": "oldest"})
        body = r.json()
        assert body["total"] == 7 and body["page"] == page and body["page_size"] == 3
        seen += _ids(r)
    assert seen == made
    r = client.get("/api/v1/demands", params={"page": 4, "page_size": 3})
    assert r.json()["items"] == [] and r.json()["total"] == 7


def test_achievement_filters_and_sorting(client: TestClient, db: Session) -> None:
    owner = b.make_institute_user(db)
    other = b.make_institute_user(db)
    low = lb.make_achievement(db, owner, trl=3, price=Decimal("50000"), region="泉州市",
                              field="biomedicine.tcm", modes=("licensing",))
    high = lb.make_achievement(db, owner, trl=8, price=Decimal("3000000"), region="厦门市",
                               field="biomedicine.devices", modes=("transfer",))
    open_price = lb.make_achievement(db, other, trl=5, price=None, negotiable=True,
                                     status=AchievementStatus.TRANSFERRED)

    def found(**params: object) -> list[int]:
        r = client.get("/api/v1/achievements", params={"sort": "oldest", **params})
        assert r.status_code == 200, r.text
        return _ids(r)

    assert found(field_id=lb.field_id(db, "biomedicine")) == [low.id, high.id]
    assert found(trl_min=5) == [high.id, open_price.id]
    assert found(trl_min=4, trl_max=6) == [open_price.id]
    assert found(price_min="100000") == [high.id]
    assert found(price_max="100000") == [low.id]
    assert found(modes=["licensing"]) == [low.id]
    assert found(region="厦门") == [high.id]
    assert found(organisation_id=other.organisation_id) == [open_price.id]
    assert found(status=["transferred"]) == [open_price.id]
    assert found(sort="price_high") == [high.id, low.id, open_price.id]
    assert found(sort="price_low") == [low.id, high.id, open_price.id]
    assert found(sort="trl_high") == [high.id, open_price.id, low.id]
    assert found(sort="trl_low") == [low.id, open_price.id, high.id]
    assert found(q="焊缝") == [low.id, high.id, open_price.id]
    assert found(q="一种焊缝识别方法") == [low.id, high.id, open_price.id]  # IP titles count


def test_administrators_find_hidden_listings(client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    lb.make_demand(db, owner)
    hidden = lb.make_demand(db, owner, hidden=True)
    admin = b.login_as(db, b.make_admin(db))
    r = client.get("/api/v1/demands", params={"hidden": True}, headers=admin.headers)
    assert _ids(r) == [hidden.id]
    assert _ids(client.get("/api/v1/demands", params={"hidden": True})) == []
