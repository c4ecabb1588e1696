"""Daylight saving changes: business time is real elapsed time within open local intervals.

Europe/Paris 2026: clocks go forward on Sunday 29 March at 02:00 (to 03:00) and back on
Sunday 25 October at 03:00 (to 02:00).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from comptoir.calendars import BusinessCalendar

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPRING_SUNDAY = datetime(2026, 3, 29, tzinfo=PARIS)
AUTUMN_SUNDAY = datetime(2026, 10, 25, tzinfo=PARIS)


def calendar(zone: str, **week: list[str]) -> BusinessCalendar:
    return BusinessCalendar.from_spec({"timezone": zone, "week": week})


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


def whole_day(cal: BusinessCalendar, midnight: datetime) -> timedelta:
    return cal.between(midnight, midnight + timedelta(days=1))


def test_night_interval_on_spring_forward_sunday_lasts_two_real_hours() -> None:
    sunday_night = calendar("Europe/Paris", sun=["01:00-04:00"])
    assert whole_day(sunday_night, SPRING_SUNDAY) == timedelta(hours=2)
    start = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    due = sunday_night.add(start, timedelta(hours=1))
    assert due == datetime(2026, 3, 29, 3, 30, tzinfo=PARIS)
    assert due.utcoffset() == timedelta(hours=2)


def test_night_interval_on_fall_back_sunday_lasts_four_real_hours() -> None:
    sunday_night = calendar("Europe/Paris", sun=["01:00-04:00"])
    assert whole_day(sunday_night, AUTUMN_SUNDAY) == timedelta(hours=4)
    start = datetime(2026, 10, 25, 1, 30, tzinfo=PARIS)  # 23:30 UTC the day before
    due = sunday_night.add(start, timedelta(hours=2))
    assert due.astimezone(UTC) == utc(2026, 10, 25, 1, 30)
    assert (due.hour, due.minute, due.fold) == (2, 30, 1)  # the second 02:30, winter time
    assert sunday_night.add(start, timedelta(hours=3, minutes=30)) == datetime(2026, 10, 25, 4, tzinfo=PARIS)


def test_open_all_day_the_short_and_the_long_sunday() -> None:
    always = calendar("Europe/Paris", **{day: ["00:00-24:00"] for day in ALL_DAYS})
    assert whole_day(always, SPRING_SUNDAY) == timedelta(hours=23)
    assert whole_day(always, AUTUMN_SUNDAY) == timedelta(hours=25)
    saturday_noon = datetime(2026, 3, 28, 12, tzinfo=PARIS)
    assert always.add(saturday_noon, timedelta(hours=24)) == datetime(2026, 3, 29, 13, tzinfo=PARIS)
    # Python's aware + timedelta is wall-clock arithmetic; business time is real time.
    assert saturday_noon + timedelta(hours=24) == datetime(2026, 3, 29, 12, tzinfo=PARIS)
    real_day_later = saturday_noon.astimezone(UTC) + timedelta(hours=24)
    assert always.add(saturday_noon, timedelta(hours=24)) == real_day_later


def test_night_shift_calendar_across_both_changes() -> None:
    nights = calendar("Europe/Paris", **{day: ["00:00-06:00", "22:00-24:00"] for day in ALL_DAYS})
    saturday_noon = datetime(2026, 3, 28, 12, tzinfo=PARIS)
    # Saturday 22:00-24:00 (2 h) then Sunday 00:00-06:00 without its skipped hour (5 h).
    assert nights.between(saturday_noon, saturday_noon + timedelta(days=1)) == timedelta(hours=7)
    assert nights.add(saturday_noon, timedelta(hours=5)) == datetime(2026, 3, 29, 4, tzinfo=PARIS)
    autumn_saturday = datetime(2026, 10, 24, 12, tzinfo=PARIS)
    assert nights.between(autumn_saturday, autumn_saturday + timedelta(days=1)) == timedelta(hours=9)
    # Same-zone datetimes compare by wall time, ignoring fold: compare instants in UTC.
    due = nights.add(autumn_saturday, timedelta(hours=5))
    assert due.astimezone(UTC) == utc(2026, 10, 25, 1)
    assert (due.hour, due.fold) == (2, 1)


def test_boundary_inside_the_skipped_hour_takes_effect_when_the_clock_jumps() -> None:
    cal = calendar("Europe/Paris", sun=["02:30-05:00"])
    assert not cal.is_open(utc(2026, 3, 29, 0, 59, 59))  # 01:59:59 winter time
    assert cal.is_open(utc(2026, 3, 29, 1))  # 03:00 summer time
    assert cal.next_opening(SPRING_SUNDAY) == datetime(2026, 3, 29, 3, tzinfo=PARIS)
    assert whole_day(cal, SPRING_SUNDAY) == timedelta(hours=2)


def test_interval_inside_the_repeated_hour_is_open_twice() -> None:
    cal = calendar("Europe/Paris", sun=["02:15-02:45"])
    assert whole_day(cal, AUTUMN_SUNDAY) == timedelta(hours=1)
    assert cal.is_open(utc(2026, 10, 25, 0, 20))  # 02:20 summer time
    assert not cal.is_open(utc(2026, 10, 25, 0, 50))  # 02:50 summer time
    assert cal.is_open(utc(2026, 10, 25, 1, 20))  # 02:20 winter time
    first_opening = datetime(2026, 10, 25, 2, 15, tzinfo=PARIS)  # fold=0: summer time
    assert cal.add(first_opening, timedelta(minutes=45)).astimezone(UTC) == utc(2026, 10, 25, 1, 30)


def test_sunday_calendar_in_new_york_spring_forward() -> None:
    cal = calendar("America/New_York", sun=["00:00-12:00"])
    sunday = datetime(2026, 3, 8, tzinfo=NEW_YORK)
    assert whole_day(cal, sunday) == timedelta(hours=11)
    assert cal.add(sunday, timedelta(hours=3)) == datetime(2026, 3, 8, 4, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("midnight", "length"),
    [
        pytest.param(datetime(2026, 4, 5, tzinfo=LORD_HOWE), timedelta(hours=24.5), id="back"),
        pytest.param(datetime(2026, 10, 4, tzinfo=LORD_HOWE), timedelta(hours=23.5), id="fwd"),
    ],
)
def test_half_hour_dst_of_lord_howe(midnight: datetime, length: timedelta) -> None:
    always = calendar("Australia/Lord_Howe", **{day: ["00:00-24:00"] for day in ALL_DAYS})
    assert whole_day(always, midnight) == length
    mornings = calendar("Australia/Lord_Howe", sun=["01:00-04:00"])
    assert whole_day(mornings, midnight) == length - timedelta(hours=21)
