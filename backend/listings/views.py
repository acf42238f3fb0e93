"""Response shaping: the one place that decides what of a listing a viewer is shown.

An anonymous demand's organisation and contacts are replaced here — for lists, detail,
search, exports and anything else that shows a demand — unless the viewer is the owner,
an administrator or an assigned broker (`visibility.shows_demand_owner`). Moderation notes
and assigned brokers are shown only to the owner and administrators. Contacts are masked for
viewers `visibility.shows_contacts` does not entitle to them.

Every listing starts as its card (`cards.py`: the owner's view, kept per process); shaping
only takes away, and needs no query of its own. The listings must already be visible to the
viewer (`visibility.py`); ids with no listing are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.listings import cards, schemas, visibility

ANONYMOUS_FIRM = "匿名企业 Anonymous firm"
ANONYMOUS_PARTY = schemas.PartyOut(organisation_id=None, name=ANONYMOUS_FIRM, anonymous=True,
                                   contact_person=None, phone=None, email=None)


def demand_view(viewer: User | None, card: cards.DemandCard) -> schemas.DemandOut:
    out = card.out
    org = card.organisation_id
    if visibility.owns(viewer, org):
        return out
    full = visibility.is_admin(viewer)
    assigned = visibility.is_assigned(viewer, card.broker_ids)
    if not visibility.shows_demand_owner(viewer, out.anonymous, org, assigned):
        party = ANONYMOUS_PARTY
    else:
        party = out.party if visibility.shows_contacts(viewer, org) else card.masked
    return out.model_copy(update={
        "party": party, "mine": False, "hidden_reason": out.hidden_reason if full else None,
        "assigned_broker_ids": out.assigned_broker_ids if full else None})


def achievement_view(viewer: User | None, card: cards.AchievementCard) -> schemas.AchievementOut:
    out = card.out
    org = card.organisation_id
    if visibility.owns(viewer, org):
        return out
    full = visibility.is_admin(viewer)
    party = out.party if visibility.shows_contacts(viewer, org) else card.masked
    return out.model_copy(update={"party": party, "mine": False,
                                  "hidden_reason": out.hidden_reason if full else None})


def demand_views(session: Session, viewer: User | None, ids: Sequence[int]
                 ) -> list[schemas.DemandOut]:
    """The demands `ids`, in that order, as `viewer` is shown them."""
    found = cards.demand_cards(session, ids)
    return [demand_view(viewer, found[i]) for i in ids if i in found]


def achievement_views(session: Session, viewer: User | None, ids: Sequence[int]
                      ) -> list[schemas.AchievementOut]:
    """The achievements `ids`, in that order, as `viewer` is shown them."""
    found = cards.achievement_cards(session, ids)
    return [achievement_view(viewer, found[i]) for i in ids if i in found]
