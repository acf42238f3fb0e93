"""One way to cut a list into pages: page `page` (from 1) of `page_size` rows, and the total.

Every list endpoint answers a `Page` (core/schemas.py) and reads its `page`/`page_size` query
through the parameter types in core/deps.py; the services cut their queries here, so there is
one offset rule and one count. No FastAPI: services call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])
Ts = TypeVarTuple("Ts")

MAX_PAGE = 100_000  # deep enough for every list; far deeper offsets only cost the database


def offset(page: int, page_size: int) -> int:
    return (max(page, 1) - 1) * page_size


def window(query: Q, page: int, page_size: int) -> Q:
    """`query` (already ordered) cut to one page."""
    return query.offset(offset(page, page_size)).limit(page_size)


def count(session: Session, query: Select[*tuple[Any, ...]]) -> int:
    """The number of rows `query` selects, on all pages."""
    return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def page_of(session: Session, query: Select[T], page: int, page_size: int
            ) -> tuple[Sequence[T], int]:
    """One page of the entities `query` selects (order it first), and their total."""
    total = count(session, query)
    return session.execute(window(query, page, page_size)).scalars().all(), total


def rows_page(session: Session, query: Select[*Ts], page: int, page_size: int
              ) -> tuple[Sequence[Row[*Ts]], int]:
    """One page of the rows (tuples) `query` selects (order it first), and their total."""
    total = count(session, query)
    return session.execute(window(query, page, page_size)).all(), total


def ids_page(session: Session, query: Select[Any], order_by: Sequence[Any], page: int,
             page_size: int) -> tuple[list[int], int]:
    """The ids on one page of `query` (a select of one entity with an `id`) and the total.

    The total rides on the page's own query as a window count (one round trip instead of
    two); only a page past the end, which has no row to carry it, counts separately."""
    total_column = func.count().over().label("_total")
    entity = query.column_descriptions[0]["entity"]
    rows = session.execute(window(query.with_only_columns(entity.id, total_column)
                                  .order_by(*order_by), page, page_size)).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][1])
    if page == 1:
        return [], 0
    return [], count(session, query)


def slice_page(items: Sequence[T], page: int, page_size: int) -> tuple[list[T], int]:
    """One page of a list already in memory (already sorted), and its length."""
    start = offset(page, page_size)
    return list(items[start:start + page_size]), len(items)
