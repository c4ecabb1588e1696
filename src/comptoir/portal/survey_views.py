"""Satisfaction pages (procedure 003): the mail link's page, usable without signing in
(the token is the key), and the rating form of the requester's ticket page."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError, NotFound
from comptoir.satisfaction import selectors as surveys
from comptoir.satisfaction import services as satisfaction
from comptoir.satisfaction.forms import SurveyForm
from comptoir.tickets import selectors
from comptoir.tickets import services as ticket_services


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The page of the mail link: the form while the invitation is valid, else why not
    (answered, the 8 days over, a newer invitation, the request reopened)."""
    try:
        found = surveys.by_token(token)
    except NotFound:
        raise Http404(_("No such survey.")) from None
    form = SurveyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket_services.answer_survey(
                    found, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
                )
            except satisfaction.SurveyClosed as exc:
                found, status = exc.survey, 409
            except ComptoirError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, _("Thank you for your opinion."))
                return redirect(request.path)
        else:
            status = 400
    context = {"survey": found, "ticket": found.ticket, "form": form, "refusal": found.refusal(clock_now())}
    if request.user.is_authenticated:
        return render(request, "satisfaction/survey.html", context, status=status)
    # Not signed in: dates in the requester's own time zone, like their mails.
    with timezone.override(_zone(found.requester.timezone)):
        return render(request, "satisfaction/survey.html", context, status=status)


@login_required
@require_POST
def answer_on_ticket(request: HttpRequest, number: int) -> HttpResponse:
    """The rating block of the portal's ticket page (the requester, signed in)."""
    try:
        ticket = selectors.ticket_for(request.user, number, with_conversation=False)
        current = surveys.current_for(ticket)
    except NotFound:
        raise Http404(_("No such request.")) from None
    form = SurveyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("portal:ticket", number=number)
    try:
        ticket_services.answer_survey(
            current,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        )
    except NotFound:
        raise Http404(_("No such request.")) from None
    except ComptoirError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you for your opinion."))
    return redirect("portal:ticket", number=number)


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
