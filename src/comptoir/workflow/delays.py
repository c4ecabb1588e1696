"""When an automation is due (pure): N business days after an instant on a calendar, or
N plain days when the organisation has no calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


class BusinessDays(Protocol):
    def add_business_days(self, start: datetime, days: int) -> datetime: ...


@dataclass(frozen=True)
class Delays:
    first_reminder: int = 2
    second_reminder: int = 4
    resolve_after: int = 7
    close_after: int = 5


def after(since: datetime, days: int, calendar: BusinessDays | None) -> datetime:
    if calendar is None:
        return since + timedelta(days=days)
    return calendar.add_business_days(since, days)


def reminder_due(
    since: datetime, sent: int, delays: Delays, calendar: BusinessDays | None, now: datetime
) -> bool:
    """The next reminder (first, then second) is due."""
    steps = [d for d in (delays.first_reminder, delays.second_reminder) if d]
    if sent >= len(steps):
        return False
    return after(since, steps[sent], calendar) <= now


def resolve_due(since: datetime, delays: Delays, calendar: BusinessDays | None, now: datetime) -> bool:
    return bool(delays.resolve_after) and after(since, delays.resolve_after, calendar) <= now


def close_due(since: datetime, delays: Delays, calendar: BusinessDays | None, now: datetime) -> bool:
    return bool(delays.close_after) and after(since, delays.close_after, calendar) <= now
