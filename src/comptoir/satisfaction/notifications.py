"""Mails about satisfaction, as outbox rows (built here, stored by the services)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from comptoir.core import outbox
from comptoir.core.models import OutboxMessage
from comptoir.tickets.links import desk_url, message_id

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.satisfaction.models import Survey


def bad_rating(survey: Survey, *, to: User, at: datetime) -> OutboxMessage | None:
    """A rating of 2 or less: the supervisor hears of it, in their language, with the
    link to the ticket on the desk."""
    if not to.email:
        return None
    ticket = survey.ticket
    with translation.override(to.language or settings.LANGUAGE_CODE):
        ctx = {"ticket": ticket, "survey": survey, "recipient": to, "url": desk_url(ticket)}
        subject = render_to_string("satisfaction/mail/bad_rating_subject.txt", ctx).strip()
        body = render_to_string("satisfaction/mail/bad_rating_body.txt", ctx)
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
