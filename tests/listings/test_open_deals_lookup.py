"""Listings does not import deals: deals hand listings the lookup of a demand's open deals as
they load (`deals/lookup.py`), and without it a demand is neither published nor withdrawn."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from backend.deals import lookup
from backend.listings import demands
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import listings as lb


def test_deals_hand_listings_the_lookup_as_they_load() -> None:
    assert demands._open_deals is lookup.open_deal_ids


def test_without_it_a_demand_is_not_withdrawn(db: Session,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    firm = b.make_firm_user(db)
    demand = lb.make_demand(db, firm)
    monkeypatch.setattr(demands, "_open_deals", None)
    with pytest.raises(RuntimeError, match="open deals"):
        demands.withdraw_demand(db, d.actor(firm), demand)
