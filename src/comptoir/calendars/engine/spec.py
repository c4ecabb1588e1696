"""The calendar spec: the JSON-able description of a business calendar, parsed and validated.

The format is a promise to integrators::

    {
        "timezone": "Europe/Paris",                  # required, an IANA zone name
        "week": {"mon": ["09:00-12:00", "14:00-17:30"], ..., "sun": []},   # required
        "holidays": {"country": "FR", "subdivision": None},  # optional; null = none
        "holiday_hours": [],          # optional; hours kept on public holidays ([] = closed)
        "closures": ["2026-12-24"],   # optional; extra closed dates
        "openings": {"2026-05-25": ["09:00-17:00"]},  # optional; special hours for a date
    }

A day missing from ``"week"`` is closed. Unknown keys anywhere are refused (a typo must not
silently change opening hours). Parsing canonicalises: intervals sorted and written
``HH:MM``, holiday codes as the library spells them, closures sorted without duplicates, so
``parse_spec(spec.to_dict()) == spec`` always holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from comptoir.calendars.engine.errors import CalendarSpecError
from comptoir.calendars.engine.hours import Hours, format_hours, parse_hours
from comptoir.calendars.engine.public_holidays import HolidaySource, resolve_source

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Keys of ``"week"``, in the order of :meth:`datetime.date.weekday`."""

_KEYS = ("timezone", "week", "holidays", "holiday_hours", "closures", "openings")


class HolidaysDict(TypedDict):
    """JSON form of a holiday source."""

    country: str
    subdivision: str | None


class SpecDict(TypedDict):
    """JSON form of a calendar spec, as returned by ``to_spec()``."""

    timezone: str
    week: dict[str, list[str]]
    holidays: HolidaysDict | None
    holiday_hours: list[str]
    closures: list[str]
    openings: dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """A validated calendar.

    Hours on a local date, first rule that applies:

    1. ``openings[date]`` if the date has special hours (even on a holiday or a closure);
    2. closed if the date is in ``closures``;
    3. on a public holiday, the weekday's hours kept within ``holiday_hours``
       (their intersection: ``[]``, the default, closes the day);
    4. otherwise the weekday's hours from ``week``.
    """

    timezone: str
    week: tuple[Hours, Hours, Hours, Hours, Hours, Hours, Hours]
    holidays: HolidaySource | None = None
    holiday_hours: Hours = ()
    closures: tuple[date, ...] = ()
    openings: tuple[tuple[date, Hours], ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return ZoneInfo(self.timezone)

    def to_dict(self) -> SpecDict:
        """The JSON-able form; :func:`parse_spec` reads it back to an equal spec."""
        holidays: HolidaysDict | None = None
        if self.holidays is not None:
            holidays = {
                "country": self.holidays.country,
                "subdivision": self.holidays.subdivision,
            }
        return {
            "timezone": self.timezone,
            "week": {name: format_hours(hours) for name, hours in zip(DAY_NAMES, self.week, strict=True)},
            "holidays": holidays,
            "holiday_hours": format_hours(self.holiday_hours),
            "closures": [day.isoformat() for day in self.closures],
            "openings": {day.isoformat(): format_hours(hours) for day, hours in self.openings},
        }


def parse_spec(raw: Mapping[str, Any]) -> CalendarSpec:
    """Validate ``raw`` and build a :class:`CalendarSpec`.

    Raises :class:`CalendarSpecError` whose message starts with the offending field.
    """
    if not isinstance(raw, Mapping):
        raise CalendarSpecError("spec", f"expected a mapping, got {type(raw).__name__}")
    unknown = sorted(str(key) for key in raw if key not in _KEYS)
    if unknown:
        raise CalendarSpecError("spec", f"unknown key(s) {unknown}; use {', '.join(_KEYS)}")
    return CalendarSpec(
        timezone=_parse_timezone(raw.get("timezone")),
        week=_parse_week(raw.get("week")),
        holidays=resolve_source(raw.get("holidays")),
        holiday_hours=parse_hours(_given(raw, "holiday_hours", []), "holiday_hours"),
        closures=_parse_closures(_given(raw, "closures", [])),
        openings=_parse_openings(_given(raw, "openings", {})),
    )


def _given(raw: Mapping[str, Any], key: str, default: object) -> object:
    """``raw[key]``, with an absent key or ``null`` read as ``default``."""
    value = raw.get(key)
    return default if value is None else value


def _parse_timezone(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise CalendarSpecError(
            "timezone", f"expected an IANA time zone name such as 'Europe/Paris', got {value!r}"
        )
    try:
        ZoneInfo(value)
    except (KeyError, ValueError, OSError) as error:  # ZoneInfoNotFoundError is a KeyError
        raise CalendarSpecError("timezone", f"unknown time zone {value!r}") from error
    return value


def _parse_week(value: object) -> tuple[Hours, Hours, Hours, Hours, Hours, Hours, Hours]:
    if not isinstance(value, Mapping):
        raise CalendarSpecError(
            "week", f'expected a mapping such as {{"mon": ["09:00-17:00"], ...}}, got {value!r}'
        )
    unknown = sorted(str(key) for key in value if key not in DAY_NAMES)
    if unknown:
        raise CalendarSpecError("week", f"unknown day(s) {unknown}; use {', '.join(DAY_NAMES)}")
    mon, tue, wed, thu, fri, sat, sun = (
        parse_hours(_given(value, name, []), f"week.{name}") for name in DAY_NAMES
    )
    return (mon, tue, wed, thu, fri, sat, sun)


def _parse_date(value: object, field: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarSpecError(field, f'expected a date "YYYY-MM-DD", got {value!r}')


def _parse_closures(value: object) -> tuple[date, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise CalendarSpecError(
            "closures", f'expected a list of dates "YYYY-MM-DD", got {type(value).__name__}'
        )
    return tuple(sorted({_parse_date(item, f"closures[{index}]") for index, item in enumerate(value)}))


def _parse_openings(value: object) -> tuple[tuple[date, Hours], ...]:
    if not isinstance(value, Mapping):
        raise CalendarSpecError(
            "openings",
            f'expected a mapping {{"YYYY-MM-DD": ["HH:MM-HH:MM", ...]}}, got {value!r}',
        )
    openings: dict[date, Hours] = {}
    for key, hours in value.items():
        day = _parse_date(key, f"openings[{key!r}]")
        if day in openings:
            raise CalendarSpecError(f"openings[{key!r}]", f"date {day} is given twice")
        openings[day] = parse_hours(hours, f"openings[{key!r}]")
    return tuple(sorted(openings.items()))
