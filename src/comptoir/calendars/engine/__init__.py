"""The business-time engine: pure arithmetic over calendars, no Django.

One idea per module: ``hours`` (a day's local intervals), ``public_holidays`` (the holidays
library, validated and cached), ``spec`` (the JSON spec format), ``day_rules`` (which hours
apply on a date), ``utc_offsets`` (DST changes located exactly), ``open_chunk`` (open UTC
intervals of 28 days with prefix sums), ``timeline`` (arithmetic in microseconds),
``business_calendar`` (the public API on datetimes).
"""

from comptoir.calendars.engine.business_calendar import BusinessCalendar
from comptoir.calendars.engine.errors import (
    CalendarError,
    CalendarSpecError,
    HorizonExceededError,
    NaiveDatetimeError,
    NeverOpenError,
)
from comptoir.calendars.engine.spec import DAY_NAMES, CalendarSpec, SpecDict

__all__ = [
    "DAY_NAMES",
    "BusinessCalendar",
    "CalendarError",
    "CalendarSpec",
    "CalendarSpecError",
    "HorizonExceededError",
    "NaiveDatetimeError",
    "NeverOpenError",
    "SpecDict",
]
