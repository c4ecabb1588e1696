"""Business durations for people: "3 h 20 min", "2 j 4 h" is avoided (business days
depend on the calendar), so hours and minutes only."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def business_duration(value: timedelta | None) -> str:
    if value is None:
        return ""
    minutes = max(int(value.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": minutes}
