"""Which dates are open: public holidays (FR, Alsace-Moselle, BE...), closures, openings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from comptoir.calendars import BusinessCalendar

PARIS = ZoneInfo("Europe/Paris")
BRUSSELS = ZoneInfo("Europe/Brussels")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def office(**extra: Any) -> BusinessCalendar:
    spec: dict[str, Any] = {
        "timezone": "Europe/Paris",
        "week": {day: ["09:30-17:00"] for day in WEEKDAYS},
        "holidays": {"country": "FR", "subdivision": None},
    }
    spec.update(extra)
    return BusinessCalendar.from_spec(spec)


def paris(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=PARIS)


NATIONAL = office()
MOSELLE = office(holidays={"country": "FR", "subdivision": "57"})


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 4, 3), id="good-friday-2026"),
        pytest.param(date(2025, 12, 26), id="saint-stephen-2025"),
    ],
)
def test_alsace_moselle_closes_good_friday_and_26_december_but_not_national_france(
    day: date,
) -> None:
    assert NATIONAL.is_business_day(day)
    assert not MOSELLE.is_business_day(day)
    start = datetime.combine(day, datetime.min.time(), PARIS).replace(hour=9)
    assert NATIONAL.add(start, timedelta(hours=1)) == start.replace(hour=10, minute=30)
    assert MOSELLE.add(start, timedelta(hours=1)).date() > day


@pytest.mark.parametrize("name", ["57", "Moselle", "6AE", "Alsace", "alsace", "Alsace-Moselle"])
def test_alsace_moselle_accepts_codes_and_names_and_stores_the_code(name: str) -> None:
    calendar = office(holidays={"country": "fr", "subdivision": name})
    assert not calendar.is_business_day(date(2026, 4, 3))
    holidays = calendar.to_spec()["holidays"]
    assert holidays is not None
    assert holidays["country"] == "FR"
    assert holidays["subdivision"] in {"57", "6AE"}


def test_belgium_closes_21_july_france_does_not() -> None:
    belgium = BusinessCalendar.from_spec(
        {
            "timezone": "Europe/Brussels",
            "week": {day: ["09:00-17:00"] for day in WEEKDAYS},
            "holidays": {"country": "BE"},
        }
    )
    national_day = date(2026, 7, 21)  # a Tuesday
    assert not belgium.is_business_day(national_day)
    assert NATIONAL.is_business_day(national_day)
    start = datetime(2026, 7, 20, 16, 30, tzinfo=BRUSSELS)
    assert belgium.add(start, timedelta(hours=1)) == datetime(2026, 7, 22, 9, 30, tzinfo=BRUSSELS)


def test_any_country_the_library_knows_works() -> None:
    us = BusinessCalendar.from_spec(
        {
            "timezone": "America/New_York",
            "week": {day: ["09:00-17:00"] for day in WEEKDAYS},
            "holidays": {"country": "US", "subdivision": "NY"},
        }
    )
    assert not us.is_business_day(date(2026, 7, 3))  # 4 July is a Saturday: observed Friday
    assert not us.is_business_day(date(2026, 11, 26))  # Thanksgiving
    assert not us.is_business_day(date(2026, 2, 12))  # Lincoln's Birthday, a New York holiday
    assert us.is_business_day(date(2026, 2, 13))


def test_no_holidays_key_or_null_means_no_public_holidays() -> None:
    without_key = BusinessCalendar.from_spec(
        {"timezone": "Europe/Paris", "week": {day: ["09:30-17:00"] for day in WEEKDAYS}}
    )
    for calendar in (office(holidays=None), without_key):
        assert calendar.is_business_day(date(2026, 11, 11))
        assert calendar.to_spec()["holidays"] is None


def test_closures_close_extra_dates() -> None:
    calendar = office(closures=["2026-12-24"])
    start = paris(2026, 12, 23, 16)
    # 1 h on the 23rd, then 24 (closure), 25 (Christmas), weekend: Monday 28 at 10:30.
    assert calendar.add(start, timedelta(hours=2)) == paris(2026, 12, 28, 10, 30)
    assert NATIONAL.add(start, timedelta(hours=2)) == paris(2026, 12, 24, 10, 30)


def test_openings_override_holidays_closures_and_weekends() -> None:
    calendar = office(
        closures=["2026-12-24"],
        openings={
            "2026-05-25": ["09:00-17:00"],  # Whit Monday, worked
            "2026-12-24": ["09:00-12:00"],  # closure overridden
            "2026-11-28": ["10:00-12:00"],  # a Saturday
            "2026-11-27": [],  # an empty opening closes a Friday
        },
    )
    assert not NATIONAL.is_business_day(date(2026, 5, 25))
    assert calendar.is_open(paris(2026, 5, 25, 9))
    assert calendar.between(paris(2026, 5, 25), paris(2026, 5, 26)) == timedelta(hours=8)
    assert calendar.between(paris(2026, 12, 24), paris(2026, 12, 25)) == timedelta(hours=3)
    assert calendar.add(paris(2026, 11, 26, 16), timedelta(hours=2)) == paris(2026, 11, 28, 11)


def test_holiday_hours_keep_those_weekday_hours_on_public_holidays() -> None:
    calendar = office(holiday_hours=["08:00-12:00"])
    armistice = paris(2026, 11, 11)  # a Wednesday
    # Weekday hours 09:30-17:00 kept within 08:00-12:00: open 09:30-12:00.
    assert calendar.between(armistice, armistice + timedelta(days=1)) == timedelta(hours=2.5)
    assert calendar.add(paris(2026, 11, 10, 16), timedelta(hours=2)) == paris(2026, 11, 11, 10, 30)
    # A holiday on a closed weekday stays closed (1 November 2026 is a Sunday).
    assert not calendar.is_business_day(date(2026, 11, 1))
    # The default, [], closes public holidays.
    assert NATIONAL.between(armistice, armistice + timedelta(days=1)) == timedelta(0)
