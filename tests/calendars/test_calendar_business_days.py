"""add_business_days: same local time N business days later, or the next opening after it.

Procedure 002: a ticket waiting on the requester closes after 5 business days of silence.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from comptoir.calendars import BusinessCalendar

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
OFFICE = BusinessCalendar.from_spec(
    {
        "timezone": "Europe/Paris",
        "week": {day: ["09:30-17:00"] for day in WEEKDAYS},
        "holidays": {"country": "FR", "subdivision": None},
    }
)
PHONE = BusinessCalendar.from_spec(
    {
        "timezone": "Europe/Paris",
        "week": {day: ["09:00-12:00", "14:00-17:30"] for day in WEEKDAYS},
        "holidays": {"country": "FR"},
    }
)


def paris(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=PARIS)


def test_five_business_days_from_a_friday_skip_the_weekend_and_armistice() -> None:
    # Mon 9, Tue 10, (Wed 11 Armistice), Thu 12, Fri 13, Mon 16.
    assert OFFICE.add_business_days(paris(2026, 11, 6, 10), 5) == paris(2026, 11, 16, 10)


def test_one_business_day_from_a_saturday_is_monday_same_time() -> None:
    assert OFFICE.add_business_days(paris(2026, 11, 21, 10), 1) == paris(2026, 11, 23, 10)


def test_same_local_time_closed_gives_the_next_opening() -> None:
    # Friday 18:00 + 1: Monday 18:00 is after closing, so Tuesday 09:30.
    assert OFFICE.add_business_days(paris(2026, 11, 20, 18), 1) == paris(2026, 11, 24, 9, 30)
    # Over lunch: Monday 12:30 + 1 is Tuesday 14:00.
    assert PHONE.add_business_days(paris(2026, 11, 23, 12, 30), 1) == paris(2026, 11, 24, 14)


def test_zero_business_days_is_start_when_open_else_next_opening() -> None:
    assert OFFICE.add_business_days(paris(2026, 11, 24, 10), 0) == paris(2026, 11, 24, 10)
    assert OFFICE.add_business_days(paris(2026, 11, 21, 10), 0) == paris(2026, 11, 23, 9, 30)


def test_counts_from_the_local_date_in_the_calendar_zone() -> None:
    # 23:30 UTC on Monday is already Tuesday 00:30 in Paris.
    start = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert OFFICE.add_business_days(start, 1) == paris(2026, 11, 25, 9, 30)


def test_across_christmas_and_new_year() -> None:
    calendar = BusinessCalendar.from_spec({**OFFICE.to_spec(), "closures": ["2026-12-24"]})
    # Wed 23 + 5: (Thu 24 closure, Fri 25 Christmas) Mon 28, Tue 29, Wed 30, Thu 31,
    # (Fri 1 January) Mon 4 January.
    assert calendar.add_business_days(paris(2026, 12, 23, 11), 5) == paris(2027, 1, 4, 11)


def test_negative_or_non_integer_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add_business_days(paris(2026, 11, 24, 10), -1)
    with pytest.raises(TypeError):
        OFFICE.add_business_days(paris(2026, 11, 24, 10), 1.5)  # type: ignore[arg-type]


def test_keeps_the_local_time_across_a_dst_change() -> None:
    # Clocks go forward on Sunday 29 March 2026: 10:00 stays 10:00, one hour less of UTC.
    due = OFFICE.add_business_days(paris(2026, 3, 27, 10), 1)
    assert due == paris(2026, 3, 30, 10)
    assert due.utcoffset() == timedelta(hours=2)
