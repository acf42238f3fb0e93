"""Generation counters: a number that moves with every committed change to a set of tables.

A process that derives something costly from those tables (the listing cards, say) keeps it
until the number moves; every process reads the number from the database, so API workers
that never saw the change still notice it. The counter is bumped inside the transaction that
made the change, as its last statement: it commits with the change or not at all, and a reader
that reads the counter before the rows it derives never sees rows older than the counter.

Changes are noticed on the ORM's flushes (`watch` names the mapped classes, and for a class
only some of whose columns matter, those columns). The services write the watched tables
through the ORM; a bulk `update()` on them says so with `moved`.

A unit of work reads all the counters at once, the first time it asks for one, and keeps them
until it ends: the counters it reads later are then never newer than the rows it read in
between, which is the safe direction (what it keeps is dropped a change sooner).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, String, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, SessionTransaction, UOWTransaction, mapped_column

from backend.db import Base

_CHANGED = "generations.changed"  # session.info key: the counters this unit of work moves
_READ = "generations.read"  # session.info key: the counters as this unit of work read them


class Generation(Base):
    __tablename__ = "cache_generations"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


# class → [(counter name, the columns that matter, or None for all)]
_watched: dict[type, list[tuple[str, frozenset[str] | None]]] = {}


def watch(name: str, *classes: type | tuple[type, Iterable[str]]) -> None:
    """Move counter `name` whenever a row of these classes is added, deleted or changed (for a
    `(class, columns)` pair: a row deleted, or changed in one of those columns; a new row
    counts only through the columns of the rows that refer to it)."""
    for item in classes:
        cls, columns = item if isinstance(item, tuple) else (item, None)
        _watched.setdefault(cls, []).append((name, None if columns is None else frozenset(columns)))


def moved(session: Session, name: str) -> None:
    """Move counter `name` when this unit of work commits: for changes the ORM does not see
    row by row, such as a bulk `update()`."""
    session.info.setdefault(_CHANGED, set()).add(name)


_ALL = select(Generation.name, Generation.value)  # built once


def current(session: Session, name: str) -> int | None:
    """The counter's value as this unit of work sees it (None when the database has no such
    counter). Pending changes are flushed first, so `changed_here` is up to date after it."""
    read: dict[str, int] | None = session.info.get(_READ)
    if read is None:
        read = session.info[_READ] = {n: v for n, v in session.execute(_ALL)}
    else:
        session.flush()
    return read.get(name)


def changed_here(session: Session, name: str) -> bool:
    """Whether this unit of work has flushed a change that moves counter `name`. What it then
    reads is not committed yet, and must not be kept for other units of work."""
    return name in session.info.get(_CHANGED, ())


K = TypeVar("K")
V = TypeVar("V")


class Kept(Generic[K, V]):
    """What one process keeps for one database at one value of counter `name`.

    The entry (database, value, dictionary) is replaced whole when either moves on, so a reader
    in another thread that still holds the old one only fills a dictionary nobody else reads.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._entry: tuple[str, int, dict[K, V]] | None = None

    def clear(self) -> None:
        self._entry = None

    def items(self, session: Session) -> dict[K, V] | None:
        """The dictionary this unit of work reads and fills, or None when it must keep nothing:
        it changed the counter's tables itself, or it read an older value than the entry's."""
        generation = current(session, self.name)
        if generation is None or changed_here(session, self.name):
            return None
        url = str(session.get_bind().engine.url)
        with self._lock:
            entry = self._entry
            if entry is None or entry[0] != url or entry[1] < generation:
                entry = self._entry = (url, generation, {})
        if entry[0] != url or entry[1] != generation:  # this reader is behind
            return None
        return entry[2]

    def add(self, items: dict[K, V], new: Iterable[tuple[K, V]], capacity: int) -> None:
        """Keep `new` in `items` (from `items()`), dropping the oldest past `capacity`."""
        with self._lock:
            items.update(new)
            for key in list(islice(items, max(0, len(items) - capacity))):
                del items[key]


def _moves(obj: Any, session: Session) -> Iterator[str]:
    for name, columns in _watched.get(type(obj), ()):
        if columns is None or obj in session.deleted:
            yield name
        elif obj not in session.new:
            state = inspect(obj)
            if any(state.attrs[c].history.has_changes() for c in columns):
                yield name


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _flush: UOWTransaction) -> None:
    if not _watched:
        return
    names = {n for obj in chain(session.new, session.dirty, session.deleted)
             for n in _moves(obj, session)}
    if names:
        session.info.setdefault(_CHANGED, set()).update(names)


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    session.flush()
    names = session.info.pop(_CHANGED, None)
    for name in sorted(names or ()):
        session.execute(update(Generation).where(Generation.name == name)
                        .values(value=Generation.value + 1)
                        .execution_options(synchronize_session=False))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_read(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_READ, None)
