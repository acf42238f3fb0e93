"""The dishonesty list (严重失信名单): who may not claim rewards, and until when.

An entry lists an organisation (by credit code), a person (persons.id) or a broker account
(user id) from `listed_on` through `listed_until` inclusive; after a confirmed fraud that is
five years from the decision. The `dishonesty_list` rule reads the active entries, and a
submission it flags as barred is refused. Entries are never deleted: a wrong one is revoked,
with a reason, and both steps are in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, Person, User
from backend.audit import service as audit
from backend.core import paging
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.fetch import one_or_404
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.integrity.context import SubjectKind
from backend.integrity.models import DishonestyListing

LISTING_YEARS = 5
NOT_FOUND = "未找到该失信名单条目。No such dishonesty-list entry."

# What a broker's listing sets off beyond integrity, in the same transaction: intake drops the
# broker a grade. Intake sits above integrity, so it registers itself here as it loads
# (`backend/intake/demotion.py`); listing a broker in a process that never loaded it is an
# error, not a listing that costs nothing.
BrokerListed = Callable[[Session, audit.Actor, int, int], object]  # (broker id, entry id)
_on_broker_listed: list[BrokerListed] = []


def when_broker_listed(action: BrokerListed) -> None:
    if action not in _on_broker_listed:
        _on_broker_listed.append(action)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def listed_until(listed_on: date, years: int = LISTING_YEARS) -> date:
    """The last listed day: `years` years from the decision, the anniversary itself free."""
    return add_years(listed_on, years) - timedelta(days=1)


def is_active(entry: DishonestyListing, today: date) -> bool:
    return entry.revoked_at is None and entry.listed_on <= today <= entry.listed_until


def _snapshot(entry: DishonestyListing) -> dict[str, object]:
    return {"subject_kind": entry.subject_kind, "subject_key": entry.subject_key,
            "subject_label": entry.subject_label, "role": entry.role, "reason": entry.reason,
            "listed_on": entry.listed_on, "listed_until": entry.listed_until,
            "claim_id": entry.claim_id, "flag_id": entry.flag_id,
            "revoked_at": entry.revoked_at, "revoke_reason": entry.revoke_reason}


@dataclass(frozen=True)
class Subject:
    kind: SubjectKind
    key: str
    label: str
    role: str


def org_subject(session: Session, org_id: int, role: str) -> Subject:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("未找到该机构。No such organisation.")
    return Subject(SubjectKind.ORG, org.credit_code, org.name, role)


def person_subject(session: Session, person_id: int, role: str) -> Subject:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("未找到该自然人。No such person.")
    return Subject(SubjectKind.PERSON, str(person.id), person.name, role)


def legal_rep_subject(session: Session, org_id: int, role: str) -> Subject:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("未找到该机构。No such organisation.")
    return person_subject(session, org.legal_rep_id, role)


def broker_subjects(session: Session, user_id: int, role: str = "broker") -> list[Subject]:
    """A broker is listed both as an account and as a person, so a new account does not
    escape the listing."""
    user = session.get(User, user_id)
    if user is None or user.role != Role.BROKER:
        raise NotFound("未找到该经纪人。No such broker.")
    subjects = [Subject(SubjectKind.BROKER, str(user.id), user.display_name, role)]
    if user.person_id is not None:
        subjects.append(person_subject(session, user.person_id, role))
    return subjects


def resolve_manual(session: Session, kind: SubjectKind, key: str) -> Subject:
    """A subject named by an administrator: an organisation by credit code (it may not be
    registered here), a person or a broker by id."""
    if kind is SubjectKind.ORG:
        org = session.execute(select(Organisation).where(Organisation.credit_code == key)
                              ).scalar_one_or_none()
        return Subject(kind, key, org.name if org else key, "manual")
    if not key.isdigit():
        raise InvalidInput("subject_key", "请填写编号（数字）。Give the numeric id.")
    if kind is SubjectKind.PERSON:
        return person_subject(session, int(key), "manual")
    return broker_subjects(session, int(key), "manual")[0]


def list_subject(session: Session, actor: audit.Actor, subject: Subject, *, reason: str,
                 listed_on: date, years: int = LISTING_YEARS, claim_id: int | None = None,
                 flag_id: int | None = None) -> DishonestyListing:
    entry = DishonestyListing(
        subject_kind=subject.kind, subject_key=subject.key, subject_label=subject.label,
        role=subject.role, reason=reason, listed_on=listed_on,
        listed_until=listed_until(listed_on, years), claim_id=claim_id, flag_id=flag_id,
        decided_by_id=actor.user_id)
    session.add(entry)
    session.flush()
    audit.record(session, actor, "dishonesty.list", "dishonesty_listing", entry.id,
                 after=_snapshot(entry))
    if subject.kind is SubjectKind.BROKER:  # an upheld finding costs the broker a grade
        if not _on_broker_listed:
            raise RuntimeError("Nothing demotes a listed broker: import "
                               "backend.intake.demotion at start-up.")
        for action in _on_broker_listed:
            action(session, actor, int(subject.key), entry.id)
    return entry


def revoke(session: Session, actor: audit.Actor, listing_id: int, reason: str
           ) -> DishonestyListing:
    entry = one_or_404(session, select(DishonestyListing).where(DishonestyListing.id == listing_id)
                       .with_for_update().execution_options(populate_existing=True), NOT_FOUND)
    if entry.revoked_at is not None:
        raise Conflict("该条目已撤销。This entry has already been revoked.")
    before = _snapshot(entry)
    entry.revoked_at = utcnow()
    entry.revoked_by_id = actor.user_id
    entry.revoke_reason = reason
    session.flush()
    audit.record(session, actor, "dishonesty.revoke", "dishonesty_listing", entry.id,
                 before=before, after=_snapshot(entry))
    return entry


def listing_query(*, active_on: date | None = None, kind: SubjectKind | None = None,
                  key: str | None = None, search: str | None = None
                  ) -> Select[DishonestyListing]:
    query = select(DishonestyListing)
    if active_on is not None:
        query = query.where(DishonestyListing.revoked_at.is_(None),
                            DishonestyListing.listed_on <= active_on,
                            DishonestyListing.listed_until >= active_on)
    if kind is not None:
        query = query.where(DishonestyListing.subject_kind == kind)
    if key:
        query = query.where(DishonestyListing.subject_key == key)
    if search:
        like = f"%{search}%"
        query = query.where(or_(DishonestyListing.subject_label.like(like),
                                DishonestyListing.subject_key.like(like)))
    return query


def list_entries(session: Session, query: Select[DishonestyListing], page: int,
                 page_size: int) -> tuple[Sequence[DishonestyListing], int]:
    return paging.page_of(session, query.order_by(DishonestyListing.id.desc()), page, page_size)


def get_entry(session: Session, listing_id: int) -> DishonestyListing:
    entry = session.get(DishonestyListing, listing_id)
    if entry is None:
        raise NotFound(NOT_FOUND)
    return entry
