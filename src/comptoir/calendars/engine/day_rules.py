"""Which local opening hours apply on a given date (openings > closures > holidays > week)."""

from __future__ import annotations

from datetime import date

from comptoir.calendars.engine.hours import Hours, intersect_hours
from comptoir.calendars.engine.public_holidays import holiday_dates
from comptoir.calendars.engine.spec import CalendarSpec

US_PER_MINUTE = 60_000_000
US_PER_DAY = 1440 * US_PER_MINUTE
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
"""Day numbers count days from 1970-01-01 (day 0), like Unix time."""

MIN_DAY = date.min.toordinal() - EPOCH_ORDINAL + 1
MAX_DAY = date.max.toordinal() - EPOCH_ORDINAL - 1
"""Days outside ``[MIN_DAY, MAX_DAY]`` are treated as closed (datetime cannot reach them)."""

Spans = tuple[tuple[int, int], ...]
"""Open hours of a day as ``(start, end)`` microseconds after local midnight."""


def _spans(hours: Hours) -> Spans:
    return tuple((interval.start * US_PER_MINUTE, interval.end * US_PER_MINUTE) for interval in hours)


class DayRules:
    """The opening hours of each local date of a calendar, cached per date.

    Rule (see :class:`CalendarSpec`): special openings win, then closures, then public
    holidays (weekday hours kept within ``holiday_hours``), then the weekly hours.
    """

    __slots__ = (
        "_cache",
        "_closures",
        "_holiday_week",
        "_holidays_by_year",
        "_openings",
        "_source",
        "_week",
        "may_open",
    )

    def __init__(self, spec: CalendarSpec) -> None:
        self._week = tuple(_spans(hours) for hours in spec.week)
        self._holiday_week = tuple(_spans(intersect_hours(hours, spec.holiday_hours)) for hours in spec.week)
        self._closures = frozenset(spec.closures)
        self._openings = {day: _spans(hours) for day, hours in spec.openings}
        self._source = spec.holidays
        self._holidays_by_year: dict[int, frozenset[date]] = {}
        self._cache: dict[int, Spans] = {}
        self.may_open = any(self._week) or any(self._openings.values())
        """False when no date can ever be open (every weekday empty, no special opening)."""

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` is a public holiday of the calendar's holiday source."""
        if self._source is None:
            return False
        dates = self._holidays_by_year.get(day.year)
        if dates is None:
            dates = self._holidays_by_year[day.year] = holiday_dates(self._source, day.year)
        return day in dates

    def spans_on(self, day: date) -> Spans:
        """The open hours of local date ``day``."""
        special = self._openings.get(day)
        if special is not None:
            return special
        if day in self._closures:
            return ()
        if self.is_holiday(day):
            return self._holiday_week[day.weekday()]
        return self._week[day.weekday()]

    def spans_on_number(self, day_number: int) -> Spans:
        """The open hours of the local date ``day_number`` days after 1970-01-01 (cached)."""
        spans = self._cache.get(day_number)
        if spans is None:
            if MIN_DAY <= day_number <= MAX_DAY:
                spans = self.spans_on(date.fromordinal(day_number + EPOCH_ORDINAL))
            else:
                spans = ()
            self._cache[day_number] = spans
        return spans
