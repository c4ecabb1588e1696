"""Shared steps of the ticket services: locking, saving, storing events and mails."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from comptoir.core import outbox
from comptoir.core.errors import ValidationError
from comptoir.core.models import OutboxMessage
from comptoir.sla import services as sla
from comptoir.tickets import history
from comptoir.tickets.events import as_change
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
) -> history.Story:
    """The one writer of a ticket's history. In the caller's transaction (with the ticket
    locked, or just created): append the events, read the whole history again through its
    one reader (``comptoir.tickets.history``), re-derive from it the ticket's summary fields
    (status times, pick-up, first response, resolution, reminders), its SLA clocks and
    their queue summary, save the ticket's changed fields, and queue the side effects (mails,
    webhook deliveries) as outbox rows."""
    events = list(events)
    TicketEvent.objects.bulk_create(events)
    past = TicketEvent.objects.filter(ticket=ticket).order_by("at", "pk")
    story = history.read(map(as_change, past), requester_id=ticket.requester_id)
    changed = set(fields) | apply_story(ticket, story)
    if sla.refresh_clocks(ticket, at=at, story=story):
        changed |= {"sla_due_at", "sla_breached"}
    if changed:
        ticket.save(update_fields=sorted(changed))
    rows = [m for m in mails if m is not None]
    if rows:
        outbox.enqueue(rows)
    webhooks.publish(events)
    return story


def store_new(ticket: Ticket, events: list[TicketEvent], *, at: datetime) -> history.Story:
    """The writer's first entry for a ticket whose routing and dispatch are decided: its
    summary fields and SLA clocks are derived from these events (its whole history) before
    the insert, so the ticket row carries them at once; then the row, the events and the
    clocks are inserted. The caller adds the first message and queues the mails."""
    story = history.read(map(as_change, events), requester_id=ticket.requester_id)
    apply_story(ticket, story)
    planned = sla.plan_story(ticket, story, at=at)
    sla.summarise(ticket, [state for _segment, _policy, state in planned])
    ticket.save(force_insert=True)
    TicketEvent.objects.bulk_create(events)
    sla.write_clocks(ticket, planned, new=True)
    webhooks.publish(events)
    return story


DERIVED = ("status_since", "taken_at", "first_response_at", "resolved_at", "closed_at", "reminders_sent")


def apply_story(ticket: Ticket, story: history.Story) -> set[str]:
    """Set the ticket's summary fields to what its history says; returns those that changed."""
    values = history.derived(story)
    changed = set()
    for name in DERIVED:
        value = getattr(values, name)
        if getattr(ticket, name) != value:
            setattr(ticket, name, value)
            changed.add(name)
    return changed


def set_status_fields(ticket: Ticket, status: str, at: datetime) -> list[str]:
    """The new status; the times that follow from it (``status_since``, the reminders
    counted from zero, resolution and closure) are derived from the history by ``store``."""
    ticket.status = status
    return ["status"]


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required."))
    return reason


def require_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("The message is empty."))
    limit = settings.COMPTOIR_MAX_MESSAGE_CHARS
    if len(body) > limit:
        raise ValidationError(
            _(
                "The message is too long (%(size)s characters; the limit is %(limit)s). "
                "Attach long logs as a file."
            )
            % {"size": f"{len(body):,}".replace(",", "\u202f"), "limit": f"{limit:,}".replace(",", "\u202f")}
        )
    return body
