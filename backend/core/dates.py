"""The one rule for dates people give the platform, and the one period (`since`..`until`).

Nothing the platform records happened before its epoch, 2000-01-01, and nothing that
happened is in the future: a contract's signing, its registration and a payment lie between
the epoch and today (Beijing time) — `PastDate`. A search may look a year ahead (a policy
planned, a listing still in force) — `SearchDate`. Without the bound a date such as 0001-01-01
or 9999-12-31 passes the schema and then overflows when it becomes an instant (year 1 has no
UTC midnight before it; 9999-12-31 has no next day), deep in the database layer.

A period is whole days in Beijing time, both ends inclusive, turned into the instants
[start, end) that the queries compare timestamps with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import AfterValidator

from backend.core import clock
from backend.core.errors import InvalidInput

EPOCH = date(2000, 1, 1)
SEARCH_MARGIN = timedelta(days=366)


def _between(value: date, latest: date, latest_zh: str, latest_en: str) -> date:
    if not EPOCH <= value <= latest:
        raise ValueError(f"日期须在{EPOCH.isoformat()}至{latest_zh}之间。The date must be between "
                         f"{EPOCH.isoformat()} and {latest_en}.")
    return value


def past(value: date) -> date:
    """A date something happened: the epoch to today."""
    today = clock.today()
    return _between(value, today, f"今天（{today.isoformat()}）", f"today ({today.isoformat()})")


def searchable(value: date) -> date:
    """A bound of a search: the epoch to a year from today."""
    latest = clock.today() + SEARCH_MARGIN
    return _between(value, latest, latest.isoformat(), latest.isoformat())


PastDate = Annotated[date, AfterValidator(past)]
SearchDate = Annotated[date, AfterValidator(searchable)]


@dataclass(frozen=True)
class Period:
    """Whole days `since`..`until`, Beijing time, both inclusive; None: unbounded."""

    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                try:
                    searchable(value)
                except ValueError as exc:
                    raise InvalidInput(name, str(exc)) from exc
        if self.since is not None and self.until is not None and self.since > self.until:
            raise InvalidInput("until", "结束日期不能早于开始日期。The end date is before the start "
                                        "date.")

    @property
    def start(self) -> datetime | None:
        """The first instant of `since`."""
        return None if self.since is None else datetime.combine(self.since, time(), clock.CHINA_TZ)

    @property
    def end(self) -> datetime | None:
        """The first instant after `until`."""
        return None if self.until is None else datetime.combine(
            self.until + timedelta(days=1), time(), clock.CHINA_TZ)
