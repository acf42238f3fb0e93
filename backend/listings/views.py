"""Response shaping: the one place that decides what of a listing a viewer is shown.

An anonymous demand's organisation and contacts are replaced here — for lists, detail,
search, exports and anything else that shows a demand — unless the viewer is the owner,
an administrator or an assigned broker (`visibility.shows_demand_owner`). Moderation notes
and assigned brokers are shown only to the owner and administrators. Contacts are masked for
viewers `visibility.shows_contacts` does not entitle to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from backend.accounts import identity
from backend.accounts.models import Identifier, Organisation, User
from backend.listings import schemas, visibility
from backend.listings.models import Achievement, Demand, DemandBroker, Field

ANONYMOUS_FIRM = "匿名企业 Anonymous firm"
ANONYMOUS_PARTY = schemas.PartyOut(organisation_id=None, name=ANONYMOUS_FIRM, anonymous=True,
                                   contact_person=None, phone=None, email=None)


@dataclass(frozen=True)
class _Org:
    name: str
    phone: str


@dataclass(frozen=True)
class _Person:
    name: str
    email: str | None


def _contacts(session: Session, org_ids: set[int], user_ids: set[int]
              ) -> tuple[dict[int, _Org], dict[int, _Person]]:
    phone = aliased(Identifier)
    orgs = {row.id: _Org(row.name, row.phone) for row in session.execute(
        select(Organisation.id, Organisation.name, phone.value.label("phone"))
        .join(phone, phone.id == Organisation.phone_id)
        .where(Organisation.id.in_(org_ids)))} if org_ids else {}
    people = {row.id: _Person(row.display_name, row.email) for row in session.execute(
        select(User.id, User.display_name, User.email).where(User.id.in_(user_ids)))
    } if user_ids else {}
    return orgs, people


def _party(viewer: User | None, org_id: int, user_id: int, anonymous: bool,
           orgs: dict[int, _Org], people: dict[int, _Person]) -> schemas.PartyOut:
    org, person = orgs[org_id], people.get(user_id)
    name, email = (person.name, person.email) if person else (None, None)
    phone = org.phone
    if not visibility.shows_contacts(viewer, org_id):
        name, phone, email = mask_name(name), identity.mask_phone(phone), mask_email(email)
    return schemas.PartyOut(organisation_id=org_id, name=org.name, anonymous=anonymous,
                            contact_person=name, phone=phone, email=email)


def mask_name(value: str | None) -> str | None:
    """张三丰 → 张**: enough to address someone, not to identify them."""
    return None if not value else value[0] + "*" * max(1, len(value) - 1)


def mask_email(value: str | None) -> str | None:
    """zhang.san@example.cn → z***@example.cn."""
    if not value:
        return value
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _field(field: Field) -> schemas.FieldRef:
    return schemas.FieldRef(id=field.id, code=field.code, name_zh=field.name_zh,
                            name_en=field.name_en)


def keyword_list(stored: str) -> list[str]:
    return [k for k in stored.split(",") if k]


def demand_views(session: Session, viewer: User | None, demands: Sequence[Demand]
                 ) -> list[schemas.DemandOut]:
    """Shape demands (with `field` loaded) for `viewer`; they must already be visible to them."""
    ids = [d.id for d in demands]
    assigned = visibility.assigned_demand_ids(session, viewer, ids)
    full = {d.id for d in demands
            if visibility.is_admin(viewer) or visibility.owns(viewer, d.organisation_id)}
    brokers: dict[int, list[int]] = {i: [] for i in full}
    if full:
        for demand_id, broker_id in session.execute(
                select(DemandBroker.demand_id, DemandBroker.broker_id)
                .where(DemandBroker.demand_id.in_(full)).order_by(DemandBroker.id)):
            brokers[demand_id].append(broker_id)
    shown = [d for d in demands if visibility.shows_demand_owner(viewer, d, d.id in assigned)]
    orgs, people = _contacts(session, {d.organisation_id for d in shown},
                             {d.created_by_id for d in shown})
    shown_ids = {d.id for d in shown}
    return [schemas.DemandOut(
        id=d.id, title=d.title, description=d.description, field=_field(d.field),
        keywords=keyword_list(d.keywords), budget_min=d.budget_min, budget_max=d.budget_max,
        modes=schemas.modes_out(d.modes_mask),
        min_trl=d.min_trl, deadline=d.deadline, region=d.region, visibility=d.visibility,
        anonymous=d.anonymous, status=d.status,
        party=(_party(viewer, d.organisation_id, d.created_by_id, d.anonymous, orgs,
                      people)
               if d.id in shown_ids else ANONYMOUS_PARTY),
        mine=visibility.owns(viewer, d.organisation_id), hidden=d.hidden,
        hidden_reason=d.hidden_reason if d.id in full else None,
        assigned_broker_ids=brokers[d.id] if d.id in full else None,
        created_at=d.created_at, updated_at=d.updated_at, published_at=d.published_at)
        for d in demands]


def achievement_views(session: Session, viewer: User | None,
                      achievements: Sequence[Achievement]) -> list[schemas.AchievementOut]:
    """Shape achievements (with `field` and `ip_items` loaded) for `viewer`."""
    orgs, people = _contacts(session, {a.organisation_id for a in achievements},
                             {a.created_by_id for a in achievements})
    out = []
    for a in achievements:
        full = visibility.is_admin(viewer) or visibility.owns(viewer, a.organisation_id)
        out.append(schemas.AchievementOut(
            id=a.id, title=a.title, abstract=a.abstract, field=_field(a.field),
            keywords=keyword_list(a.keywords), trl=a.trl, stage=a.stage,
            ip_items=[schemas.IpItemOut(kind=i.kind, number=i.number, title=i.title)
                      for i in a.ip_items],
            price=a.price, negotiable=a.negotiable,
            modes=schemas.modes_out(a.modes_mask),
            team_lead=a.team_lead, region=a.region, status=a.status,
            party=_party(viewer, a.organisation_id, a.created_by_id, False, orgs, people),
            mine=visibility.owns(viewer, a.organisation_id), hidden=a.hidden,
            hidden_reason=a.hidden_reason if full else None,
            created_at=a.created_at, updated_at=a.updated_at, published_at=a.published_at))
    return out
