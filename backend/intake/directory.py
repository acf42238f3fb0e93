"""The public broker directory: verified, active brokers who are not on the dishonesty list,
with what they say about themselves and the record the platform computes (`record.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import gates
from backend.accounts.models import BrokerLevel, BrokerProfile, Organisation, User
from backend.accounts.models import VerificationStatus as Verified
from backend.audit import service as audit
from backend.core import clock, paging
from backend.core.errors import NotFound, PermissionDenied
from backend.core.types import utcnow
from backend.intake import findings, record
from backend.intake.models import DirectoryProfile
from backend.intake.record import Evidence, Record
from backend.intake.schemas import DirectoryProfileIn

NOT_FOUND = "未找到该经纪人。No such broker."


@dataclass(frozen=True)
class Entry:
    broker_id: int
    display_name: str
    agency_name: str | None
    level: BrokerLevel
    fields: list[str]
    region: str
    languages: list[str]
    bio: str
    record: Record
    evidence: list[Evidence]


@dataclass(frozen=True)
class Filters:
    q: str | None = None
    field: str | None = None
    region: str | None = None
    level: BrokerLevel | None = None
    language: str | None = None


def _rows(session: Session, broker_ids: list[int] | None = None) -> list[Any]:
    query = (select(User.id, User.display_name, BrokerProfile.level, BrokerProfile.fields,
                    Organisation.name, Organisation.region, DirectoryProfile.region,
                    DirectoryProfile.languages, DirectoryProfile.bio)
             .join(BrokerProfile, BrokerProfile.user_id == User.id)
             .outerjoin(Organisation, Organisation.id == BrokerProfile.agency_id)
             .outerjoin(DirectoryProfile, DirectoryProfile.user_id == User.id)
             .where(User.is_active.is_(True),
                    BrokerProfile.verification_status == Verified.VERIFIED)
             .order_by(User.id))
    if broker_ids is not None:
        query = query.where(User.id.in_(broker_ids))
    return list(session.execute(query).all())


def _entries(session: Session, today: date, broker_ids: list[int] | None = None) -> list[Entry]:
    rows = _rows(session, broker_ids)
    ids = [int(r[0]) for r in rows]
    barred = findings.listed_now(session, today, ids)
    grouped = record.by_broker(record.confirmed_evidence(session, ids))
    upheld = findings.upheld(session, ids)
    found = []
    for user_id, name, level, fields, agency, agency_region, region, languages, bio in rows:
        if user_id in barred:
            continue
        evidence = grouped.get(user_id, [])
        found.append(Entry(
            broker_id=user_id, display_name=name, agency_name=agency, level=BrokerLevel(level),
            fields=list(fields or []), region=region or agency_region or "",
            languages=list(languages or []), bio=bio or "",
            record=record.compute(evidence, len(upheld.get(user_id, []))), evidence=evidence))
    return found


def _keep(entry: Entry, f: Filters) -> bool:
    if f.q and f.q.strip().lower() not in entry.display_name.lower() \
            and f.q.strip().lower() not in (entry.agency_name or "").lower():
        return False
    if f.field and f.field.strip().lower() not in {x.strip().lower() for x in entry.fields}:
        return False
    if f.region and not entry.region.startswith(f.region.strip()):
        return False
    if f.level is not None and entry.level != f.level:
        return False
    return not (f.language and f.language.strip().lower()
                not in {x.lower() for x in entry.languages})


def directory(session: Session, f: Filters, page: int, page_size: int) -> tuple[list[Entry], int]:
    """Listed brokers matching `f`: higher grade first, then more registered deals."""
    kept = [e for e in _entries(session, clock.today()) if _keep(e, f)]
    kept.sort(key=lambda e: (-gates.rank(e.level), -e.record.deals_registered,
                             -e.record.confirmed_value, e.broker_id))
    return paging.slice_page(kept, page, page_size)


def entry(session: Session, broker_id: int) -> Entry:
    found = _entries(session, clock.today(), [broker_id])
    if not found:
        raise NotFound(NOT_FOUND)
    return found[0]


def own_profile(session: Session, user: User) -> DirectoryProfile:
    if user.broker is None:
        raise PermissionDenied("只有技术经纪人有名录资料。Only brokers have a directory profile.")
    row = session.get(DirectoryProfile, user.id)
    return row or DirectoryProfile(user_id=user.id, region="", languages=[], bio="",
                                   updated_at=utcnow())


def update_profile(session: Session, actor: audit.Actor, user: User, data: DirectoryProfileIn
                   ) -> DirectoryProfile:
    if user.broker is None:
        raise PermissionDenied("只有技术经纪人有名录资料。Only brokers have a directory profile.")
    row = session.get(DirectoryProfile, user.id)
    before = None if row is None else {"region": row.region, "languages": row.languages,
                                       "bio": row.bio}
    if row is None:
        row = DirectoryProfile(user_id=user.id)
        session.add(row)
    row.region, row.bio = data.region, data.bio
    row.languages = list(dict.fromkeys(data.languages))
    row.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "broker.directory_profile", "broker", user.id, before=before,
                 after={"region": row.region, "languages": row.languages, "bio": row.bio})
    return row
