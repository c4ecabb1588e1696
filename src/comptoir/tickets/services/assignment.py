"""Who works a ticket: assignment by someone else, or an agent taking it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition, ValidationError
from comptoir.tickets import events, lifecycle, notifications
from comptoir.tickets.models import Ticket
from comptoir.tickets.permissions import check_can_work
from comptoir.tickets.services._common import lock, set_status_fields, store

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def assign(ticket: Ticket, *, to: User | None, by: User, at: datetime | None = None) -> Ticket:
    """Give the ticket to an agent (or to nobody). The agent must be a member of the
    ticket's group when it has one; the new assignee is told by mail."""
    at = at or clock_now()
    check_can_work(by, ticket)
    if to is not None and not to.is_staff_member:
        raise ValidationError(_("Tickets can only be assigned to the support team."))
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.status == lifecycle.CLOSED:
            raise InvalidTransition(_("This ticket is closed."))
        if (
            to is not None
            and ticket.group_id
            and not to.sees_everything
            and ticket.group_id not in to.group_ids
        ):
            raise ValidationError(_("This agent is not a member of the ticket's group."))
        old = ticket.assignee
        if (old.pk if old else None) == (to.pk if to else None):
            return ticket
        ticket.assignee, ticket.updated_at = to, at
        fields = ["assignee", "updated_at"]
        mails = []
        if to is not None and to.pk != by.pk:
            mails.append(notifications.assigned_to_you(ticket, at=at))
        store(ticket, fields, [events.assigned(ticket, old=old, new=to, actor=by, at=at)], mails, at=at)
    return ticket


def take(ticket: Ticket, *, by: User, at: datetime | None = None) -> Ticket:
    """An agent picks the ticket up (procedure 000's "prise en charge"): it is theirs, a new
    ticket becomes open, and the pick-up time is recorded. Taking a ticket someone else
    holds is refused: ask them, or have it assigned."""
    at = at or clock_now()
    check_can_work(by, ticket)
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.status in {lifecycle.RESOLVED, lifecycle.CLOSED}:
            raise InvalidTransition(_("This ticket is already resolved."))
        if ticket.assignee_id == by.pk:
            return ticket
        if ticket.assignee_id is not None:
            raise InvalidTransition(_("Another agent already holds this ticket."))
        ticket.assignee, ticket.updated_at = by, at
        fields = ["assignee", "updated_at"]
        evts = [events.taken(ticket, actor=by, at=at)]
        if ticket.status == lifecycle.NEW:
            fields += set_status_fields(ticket, lifecycle.OPEN, at)
            evts.append(events.status_changed(ticket, old=lifecycle.NEW, new=lifecycle.OPEN, actor=by, at=at))
        store(ticket, fields, evts, at=at)
    return ticket
