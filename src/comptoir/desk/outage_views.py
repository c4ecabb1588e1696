"""Outages in the desk (procedure 004): the list, the declaration, one outage's page with its
update and resolve forms and linked tickets, and linking a ticket from its page. Parse,
call ``comptoir.outages.services``, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comptoir.core.errors import ComptoirError, NotFound
from comptoir.desk.views import staff_required
from comptoir.outages import selectors, services
from comptoir.outages.forms import DeclareForm, LinkTicketForm, ResolveForm, UpdateForm
from comptoir.outages.models import Outage
from comptoir.tickets import selectors as ticket_selectors


@staff_required
def outage_list(request: HttpRequest) -> HttpResponse:
    page_arg = request.GET.get("page", "1")
    page = selectors.desk_list(page=int(page_arg) if page_arg.isdigit() else 1)
    return render(request, "desk/outages.html", {"page": page})


@staff_required
def declare(request: HttpRequest) -> HttpResponse:
    form = DeclareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outage = services.declare(
                by=request.user,
                title=data["title"],
                kind=data["kind"],
                impact=data["impact"],
                services=list(data["services"]),
                started_at=data["started_at"],
                expected_end_at=data["expected_end_at"],
                message=data["message"],
                cause=data["cause"],
                host=data["host"],
                internal_notes=data["internal_notes"],
            )
        except ComptoirError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Outage declared: the team chat and the subscribers are told."))
            return redirect("desk:outage", pk=outage.pk)
    return render(request, "desk/outage_declare.html", {"form": form}, status=400 if form.errors else 200)


def _outage_or_404(pk: int) -> Outage:
    outage = selectors.desk_outage(pk)
    if outage is None:
        raise Http404(_("No such outage."))
    return outage


def _page(
    request: HttpRequest, outage: Outage, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    tickets, linked_count = selectors.linked_tickets(request.user, outage)
    forms = {
        "update": UpdateForm(
            initial={
                "impact": outage.impact,
                "expected_end_at": outage.expected_end_at,
                "cause": outage.cause,
            }
        ),
        "resolve": ResolveForm(initial={"answer_tickets": bool(linked_count)}),
        **(bound or {}),
    }
    context = {"outage": outage, "forms": forms, "tickets": tickets, "linked_count": linked_count}
    return render(request, "desk/outage.html", context, status=status)


@staff_required
def outage_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _outage_or_404(pk))


@staff_required
@require_POST
def outage_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    outage = _outage_or_404(pk)
    if action == "update":
        form: UpdateForm | ResolveForm = UpdateForm(request.POST)
    elif action == "resolve":
        form = ResolveForm(request.POST)
    elif action == "unlink":
        return _unlink(request, outage, request.POST.get("ticket", ""), back="outage")
    else:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "update":
                services.update(
                    outage,
                    by=request.user,
                    message=data["message"],
                    expected_end_at=data["expected_end_at"],
                    impact=data["impact"],
                    cause=data["cause"],
                )
                done = _("Update published.")
            else:
                result = services.resolve(
                    outage,
                    by=request.user,
                    message=data["message"],
                    resolved_at=data["resolved_at"],
                    answer_tickets=data["answer_tickets"],
                )
                done = _("Outage resolved.")
                if data["answer_tickets"]:
                    done += " " + ngettext(
                        "%(n)s linked ticket answered and resolved.",
                        "%(n)s linked tickets answered and resolved.",
                        len(result.answered),
                    ) % {"n": len(result.answered)}
                    if result.skipped:
                        done += " " + ngettext(
                            "%(n)s left as it was (already resolved or closed, or not yours to answer).",
                            "%(n)s left as they were (already resolved or closed, or not yours to answer).",
                            len(result.skipped),
                        ) % {"n": len(result.skipped)}
        except ComptoirError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return redirect("desk:outage", pk=outage.pk)
    else:
        messages.error(request, _("Please correct the form below."))
    return _page(request, _outage_or_404(pk), {action: form}, status=400)


def _ticket_or_404(request: HttpRequest, number: int) -> Any:
    try:
        return ticket_selectors.ticket_for(request.user, number, with_conversation=False)
    except NotFound:
        raise Http404(_("No such ticket.")) from None


@staff_required
@require_POST
def link_ticket(request: HttpRequest, number: int) -> HttpResponse:
    """From the desk ticket page: this ticket is caused by an outage under way."""
    ticket = _ticket_or_404(request, number)
    form = LinkTicketForm(request.POST)
    outage = Outage.objects.filter(pk=form.cleaned_data["outage"]).first() if form.is_valid() else None
    if outage is None:
        messages.error(request, _("Choose an outage."))
        return redirect("desk:ticket", number=number)
    try:
        services.link_ticket(outage, ticket=ticket, by=request.user)
    except ComptoirError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Ticket linked to the outage “%(title)s”.") % {"title": outage.title})
    return redirect("desk:ticket", number=number)


@staff_required
@require_POST
def unlink_ticket(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    return _unlink(request, _outage_or_404(pk), str(number), back="ticket")


def _unlink(request: HttpRequest, outage: Outage, number: str, *, back: str) -> HttpResponse:
    if not number.isdigit():
        raise Http404
    ticket = _ticket_or_404(request, int(number))
    try:
        services.unlink_ticket(outage, ticket=ticket, by=request.user)
    except ComptoirError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Link removed."))
    if back == "ticket":
        return redirect("desk:ticket", number=ticket.number)
    return redirect("desk:outage", pk=outage.pk)
