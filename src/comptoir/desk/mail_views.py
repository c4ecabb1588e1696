"""The mail pages of the desk: the quarantine (mails that could not be handled, with the
reason: retry or discard) and the outbox (every mail Comptoir sends, with its delivery
state: in the embedded default, this is where a developer reads them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import ComptoirError, NotFound
from comptoir.core.models import OutboxMessage
from comptoir.desk.views import staff_required
from comptoir.mail import services as mail_services
from comptoir.mail.models import InboundMail
from comptoir.tickets import selectors

PAGE = 50


def _managers_only(request: HttpRequest) -> None:
    try:
        mail_services.check_can_manage(request.user)
    except ComptoirError:
        raise DjangoPermissionDenied from None


def _page(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return max(int(value), 1) if value.isdigit() else 1


@staff_required
def quarantine(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    state = request.GET.get("state", InboundMail.State.QUARANTINED)
    if state not in InboundMail.State.values:
        state = InboundMail.State.QUARANTINED
    page = _page(request)
    rows = list(
        InboundMail.objects.filter(state=state)
        .defer("raw")
        .select_related("mailbox", "ticket")
        .order_by("-received_at", "-pk")[(page - 1) * PAGE : page * PAGE + 1]
    )
    return render(
        request,
        "desk/mail_quarantine.html",
        {
            "rows": rows[:PAGE],
            "has_next": len(rows) > PAGE,
            "page": page,
            "state": state,
            "states": InboundMail.State.choices,
        },
    )


@staff_required
def inbound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _managers_only(request)
    inbound = get_object_or_404(InboundMail.objects.select_related("mailbox", "ticket"), pk=pk)
    raw = bytes(inbound.raw)
    head = raw[:20000].decode("utf-8", "replace")
    return render(
        request, "desk/mail_inbound.html", {"mail": inbound, "head": head, "truncated": len(raw) > 20000}
    )


@staff_required
def original_mail(request: HttpRequest, number: int, message_id: int) -> HttpResponse:
    """The mail a ticket's message came from, for anyone who may see the ticket (agents
    check what the requester really sent: headers, the parts Comptoir left out)."""
    try:
        ticket = selectors.ticket_for(request.user, number, with_conversation=False)
    except NotFound:
        raise Http404 from None
    inbound = get_object_or_404(
        InboundMail.objects.select_related("mailbox", "ticket"), message_id=message_id, message__ticket=ticket
    )
    raw = bytes(inbound.raw)
    head = raw[:20000].decode("utf-8", "replace")
    return render(
        request,
        "desk/mail_inbound.html",
        {"mail": inbound, "head": head, "truncated": len(raw) > 20000, "read_only": True},
    )


@staff_required
@require_POST
def inbound_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _managers_only(request)
    inbound = get_object_or_404(InboundMail, pk=pk)
    try:
        if action == "retry":
            outcome = mail_services.retry(inbound, by=request.user)
            if outcome.status == "quarantined":
                messages.error(request, _("Still not handled: %(reason)s") % {"reason": outcome.reason})
            else:
                messages.success(request, _("The mail has been handled."))
        elif action == "discard":
            mail_services.discard(inbound, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The mail has been discarded (it stays stored)."))
        else:
            raise DjangoPermissionDenied
    except ComptoirError as exc:
        messages.error(request, exc.message)
    return redirect("desk:inbound", pk=pk)


@staff_required
def outbox(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    page = _page(request)
    rows = list(OutboxMessage.objects.order_by("-created_at", "-pk")[(page - 1) * PAGE : page * PAGE + 1])
    return render(
        request, "desk/mail_outbox.html", {"rows": rows[:PAGE], "has_next": len(rows) > PAGE, "page": page}
    )


@staff_required
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _managers_only(request)
    row = get_object_or_404(OutboxMessage, pk=pk)
    return render(request, "desk/mail_outbox_detail.html", {"row": row})
