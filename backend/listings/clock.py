"""The market's calendar: deadlines are dates in China Standard Time (UTC+8, no daylight saving)."""

from __future__ import annotations

from datetime import date, timedelta, timezone

from backend.core.types import utcnow

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def shanghai_today() -> date:
    return utcnow().astimezone(SHANGHAI).date()
