"""The demo market's listings: enough of them, in Chinese, across the taxonomy, valid."""

from __future__ import annotations

import re
from collections import Counter

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.demo import chain_data
from backend.demo.data import seed
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandBroker,
    DemandStatus,
    Field,
    IpItem,
    IpKind,
    Visibility,
)
from backend.listings.schemas import ip_number

CJK = re.compile(r"[\u4e00-\u9fff]")
# The industry-chain demo adds its labelled sample listings (backend/demo/chains.py).
CHAIN = Counter(kind for kind, _, _, _, labels in chain_data.SAMPLE if labels)


def test_the_demo_market_has_listings_across_the_taxonomy(client: TestClient, db: Session) -> None:
    seed()
    demands = db.execute(select(Demand)).scalars().all()
    achievements = db.execute(select(Achievement)).scalars().all()
    assert len(demands) == 220 + CHAIN["demand"] and len(achievements) == 540 + CHAIN["achievement"]
    subfields = db.execute(select(func.count()).select_from(Field).where(
        Field.parent_id.is_not(None))).scalar_one()
    assert len({d.field_id for d in demands} | {a.field_id for a in achievements}) == subfields
    assert all(CJK.search(d.title) and CJK.search(d.description) for d in demands)
    assert all(len(d.title) <= 200 and d.search_text for d in demands)
    assert all(CJK.search(a.abstract) and 1 <= a.trl <= 9 for a in achievements)
    statuses = Counter(d.status for d in demands)
    assert statuses[DemandStatus.PUBLISHED] > 150 and statuses[DemandStatus.DRAFT] > 5
    assert Counter(a.status for a in achievements)[AchievementStatus.PUBLISHED] > 400
    visibilities = Counter(d.visibility for d in demands)
    assert visibilities[Visibility.BROKERS] > 10 and visibilities[Visibility.PRIVATE] > 5
    assert sum(d.anonymous for d in demands) > 10
    assigned = set(db.execute(select(DemandBroker.demand_id)).scalars())
    assert all(d.id in assigned for d in demands if d.visibility == Visibility.PRIVATE)
    assert all(d.budget_min is None or d.budget_max is None or d.budget_min <= d.budget_max
               for d in demands)
    for item in db.execute(select(IpItem)).scalars():
        assert ip_number(item.kind, item.number) == item.number
        assert (item.number is None) == (item.kind == IpKind.KNOW_HOW)
    r = client.get("/api/v1/demands", params={"q": "焊接"})
    assert r.status_code == 200 and r.json()["total"] > 0
    assert audit.verify(db).ok
    seed()  # seeding again adds nothing
    assert db.execute(select(func.count()).select_from(Demand)).scalar_one() == len(demands)
