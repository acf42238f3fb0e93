"""Who may see which listing: one row-scoping clause per listing kind.

Every read path — lists, detail, keyword search, exports, and the matcher's candidates —
goes through `demand_visibility_clause` / `achievement_visibility_clause` (or the helpers
built on them), so the rules live here and nowhere else.

Demands
  - administrators see every demand;
  - members of the owning organisation see all of its demands, drafts and hidden ones too;
  - anyone else sees only a *listed* demand (published, in negotiation, fulfilled, closed or
    expired — not a draft, not withdrawn) that an administrator has not hidden, and only if
      public   → everyone, including visitors who are not logged in;
      brokers  → verified brokers (and administrators);
      private  → brokers assigned to it (and administrators).
    An assigned broker sees the demand whatever its visibility, as long as the broker is
    verified: losing verification loses the access.
  - an anonymous demand shows its organisation only to the owner, administrators and the
    assigned brokers (see `shows_demand_owner`; the shaping is in `views.py`).

Contacts (personal data: the poster's name and e-mail, the organisation's phone)
  - shown in full to the owner, administrators and verified brokers, whose work is to bring
    the parties together (`shows_contacts`); everyone else — visitors, other firms and
    institutes, unverified brokers — sees them masked, in lists, detail, matches and exports.

Achievements
  - administrators and the owning organisation see all of them;
  - anyone else, logged in or not, sees published and transferred ones that are not hidden.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import is_verified_broker
from backend.core.permissions import Role
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandBroker,
    DemandStatus,
    Visibility,
)

LISTED_DEMAND_STATUSES = frozenset({DemandStatus.PUBLISHED, DemandStatus.IN_NEGOTIATION,
                                    DemandStatus.FULFILLED, DemandStatus.CLOSED,
                                    DemandStatus.EXPIRED})
LISTED_ACHIEVEMENT_STATUSES = frozenset({AchievementStatus.PUBLISHED,
                                         AchievementStatus.TRANSFERRED})


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == Role.ADMIN


def owns(user: User | None, organisation_id: int) -> bool:
    return user is not None and user.organisation_id is not None \
        and user.organisation_id == organisation_id


def _assigned_to(user: User) -> Select[int]:
    return select(DemandBroker.demand_id).where(DemandBroker.broker_id == user.id)


def demand_visibility_clause(user: User | None) -> ColumnElement[bool]:
    """The demands `user` (None: a visitor who is not logged in) may see.

    `user` is the user as loaded by the auth dependency (`accounts.service.load_user`),
    with its broker profile loaded.
    """
    if is_admin(user):
        return true()
    audiences: list[ColumnElement[bool]] = [Demand.visibility == Visibility.PUBLIC]
    if user is not None and is_verified_broker(user):
        audiences.append(Demand.visibility == Visibility.BROKERS)
        audiences.append(Demand.id.in_(_assigned_to(user)))
    listed = and_(Demand.status.in_(LISTED_DEMAND_STATUSES), Demand.hidden.is_(False),
                  or_(*audiences))
    if user is not None and user.organisation_id is not None:
        return or_(Demand.organisation_id == user.organisation_id, listed)
    return listed


def achievement_visibility_clause(user: User | None) -> ColumnElement[bool]:
    """The achievements `user` (None: a visitor who is not logged in) may see."""
    if is_admin(user):
        return true()
    listed = and_(Achievement.status.in_(LISTED_ACHIEVEMENT_STATUSES),
                  Achievement.hidden.is_(False))
    if user is not None and user.organisation_id is not None:
        return or_(Achievement.organisation_id == user.organisation_id, listed)
    return listed


def visible_demands(user: User | None) -> Select[Demand]:
    return select(Demand).where(demand_visibility_clause(user))


def visible_achievements(user: User | None) -> Select[Achievement]:
    return select(Achievement).where(achievement_visibility_clause(user))


def visible_demand_ids(session: Session, user: User | None, ids: Collection[int]) -> set[int]:
    """The subset of `ids` that `user` may see (a detail, the matcher's candidates)."""
    if not ids:
        return set()
    found = session.execute(select(Demand.id).where(
        Demand.id.in_(list(ids)), demand_visibility_clause(user))).scalars()
    return set(found)


def visible_achievement_ids(session: Session, user: User | None, ids: Collection[int]
                            ) -> set[int]:
    if not ids:
        return set()
    found = session.execute(select(Achievement.id).where(
        Achievement.id.in_(list(ids)), achievement_visibility_clause(user))).scalars()
    return set(found)


def is_assigned(user: User | None, broker_ids: Collection[int]) -> bool:
    """Whether `user` is among a demand's assigned brokers (counted only when verified)."""
    return user is not None and user.id in broker_ids and is_verified_broker(user)


def shows_demand_owner(user: User | None, anonymous: bool, organisation_id: int,
                       assigned: bool) -> bool:
    """Whether `user` may see who posted a demand (false only for anonymous demands)."""
    return not anonymous or is_admin(user) or owns(user, organisation_id) or assigned


def shows_contacts(user: User | None, organisation_id: int) -> bool:
    """Whether `user` may see a listing's contacts unmasked."""
    return (is_admin(user) or owns(user, organisation_id)
            or (user is not None and is_verified_broker(user)))
