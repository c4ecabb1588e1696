"""Requester pages: parse input, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.accounts import eligibility
from comptoir.admission import services as admission
from comptoir.admission.models import HeldRequest
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError, NotFound
from comptoir.portal.forms import NewTicketForm, ReplyForm
from comptoir.sla.display import clock_views
from comptoir.tickets import selectors, services
from comptoir.tickets.models import Ticket
from comptoir.tickets.new_request import NewRequest
from comptoir.tickets.vocabulary import Channel
from comptoir.workflow import quota


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


def _ticket_or_404(request: HttpRequest, number: int, **kwargs: bool):  # type: ignore[no-untyped-def]
    try:
        return selectors.ticket_for(request.user, number, **kwargs)
    except NotFound:
        raise Http404(_("No such request.")) from None


def _quota(request: HttpRequest) -> quota.Usage | None:
    """Procedure 000: requesters see how many requests remain this month."""
    if not request.user.organisation_id:
        return None
    current = quota.usage(request.user.organisation_id, at=clock_now())
    return current if current.allowance is not None else None


def _ticket_context(ticket: Ticket, form: ReplyForm) -> dict[str, object]:
    promised = [
        c for c in clock_views(ticket, now=clock_now()) if c.show_to_requester and c.segment_is_current
    ]
    return {"ticket": ticket, "form": form, "promised": promised}


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    page = selectors.portal_tickets(
        request.user, status=request.GET.get("status", ""), page=_page_number(request)
    )
    return render(
        request,
        "portal/list.html",
        {"page": page, "status": request.GET.get("status", ""), "quota": _quota(request)},
    )


@login_required
def new_ticket(request: HttpRequest) -> HttpResponse:
    # Procedure 002: someone their organisation does not serve learns whom to contact
    # before typing a request (one sent anyway is kept for an agent, see submit).
    refusal = eligibility.refusal_for(request.user)
    if refusal and request.method != "POST":
        return render(request, "portal/new.html", {"not_eligible": refusal})
    form = NewTicketForm(
        request.POST or None, request.FILES or None, user_agent=request.headers.get("User-Agent", "")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = NewRequest(
                requester=request.user,
                subject=data["subject"],
                body=data["body"],
                channel=Channel.PORTAL,
                type=data["type"],
                product=data["product"],
                component=data["component"],
                is_urgent=data["is_urgent"],
                attachments=tuple(form.incoming_files()),
                details=form.details(),
            )
            result = admission.submit(new)
        except ComptoirError as exc:
            form.add_error(None, exc.message)
        else:
            if isinstance(result, HeldRequest):
                return render(request, "portal/new.html", {"held": result, "quota": _quota(request)})
            messages.success(
                request,
                _("Your request has been registered under number %(ref)s.") % {"ref": result.reference},
            )
            return redirect("portal:ticket", number=result.number)
    return render(request, "portal/new.html", {"form": form, "quota": _quota(request)})


@login_required
def new_ticket_details(request: HttpRequest) -> HttpResponse:
    """The facts the request form of the chosen product and type asks for (htmx, when
    the product or the type changes on the new-request form)."""
    form = NewTicketForm(
        initial={"product": request.GET.get("product", ""), "type": request.GET.get("type", "")},
        user_agent=request.headers.get("User-Agent", ""),
    )
    return render(request, "portal/_request_details.html", {"form": form})


@login_required
def ticket_page(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    return render(request, "portal/ticket.html", _ticket_context(ticket, ReplyForm()))


@login_required
@require_POST
def reply(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _ticket_or_404(request, number, with_conversation=False)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reply(
                ticket,
                by=request.user,
                body=form.cleaned_data["body"],
                channel=Channel.PORTAL,
                attachments=form.incoming_files(),
            )
        except ComptoirError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your answer has been sent."))
            return redirect("portal:ticket", number=number)
    ticket = _ticket_or_404(request, number)
    return render(request, "portal/ticket.html", _ticket_context(ticket, form), status=400)


@login_required
@require_POST
def set_status(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _ticket_or_404(request, number, with_conversation=False)
    target = request.POST.get("status", "")
    try:
        services.change_status(ticket, to=target, by=request.user)
    except ComptoirError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The status of your request has been updated."))
    return redirect("portal:ticket", number=number)
