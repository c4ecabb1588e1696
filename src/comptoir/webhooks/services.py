"""Publishing ticket events to webhook subscriptions.

``publish`` is called by the ticket services right after they store TicketEvents, inside
their transaction: the deliveries are outbox rows written with the change, sent after
commit (or never, if the change rolls back). The body is built and signed when the row is
written, so a retry sends the same bytes with the same signature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from comptoir.core import outbox
from comptoir.tickets import history
from comptoir.tickets.models import Ticket, TicketEvent
from comptoir.webhooks import subscriptions
from comptoir.webhooks.models import Delivery, Event

Kind = TicketEvent.Kind

# What each kind of ticket event is for subscribers. A status change to resolved is both
# an update and a resolution; kinds not listed (reminders, routing, surveys) are not sent.
UPDATES = {
    Kind.STATUS_CHANGED,
    Kind.NOTE_ADDED,
    Kind.ASSIGNED,
    Kind.TAKEN,
    Kind.REQUALIFIED,
    Kind.ESCALATED,
    Kind.URGENCY_DOWNGRADED,
    Kind.URGENCY_CONFIRMED,
    Kind.FORWARDED,
    Kind.LINKED,
    Kind.OUTAGE_LINKED,
    Kind.OUTAGE_UNLINKED,
}
SLA = {Kind.SLA_WARNING: Event.SLA_WARNING, Kind.SLA_BREACHED: Event.SLA_BREACHED}
TICKET_RELATED = ("requester", "organisation", "group", "assignee", "product", "component")


class Encoder(DjangoJSONEncoder):
    """Times to the microsecond, with their offset (Django's encoder keeps milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def webhook_events(event: TicketEvent) -> list[str]:
    if event.kind == Kind.CREATED:
        return [Event.TICKET_CREATED]
    if event.kind == Kind.REPLIED:
        return [Event.TICKET_REPLIED]
    sla = SLA.get(Kind(event.kind))
    if sla is not None:
        return [sla]
    names: list[str] = [Event.TICKET_UPDATED] if event.kind in UPDATES else []
    if (
        event.kind == Kind.STATUS_CHANGED
        and (event.changes.get("status") or [None, None])[1] == history.RESOLVED
    ):
        names.append(Event.TICKET_RESOLVED)
    return names


def sign(body: bytes, secret: str) -> str:
    """The ``X-Comptoir-Signature`` header's value: ``sha256=`` and the hex HMAC-SHA256 of
    the body with the subscription's secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def publish(events: Iterable[TicketEvent]) -> list[Delivery]:
    """Write one delivery per (event, subscription listening to it), in the caller's
    transaction. One change of a ticket is one ``ticket.updated``, however many events it
    stored (an escalation stores two); SLA alerts are one per clock. No subscription: no
    query (the listeners are cached)."""
    listeners = subscriptions.active()
    if not listeners:
        return []
    wanted: list[tuple[TicketEvent, str]] = []
    seen: set[tuple[object, str]] = set()
    for event in events:
        for name in webhook_events(event):
            key = (id(event) if name in SLA.values() else event.ticket.pk, name)
            if key not in seen and any(name in s.events for s in listeners):
                seen.add(key)
                wanted.append((event, name))
    if not wanted:
        return []
    # One read of the tickets as the change left them, with what the summary names.
    tickets = Ticket.objects.select_related(*TICKET_RELATED).in_bulk({e.ticket.pk for e, _name in wanted})
    rows, deliveries = [], []
    for event, name in wanted:
        ticket = tickets[event.ticket.pk]
        for listener in listeners:
            if name not in listener.events:
                continue
            delivery = Delivery(
                id=uuid.uuid4(), subscription_id=listener.id, event=name, ticket=ticket, created_at=event.at
            )
            body = json.dumps(
                payload(event, name, ticket, delivery_id=str(delivery.id)),
                cls=Encoder,
                ensure_ascii=False,
                separators=(",", ":"),
            )
            headers = {
                "X-Comptoir-Event": name,
                "X-Comptoir-Delivery": str(delivery.id),
                "X-Comptoir-Signature": sign(body.encode("utf-8"), listener.secret),
            }
            rows.append(
                outbox.build(
                    "http",
                    {"url": listener.url, "body": body, "headers": headers},
                    at=event.at,
                    ticket_id=ticket.pk,
                )
            )
            deliveries.append(delivery)
    for row, delivery in zip(outbox.enqueue(rows), deliveries, strict=True):
        delivery.outbox = row
    return Delivery.objects.bulk_create(deliveries)


def payload(event: TicketEvent, name: str, ticket: Ticket, *, delivery_id: str) -> dict[str, Any]:
    actor = event.actor if TicketEvent.actor.is_cached(event) else None  # type: ignore[attr-defined]
    return {
        "event": name,
        "delivery": delivery_id,
        "at": event.at,
        "actor": None if actor is None else {"id": actor.pk, "name": actor.display_name},
        "changes": event.changes,
        "ticket": ticket_summary(ticket),
    }


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    def named(obj: Any) -> dict[str, object] | None:
        return None if obj is None else {"id": obj.pk, "name": obj.name}

    return {
        "number": ticket.number,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "type": ticket.type,
        "severity": ticket.severity,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "is_urgent": ticket.is_urgent,
        "product": named(ticket.product),
        "component": named(ticket.component),
        "organisation": named(ticket.organisation),
        "requester": {
            "id": ticket.requester.pk,
            "name": ticket.requester.display_name,
            "email": ticket.requester.email,
        },
        "group": None
        if ticket.group is None
        else {"id": ticket.group.pk, "name": ticket.group.name, "tier": ticket.group.tier},
        "assignee": None
        if ticket.assignee is None
        else {"id": ticket.assignee.pk, "name": ticket.assignee.display_name},
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "sla_due_at": ticket.sla_due_at,
        "sla_breached": ticket.sla_breached,
        "url": settings.COMPTOIR_BASE_URL.rstrip("/")
        + reverse("desk:ticket", kwargs={"number": ticket.number}),
    }
