"""Which demands an achievement could meet, known in memory, so that the matcher leaves the
others out before it ranks and explains them.

An achievement meets a demand when it reaches the demand's minimum TRL and its price is within
the demand's top budget (when both are known). The demands index keeps those numbers as a
document's TRL and price, and its filters bound them the other way round (at least a TRL, at
most a price), so the search cannot filter on them itself. This table gives it a predicate
instead (`Filters.visible`), checked on the candidates before any ranking or explaining.

It is only a pre-check: the database check of the results (`service._fit_judge`) keeps the
final word, so an out-of-date entry can at worst hide a demand for a while, never show one
that does not fit; a demand the table does not know (new) passes to that check.

Freshness: the table is read from the database when first needed. Demands this process
re-indexes (its index tasks) are re-read on the next request. When a newer index from another
process is loaded, the whole table is re-read, at most once every `REBUILD_AFTER` seconds:
until then, a demand whose TRL requirement was lowered or budget raised elsewhere may stay
hidden from achievements it now fits for that long (a few more seconds than the index itself
takes to follow a change). One table per database, shared by the process's requests. It
also counts the indexed demands per visibility level (as of its last full read): what sizes
the demand searches.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from sqlalchemy import BigInteger, ColumnElement, Numeric, case, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from backend.listings.models import Demand, Visibility
from backend.matches.documents import indexed_clause
from backend.matches.index import IndexService

REBUILD_AFTER = 10.0  # seconds between full re-reads when other processes change the index
CHUNK = 2000
NONE = -1  # no minimum TRL / no top budget
LEVELS = tuple(Visibility)

Row = tuple[int, int, int]  # minimum TRL, top budget in fen, organisation


def fen(amount: Decimal) -> int:
    return int(amount * 100)


@dataclass(frozen=True)
class FitTable:
    stamp: int  # unique per table: rankings made with another table are not reused
    epoch: int  # the demands index (`IndexService.state`) this table follows
    generation: int
    built: float  # time.monotonic() of the full read
    ids: npt.NDArray[np.int64]  # sorted
    min_trl: npt.NDArray[np.int64]
    budget: npt.NDArray[np.int64]
    org: npt.NDArray[np.int64]
    levels: Mapping[str, int] = field(default_factory=dict)  # demands per visibility level
    patched: Mapping[int, Row | None] = field(default_factory=dict)  # re-read since

    def row(self, demand_id: int) -> Row | None:
        """The demand's minimum TRL, top budget and organisation, None when unknown here."""
        if demand_id in self.patched:
            return self.patched[demand_id]
        i = int(np.searchsorted(self.ids, demand_id))
        if i < len(self.ids) and int(self.ids[i]) == demand_id:
            return int(self.min_trl[i]), int(self.budget[i]), int(self.org[i])
        return None


@dataclass(frozen=True)
class FitCheck:
    """`Filters.visible` for the demands index: demands an achievement of TRL `trl` and price
    `price` (fen; None: negotiable) could meet, and, with `other_than`, of another
    organisation than that one (the feed). Equal by value, so rankings can be kept."""

    stamp: int
    trl: int
    price: int | None
    other_than: int | None = None
    table: FitTable | None = field(default=None, compare=False, repr=False)

    def __call__(self, listing_id: str) -> bool:
        row = self.table.row(int(listing_id)) if self.table is not None else None
        if row is None:
            return True  # the database check decides
        min_trl, budget, org = row
        if self.other_than is not None and org == self.other_than:
            return False
        if min_trl != NONE and self.trl < min_trl:
            return False
        return budget == NONE or self.price is None or self.price <= budget


def check(table: FitTable, trl: int, price: Decimal | None, other_than: int | None = None
          ) -> FitCheck:
    return FitCheck(table.stamp, trl, None if price is None else fen(price), other_than, table)


_tables: dict[str, FitTable] = {}
_lock = threading.Lock()
_stamps = itertools.count(1)


def _budget_fen(session: Session) -> ColumnElement[int]:
    """A demand's top budget in fen, -1 when none, computed by the database (no Decimals)."""
    if session.get_bind().dialect.name == "sqlite":  # `Money` keeps integer fen there
        fen_column: ColumnElement[int] = type_coerce(Demand.budget_max, BigInteger)
    else:
        fen_column = cast(type_coerce(Demand.budget_max, Numeric(18, 2)) * 100, BigInteger)
    return func.coalesce(fen_column, NONE)


def _rows(session: Session, ids: Iterable[int] | None) -> npt.NDArray[np.int64]:
    """Rows of (id, minimum TRL, top budget in fen, organisation, visibility level as its
    position in `LEVELS`) of indexed demands: all of them, or those among `ids`."""
    level = case({v: n for n, v in enumerate(LEVELS)}, value=Demand.visibility, else_=NONE)
    query = select(Demand.id, func.coalesce(Demand.min_trl, NONE), _budget_fen(session),
                   Demand.organisation_id, level).where(indexed_clause("demand"))
    if ids is None:
        rows = [tuple(row) for row in session.execute(query)]
    else:
        wanted = sorted(ids)
        rows = [tuple(row) for i in range(0, len(wanted), CHUNK) for row in session.execute(
            query.where(Demand.id.in_(wanted[i:i + CHUNK])))]
    return np.array(rows, dtype=np.int64).reshape(-1, 5)


def table(session: Session, service: IndexService) -> FitTable:
    """The process's table for this database, brought up to date with the demands index as
    this process last served it (call after the request read the demands index it searches)."""
    key = str(session.get_bind().engine.url)
    epoch, generation = service.state("demand")  # before reading: later changes re-read later
    with _lock:
        current = _tables.get(key)
    if current is not None and (current.epoch, current.generation) == (epoch, generation):
        return current
    if current is not None and current.epoch == epoch:
        changed = service.changed_since("demand", epoch, current.generation)
        if changed is not None:
            found: dict[int, Row] = {int(i): (int(t), int(b), int(o))
                                     for i, t, b, o, _ in _rows(session, changed)}
            patched = {**current.patched, **{i: found.get(i) for i in changed}}
            return _keep(key, dataclasses.replace(current, stamp=next(_stamps),
                                                  generation=generation, patched=patched))
    if current is not None and time.monotonic() - current.built < REBUILD_AFTER:
        return current  # another process's index: re-read everything a little later
    columns = _rows(session, None)
    columns = columns[np.argsort(columns[:, 0], kind="stable")]
    per_level = np.bincount(columns[:, 4][columns[:, 4] >= 0], minlength=len(LEVELS))
    return _keep(key, FitTable(next(_stamps), epoch, generation, time.monotonic(),
                               columns[:, 0].copy(), columns[:, 1].copy(),
                               columns[:, 2].copy(), columns[:, 3].copy(),
                               {v.value: int(n) for v, n in zip(LEVELS, per_level, strict=False)}))


def _keep(key: str, fresh: FitTable) -> FitTable:
    with _lock:
        _tables[key] = fresh
    return fresh


def forget() -> None:
    """Drop every table (tests: each one's database is rolled back)."""
    with _lock:
        _tables.clear()
