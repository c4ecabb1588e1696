"""``BusinessCalendar``: business-time arithmetic on aware datetimes.

Rules every method follows:

- Inputs are aware datetimes in any time zone (naive ones raise
  :class:`NaiveDatetimeError`); outputs are in the calendar's time zone.
- Business time is real elapsed time while the calendar is open; it is open when the local
  wall clock shows a time inside that date's open hours (intervals are half-open: open at
  09:00 in ``"09:00-12:00"``, closed at 12:00). Across a DST change this counts real time:
  an interval 01:00-04:00 lasts two hours on the night clocks go forward and four on the
  night they go back.
- Durations are exact to the microsecond; nothing is rounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from comptoir.calendars.engine.day_rules import EPOCH_ORDINAL, DayRules
from comptoir.calendars.engine.errors import HorizonExceededError
from comptoir.calendars.engine.instants import duration_us, from_us, to_us
from comptoir.calendars.engine.spec import CalendarSpec, SpecDict, parse_spec
from comptoir.calendars.engine.timeline import HORIZON_DAYS, Timeline

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class BusinessCalendar:
    """A business calendar: time zone, weekly hours, public holidays, closures, openings.

    Two calendars are equal when their (canonical) specs are equal. Results are cached per
    calendar, so keep and reuse one instance per spec rather than rebuilding it per call.
    """

    spec: CalendarSpec
    _timeline: Timeline = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_timeline", Timeline(self.spec.zone, DayRules(self.spec)))

    @classmethod
    def from_spec(cls, raw: Mapping[str, Any]) -> BusinessCalendar:
        """Build a calendar from its JSON-able spec (see :mod:`.spec` for the format).

        Raises :class:`CalendarSpecError` (a ``ValueError``) naming the invalid field.
        """
        return cls(parse_spec(raw))

    def to_spec(self) -> SpecDict:
        """The canonical JSON-able spec; ``from_spec(cal.to_spec()) == cal``."""
        return self.spec.to_dict()

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone, in which every result is expressed."""
        return self._timeline.zone

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The due time: the earliest instant when ``duration`` of business time has elapsed.

        - A start outside business hours counts from the next opening (a ticket sent on
          Saturday with a one-hour target is due on Monday one hour after opening).
        - A target that runs out exactly at a closing time is due at that closing time,
          not at the next opening.
        - A zero duration returns ``start`` itself (in the calendar's zone), even when
          closed: it is the earliest instant at which zero business time has elapsed.
        - A negative duration raises ``ValueError``; :class:`NeverOpenError` if the
          calendar is never open, :class:`HorizonExceededError` if the due time would be
          more than ten years away.
        """
        begin = to_us(start, "start")
        return from_us(self._timeline.add(begin, duration_us(duration, "duration")), self.zone)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in ``[start, end)``.

        Zero when ``start == end``; when ``end`` is before ``start`` the result is the
        negative of ``between(end, start)``, so ``between(a, c) == between(a, b) +
        between(b, c)`` holds for any three instants.
        """
        first = to_us(start, "start")
        second = to_us(end, "end")
        return timedelta(microseconds=self._timeline.between(first, second))

    def is_open(self, instant: datetime) -> bool:
        """Whether the calendar is open at ``instant`` (open at opening, closed at closing)."""
        return self._timeline.is_open(to_us(instant, "instant"))

    def next_opening(self, instant: datetime) -> datetime:
        """The earliest open instant at or after ``instant``.

        That is ``instant`` itself (in the calendar's zone) when the calendar is open then.
        """
        return from_us(self._timeline.next_opening(to_us(instant, "instant")), self.zone)

    def is_business_day(self, day: date) -> bool:
        """Whether the local date ``day`` has any open hours."""
        return bool(self._timeline.rules.spans_on_number(day.toordinal() - EPOCH_ORDINAL))

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The same local time ``days`` business days later, or the next opening after it.

        Counting starts from the local date of ``start`` (in the calendar's zone), whether
        or not ``start`` is open: the result's date is the ``days``-th date after it that
        has open hours (skipping weekends, holidays, closures). If that local time is not
        open on that date (before opening, after closing, or over lunch), the next opening
        is returned. ``days == 0`` gives ``start`` if open, else the next opening.
        A local time that does not exist that day (DST gap) is read as ``zoneinfo`` does
        (with the offset before the change). Procedure 002: a ticket waiting on the
        requester closes after 5 business days without reaction.
        """
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError(f"days must be an int, got {type(days).__name__}")
        if days < 0:
            raise ValueError("days must not be negative")
        local = from_us(to_us(start, "start"), self.zone)
        if days:
            self._timeline.ensure_may_open()
        day = local.date()
        counted = 0
        for _ in range(HORIZON_DAYS):
            if counted == days:
                break
            day += _ONE_DAY
            if self.is_business_day(day):
                counted += 1
        else:
            if counted < days:
                raise HorizonExceededError(
                    f"fewer than {days} business days within {HORIZON_DAYS} days "
                    f"(about ten years) after {local.date()}"
                )
        candidate = datetime.combine(day, local.time(), tzinfo=self.zone)
        return self.next_opening(candidate)
