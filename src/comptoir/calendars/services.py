"""Configuring business calendars from the desk's settings screen, without JSON.

The screen sends plain fields (a week grid of spans, a holiday country and region, dates);
:func:`read_draft` gathers them, :func:`validate` turns them into the same validated spec
``BusinessCalendar.from_spec`` reads (or into messages saying what to change, keyed by
field), :func:`save` stores it in one transaction and :func:`changed` applies the change
to the per-process caches that hold calendars. :func:`preview` answers "a request arriving
now is due at ..." for the screen's live preview.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.accounts import contracts
from comptoir.accounts.models import User
from comptoir.calendars import BusinessCalendar, CalendarSpecError
from comptoir.calendars.engine import DAY_NAMES
from comptoir.calendars.engine.day_rules import DayRules
from comptoir.calendars.models import Calendar
from comptoir.core import clock, config_changes
from comptoir.core.errors import PermissionDenied
from comptoir.dispatch import catalogue
from comptoir.sla import policies

SPANS_PER_DAY = 3
"""Span rows shown per day without JavaScript (comptoir.js adds more on demand)."""
EXTRA_DATE_ROWS = 3
"""Empty closure and special-opening rows offered below the existing ones."""
DEFAULT_TIMEZONE = "Europe/Paris"

DAY_LABELS = {
    "mon": gettext_lazy("Monday"),
    "tue": gettext_lazy("Tuesday"),
    "wed": gettext_lazy("Wednesday"),
    "thu": gettext_lazy("Thursday"),
    "fri": gettext_lazy("Friday"),
    "sat": gettext_lazy("Saturday"),
    "sun": gettext_lazy("Sunday"),
}

# The holidays library names countries in English only; the countries Comptoir's customers
# are in are named here in the reader's language, the others keep the library's name.
_COUNTRY_NAMES = {
    "FR": gettext_lazy("France"),
    "BE": gettext_lazy("Belgium"),
    "LU": gettext_lazy("Luxembourg"),
    "CH": gettext_lazy("Switzerland"),
    "MC": gettext_lazy("Monaco"),
    "DE": gettext_lazy("Germany"),
    "ES": gettext_lazy("Spain"),
    "IT": gettext_lazy("Italy"),
    "NL": gettext_lazy("Netherlands"),
    "GB": gettext_lazy("United Kingdom"),
    "CA": gettext_lazy("Canada"),
    "US": gettext_lazy("United States"),
}
_REGION_NAMES = {
    ("FR", "6AE"): gettext_lazy("Alsace (Bas-Rhin, Haut-Rhin)"),
    ("FR", "57"): gettext_lazy("Moselle"),
}
_US_PER_MINUTE = 60_000_000
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass
class Span:
    start: str = ""
    end: str = ""


@dataclass
class Opening:
    day: str = ""
    spans: list[Span] = field(default_factory=list)


@dataclass
class Draft:
    """What the screen shows and sends: every value as typed."""

    name: str = ""
    timezone: str = DEFAULT_TIMEZONE
    week: dict[str, list[Span]] = field(default_factory=dict)
    country: str = ""
    region: str = ""
    holiday_hours: list[Span] = field(default_factory=list)
    closures: list[str] = field(default_factory=list)
    openings: list[Opening] = field(default_factory=list)

    def padded(self) -> Draft:
        """The same draft with empty rows to fill in (at least ``SPANS_PER_DAY`` per day)."""

        def pad(spans: list[Span], at_least: int = SPANS_PER_DAY) -> list[Span]:
            return spans + [Span() for _ in range(max(at_least - len(spans), 0))]

        return Draft(
            name=self.name,
            timezone=self.timezone,
            week={day: pad(self.week.get(day, [])) for day in DAY_NAMES},
            country=self.country,
            region=self.region,
            holiday_hours=pad(self.holiday_hours),
            closures=self.closures + [""] * EXTRA_DATE_ROWS,
            openings=[Opening(o.day, pad(o.spans, 2)) for o in self.openings]
            + [Opening("", pad([], 2)) for _ in range(EXTRA_DATE_ROWS)],
        )


@dataclass(frozen=True)
class Outcome:
    """A validated spec, or the messages saying what to change (field name -> messages)."""

    spec: dict[str, Any] | None
    errors: dict[str, list[str]]


# --- permissions -------------------------------------------------------------------------


def can_change(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == User.Role.ADMIN)


def check_can_read(user: User) -> None:
    """Administrators change calendars; supervisors may read them."""
    if not (
        user.is_authenticated and user.is_active and user.role in (User.Role.ADMIN, User.Role.SUPERVISOR)
    ):
        raise PermissionDenied(_("Only administrators and supervisors can see the calendars."))


def check_can_change(user: User) -> None:
    if not can_change(user):
        raise PermissionDenied(_("Only an administrator can change a calendar."))


# --- from the spec to the screen and back ------------------------------------------------


def _spans_of(hours: list[str]) -> list[Span]:
    return [Span(*interval.split("-", 1)) for interval in hours]


def draft_of(calendar: Calendar | None) -> Draft:
    """The draft showing ``calendar`` (a new calendar: Europe/Paris, France's holidays)."""
    if calendar is None:
        return Draft(country="FR")
    spec = BusinessCalendar.from_spec(calendar.spec).to_spec()
    holidays = spec["holidays"]
    return Draft(
        name=calendar.name,
        timezone=spec["timezone"],
        week={day: _spans_of(spec["week"].get(day, [])) for day in DAY_NAMES},
        country=holidays["country"] if holidays else "",
        region=(holidays["subdivision"] or "") if holidays else "",
        holiday_hours=_spans_of(spec["holiday_hours"]),
        closures=list(spec["closures"]),
        openings=[Opening(day, _spans_of(hours)) for day, hours in spec["openings"].items()],
    )


def _rows(data: Mapping[str, Any], prefix: str) -> list[Span]:
    """Span rows ``<prefix>-<n>-start`` / ``-end`` in their order (gaps allowed)."""
    numbers = sorted(
        {int(m.group(1)) for key in data if (m := re.fullmatch(rf"{re.escape(prefix)}-(\d+)-start", key))}
    )
    return [
        Span(str(data.get(f"{prefix}-{n}-start", "")).strip(), str(data.get(f"{prefix}-{n}-end", "")).strip())
        for n in numbers
    ]


def read_draft(data: Mapping[str, Any]) -> Draft:
    """The draft the screen sent (a QueryDict or any mapping of field name -> text)."""

    def text(key: str) -> str:
        return str(data.get(key, "") or "").strip()

    closure_numbers = sorted(int(m.group(1)) for key in data if (m := re.fullmatch(r"closure-(\d+)", key)))
    opening_numbers = sorted(
        int(m.group(1)) for key in data if (m := re.fullmatch(r"opening-(\d+)-day", key))
    )
    return Draft(
        name=text("name"),
        timezone=text("timezone"),
        week={day: _rows(data, f"week-{day}") for day in DAY_NAMES},
        country=text("country"),
        region=text("region"),
        holiday_hours=_rows(data, "holiday"),
        closures=[text(f"closure-{n}") for n in closure_numbers],
        openings=[Opening(text(f"opening-{n}-day"), _rows(data, f"opening-{n}")) for n in opening_numbers],
    )


def _minutes(value: str, *, end: bool) -> int | None:
    match = _TIME.match(value)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        return None
    return hours * 60 + minutes


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _hours(spans: list[Span], where: str, errors: list[str]) -> list[str]:
    """The ``"HH:MM-HH:MM"`` intervals of filled rows; messages for bad rows in ``errors``."""
    read: list[tuple[int, int]] = []
    for span in spans:
        if not span.start and not span.end:
            continue
        if not span.start or not span.end:
            errors.append(
                _("%(where)s: give both the opening and the closing time, or neither.") % {"where": where}
            )
            continue
        start, finish = _minutes(span.start, end=False), _minutes(span.end, end=True)
        if start is None or finish is None:
            bad = span.start if start is None else span.end
            errors.append(
                _("%(where)s: '%(value)s' is not a time; write it as 09:00 or 17:30.")
                % {"where": where, "value": bad}
            )
            continue
        if finish <= start:
            errors.append(
                _("%(where)s: %(start)s–%(end)s closes before it opens; put the opening time first.")
                % {"where": where, "start": span.start, "end": span.end}
            )
            continue
        read.append((start, finish))
    read.sort()
    for (a_start, a_end), (b_start, b_end) in itertools.pairwise(read):
        if b_start < a_end:
            errors.append(
                _("%(where)s: %(first)s and %(second)s overlap; shorten one or merge them into one span.")
                % {
                    "where": where,
                    "first": f"{_clock(a_start)}–{_clock(a_end)}",
                    "second": f"{_clock(b_start)}–{_clock(b_end)}",
                }
            )
    return [f"{_clock(a)}-{_clock(b)}" for a, b in read]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def validate(draft: Draft, *, calendar: Calendar | None = None) -> Outcome:
    """The spec ``draft`` describes, checked by the engine, or what to change."""
    errors: dict[str, list[str]] = {}

    def problem(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not draft.name:
        problem("name", _("Give the calendar a name, e.g. 'Hotline 9:00-12:00 / 14:00-17:30'."))
    elif Calendar.objects.filter(name=draft.name).exclude(pk=calendar.pk if calendar else 0).exists():
        problem(
            "name",
            _("Another calendar is already called '%(name)s'; choose another name.") % {"name": draft.name},
        )
    if draft.timezone not in timezones():
        problem("timezone", _("Choose a time zone from the list, e.g. Europe/Paris."))

    week: dict[str, list[str]] = {}
    for weekday in DAY_NAMES:
        messages: list[str] = []
        week[weekday] = _hours(draft.week.get(weekday, []), str(DAY_LABELS[weekday]), messages)
        for message in messages:
            problem(f"week-{weekday}", message)
    holiday_messages: list[str] = []
    holiday_hours = _hours(draft.holiday_hours, _("Hours on public holidays"), holiday_messages)
    for message in holiday_messages:
        problem("holiday", message)

    holidays: dict[str, str | None] | None = None
    if draft.country:
        if draft.country not in countries():
            problem("country", _("Choose a country from the list, or 'No public holidays'."))
        else:
            regions = dict(regions_of(draft.country))
            if draft.region and draft.region not in regions:
                problem(
                    "region",
                    _("%(country)s has no region '%(region)s'; choose one from the list or 'Whole country'.")
                    % {"country": country_name(draft.country), "region": draft.region},
                )
            holidays = {"country": draft.country, "subdivision": draft.region or None}
    elif draft.region:
        problem("region", _("Choose the country of this region first."))

    closures: list[str] = []
    for value in draft.closures:
        if not value:
            continue
        day = _date(value)
        if day is None:
            problem(
                "closures",
                _("'%(value)s' is not a date; choose it in the date picker (YYYY-MM-DD).") % {"value": value},
            )
        else:
            closures.append(day.isoformat())

    openings: dict[str, list[str]] = {}
    for opening in draft.openings:
        filled = [s for s in opening.spans if s.start or s.end]
        if not opening.day and not filled:
            continue
        day = _date(opening.day) if opening.day else None
        if day is None:
            problem(
                "openings",
                _("'%(value)s' is not a date; choose the special opening's date in the date picker.")
                % {"value": opening.day}
                if opening.day
                else _("A special opening needs its date."),
            )
            continue
        where = _("Special opening on %(date)s") % {"date": day.isoformat()}
        messages = []
        hours = _hours(opening.spans, where, messages)
        for message in messages:
            problem("openings", message)
        if not hours and not messages:
            problem(
                "openings", _("%(where)s: give its hours (a closed day is a closure).") % {"where": where}
            )
        if day.isoformat() in openings:
            problem(
                "openings",
                _("%(date)s is given twice as a special opening; keep one row.") % {"date": day.isoformat()},
            )
        openings[day.isoformat()] = hours

    if errors:
        return Outcome(None, errors)
    raw = {
        "timezone": draft.timezone,
        "week": week,
        "holidays": holidays,
        "holiday_hours": holiday_hours,
        "closures": closures,
        "openings": openings,
    }
    try:
        business = BusinessCalendar.from_spec(raw)
    except CalendarSpecError as error:  # the screen checks first; the engine has the last word
        return Outcome(
            None, {"calendar": [_("The calendar cannot be saved: %(detail)s") % {"detail": error}]}
        )
    if not any(week.values()) and not openings:
        return Outcome(
            None, {"week-mon": [_("The calendar is never open: give the hours of at least one day.")]}
        )
    return Outcome(dict(business.to_spec()), {})


def save(draft: Draft, *, by: User, calendar: Calendar | None = None) -> tuple[Calendar | None, Outcome]:
    """Store the calendar ``draft`` describes (new if ``calendar`` is None); nothing is
    stored if anything is wrong."""
    check_can_change(by)
    outcome = validate(draft, calendar=calendar)
    if outcome.spec is None:
        return None, outcome
    with transaction.atomic():
        if calendar is None:
            before = None
            calendar = Calendar.objects.create(name=draft.name, spec=outcome.spec)
        else:
            calendar = Calendar.objects.select_for_update().get(pk=calendar.pk)
            before = {"name": calendar.name, "spec": calendar.spec}
            calendar.name, calendar.spec = draft.name, outcome.spec
            calendar.save(update_fields=["name", "spec"])
        changed(by=by, calendar=calendar, before=before, after={"name": calendar.name, "spec": calendar.spec})
    return calendar, outcome


def changed(*, by: User, calendar: Calendar, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    """A calendar was created or changed: the configuration log records who changed what,
    from what to what; the per-process caches that hold calendars (the contracts', the SLA
    policies', the rotas') drop them once the change is committed."""
    config_changes.record_change(
        by=by, kind="calendar", what=calendar.name, before=_logged(before), after=_logged(after)
    )
    transaction.on_commit(contracts.forget)
    transaction.on_commit(policies.forget)
    transaction.on_commit(catalogue.reset)


# --- choices ----------------------------------------------------------------------------


@cache
def timezones() -> tuple[str, ...]:
    return tuple(
        sorted(
            zone
            for zone in available_timezones()
            if "/" in zone and not zone.startswith(("Etc/", "SystemV/"))
        )
    )


@cache
def _library_countries() -> dict[str, str]:
    import holidays  # the library's country registry: imported when the screen is first shown

    names = {}
    for class_name, alpha2, *_rest in holidays.registry.COUNTRIES.values():
        names[alpha2] = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)
    return names


def countries() -> dict[str, str]:
    """Country code -> readable name, sorted by name, of every country the library knows."""
    names = {code: str(_COUNTRY_NAMES.get(code, name)) for code, name in _library_countries().items()}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def country_name(code: str) -> str:
    return countries().get(code, code)


@cache
def _library_regions(country: str) -> tuple[tuple[str, str], ...]:
    import holidays

    entity = holidays.country_holidays(country)
    aliases = entity.get_subdivision_aliases()
    regions = []
    for code in entity.subdivisions:
        names = [a for a in aliases.get(code, []) if len(a) > 3]
        regions.append((code, f"{names[0]} ({code})" if names else code))
    return tuple(regions)


def regions_of(country: str) -> list[tuple[str, str]]:
    """(code, readable name) of the country's regions that have public holidays of their own."""
    if country not in _library_countries():
        return []
    return [
        (code, f"{_REGION_NAMES[(country, code)]} ({code})" if (country, code) in _REGION_NAMES else name)
        for code, name in _library_regions(country)
    ]


def holiday_list(country: str, region: str, *, language: str, today: date) -> list[tuple[date, str]]:
    """The public holidays of this year and the next, with their names in ``language``
    when the library has them."""
    import holidays

    if country not in _library_countries() or (region and region not in dict(regions_of(country))):
        return []
    entity = holidays.country_holidays(country, subdiv=region or None, years=[today.year, today.year + 1])
    chosen = next((lang for lang in entity.supported_languages if lang.split("_")[0] == language), None)
    if chosen:
        entity = holidays.country_holidays(
            country, subdiv=region or None, years=[today.year, today.year + 1], language=chosen
        )
    return sorted(entity.items())


# --- preview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    now: datetime
    due: list[tuple[str, datetime]]
    openings: list[tuple[date, list[str]]]


def preview(spec: Mapping[str, Any], *, now: datetime | None = None) -> Preview:
    """When a request arriving ``now`` is due after 1 h, 4 h and 2 business days, and the
    next open days with their hours."""
    business = BusinessCalendar.from_spec(spec)
    at = (now or clock.now()).astimezone(business.zone)
    due = [
        (str(_("1 business hour")), business.add(at, timedelta(hours=1))),
        (str(_("4 business hours")), business.add(at, timedelta(hours=4))),
        (str(_("2 business days")), business.add_business_days(at, 2)),
    ]
    rules = DayRules(business.spec)
    openings: list[tuple[date, list[str]]] = []
    day = at.date()
    for _step in range(60):
        if len(openings) == 5:
            break
        spans = rules.spans_on(day)
        if spans:
            openings.append(
                (day, [f"{_clock(a // _US_PER_MINUTE)}–{_clock(b // _US_PER_MINUTE)}" for a, b in spans])
            )
        day += timedelta(days=1)
    return Preview(now=at, due=due, openings=openings)


def _logged(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    """A calendar as the configuration log shows it: each part of its spec apart."""
    if snapshot is None:
        return None
    spec = dict(snapshot.get("spec") or {})
    week = spec.get("week") or {}
    holidays = spec.get("holidays") or {}
    openings = spec.get("openings") or {}
    return {
        "name": snapshot.get("name", ""),
        "timezone": spec.get("timezone", ""),
        "week": "; ".join(f"{day} {', '.join(week.get(day) or ['—'])}" for day in DAY_NAMES),
        "holidays": " ".join(filter(None, [holidays.get("country"), holidays.get("subdivision")])) or "—",
        "holiday_hours": ", ".join(spec.get("holiday_hours") or []) or "—",
        "closures": ", ".join(spec.get("closures") or []) or "—",
        "openings": "; ".join(f"{d} {', '.join(h)}" for d, h in sorted(openings.items())) or "—",
    }


config_changes.register(
    "calendar",
    label=gettext_lazy("Calendar"),
    fields={
        "name": gettext_lazy("Name"),
        "timezone": gettext_lazy("Time zone"),
        "week": gettext_lazy("Opening hours"),
        "holidays": gettext_lazy("Public holidays"),
        "holiday_hours": gettext_lazy("Hours on public holidays"),
        "closures": gettext_lazy("Closures"),
        "openings": gettext_lazy("Special openings"),
    },
)
