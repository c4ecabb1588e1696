"""A line's hours as people read them (pure): days sharing the same hours on one line,
public holidays joined to the days they match.

From the emergency line of procedure 003 (6:00-22:00 on working days, 9:00-10:00 and
16:00-17:00 on weekends and public holidays)::

    [Line(days=(("mon", "fri"),), holidays=False, hours=("06:00-22:00",)),
     Line(days=(("sat", "sun"),), holidays=True, hours=("09:00-10:00", "16:00-17:00"))]

Runs of consecutive days are (first, last) pairs; a lone day is (day, day). A calendar
that closes on public holidays says so with ``closed_on_holidays``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Line:
    days: tuple[tuple[str, str], ...]
    holidays: bool
    hours: tuple[str, ...]


@dataclass(frozen=True)
class Hours:
    timezone: str
    lines: tuple[Line, ...]
    closed_on_holidays: bool


def _runs(days: list[str]) -> tuple[tuple[str, str], ...]:
    runs: list[list[str]] = []
    for day in days:
        if runs and DAYS.index(day) == DAYS.index(runs[-1][-1]) + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return tuple((run[0], run[-1]) for run in runs)


def describe(spec: Mapping[str, Any]) -> Hours:
    """The lines of a calendar spec (the JSON of ``comptoir.calendars``)."""
    week = spec.get("week") or {}
    by_hours: dict[tuple[str, ...], list[str]] = {}
    for day in DAYS:
        hours = tuple(sorted(week.get(day) or ()))
        if hours:
            by_hours.setdefault(hours, []).append(day)
    has_holidays = bool(spec.get("holidays"))
    holiday_hours = tuple(sorted(spec.get("holiday_hours") or ()))
    lines = [
        Line(_runs(days), has_holidays and hours == holiday_hours, hours) for hours, days in by_hours.items()
    ]
    if has_holidays and holiday_hours and not any(line.holidays for line in lines):
        lines.append(Line((), True, holiday_hours))
    lines.sort(key=lambda line: DAYS.index(line.days[0][0]) if line.days else len(DAYS))
    return Hours(
        timezone=str(spec.get("timezone") or ""),
        lines=tuple(lines),
        closed_on_holidays=has_holidays and not holiday_hours,
    )
