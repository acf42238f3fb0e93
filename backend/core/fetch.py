"""Fetch one row or answer 404: the caller's view of the table decides whether it exists."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from backend.core.errors import NotFound

T = TypeVar("T")


def one_or_404(session: Session, statement: Select[T], message: str) -> T:
    """The single row `statement` selects, or `NotFound(message)`.

    Build `statement` from the caller's visible query, so a row the caller may not see is
    reported exactly like one that does not exist.
    """
    found = session.execute(statement).scalar_one_or_none()
    if found is None:
        raise NotFound(message)
    return found
