"""Business calendars in the desk's settings: a week grid, public holidays, closures and
special openings, the time zone, and a live preview of due times
(``comptoir.calendars.services`` holds the rules)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.calendars import CalendarError, services
from comptoir.calendars.models import Calendar
from comptoir.core import clock
from comptoir.core.errors import PermissionDenied
from comptoir.desk.views import staff_required


def _readers_only(request: HttpRequest) -> None:
    try:
        services.check_can_read(request.user)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


@staff_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    rows = []
    for calendar in Calendar.objects.all():
        draft = services.draft_of(calendar)
        regions = dict(services.regions_of(draft.country))
        place = services.country_name(draft.country) if draft.country else ""
        if draft.region:
            place = f"{place} · {regions.get(draft.region, draft.region)}"
        rows.append((calendar, draft, place))
    return render(
        request,
        "desk/settings/calendars.html",
        {"rows": rows, "can_change": services.can_change(request.user), "days": services.DAY_LABELS},
    )


@staff_required
def calendar_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _readers_only(request)
    calendar = get_object_or_404(Calendar, pk=pk) if pk is not None else None
    can_change = services.can_change(request.user)
    if request.method == "POST" and request.htmx:
        return _preview(request, calendar)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not can_change:
            raise DjangoPermissionDenied(_("Only an administrator can change a calendar."))
        draft = services.read_draft(request.POST)
        saved, outcome = services.save(draft, by=request.user, calendar=calendar)
        if saved is not None:
            messages.success(request, _("Calendar '%(name)s' saved.") % {"name": saved.name})
            return redirect("desk:calendar_edit", pk=saved.pk)
        errors = outcome.errors
    else:
        draft = services.draft_of(calendar)
    return render(
        request, "desk/settings/calendar.html", _context(request, calendar, draft, errors, can_change)
    )


def _context(
    request: HttpRequest,
    calendar: Calendar | None,
    draft: services.Draft,
    errors: dict[str, list[str]],
    can_change: bool,
) -> dict[str, Any]:
    outcome = services.validate(draft, calendar=calendar) if not errors else services.Outcome(None, errors)
    preview, preview_errors = None, outcome.errors
    if outcome.spec is not None:
        try:
            preview = services.preview(outcome.spec)
        except CalendarError:  # e.g. open only on special dates in the past
            preview_errors = {
                "calendar": [_("The calendar never opens again: give the hours of at least one day.")]
            }
    padded = draft.padded()
    return {
        "calendar": calendar,
        "draft": padded,
        "openings": [(f"opening-{n}", opening) for n, opening in enumerate(padded.openings)],
        "errors": errors,
        "can_change": can_change,
        "days": [(day, services.DAY_LABELS[day]) for day in services.DAY_LABELS],
        "timezones": services.timezones(),
        "countries": services.countries(),
        "regions": services.regions_of(draft.country),
        "holidays": services.holiday_list(
            draft.country, draft.region, language=(get_language() or "en")[:2], today=clock.now().date()
        ),
        "preview": preview,
        "preview_errors": preview_errors,
    }


def _preview(request: HttpRequest, calendar: Calendar | None) -> HttpResponse:
    """The live preview, and (after a change of country or region) the region list and the
    holidays, as the form is filled in."""
    draft = services.read_draft(request.POST)
    context = _context(request, calendar, draft, {}, services.can_change(request.user))
    context["trigger_regions"] = request.POST.get("regions-for", "") != draft.country
    context["oob_holidays"] = True
    return render(request, "desk/settings/calendar_preview.html", context)
