"""Applying a macro: the rendered reply (or note) and the field changes, in one
transaction, each through the ticket services so events, clocks and mails are the usual
ones."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.core.clock import now as clock_now
from comptoir.core.errors import NotFound
from comptoir.macros import placeholders
from comptoir.macros.models import Macro
from comptoir.tickets import services as tickets
from comptoir.tickets.models import Ticket
from comptoir.tickets.permissions import check_can_work

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def available_macros(user: User) -> QuerySet[Macro]:
    """The macros an agent may use: shared ones, their groups' ones and their own."""
    if not user.is_staff_member:
        return Macro.objects.none()
    mine = Q(owner__isnull=True) | Q(owner_id=user.pk)
    groups = Q() if user.sees_everything else Q(group__isnull=True) | Q(group_id__in=user.group_ids)
    return Macro.objects.filter(mine & groups, is_active=True)


def values_for(ticket: Ticket, agent: User) -> dict[str, str]:
    requester = ticket.requester
    return {
        "requester_name": requester.display_name,
        "requester_first_name": requester.first_name or requester.display_name,
        "organisation": ticket.organisation.name if ticket.organisation_id and ticket.organisation else "",
        "number": ticket.reference,
        "subject": ticket.subject,
        "product": ticket.product.name if ticket.product_id and ticket.product else "",
        "agent_name": agent.display_name,
        "agent_first_name": agent.first_name or agent.display_name,
    }


def preview(ticket: Ticket, macro: Macro, *, by: User) -> str:
    return placeholders.render(macro.body, values_for(ticket, by))


def apply_macro(ticket: Ticket, *, macro_id: int, by: User, at: datetime | None = None) -> Ticket:
    """Send the macro's text as a public reply (or add it as a note), then change status,
    priority and type as it says. All or nothing: an impossible status change undoes the
    reply. The requalification's reason names the macro."""
    at = at or clock_now()
    check_can_work(by, ticket)
    macro = available_macros(by).filter(pk=macro_id).first()
    if macro is None:
        raise NotFound(_("No such macro."))
    body = preview(ticket, macro, by=by)
    with transaction.atomic():
        if macro.kind == Macro.Kind.PUBLIC:
            tickets.reply(ticket, by=by, body=body, set_status=macro.set_status or None, at=at)
        else:
            tickets.add_note(ticket, by=by, body=body, at=at)
            if macro.set_status:
                tickets.change_status(ticket, to=macro.set_status, by=by, at=at)
        priority = (
            macro.set_priority if macro.set_priority and macro.set_priority != ticket.priority else None
        )
        type = macro.set_type if macro.set_type and macro.set_type != ticket.type else None
        if priority or type:
            tickets.requalify(
                ticket,
                by=by,
                reason=_("Macro “%(name)s”") % {"name": macro.name},
                at=at,
                priority=priority,
                type=type,
            )
    ticket.refresh_from_db()
    return ticket
