"""Counting the SQL a piece of code sends: the tests that prove a query was saved."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def captured(db: Session) -> Iterator[list[str]]:
    """The statements sent on `db`'s connection (which the app's units of work share in the
    tests) inside the block, lower-cased."""
    seen: list[str] = []
    connection = db.connection()

    def note(*args: object) -> None:
        seen.append(str(args[2]).lower())

    event.listen(connection, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", note)
