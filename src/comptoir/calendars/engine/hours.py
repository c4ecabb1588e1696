"""Opening hours of one day: local wall-clock intervals written ``"HH:MM-HH:MM"``.

An interval ``"09:00-12:00"`` is half-open: open at 09:00, closed again at 12:00. ``"24:00"``
is allowed as an end (midnight at the end of the day), never as a start. The intervals of
one day must not overlap; touching intervals (``"09:00-12:00"``, ``"12:00-14:00"``) are
allowed and behave as one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from comptoir.calendars.engine.errors import CalendarSpecError

MINUTES_PER_DAY = 24 * 60

_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, order=True, slots=True)
class LocalInterval:
    """``[start, end)`` in minutes after local midnight; ``0 <= start < end <= 1440``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"invalid local interval {self.start}-{self.end} (minutes)")

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


Hours = tuple[LocalInterval, ...]
"""The opening hours of a day: sorted, non-overlapping intervals; ``()`` means closed."""


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_interval(text: object, field: str) -> LocalInterval:
    """Read ``"HH:MM-HH:MM"``; raise :class:`CalendarSpecError` naming ``field`` if invalid."""
    if not isinstance(text, str):
        raise CalendarSpecError(field, f'expected a string "HH:MM-HH:MM", got {type(text).__name__} {text!r}')
    match = _INTERVAL.match(text)
    if match is None:
        raise CalendarSpecError(field, f'{text!r} is not an interval "HH:MM-HH:MM"')
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if start_h > 23 or start_m > 59:
        raise CalendarSpecError(field, f"{text!r}: start must be a time from 00:00 to 23:59")
    if end_m > 59 or end_h > 24 or (end_h == 24 and end_m != 0):
        raise CalendarSpecError(field, f"{text!r}: end must be a time from 00:01 to 24:00")
    start = start_h * 60 + start_m
    end = end_h * 60 + end_m
    if end <= start:
        raise CalendarSpecError(
            field,
            f"{text!r} ends before it starts (an interval cannot cross midnight: "
            'split it into "..-24:00" and "00:00-.." on the next day)',
        )
    return LocalInterval(start, end)


def parse_hours(value: object, field: str) -> Hours:
    """Read a list of intervals; sort them and refuse overlaps.

    ``field`` is the path used in error messages, e.g. ``"week.mon"``; each item is reported
    as ``"week.mon[1]"``.
    """
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise CalendarSpecError(
            field, f'expected a list of "HH:MM-HH:MM" strings, got {type(value).__name__}'
        )
    parsed = sorted((parse_interval(item, f"{field}[{index}]"), index) for index, item in enumerate(value))
    for (previous, previous_index), (current, current_index) in pairwise(parsed):
        if current.start < previous.end:
            raise CalendarSpecError(
                field,
                f"intervals {previous} (item {previous_index}) and {current} (item {current_index}) overlap",
            )
    return tuple(interval for interval, _ in parsed)


def format_hours(hours: Hours) -> list[str]:
    """The JSON form of ``hours``: ``["09:00-12:00", ...]``."""
    return [str(interval) for interval in hours]


def intersect_hours(first: Hours, second: Hours) -> Hours:
    """The hours open in both ``first`` and ``second``."""
    result: list[LocalInterval] = []
    for a in first:
        for b in second:
            start = max(a.start, b.start)
            end = min(a.end, b.end)
            if start < end:
                result.append(LocalInterval(start, end))
    result.sort()
    return tuple(result)
