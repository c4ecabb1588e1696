"""Addresses that name a ticket: its pages (the requester's, the team's) and the
Message-ID of the mails about it, used by every mail Comptoir sends about a ticket."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from comptoir.accounts import follow_links
from comptoir.tickets.permissions import can_view

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.tickets.models import Ticket


def message_id(ticket: Ticket) -> str:
    """A new Message-ID that carries the ticket's number (replies thread onto it)."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "comptoir.localhost"
    return f"<comptoir.{ticket.number}.{uuid.uuid4().hex}@{domain}>"


def ticket_url(ticket: Ticket) -> str:
    """The requester's page of the ticket."""
    return settings.COMPTOIR_BASE_URL.rstrip("/") + reverse("portal:ticket", args=[ticket.number])


def desk_url(ticket: Ticket) -> str:
    """The team's page of the ticket."""
    return settings.COMPTOIR_BASE_URL.rstrip("/") + reverse("desk:ticket", args=[ticket.number])


def follow_url(ticket: Ticket, person: User) -> str:
    """The address a person follows the ticket at from a mail: for a requester who may see
    it, a link that signs them in (``comptoir.accounts.follow_links``: no password needed);
    for anyone else, the ticket's page."""
    if not follow_links.may_have_link(person) or not can_view(person, ticket):
        return ticket_url(ticket)
    token = follow_links.make(person, ticket.number)
    return settings.COMPTOIR_BASE_URL.rstrip("/") + reverse("portal:follow", args=[token])
