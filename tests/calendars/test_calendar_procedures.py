"""Due times as the procedures state them (000: site-support desk, 003: vendor platform)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from comptoir.calendars import BusinessCalendar

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

SITE_SUPPORT = BusinessCalendar.from_spec(
    {
        "timezone": "Europe/Paris",
        "week": {day: ["09:30-17:00"] for day in WEEKDAYS},
        "holidays": {"country": "FR", "subdivision": None},
    }
)
VENDOR_PHONE = BusinessCalendar.from_spec(
    {
        "timezone": "Europe/Paris",
        "week": {day: ["09:00-12:00", "14:00-17:30"] for day in WEEKDAYS},
        "holidays": {"country": "FR", "subdivision": None},
    }
)


def paris(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        pytest.param(paris(2026, 11, 24, 15), 1, paris(2026, 11, 24, 16), id="same-day"),
        pytest.param(paris(2026, 11, 24, 15), 4, paris(2026, 11, 25, 11, 30), id="next-day"),
        pytest.param(paris(2026, 11, 21, 10), 1, paris(2026, 11, 23, 10, 30), id="saturday"),
        pytest.param(paris(2026, 11, 11, 10), 1, paris(2026, 11, 12, 10, 30), id="armistice"),
    ],
)
def test_site_support_ack_and_pickup_due_times(start: datetime, hours: int, due: datetime) -> None:
    assert SITE_SUPPORT.add(start, timedelta(hours=hours)) == due


def test_ticket_sent_on_saturday_counts_from_monday_0930() -> None:
    saturday = paris(2026, 11, 21, 10)
    assert SITE_SUPPORT.next_opening(saturday) == paris(2026, 11, 23, 9, 30)
    assert SITE_SUPPORT.between(saturday, paris(2026, 11, 23, 9, 30)) == timedelta(0)
    assert SITE_SUPPORT.between(saturday, paris(2026, 11, 23, 10, 30)) == timedelta(hours=1)


def test_target_ending_at_closing_time_is_due_at_closing_not_next_opening() -> None:
    start = paris(2026, 11, 23, 11, 30)
    assert VENDOR_PHONE.add(start, timedelta(hours=4)) == paris(2026, 11, 23, 17, 30)
    assert SITE_SUPPORT.add(paris(2026, 11, 24, 9, 30), timedelta(hours=7, minutes=30)) == paris(
        2026, 11, 24, 17
    )
    # Half an hour before lunch, half an hour of target: due at noon, not at 14:00.
    assert VENDOR_PHONE.add(start, timedelta(minutes=30)) == paris(2026, 11, 23, 12)


def test_high_priority_16_business_hours_skips_lunch_and_nights() -> None:
    start = paris(2026, 11, 23, 11, 30)
    assert VENDOR_PHONE.add(start, timedelta(hours=16)) == paris(2026, 11, 25, 16, 30)
    assert VENDOR_PHONE.between(start, paris(2026, 11, 25, 16, 30)) == timedelta(hours=16)


def test_low_priority_64_business_hours_from_friday_afternoon() -> None:
    # 6.5 h a day: Fri 16:00 leaves 1.5 h; Mon..Fri 23-27 = 32.5 h; Mon..Thu 30-03 = 26 h
    # (60 h in all); Fri 4 Dec needs 4 more: 09:00-12:00 then 14:00-15:00.
    start = paris(2026, 11, 20, 16)
    assert VENDOR_PHONE.add(start, timedelta(hours=64)) == paris(2026, 12, 4, 15)


def test_start_during_lunch_counts_from_afternoon_opening() -> None:
    assert VENDOR_PHONE.add(paris(2026, 11, 23, 12, 45), timedelta(minutes=1)) == paris(2026, 11, 23, 14, 1)


def test_inputs_in_other_zones_give_results_in_calendar_zone() -> None:
    in_utc = datetime(2026, 11, 24, 14, tzinfo=UTC)  # 15:00 in Paris
    in_new_york = datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("America/New_York"))  # 15:00 too
    for start in (in_utc, in_new_york):
        due = SITE_SUPPORT.add(start, timedelta(hours=4))
        assert due == paris(2026, 11, 25, 11, 30)
        assert due.tzinfo == PARIS
        assert due.utcoffset() == timedelta(hours=1)
    assert SITE_SUPPORT.between(in_utc, in_new_york) == timedelta(0)
    assert SITE_SUPPORT.next_opening(in_utc).tzinfo == PARIS


def test_microseconds_are_exact() -> None:
    start = paris(2026, 11, 24, 16, 59, 59, 999_999)
    due = SITE_SUPPORT.add(start, timedelta(microseconds=2))
    assert due == paris(2026, 11, 25, 9, 30, 0, 1)
    assert SITE_SUPPORT.between(start, due) == timedelta(microseconds=2)
