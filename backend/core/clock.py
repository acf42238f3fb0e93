"""Dates as the people using the platform see them: China Standard Time (UTC+8, no DST)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from backend.core.types import utcnow

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def today() -> date:
    """Today's date in Beijing time — what "not in the future" means for contract dates."""
    return utcnow().astimezone(CHINA_TZ).date()


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) of a calendar year in Beijing time, as aware datetimes."""
    return (datetime(year, 1, 1, tzinfo=CHINA_TZ), datetime(year + 1, 1, 1, tzinfo=CHINA_TZ))
