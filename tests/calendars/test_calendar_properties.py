"""Properties over random calendars and instants (hypothesis).

The oracle for "open" is the rule itself, written independently of the engine: an instant
is open when the local wall clock shows a time inside that local date's hours.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from comptoir.calendars import BusinessCalendar

ZONES = ("Europe/Paris", "Europe/Brussels", "America/New_York", "UTC", "Australia/Lord_Howe")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOLIDAY_SOURCES = (
    None,
    {"country": "FR", "subdivision": None},
    {"country": "FR", "subdivision": "57"},
    {"country": "BE", "subdivision": None},
    {"country": "US", "subdivision": None},
)
LOW = datetime(2025, 1, 1, tzinfo=UTC)
HIGH = datetime(2028, 12, 31, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
MAX_TARGET = timedelta(hours=64)

quick = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _to_intervals(bounds: list[int]) -> list[str]:
    ordered = sorted(bounds)[: len(bounds) // 2 * 2]
    pairs = zip(ordered[::2], ordered[1::2], strict=True)
    return [f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in pairs]


# 0-3 non-overlapping intervals on a 15-minute grid (touching allowed), often none.
HOURS = st.one_of(
    st.just([]),
    st.lists(st.integers(0, 96).map(lambda quarter: quarter * 15), min_size=2, max_size=6, unique=True).map(
        _to_intervals
    ),
)
SOME_DATES = st.dates(date(2025, 1, 1), date(2028, 12, 31)).map(date.isoformat)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    week = {day: draw(HOURS) for day in DAYS}
    assume(any(week.values()))
    return {
        "timezone": draw(st.sampled_from(ZONES)),
        "week": week,
        "holidays": draw(st.sampled_from(HOLIDAY_SOURCES)),
        "holiday_hours": draw(HOURS),
        "closures": draw(st.lists(SOME_DATES, max_size=5)),
        "openings": draw(st.dictionaries(SOME_DATES, HOURS, max_size=5)),
    }


@cache
def calendar_of(spec_json: str) -> BusinessCalendar:
    return BusinessCalendar.from_spec(json.loads(spec_json))


calendars = specs().map(lambda spec: calendar_of(json.dumps(spec, sort_keys=True)))
minute_instants = st.integers(0, (HIGH - LOW) // timedelta(minutes=15)).map(
    lambda quarters: LOW + quarters * timedelta(minutes=15)
)


def _offset_change_days() -> list[datetime]:
    """UTC midnights of the days on which one of ZONES changes its offset (DST)."""
    days = []
    day = LOW
    while day < HIGH:
        following = day + timedelta(days=1)
        if any(
            day.astimezone(ZoneInfo(zone)).utcoffset() != following.astimezone(ZoneInfo(zone)).utcoffset()
            for zone in ZONES
        ):
            days.append(day)
        day = following
    return days


# Instants within three days of a DST change, where wall-clock mistakes show.
near_changes = st.builds(
    lambda midnight, quarters: midnight + quarters * timedelta(minutes=15),
    st.sampled_from(_offset_change_days()),
    st.integers(-3 * 96, 3 * 96),
)
any_instants = st.one_of(
    minute_instants,
    near_changes,
    near_changes.map(lambda instant: instant.astimezone(ZoneInfo("Europe/Paris"))),
    st.integers(0, (HIGH - LOW) // ONE_US).map(lambda us: LOW + us * ONE_US),
    st.integers(0, (HIGH - LOW) // ONE_US).map(
        lambda us: (LOW + us * ONE_US).astimezone(ZoneInfo("Europe/Paris"))
    ),
)
targets = st.one_of(
    st.integers(0, MAX_TARGET // timedelta(minutes=15)).map(lambda q: q * timedelta(minutes=15)),
    st.integers(0, MAX_TARGET // ONE_US).map(lambda us: us * ONE_US),
)


def in_utc(value: datetime) -> datetime:
    """Compare and shift instants in UTC.

    Python compares same-zone datetimes, and adds timedeltas to them, in wall-clock time.
    """
    return value.astimezone(UTC)


@given(calendars, any_instants, targets)
@quick
def test_between_undoes_add(cal: BusinessCalendar, start: datetime, target: timedelta) -> None:
    due = cal.add(start, target)
    assert due.tzinfo == cal.zone
    assert in_utc(due) >= in_utc(start)
    assert cal.between(start, due) == target
    if target:
        # The earliest such instant: a microsecond earlier, the target is not reached.
        assert cal.between(start, in_utc(due) - ONE_US) < target


@given(calendars, any_instants, any_instants)
@quick
def test_add_undoes_between_up_to_closed_time(cal: BusinessCalendar, start: datetime, end: datetime) -> None:
    start, end = sorted((start, end), key=in_utc)
    elapsed = cal.between(start, end)
    assert elapsed >= timedelta(0)
    due = cal.add(start, elapsed)
    assert in_utc(start) <= in_utc(due) <= in_utc(end)
    # The earliest instant equivalent to `end`: no business time from it to `end`...
    assert cal.between(due, end) == timedelta(0)
    if in_utc(due) > in_utc(start):
        # ...and some just before it (it is a closing time, or `end` itself).
        assert cal.between(in_utc(due) - ONE_US, end) == ONE_US
    if cal.is_open(in_utc(end) - ONE_US) and cal.is_open(end):
        # Open time in progress at `end`: `end` itself.
        assert in_utc(due) == in_utc(end)


@given(calendars, any_instants, targets, targets)
@quick
def test_add_is_additive_and_monotonic(
    cal: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    in_two_steps = cal.add(cal.add(start, first), second)
    assert in_utc(in_two_steps) == in_utc(cal.add(start, first + second))
    low, high = sorted((first, second))
    assert in_utc(cal.add(start, low)) <= in_utc(cal.add(start, high))


@given(calendars, any_instants, any_instants, targets)
@quick
def test_add_is_monotonic_in_start(
    cal: BusinessCalendar, first: datetime, second: datetime, target: timedelta
) -> None:
    early, late = sorted((first, second), key=in_utc)
    assert in_utc(cal.add(early, target)) <= in_utc(cal.add(late, target))


@given(calendars, any_instants, any_instants, any_instants)
@quick
def test_between_is_additive_in_any_order(
    cal: BusinessCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)
    assert cal.between(a, b) == -cal.between(b, a)


@given(calendars, any_instants)
@quick
def test_next_opening_is_the_first_open_instant(cal: BusinessCalendar, instant: datetime) -> None:
    opening = cal.next_opening(instant)
    assert in_utc(opening) >= in_utc(instant)
    assert cal.is_open(opening)
    assert cal.between(instant, opening) == timedelta(0)
    if cal.is_open(instant):
        assert in_utc(opening) == in_utc(instant)


@given(specs())
@quick
def test_spec_round_trips(spec: dict[str, Any]) -> None:
    cal = BusinessCalendar.from_spec(spec)
    exported = cal.to_spec()
    assert BusinessCalendar.from_spec(json.loads(json.dumps(exported))) == cal
    assert BusinessCalendar.from_spec(exported).to_spec() == exported


# --- oracle ---------------------------------------------------------------------------


def _minutes(interval: str) -> tuple[int, int]:
    start, end = interval.split("-")
    return (
        int(start[:2]) * 60 + int(start[3:]),
        int(end[:2]) * 60 + int(end[3:]),
    )


def oracle_is_open(spec: dict[str, Any], instant: datetime) -> bool:
    local = instant.astimezone(ZoneInfo(spec["timezone"]))
    day = local.date()
    minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60

    def inside(intervals: list[str]) -> bool:
        return any(a <= minute < b for a, b in map(_minutes, intervals))

    if day.isoformat() in spec["openings"]:
        return inside(spec["openings"][day.isoformat()])
    if day.isoformat() in spec["closures"]:
        return False
    weekday_hours = spec["week"][DAYS[day.weekday()]]
    source = spec["holidays"]
    if source is not None and day in holidays.country_holidays(
        source["country"], subdiv=source["subdivision"], years=day.year
    ):
        return inside(weekday_hours) and inside(spec["holiday_hours"])
    return inside(weekday_hours)


@given(specs(), any_instants)
@quick
def test_is_open_matches_the_wall_clock_rule(spec: dict[str, Any], instant: datetime) -> None:
    cal = calendar_of(json.dumps(spec, sort_keys=True))
    assert cal.is_open(instant) == oracle_is_open(spec, instant)


@given(specs(), st.one_of(minute_instants, near_changes), st.integers(0, 3 * 24 * 4))
@settings(quick, max_examples=25)
def test_between_counts_open_quarter_hours(spec: dict[str, Any], start: datetime, quarters: int) -> None:
    # Every zone here has offsets in whole quarter hours since 1990, so each UTC quarter
    # hour is wholly open or wholly closed.
    cal = calendar_of(json.dumps(spec, sort_keys=True))
    step = timedelta(minutes=15)
    open_quarters = sum(oracle_is_open(spec, start + index * step) for index in range(quarters))
    assert cal.between(start, start + quarters * step) == open_quarters * step


@given(any_instants, targets, st.sampled_from(ZONES))
@quick
def test_always_open_calendar_counts_real_time(start: datetime, target: timedelta, zone: str) -> None:
    always = calendar_of(json.dumps({"timezone": zone, "week": {day: ["00:00-24:00"] for day in DAYS}}))
    assert in_utc(always.add(start, target)) == in_utc(start) + target
    assert always.between(start, in_utc(start) + target) == target
