"""Mails to agents about dispatch, as outbox rows (built here, stored by services)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from comptoir.core import outbox
from comptoir.tickets.links import desk_url, message_id

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.core.models import OutboxMessage
    from comptoir.tickets.models import Ticket


def new_in_triage(ticket: Ticket, *, to: User, at: datetime) -> OutboxMessage | None:
    """Procedure 003: the agent on duty analyses new requests and passes them on; when
    their rota notifies rather than assigns, each new request in triage is a mail to them,
    in their language."""
    if not to.email:
        return None
    with translation.override(to.language or settings.LANGUAGE_CODE):
        ctx = {"ticket": ticket, "recipient": to, "url": desk_url(ticket)}
        subject = render_to_string("dispatch/mail/triage_subject.txt", ctx).strip()
        body = render_to_string("dispatch/mail/triage_body.txt", ctx)
    payload = {
        "to": [to.email],
        "subject": f"[{ticket.reference}] {subject}",
        "body": body,
        "headers": {
            "Message-ID": message_id(ticket),
            "X-Comptoir-Ticket": str(ticket.number),
            "Auto-Submitted": "auto-generated",
        },
    }
    return outbox.build("mail", payload, at=at, ticket_id=ticket.pk)
