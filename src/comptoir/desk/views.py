"""Support team pages: parse input, call a service, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.accounts.models import Tier
from comptoir.accounts.services import find_callers
from comptoir.catalog.escalation import escalation_target
from comptoir.catalog.models import Component, Group, Product
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError, NotFound
from comptoir.desk import forms as desk_forms
from comptoir.macros.services import apply_macro, available_macros
from comptoir.mail import selectors as mail_selectors
from comptoir.sla.display import clock_views
from comptoir.tickets import selectors, services
from comptoir.tickets.models import Ticket
from comptoir.tickets.vocabulary import Channel, Priority, Severity, Status, TicketType
from comptoir.workflow import quota


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff_member:
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _ticket_or_404(request: HttpRequest, number: int, **kwargs: bool) -> Ticket:
    try:
        return selectors.ticket_for(request.user, number, **kwargs)
    except NotFound:
        raise Http404(_("No such ticket.")) from None


def _ticket_or_404_for(user: Any, number: int) -> Ticket:
    """Another ticket named in a form: one the agent cannot see does not exist."""
    return selectors.ticket_for(user, number, with_conversation=False)


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    page_arg = request.GET.get("page", "1")
    sort = request.GET.get("sort", "-updated")
    page = selectors.queue(
        request.user,
        filters={k: request.GET.get(k, "") for k in (*selectors.FILTERS, "q", "sla")},
        sort=sort,
        page=int(page_arg) if page_arg.isdigit() else 1,
    )
    context = {
        "page": page,
        "sort": sort,
        "choices": {
            "status": Status.choices,
            "type": TicketType.choices,
            "priority": Priority.choices,
            "severity": Severity.choices,
        },
        "products": Product.objects.all(),
        "components": Component.objects.select_related("product"),
        "groups": Group.objects.all(),
        "tiers": Tier.values,
        # A copy: evaluating the form class's own queryset would cache its rows for the
        # life of the process (agents added or deactivated since would not show).
        "agents": desk_forms.AssignForm.base_fields["assignee"].queryset.all(),  # type: ignore[attr-defined]
        "sorts": [
            ("-updated", _("Last updated")),
            ("-created", _("Newest")),
            ("created", _("Oldest")),
            ("priority", _("Priority")),
            ("-number", _("Number")),
            ("due", _("SLA due soonest")),
        ],
    }
    template = "desk/_queue_rows.html" if request.htmx else "desk/queue.html"
    return render(request, template, context)


def _escalation_path(ticket: Ticket) -> Group | None:
    """Where the ticket goes if escalated without naming a group (offered first)."""
    return escalation_target(
        ticket.group, product_id=ticket.product_id, organisation_id=ticket.organisation_id
    )


def _action_forms(ticket: Ticket, bound: dict[str, forms.Form] | None = None) -> dict[str, forms.Form]:
    made = {
        "reply": desk_forms.ReplyForm(),
        "note": desk_forms.NoteForm(),
        "assign": desk_forms.AssignForm(initial={"assignee": ticket.assignee_id}),
        "status": desk_forms.StatusForm(initial={"status": ticket.status}),
        "requalify": desk_forms.RequalifyForm(
            initial={
                "type": ticket.type,
                "severity": ticket.severity,
                "priority": ticket.priority,
                "product": ticket.product_id,
                "component": ticket.component_id,
            }
        ),
        "escalate": desk_forms.EscalateForm(suggested=_escalation_path(ticket)),
        "urgency": desk_forms.UrgencyForm(initial={"urgent": "0" if ticket.is_urgent else "1"}),
        "forward": desk_forms.ForwardForm(),
        "link": desk_forms.LinkForm(),
    }
    made.update(bound or {})
    return made


def _ticket_context(request: HttpRequest, ticket: Ticket, forms_: dict[str, forms.Form]) -> dict[str, Any]:
    context: dict[str, Any] = {"ticket": ticket, "clocks": clock_views(ticket, now=clock_now())}
    if forms_:
        context["forms"] = forms_
    context["macros"] = available_macros(request.user)
    # Only mail can look automatic: no query for the other channels.
    context["possibly_automatic"] = ticket.channel == Channel.EMAIL and mail_selectors.possibly_automatic(
        ticket.pk
    )
    if ticket.type == TicketType.FEATURE_REQUEST:
        context["supporting"] = selectors.supporting_requests(request.user, ticket)
    if request.user.sees_everything:
        context["downgrades"] = selectors.urgency_downgrades(ticket.requester_id)
    if ticket.organisation_id:
        usage = quota.usage(ticket.organisation_id, at=clock_now())
        context["quota"] = usage if usage.allowance is not None else None
    return context


@staff_required
def ticket_page(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    return render(
        request,
        "desk/ticket.html",
        _ticket_context(request, ticket, _action_forms(ticket)),
    )


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "reply": desk_forms.ReplyForm,
    "note": desk_forms.NoteForm,
    "assign": desk_forms.AssignForm,
    "status": desk_forms.StatusForm,
    "requalify": desk_forms.RequalifyForm,
    "escalate": desk_forms.EscalateForm,
    "urgency": desk_forms.UrgencyForm,
    "forward": desk_forms.ForwardForm,
    "link": desk_forms.LinkForm,
    "macro": desk_forms.MacroForm,
}
# Actions without a form.
BARE_ACTIONS = {"take", "unlink"}


def _run(action: str, ticket: Ticket, user: Any, form: forms.Form) -> str:
    data = form.cleaned_data
    if action == "reply":
        services.reply(
            ticket,
            by=user,
            body=data["body"],
            channel=Channel.PORTAL,
            set_status=data["set_status"] or None,
            attachments=form.incoming_files(),  # type: ignore[attr-defined]
        )
        return _("Your answer has been sent.")
    if action == "note":
        services.add_note(ticket, by=user, body=data["body"])
        return _("Note added.")
    if action == "take":
        services.take(ticket, by=user)
        return _("You have taken this ticket.")
    if action == "assign":
        services.assign(ticket, to=data["assignee"], by=user)
        return _("Assignment saved.")
    if action == "status":
        services.change_status(ticket, to=data["status"], by=user, reason=data["reason"])
        return _("Status updated.")
    if action == "requalify":
        services.requalify(
            ticket,
            by=user,
            reason=data["reason"],
            type=data["type"],
            severity=data["severity"],
            priority=data["priority"],
            product=data["product"],
            component=data["component"],
        )
        return _("Ticket requalified.")
    if action == "urgency":
        services.set_urgency(ticket, urgent=data["urgent"], by=user, reason=data["reason"])
        return _("Urgency updated.")
    if action == "forward":
        services.forward_to_product(ticket, by=user, note=data["note"])
        return _("Forwarded to the product team.")
    if action == "link":
        services.link_to_feature(ticket, feature=_ticket_or_404_for(user, data["feature"]), by=user)
        return _("Linked to the feature request.")
    if action == "unlink":
        services.unlink_from_feature(ticket, by=user)
        return _("Link removed.")
    if action == "macro":
        apply_macro(ticket, macro_id=data["macro"], by=user)
        return _("Macro applied.")
    services.escalate(ticket, by=user, reason=data["reason"], to_group=data["group"])
    return _("Ticket escalated.")


@staff_required
@require_POST
def ticket_action(request: HttpRequest, number: int, action: str) -> HttpResponse:
    if action not in BARE_ACTIONS and action not in ACTION_FORMS:
        raise Http404
    ticket = _ticket_or_404(request, number, with_conversation=False)
    form: forms.Form
    if action == "escalate":
        form = desk_forms.EscalateForm(request.POST, suggested=_escalation_path(ticket))
    else:
        form = ACTION_FORMS.get(action, forms.Form)(request.POST, request.FILES)
    if form.is_valid():
        try:
            done = _run(action, ticket, request.user, form)
        except ComptoirError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
            # Handing over a ticket one only saw as its holder takes it out of the agent's
            # sight (escalating does not: who worked a ticket keeps reading it): back to
            # the queue, not to a page that answers 404.
            if not selectors.visible_tickets(request.user).filter(number=number).exists():
                return redirect("desk:queue")
            return redirect("desk:ticket", number=number)
    else:
        messages.error(request, _("Please correct the form below."))
    ticket = _ticket_or_404(request, number)
    bound = {action: form} if action in ACTION_FORMS else {}
    return render(
        request,
        "desk/ticket.html",
        {
            "ticket": ticket,
            "forms": _action_forms(ticket, bound),
            **_ticket_context(request, ticket, {}),
        },
        status=400,
    )


@staff_required
def phone_call(request: HttpRequest) -> HttpResponse:
    """Procedures 001 and 003: agents log phone calls as tickets for the caller, found by
    name, e-mail or organisation, or created on the spot."""
    query = request.GET.get("q", "").strip()
    callers = find_callers(query, by=request.user) if query else []
    if request.htmx and request.method == "GET":
        return render(request, "desk/_phone_callers.html", {"callers": callers, "q": query})
    form = desk_forms.PhoneCallForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_caller = None
        if data["requester"] is None:
            new_caller = {k: data[k] for k in desk_forms.PhoneCallForm.NEW_CALLER}
            new_caller["email"] = new_caller["email"] or ""
        try:
            ticket = services.log_phone_call(
                by=request.user,
                requester=data["requester"],
                new_caller=new_caller,
                called_at=data["called_at"],
                subject=data["subject"],
                body=data["body"],
                notes=data["notes"],
                product=data["product"],
                is_urgent=data["is_urgent"],
                attachments=form.incoming_files(),
            )
        except ComptoirError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Ticket %(ref)s opened for the caller.") % {"ref": ticket.reference})
            return redirect("desk:ticket", number=ticket.number)
    chosen = form["requester"].value() if form.is_bound else None
    picked = form.cleaned_data.get("requester") if form.is_bound and hasattr(form, "cleaned_data") else None
    if picked is not None and picked not in callers:
        callers = [picked, *callers]  # the caller chosen before the form came back with an error
    context = {"form": form, "callers": callers, "q": query, "chosen": chosen}
    return render(request, "desk/phone.html", context)
