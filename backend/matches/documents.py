"""Listings as the matcher sees them: which listings are indexed, and their `Document`s.

Indexed: demands that are published or in negotiation, achievements that are published,
and in both cases not hidden by an administrator. Everything else (drafts, withdrawn,
closed, expired, fulfilled, transferred, hidden) is kept out of the index, so a match
is always a listing that can still become a deal. Who may see an indexed listing is
decided per request (`backend.listings.visibility`), never by the index alone.

The text is the title, the body (description / abstract), the keywords and, for
achievements, the titles of their patents and other IP.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandStatus,
    Field,
    IpItem,
    Visibility,
    mask_to_modes,
)
from backend.matches import explain
from matching import Document

Kind = Literal["demand", "achievement"]
KINDS: tuple[Kind, ...] = ("demand", "achievement")
CORPUS: dict[Kind, str] = {"demand": "demands", "achievement": "achievements"}

INDEXED_DEMAND_STATUSES = frozenset({DemandStatus.PUBLISHED, DemandStatus.IN_NEGOTIATION})
INDEXED_ACHIEVEMENT_STATUSES = frozenset({AchievementStatus.PUBLISHED})
CHUNK = 2000


def check_kind(kind: str) -> Kind:
    if kind == "demand":
        return "demand"
    if kind == "achievement":
        return "achievement"
    raise ValueError(f"unknown listing kind {kind!r}; expected 'demand' or 'achievement'")


def indexed_clause(kind: Kind) -> ColumnElement[bool]:
    if kind == "demand":
        return and_(Demand.status.in_(INDEXED_DEMAND_STATUSES), Demand.hidden.is_(False))
    return and_(Achievement.status.in_(INDEXED_ACHIEVEMENT_STATUSES),
                Achievement.hidden.is_(False))


def is_indexed(listing: Demand | Achievement) -> bool:
    if isinstance(listing, Demand):
        return listing.status in INDEXED_DEMAND_STATUSES and not listing.hidden
    return listing.status in INDEXED_ACHIEVEMENT_STATUSES and not listing.hidden


def _text(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def demand_text(d: Demand) -> str:
    return _text(d.title, d.description, " ".join(k for k in d.keywords.split(",") if k))


def achievement_text(a: Achievement, ip_titles: Sequence[str] = ()) -> str:
    return _text(a.title, a.abstract, " ".join(k for k in a.keywords.split(",") if k),
                 " ".join(ip_titles))


def demand_document(d: Demand, field_code: str) -> Document:
    """A demand's TRL is the lowest it accepts, its price the top of its budget."""
    return Document(id=str(d.id), text=demand_text(d), field=field_code, region=d.region,
                    modes=frozenset(mask_to_modes(d.modes_mask)), trl=d.min_trl,
                    price=d.budget_max, status=d.status.value, visibility=d.visibility.value)


def achievement_document(a: Achievement, field_code: str, ip_titles: Sequence[str] = ()
                         ) -> Document:
    """An achievement's TRL is the one a proof-of-concept panel found, where there is one
    (the TRL filters of the match lists use it, as the achievement list's do)."""
    trl = a.reviewed_trl if a.reviewed_trl is not None else a.trl
    return Document(id=str(a.id), text=achievement_text(a, ip_titles), field=field_code,
                    region=a.region, modes=frozenset(mask_to_modes(a.modes_mask)), trl=trl,
                    price=a.price, status=a.status.value, visibility=Visibility.PUBLIC.value,
                    poc_passed=a.poc_passed_on is not None)


def _ip_titles(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    titles: dict[int, list[str]] = {}
    if ids:
        for achievement_id, title in session.execute(
                select(IpItem.achievement_id, IpItem.title)
                .where(IpItem.achievement_id.in_(list(ids))).order_by(IpItem.id)):
            titles.setdefault(achievement_id, []).append(title)
    return titles


def _demand_documents(session: Session, where: ColumnElement[bool]) -> list[Document]:
    rows = session.execute(select(Demand, Field.code).join(Field, Field.id == Demand.field_id)
                           .where(where).order_by(Demand.id)).all()
    return [demand_document(d, code) for d, code in rows]


def _achievement_documents(session: Session, where: ColumnElement[bool]) -> list[Document]:
    rows = session.execute(select(Achievement, Field.code)
                           .join(Field, Field.id == Achievement.field_id)
                           .where(where).order_by(Achievement.id)).all()
    titles = _ip_titles(session, [a.id for a, _ in rows])
    return [achievement_document(a, code, titles.get(a.id, ())) for a, code in rows]


def documents(session: Session, kind: Kind, ids: Sequence[int], *, indexed: bool = True
              ) -> dict[int, Document]:
    """The documents of those of `ids` that are indexed (absent ids: remove from the index);
    with `indexed` false, of every one that exists (the re-ranker learns from listings that
    have since left the index)."""
    out: dict[int, Document] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        if kind == "demand":
            where = Demand.id.in_(chunk)
            docs = _demand_documents(session, and_(where, indexed_clause(kind)) if indexed
                                     else where)
        else:
            where = Achievement.id.in_(chunk)
            docs = _achievement_documents(session, and_(where, indexed_clause(kind)) if indexed
                                          else where)
        out.update((int(doc.id), doc) for doc in docs)
    return out


def iter_documents(session: Session, kind: Kind, chunk: int = CHUNK) -> Iterator[list[Document]]:
    """Every indexed listing of `kind`, in id order, `chunk` at a time (keyset paging)."""
    model = Demand if kind == "demand" else Achievement
    last = 0
    while True:
        where = and_(model.id > last, indexed_clause(kind))
        ids = list(session.execute(select(model.id).where(where).order_by(model.id)
                                   .limit(chunk)).scalars())
        if not ids:
            return
        found = documents(session, kind, ids)
        yield [found[i] for i in ids if i in found]
        last = ids[-1]


def count(session: Session, kind: Kind) -> int:
    """How many listings of `kind` are indexed (what a full build will read)."""
    model = Demand if kind == "demand" else Achievement
    return int(session.execute(select(func.count()).select_from(model)
                               .where(indexed_clause(kind))).scalar_one())


def indexed_ids(session: Session, kind: Kind) -> set[int]:
    model = Demand if kind == "demand" else Achievement
    return set(session.execute(select(model.id).where(indexed_clause(kind))).scalars())


def changed_since(session: Session, kind: Kind, since: datetime) -> list[int]:
    """Ids of listings of `kind` (indexed or not) changed at or after `since`."""
    model = Demand if kind == "demand" else Achievement
    return list(session.execute(select(model.id).where(model.updated_at >= since)
                                .order_by(model.id)).scalars())


def explained_sides(session: Session, kind: Kind, ids: Sequence[int]) -> list[explain.Side]:
    """The words a match list explains these listings by (`explain.Side`: title, body and
    keywords, as their owners and the lists show them)."""
    model = Demand if kind == "demand" else Achievement
    body = Demand.description if kind == "demand" else Achievement.abstract
    out: list[explain.Side] = []
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        out += [explain.side(title, text, keywords) for title, text, keywords in session.execute(
            select(model.title, body, model.keywords).where(model.id.in_(chunk))
            .order_by(model.id))]
    return out
