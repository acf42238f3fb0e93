"""Working days: Monday to Friday in China time. Public holidays and the weekend days worked in
their place (调休) are not known to the platform, so an escalation may come a day early around
them, never late."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.core.clock import CHINA_TZ


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start`: the same time of day on the `days`-th
    weekday after it (a start at the weekend counts from the following Monday, 00:00)."""
    local = start.astimezone(CHINA_TZ)
    if local.weekday() >= 5:
        local = (local + timedelta(days=7 - local.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0)
    left = days
    while left > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            left -= 1
    return local
