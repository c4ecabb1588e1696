"""Following a request from a mail, without a password (``comptoir.accounts.follow_links``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.tickets import notifications
from comptoir.tickets.models import Ticket
from comptoir.tickets.permissions import can_view

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def send_fresh_link(person: User, number: int, *, at: datetime | None = None) -> None:
    """Mail ``person`` a new link to follow request ``number`` (theirs: an expired or used
    link named them). Nothing is sent for a request they may not see, and the answer is the
    same either way."""
    at = at or clock_now()
    ticket = (
        Ticket.objects.select_related("requester", "organisation", "mailbox").filter(number=number).first()
    )
    if ticket is None or not can_view(person, ticket):
        return
    with transaction.atomic():
        outbox.enqueue([m for m in [notifications.fresh_link(ticket, to=person, at=at)] if m])
