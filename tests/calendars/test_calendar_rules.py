"""Edge rules of the API: zero and negative durations, reversed ranges, boundaries, errors."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from comptoir.calendars import (
    BusinessCalendar,
    CalendarError,
    HorizonExceededError,
    NaiveDatetimeError,
    NeverOpenError,
)

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
OFFICE = BusinessCalendar.from_spec(
    {
        "timezone": "Europe/Paris",
        "week": {day: ["09:30-17:00"] for day in WEEKDAYS},
        "holidays": {"country": "FR", "subdivision": None},
    }
)
NEVER_OPEN = BusinessCalendar.from_spec({"timezone": "Europe/Paris", "week": {}})


def paris(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=PARIS)


def test_zero_duration_at_a_closed_instant_is_the_start_itself() -> None:
    saturday = datetime(2026, 11, 21, 9, tzinfo=UTC)
    due = OFFICE.add(saturday, timedelta(0))
    assert due == saturday
    assert due.tzinfo == PARIS


def test_zero_duration_at_closing_time_is_closing_time() -> None:
    assert OFFICE.add(paris(2026, 11, 24, 17), timedelta(0)) == paris(2026, 11, 24, 17)


def test_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add(paris(2026, 11, 24, 10), timedelta(minutes=-1))


def test_between_equal_instants_is_zero_and_reversed_range_is_negative() -> None:
    monday, tuesday = paris(2026, 11, 23, 10), paris(2026, 11, 24, 10)
    assert OFFICE.between(monday, monday) == timedelta(0)
    assert OFFICE.between(monday, tuesday) == timedelta(hours=7, minutes=30)
    assert OFFICE.between(tuesday, monday) == -timedelta(hours=7, minutes=30)


def test_intervals_are_open_at_opening_and_closed_at_closing() -> None:
    assert OFFICE.is_open(paris(2026, 11, 24, 9, 30))
    assert not OFFICE.is_open(paris(2026, 11, 24, 9, 29, 59, 999_999))
    assert OFFICE.is_open(paris(2026, 11, 24, 16, 59, 59, 999_999))
    assert not OFFICE.is_open(paris(2026, 11, 24, 17))


def test_next_opening_of_an_open_instant_is_that_instant() -> None:
    assert OFFICE.next_opening(paris(2026, 11, 24, 12)) == paris(2026, 11, 24, 12)
    assert OFFICE.next_opening(paris(2026, 11, 24, 17)) == paris(2026, 11, 25, 9, 30)


def test_naive_datetimes_are_refused_with_a_clear_error() -> None:
    naive = datetime(2026, 11, 24, 10)
    with pytest.raises(NaiveDatetimeError, match="start is a naive datetime"):
        OFFICE.add(naive, timedelta(hours=1))
    with pytest.raises(NaiveDatetimeError, match="end is a naive datetime"):
        OFFICE.between(paris(2026, 11, 24, 10), naive)
    with pytest.raises(NaiveDatetimeError):
        OFFICE.is_open(naive)
    with pytest.raises(NaiveDatetimeError):
        OFFICE.add_business_days(naive, 1)
    assert issubclass(NaiveDatetimeError, ValueError)


def test_non_datetimes_are_refused() -> None:
    with pytest.raises(TypeError, match="start must be a datetime"):
        OFFICE.add(date(2026, 11, 24), timedelta(hours=1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="duration must be a timedelta"):
        OFFICE.add(paris(2026, 11, 24, 10), 3600)  # type: ignore[arg-type]


def test_never_open_calendar_refuses_to_search_forever() -> None:
    start = paris(2026, 11, 24, 10)
    with pytest.raises(NeverOpenError, match="no open hours at all"):
        NEVER_OPEN.add(start, timedelta(hours=1))
    with pytest.raises(NeverOpenError):
        NEVER_OPEN.next_opening(start)
    with pytest.raises(NeverOpenError):
        NEVER_OPEN.add_business_days(start, 1)
    assert NEVER_OPEN.add(start, timedelta(0)) == start
    assert NEVER_OPEN.between(start, start + timedelta(days=400)) == timedelta(0)
    assert not NEVER_OPEN.is_open(start)


def test_search_horizon_is_about_ten_years() -> None:
    only_past = BusinessCalendar.from_spec(
        {"timezone": "Europe/Paris", "week": {}, "openings": {"2020-01-06": ["09:00-17:00"]}}
    )
    with pytest.raises(HorizonExceededError, match="within 3653 days"):
        only_past.add(paris(2026, 11, 24, 10), timedelta(hours=1))
    with pytest.raises(HorizonExceededError):
        only_past.next_opening(paris(2026, 11, 24, 10))
    with pytest.raises(HorizonExceededError):
        only_past.add_business_days(paris(2026, 11, 24, 10), 1)

    in_nine_years = BusinessCalendar.from_spec(
        {"timezone": "Europe/Paris", "week": {}, "openings": {"2035-06-01": ["09:00-17:00"]}}
    )
    due = in_nine_years.add(paris(2026, 11, 24, 10), timedelta(hours=1))
    assert due == paris(2035, 6, 1, 10)
    assert issubclass(HorizonExceededError, CalendarError)


def test_calendars_are_values() -> None:
    again = BusinessCalendar.from_spec(OFFICE.to_spec())
    assert again == OFFICE
    assert hash(again) == hash(OFFICE)
    assert again != NEVER_OPEN
    assert OFFICE.zone == PARIS


def test_engine_imports_no_django() -> None:
    """The engine is pure: importing and using it loads no Django module."""
    script = (
        "import sys; from datetime import UTC, datetime, timedelta; "
        "from comptoir.calendars import BusinessCalendar; "
        "cal = BusinessCalendar.from_spec({'timezone': 'UTC', 'week': {'mon': ['09:00-17:00']}, "
        "'holidays': {'country': 'FR'}}); cal.add(datetime.now(UTC), timedelta(hours=9)); "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
