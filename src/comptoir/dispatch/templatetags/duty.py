"""The lines' hours in words, and the portal's box with the hotline and the emergency line."""

from __future__ import annotations

from django import template
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from comptoir.dispatch.catalogue import catalogue
from comptoir.dispatch.opening_hours import DAYS, Hours, Line

register = template.Library()


def _time(text: str) -> str:
    hours, minutes = (int(part) for part in text.split(":"))
    if minutes == 0:
        return pgettext("time of day, whole hour", "%(h)s:00") % {"h": hours}
    return pgettext("time of day", "%(h)s:%(m)s") % {"h": hours, "m": f"{minutes:02d}"}


def _interval(text: str) -> str:
    start, end = text.split("-")
    return pgettext("opening hours", "%(start)s–%(end)s") % {"start": _time(start), "end": _time(end)}


def _day(name: str) -> str:
    return str(WEEKDAYS[DAYS.index(name)])


def _days(line: Line) -> str:
    parts: list[str] = []
    for first, last in line.days:
        span = DAYS.index(last) - DAYS.index(first)
        if span == 0:
            parts.append(_day(first))
        elif span == 1:
            parts += [_day(first), _day(last)]
        else:
            parts.append(
                pgettext("days", "%(first)s to %(last)s") % {"first": _day(first), "last": _day(last)}
            )
    if line.holidays:
        parts.append(_("public holidays"))
    return capfirst(get_text_list(parts, _("and")))


@register.filter
def hours_lines(hours: Hours | None) -> list[tuple[str, str]]:
    """[("Monday to Friday", "9:00–12:00 and 14:00–17:30"), …] in the current language."""
    if hours is None:
        return []
    lines = [
        (_days(line), get_text_list([_interval(i) for i in line.hours], _("and"))) for line in hours.lines
    ]
    if hours.closed_on_holidays:
        lines.append((_("Public holidays"), pgettext("line hours", "closed")))
    return lines


@register.inclusion_tag("dispatch/support_lines.html")
def support_lines() -> dict[str, object]:
    """Procedure 003: the hotline's number and hours, and the emergency line's (its own
    hours, weekends and holidays included). From the per-process catalogue: no query."""
    rotas = [r for r in catalogue().rotas if r.phone or r.hours]
    return {"rotas": rotas}
