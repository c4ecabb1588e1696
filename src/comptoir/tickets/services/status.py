"""Status changes along the ticket's state machine (``comptoir.tickets.lifecycle``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition, PermissionDenied
from comptoir.push import services as push
from comptoir.satisfaction import services as satisfaction
from comptoir.tickets import events, lifecycle, notifications
from comptoir.tickets.models import Ticket
from comptoir.tickets.permissions import check_can_view
from comptoir.tickets.services._common import lock, set_status_fields, store
from comptoir.tickets.vocabulary import Status

if TYPE_CHECKING:
    from comptoir.accounts.models import User

# What a requester may do to their own ticket: say it is solved, or reopen it.
REQUESTER_MOVES = {(lifecycle.RESOLVED, lifecycle.OPEN)} | {(s, lifecycle.RESOLVED) for s in lifecycle.ACTIVE}


def change_status(
    ticket: Ticket,
    *,
    to: str,
    by: User | None,
    reason: str = "",
    at: datetime | None = None,
) -> Ticket:
    """Move the ticket to ``to``. Invalid moves raise InvalidTransition with a clear
    message. Resolution and closure are mailed to the requester (procedures 001 and 002).
    ``by=None`` is Comptoir itself (automations)."""
    at = at or clock_now()
    if to not in Status.values:
        raise InvalidTransition(_("Unknown status."))
    if by is not None:
        check_can_view(by, ticket)
    with transaction.atomic():
        ticket = lock(ticket)
        old = ticket.status
        if old == to:
            return ticket
        if not lifecycle.can_move(old, to):
            raise InvalidTransition(
                _("A ticket cannot go from “%(old)s” to “%(new)s”.")
                % {"old": Status(old).label, "new": Status(to).label}
            )
        if by is not None and not by.is_staff_member and (old, to) not in REQUESTER_MOVES:
            raise PermissionDenied(_("Only the support team can do this."))
        ticket.updated_at = at
        fields = ["updated_at", *set_status_fields(ticket, to, at)]
        invitation = None
        if to == lifecycle.RESOLVED:
            # Procedure 003: 8 days to rate the resolution; the link is in the resolution mail.
            invitation = satisfaction.invite(ticket, at=at)
        told = notifications.status_changed(ticket, at=at, invitation=invitation)
        store(
            ticket,
            fields,
            [
                events.status_changed(ticket, old=old, new=to, actor=by, at=at, reason=reason.strip()),
                *([invitation.event] if invitation else []),
            ],
            [
                told,
                *push.for_requester(ticket, told, at=at),
                *notifications.resolved_for_past_workers(ticket, by=by, at=at, reason=reason.strip()),
            ],
            at=at,
        )
    return ticket
