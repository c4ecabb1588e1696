"""What the API says of tickets, their messages, files, history and SLA clocks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from comptoir.api.schemas import GroupRef, Out, Ref, ref, user_ref
from comptoir.api.vocabulary import (
    Channel,
    EventKind,
    MessageKind,
    Priority,
    Severity,
    TicketStatus,
    TicketType,
)
from comptoir.sla.display import ClockView
from comptoir.tickets.models import Attachment, Message, Ticket, TicketEvent


class TicketOut(Out):
    number: int
    reference: str = Field(examples=["#100001"])
    subject: str
    status: TicketStatus
    type: TicketType
    severity: Severity
    priority: Priority
    channel: Channel
    is_urgent: bool
    product: Ref | None
    component: Ref | None
    requester: Ref
    organisation: Ref | None
    group: GroupRef | None
    assignee: Ref | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    sla_due_at: datetime | None
    sla_breached: bool
    details: dict[str, str] = Field(description="The facts the request form asked for, by key.")


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str = Field(description="Download address (same authentication).")


class MessageOut(Schema):
    id: int
    kind: MessageKind = Field(description="`public` (a reply) or `internal` (a note).")
    author: Ref
    channel: Channel
    body_text: str
    body_html: str
    created_at: datetime
    attachments: list[AttachmentOut]


class EventOut(Schema):
    kind: EventKind
    at: datetime
    actor: Ref | None = Field(description="Null when Comptoir itself acted (automations, SLA).")
    changes: dict[str, Any]
    reason: str


class TicketDetail(TicketOut):
    messages: list[MessageOut]
    events: list[EventOut]


class TicketPage(Out):
    items: list[TicketOut]
    next_cursor: str | None


class ClockOut(Schema):
    metric: str = Field(description="first_response, pickup, resolution…")
    metric_label: str
    state: str = Field(description="running, paused, met, breached, cancelled")
    state_label: str
    policy: str
    started_at: datetime
    due_at: datetime | None
    ended_at: datetime | None
    remaining_seconds: int | None = Field(description="Business time left now (running or paused).")
    current: bool = Field(description="Counts now (false: a previous tier's, before an escalation).")


def ticket_out(ticket: Ticket) -> dict[str, Any]:
    """The ticket's fields; its relations must be loaded (``selectors.LIST_RELATED``)."""
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
        "product": ref(ticket.product),
        "component": ref(ticket.component),
        "requester": user_ref(ticket.requester),
        "organisation": ref(ticket.organisation),
        "group": None
        if ticket.group is None
        else {"id": ticket.group.pk, "name": ticket.group.name, "tier": ticket.group.tier},
        "assignee": user_ref(ticket.assignee),
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "first_response_at": ticket.first_response_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "sla_due_at": ticket.sla_due_at,
        "sla_breached": ticket.sla_breached,
        "details": ticket.details,
    }


def attachment_out(ticket: Ticket, item: Attachment) -> dict[str, Any]:
    return {
        "id": item.pk,
        "filename": item.filename,
        "content_type": item.content_type,
        "size": item.size,
        "url": reverse("api:ticket_attachment", kwargs={"number": ticket.number, "attachment_id": item.pk}),
    }


def message_out(ticket: Ticket, message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "kind": message.kind,
        "author": user_ref(message.author),
        "channel": message.channel,
        "body_text": message.body_text,
        "body_html": message.body_html,
        "created_at": message.created_at,
        "attachments": [attachment_out(ticket, a) for a in message.attachments.all()],
    }


def event_out(event: TicketEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "at": event.at,
        "actor": user_ref(event.actor),
        "changes": event.changes,
        "reason": event.reason,
    }


def ticket_detail(ticket: Ticket) -> dict[str, Any]:
    """With its conversation and history as ``selectors.ticket_for`` loaded them (a
    requester's has no internal notes and no internal events)."""
    return {
        **ticket_out(ticket),
        "messages": [message_out(ticket, m) for m in ticket.messages.all()],
        "events": [event_out(e) for e in ticket.events.all()],
    }


def _seconds(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def clock_out(view: ClockView) -> dict[str, Any]:
    return {
        "metric": view.metric,
        "metric_label": view.metric_label,
        "state": view.state,
        "state_label": view.state_label,
        "policy": view.policy_name,
        "started_at": view.started_at,
        "due_at": view.due_at,
        "ended_at": view.ended_at,
        "remaining_seconds": _seconds(view.remaining),
        "current": view.segment_is_current,
    }
