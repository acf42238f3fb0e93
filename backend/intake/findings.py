"""Upheld integrity findings against brokers, read from the dishonesty list (integrity's
service): every confirmed fraud lists the claim's broker by account, and so does an
administrator listing a broker by hand. A revoked entry is no finding."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from backend.integrity import dishonesty
from backend.integrity.context import SubjectKind
from backend.integrity.models import DishonestyListing


def upheld(session: Session, broker_ids: Iterable[int] | None = None) -> dict[int, list[date]]:
    """The dates each broker was listed on, for entries not revoked (expired ones count)."""
    query = dishonesty.listing_query(kind=SubjectKind.BROKER)
    if broker_ids is not None:
        keys = [str(i) for i in dict.fromkeys(broker_ids)]
        if not keys:
            return {}
        query = query.where(DishonestyListing.subject_key.in_(keys))
    found: dict[int, list[date]] = {}
    for entry in session.execute(query.where(
            DishonestyListing.revoked_at.is_(None))).scalars():
        if entry.subject_key.isdigit():
            found.setdefault(int(entry.subject_key), []).append(entry.listed_on)
    return {k: sorted(v) for k, v in found.items()}


def listed_now(session: Session, today: date, broker_ids: Iterable[int] | None = None
               ) -> set[int]:
    """Brokers on the dishonesty list today: hidden from the directory, offered no work."""
    query = dishonesty.listing_query(active_on=today, kind=SubjectKind.BROKER)
    if broker_ids is not None:
        keys = [str(i) for i in dict.fromkeys(broker_ids)]
        if not keys:
            return set()
        query = query.where(DishonestyListing.subject_key.in_(keys))
    return {int(e.subject_key) for e in session.execute(query).scalars()
            if e.subject_key.isdigit()}
