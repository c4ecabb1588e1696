"""Calendars: business hours, public holidays and business-time arithmetic.

The app owns the calendars SLA clocks are counted in (procedure 000: 9:30-17:00 Mon-Fri, a
ticket sent outside them counts from the next opening; procedure 003: priorities in
business hours; procedure 002: closure after 5 business days). The arithmetic is the pure
engine in ``calendars.engine`` (no Django import); this package re-exports it:

    from comptoir.calendars import BusinessCalendar
    cal = BusinessCalendar.from_spec({"timezone": "Europe/Paris", "week": {...}, ...})
    cal.add(start, timedelta(hours=4))     # due time
    cal.between(a, b)                      # business time in [a, b)
    cal.add_business_days(start, 5)
    cal.is_open(t); cal.next_opening(t); cal.to_spec()

Nothing Django may be imported here: models and adapters live in their own modules.
"""

from comptoir.calendars.engine import (
    BusinessCalendar,
    CalendarError,
    CalendarSpec,
    CalendarSpecError,
    HorizonExceededError,
    NaiveDatetimeError,
    NeverOpenError,
)

__all__ = [
    "BusinessCalendar",
    "CalendarError",
    "CalendarSpec",
    "CalendarSpecError",
    "HorizonExceededError",
    "NaiveDatetimeError",
    "NeverOpenError",
]
