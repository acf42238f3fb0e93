"""In-app notifications for intake, through the deals' notifications (one piece of kit).

Titles never name an organisation: a confidential request or an anonymous demand must not
reveal who is behind it to someone who has not been admitted."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.permissions import Role
from backend.deals.notifications import notify, party_user_ids


def org_members(session: Session, organisation_id: int) -> list[int]:
    return party_user_ids(session, organisation_id)


def admins(session: Session) -> list[int]:
    return list(session.execute(select(User.id).where(
        User.role == Role.ADMIN, User.is_active.is_(True)).order_by(User.id)).scalars())


def send(session: Session, user_ids: Iterable[int], kind: str, title: str, body: str = "",
         *, exclude: int | None = None) -> int:
    return notify(session, user_ids, kind, title, body, exclude=exclude)
