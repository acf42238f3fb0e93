"""Listing cards: a listing's response as its owner sees it, built once, shaped per viewer.

Lists, detail, keyword search, match lists and the broker feed all show listings the same
way. A card holds that response with everything in it (contacts in full, the moderation note,
the assigned brokers) plus the masked contacts; `views.py` cuts it down to what one viewer may
see without another query. Cards are kept per process until the market generation moves
(`generations`: any committed change to a listing, its IP items or assigned brokers, a field,
or the name and contacts of the organisation or person who posted it), so a page of twenty
listings costs one small query for the generation instead of five for the rows, their field,
contacts, brokers and IP items.

A unit of work that has itself changed the market reads its cards from the database and
keeps none of them: what it sees is not committed yet.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from backend.accounts import identity
from backend.accounts.models import Identifier, Organisation, User
from backend.config import get_settings
from backend.core import generations
from backend.listings import schemas
from backend.listings.models import (
    MARKET,
    Achievement,
    Demand,
    DemandBroker,
    Field,
    IpItem,
)

CHUNK = 1000  # ids per loading query (SQLite allows 32,766 bound parameters)


@dataclass(frozen=True, slots=True)
class DemandCard:
    out: schemas.DemandOut  # the owner's view
    organisation_id: int
    masked: schemas.PartyOut  # the poster, contacts masked
    broker_ids: frozenset[int]  # assigned brokers (verified or not)


@dataclass(frozen=True, slots=True)
class AchievementCard:
    out: schemas.AchievementOut
    organisation_id: int
    masked: schemas.PartyOut


def mask_name(value: str | None) -> str | None:
    """张三丰 → 张**: enough to address someone, not to identify them."""
    return None if not value else value[0] + "*" * max(1, len(value) - 1)


def mask_email(value: str | None) -> str | None:
    """zhang.san@example.cn → z***@example.cn."""
    if not value:
        return value
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def keyword_list(stored: str) -> list[str]:
    return [k for k in stored.split(",") if k]


def _parties(row: Any, organisation_id: int, anonymous: bool
             ) -> tuple[schemas.PartyOut, schemas.PartyOut]:
    full = schemas.PartyOut(organisation_id=organisation_id, name=row.org_name,
                            anonymous=anonymous, contact_person=row.person,
                            phone=row.phone, email=row.email)
    masked = full.model_copy(update={"contact_person": mask_name(row.person),
                                     "phone": identity.mask_phone(row.phone),
                                     "email": mask_email(row.email)})
    return full, masked


def _with_context(session: Session, listing: type[Demand] | type[Achievement],
                  ids: Sequence[int]) -> list[Any]:
    """The listings' rows with their field, organisation name and phone, and poster."""
    phone = aliased(Identifier)
    return list(session.execute(
        select(listing, Field.code.label("field_code"), Field.name_zh.label("field_zh"),
               Field.name_en.label("field_en"), Organisation.name.label("org_name"),
               phone.value.label("phone"), User.display_name.label("person"),
               User.email.label("email"))
        .join(Field, Field.id == listing.field_id)
        .join(Organisation, Organisation.id == listing.organisation_id)
        .join(phone, phone.id == Organisation.phone_id)
        .outerjoin(User, User.id == listing.created_by_id)
        .where(listing.id.in_(ids))))


def _field(row: Any, field_id: int) -> schemas.FieldRef:
    return schemas.FieldRef(id=field_id, code=row.field_code, name_zh=row.field_zh,
                            name_en=row.field_en)


def load_demands(session: Session, ids: Sequence[int]) -> dict[int, DemandCard]:
    brokers: dict[int, list[int]] = {i: [] for i in ids}
    for demand_id, broker_id in session.execute(
            select(DemandBroker.demand_id, DemandBroker.broker_id)
            .where(DemandBroker.demand_id.in_(ids)).order_by(DemandBroker.id)):
        brokers[demand_id].append(broker_id)
    cards = {}
    for row in _with_context(session, Demand, ids):
        d: Demand = row.Demand
        party, masked = _parties(row, d.organisation_id, d.anonymous)
        out = schemas.DemandOut(
            id=d.id, title=d.title, description=d.description, field=_field(row, d.field_id),
            keywords=keyword_list(d.keywords), budget_min=d.budget_min,
            budget_max=d.budget_max, modes=schemas.modes_out(d.modes_mask),
            min_trl=d.min_trl, deadline=d.deadline, region=d.region, visibility=d.visibility,
            anonymous=d.anonymous, status=d.status, party=party, mine=True, hidden=d.hidden,
            hidden_reason=d.hidden_reason, assigned_broker_ids=brokers[d.id],
            created_at=d.created_at, updated_at=d.updated_at, published_at=d.published_at)
        cards[d.id] = DemandCard(out, d.organisation_id, masked, frozenset(brokers[d.id]))
    return cards


def load_achievements(session: Session, ids: Sequence[int]) -> dict[int, AchievementCard]:
    items: dict[int, list[schemas.IpItemOut]] = {i: [] for i in ids}
    for item in session.execute(select(IpItem).where(IpItem.achievement_id.in_(ids))
                                .order_by(IpItem.id)).scalars():
        items[item.achievement_id].append(
            schemas.IpItemOut(kind=item.kind, number=item.number, title=item.title))
    cards = {}
    for row in _with_context(session, Achievement, ids):
        a: Achievement = row.Achievement
        party, masked = _parties(row, a.organisation_id, False)
        out = schemas.AchievementOut(
            id=a.id, title=a.title, abstract=a.abstract, field=_field(row, a.field_id),
            keywords=keyword_list(a.keywords), trl=a.trl, stage=a.stage,
            reviewed_trl=a.reviewed_trl, poc_passed_on=a.poc_passed_on,
            poc_summary=a.poc_summary,
            ip_items=items[a.id], price=a.price, negotiable=a.negotiable,
            modes=schemas.modes_out(a.modes_mask), team_lead=a.team_lead, region=a.region,
            status=a.status, party=party, mine=True, hidden=a.hidden,
            hidden_reason=a.hidden_reason, created_at=a.created_at, updated_at=a.updated_at,
            published_at=a.published_at)
        cards[a.id] = AchievementCard(out, a.organisation_id, masked)
    return cards


Loader = Callable[[Session, Sequence[int]], dict[int, Any]]


class CardCache:
    """The cards one process keeps, at one market generation: at most
    `LISTING_CARD_CACHE_SIZE` (0: none); past that the oldest are dropped."""

    def __init__(self) -> None:
        self._kept: generations.Kept[tuple[str, int], Any] = generations.Kept(MARKET)

    def clear(self) -> None:
        self._kept.clear()

    def get(self, session: Session, kind: str, ids: Collection[int],
            load: Loader) -> dict[int, Any]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        capacity = get_settings().listing_card_cache_size
        cards = self._kept.items(session) if capacity > 0 else None
        if cards is None:
            return _load(session, wanted, load)
        found = {i: card for i in wanted if (card := cards.get((kind, i))) is not None}
        missing = [i for i in wanted if i not in found]
        if missing:
            loaded = _load(session, missing, load)
            self._kept.add(cards, (((kind, i), card) for i, card in loaded.items()), capacity)
            found.update(loaded)
        return found


def _load(session: Session, ids: list[int], load: Loader) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for start in range(0, len(ids), CHUNK):
        found.update(load(session, ids[start:start + CHUNK]))
    return found


cache = CardCache()


def demand_cards(session: Session, ids: Collection[int]) -> dict[int, DemandCard]:
    return cache.get(session, "demand", ids, load_demands)


def achievement_cards(session: Session, ids: Collection[int]) -> dict[int, AchievementCard]:
    return cache.get(session, "achievement", ids, load_achievements)
