"""Shared steps of the ticket services: locking, saving, storing events and mails."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _

from comptoir.core import outbox
from comptoir.core.errors import ValidationError
from comptoir.core.models import OutboxMessage
from comptoir.sla import services as sla
from comptoir.tickets.models import Ticket, TicketEvent
from comptoir.webhooks import services as webhooks


def lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock: two agents acting at once on one ticket (take,
    status change) are serialised, and each decides on the state the other left."""
    locked = (
        # of=("self",): only the ticket row is locked (PostgreSQL refuses to lock the
        # nullable side of the joins that come along for reading).
        Ticket.objects.select_for_update(of=("self",))
        .select_related("group", "requester", "organisation", "mailbox")
        .get(pk=ticket.pk)
    )
    return locked


def store(
    ticket: Ticket,
    fields: Iterable[str],
    events: Iterable[TicketEvent],
    mails: Iterable[OutboxMessage | None] = (),
    *,
    at: datetime,
) -> None:
    """Write the change: the events, the SLA clocks the new history implies, the ticket's
    changed fields, the mails and the webhook deliveries (as outbox rows), all in the
    caller's transaction."""
    fields = list(fields)
    events = list(events)
    TicketEvent.objects.bulk_create(events)
    if sla.refresh_clocks(ticket, at=at):
        fields += ["sla_due_at", "sla_breached"]
    if fields:
        ticket.save(update_fields=fields)
    rows = [m for m in mails if m is not None]
    if rows:
        outbox.enqueue(rows)
    webhooks.publish(events)


def set_status_fields(ticket: Ticket, status: str, at: datetime) -> list[str]:
    """A new status starts its own time: automations count from ``status_since`` and a
    new wait on the requester starts its reminders from zero."""
    ticket.status, ticket.status_since, ticket.reminders_sent = status, at, 0
    return ["status", "status_since", "reminders_sent"]


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required."))
    return reason


def require_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("The message is empty."))
    return body
