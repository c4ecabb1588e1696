"""The times of the periodic review (pure: no Django).

- When a review is due: at a local time, on some days of the week, in a time zone; from
  that time and for ``CATCH_UP`` after it (a consumer stopped at 8:30 that starts again at
  9:10 still sends the 8:30 review), never past the end of that local day. The caller
  records each sending per local date, so it goes once.
- The windows the review looks at, on a business calendar when there is one: "due soon"
  ends N business hours from now; "no activity" began at the same local time N business
  days ago (Tuesday 8:30, 2 business days: Friday 8:30). Without a calendar, plain hours
  and days.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

CATCH_UP = timedelta(hours=3)
# A calendar open on no day at all would loop for ever: look back ten years at most.
_LOOK_BACK_DAYS = 3660
_ONE_DAY = timedelta(days=1)


class Calendar(Protocol):
    @property
    def zone(self) -> ZoneInfo: ...

    def add(self, start: datetime, duration: timedelta) -> datetime: ...

    def is_business_day(self, day: date) -> bool: ...


def due_date(
    at: datetime,
    *,
    zone: ZoneInfo,
    send_at: time,
    weekdays: Collection[int],
    catch_up: timedelta = CATCH_UP,
) -> date | None:
    """The local date whose review is due at ``at`` (weekdays: Monday is 0), or None."""
    local = at.astimezone(zone)
    if local.weekday() not in weekdays:
        return None
    scheduled = datetime.combine(local.date(), send_at, tzinfo=zone)
    if scheduled <= at < scheduled + catch_up:
        return local.date()
    return None


def due_soon_limit(at: datetime, hours: int, calendar: Calendar | None) -> datetime:
    """The end of the "due soon" window: ``hours`` business hours after ``at``."""
    if calendar is None:
        return at + timedelta(hours=hours)
    return calendar.add(at, timedelta(hours=hours))


def idle_since(at: datetime, days: int, calendar: Calendar | None) -> datetime:
    """The same local time ``days`` business days before ``at``: a request unchanged since
    then has had no activity for that many business days."""
    if calendar is None:
        return at - timedelta(days=days)
    local = at.astimezone(calendar.zone)
    day = local.date()
    counted = 0
    for _ in range(_LOOK_BACK_DAYS):
        if counted >= days:
            break
        day -= _ONE_DAY
        if calendar.is_business_day(day):
            counted += 1
    return datetime.combine(day, local.time(), tzinfo=calendar.zone)
