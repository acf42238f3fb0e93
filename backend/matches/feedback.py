"""Users mark a match useful or not: one verdict per user and pair, replaced when given again,
exported (CSV) for evaluating the matcher."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from backend.accounts.models import User
from backend.core.errors import NotFound
from backend.core.tabular import Table, to_csv
from backend.core.types import utcnow
from backend.listings import visibility
from backend.listings.models import Achievement, Demand
from backend.matches import schemas
from backend.matches.models import MatchFeedback

NO_DEMAND = "未找到该技术需求。No such demand."
NO_ACHIEVEMENT = "未找到该科技成果。No such achievement."
EXPORT_COLUMNS = ["id", "user_id", "username", "role", "source_kind", "demand_id", "demand_title",
                  "achievement_id", "achievement_title", "useful", "comment", "created_at",
                  "updated_at"]


def _pair(session: Session, user: User, body: schemas.FeedbackIn) -> tuple[int, int]:
    """(demand id, achievement id), both of which the user must be able to see (404)."""
    if body.source_kind == "demand":
        demand_id, achievement_id = body.source_id, body.target_id
    else:
        demand_id, achievement_id = body.target_id, body.source_id
    if not visibility.visible_demand_ids(session, user, [demand_id]):
        raise NotFound(NO_DEMAND)
    if not visibility.visible_achievement_ids(session, user, [achievement_id]):
        raise NotFound(NO_ACHIEVEMENT)
    return demand_id, achievement_id


def _out(row: MatchFeedback, created: bool = False) -> schemas.FeedbackOut:
    source_is_demand = row.source_kind == "demand"
    return schemas.FeedbackOut(
        id=row.id, source_kind="demand" if source_is_demand else "achievement",
        source_id=row.demand_id if source_is_demand else row.achievement_id,
        target_id=row.achievement_id if source_is_demand else row.demand_id,
        demand_id=row.demand_id, achievement_id=row.achievement_id, useful=row.useful,
        comment=row.comment, created_at=row.created_at, updated_at=row.updated_at,
        created=created)


def _existing(session: Session, user_id: int, demand_id: int, achievement_id: int
              ) -> MatchFeedback | None:
    return session.execute(select(MatchFeedback).where(
        MatchFeedback.user_id == user_id, MatchFeedback.demand_id == demand_id,
        MatchFeedback.achievement_id == achievement_id).with_for_update()).scalar_one_or_none()


def _apply(row: MatchFeedback, body: schemas.FeedbackIn, now: datetime) -> None:
    row.source_kind = body.source_kind
    row.useful = body.useful
    row.comment = body.comment or None
    row.updated_at = now


def give_feedback(session: Session, user: User, body: schemas.FeedbackIn) -> schemas.FeedbackOut:
    """Record (or replace) the user's verdict on a pair they can see both sides of."""
    demand_id, achievement_id = _pair(session, user, body)
    now = utcnow()
    row = _existing(session, user.id, demand_id, achievement_id)
    if row is not None:
        _apply(row, body, now)
        session.flush()
        return _out(row)
    row = MatchFeedback(user_id=user.id, demand_id=demand_id, achievement_id=achievement_id,
                        created_at=now)
    _apply(row, body, now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same user's concurrent request inserted it first
        again = _existing(session, user.id, demand_id, achievement_id)
        if again is None:
            raise
        _apply(again, body, now)
        session.flush()
        return _out(again)
    return _out(row, created=True)


def my_feedback(session: Session, user: User, source_kind: schemas.ListingKind, source_id: int
                ) -> list[schemas.FeedbackOut]:
    column = MatchFeedback.demand_id if source_kind == "demand" else MatchFeedback.achievement_id
    rows = session.execute(select(MatchFeedback).where(
        MatchFeedback.user_id == user.id, column == source_id)
        .order_by(MatchFeedback.id)).scalars().all()
    return [_out(r) for r in rows]


def export_csv(session: Session) -> tuple[bytes, int]:
    """Every verdict, oldest first, as CSV (UTF-8 with BOM, for Excel)."""
    d, a = aliased(Demand), aliased(Achievement)
    rows = session.execute(
        select(MatchFeedback, User.username, User.role, d.title, a.title)
        .join(User, User.id == MatchFeedback.user_id)
        .join(d, d.id == MatchFeedback.demand_id)
        .join(a, a.id == MatchFeedback.achievement_id)
        .order_by(MatchFeedback.id)).all()
    table = Table("match_feedback", EXPORT_COLUMNS, [
        (f.id, f.user_id, username, role.value, f.source_kind, f.demand_id, demand_title,
         f.achievement_id, achievement_title, "1" if f.useful else "0", f.comment,
         f.created_at.isoformat(), f.updated_at.isoformat())
        for f, username, role, demand_title, achievement_title in rows])
    return to_csv(table), len(rows)


def verdict_counts(session: Session) -> dict[tuple[int, int], tuple[int, int]]:
    """(useful, not relevant) verdicts per (demand id, achievement id), every user's."""
    useful = func.sum(case((MatchFeedback.useful.is_(True), 1), else_=0))
    rows = session.execute(select(MatchFeedback.demand_id, MatchFeedback.achievement_id, useful,
                                  func.count()).group_by(MatchFeedback.demand_id,
                                                         MatchFeedback.achievement_id))
    return {(d, a): (int(u or 0), int(n) - int(u or 0)) for d, a, u, n in rows}


def listing_counts(session: Session, kind: schemas.ListingKind, ids: Sequence[int]
                   ) -> dict[int, tuple[int, int]]:
    """(useful, not relevant) verdicts on pairs involving each of these listings of `kind`."""
    if not ids:
        return {}
    column = MatchFeedback.demand_id if kind == "demand" else MatchFeedback.achievement_id
    useful = func.sum(case((MatchFeedback.useful.is_(True), 1), else_=0))
    rows = session.execute(select(column, useful, func.count()).where(
        column.in_(list(ids))).group_by(column))
    return {int(i): (int(u or 0), int(n) - int(u or 0)) for i, u, n in rows}
