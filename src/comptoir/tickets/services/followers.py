"""Who else follows a ticket: people in copy of the requester's mail, recorded in the
history like any other change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core.clock import now as clock_now
from comptoir.tickets import events
from comptoir.tickets.models import Ticket
from comptoir.tickets.services._common import lock, store

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def add_followers(
    ticket: Ticket, users: Sequence[User], *, by: User | None = None, at: datetime | None = None
) -> list[User]:
    """Procedure 001: people in copy of a mail on the ticket follow it (they get its
    answers). ``by`` None: Comptoir did, reading the mail. The requester and people already
    following are left out; returns who was added."""
    at = at or clock_now()
    with transaction.atomic():
        ticket = lock(ticket)
        already = set(ticket.followers.values_list("pk", flat=True))
        new = [u for u in dict.fromkeys(users) if u.pk != ticket.requester_id and u.pk not in already]
        if not new:
            return []
        ticket.followers.add(*new)
        store(ticket, [], [events.followers_added(ticket, new, actor=by, at=at)], at=at)
    return new
