"""A ticket tied to an outage (procedure 004): resolving the outage can answer it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core.clock import now as clock_now
from comptoir.tickets import events
from comptoir.tickets.models import Ticket
from comptoir.tickets.permissions import check_can_work
from comptoir.tickets.services._common import lock, store

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.outages.models import Outage


def record_outage_link(
    ticket: Ticket, *, outage: Outage, linked: bool, by: User, at: datetime | None = None
) -> None:
    """Write in the ticket's history that the team tied it to ``outage`` (or untied it);
    the outage keeps the link itself (``comptoir.outages.services``, in the same
    transaction)."""
    at = at or clock_now()
    check_can_work(by, ticket)
    with transaction.atomic():
        ticket = lock(ticket)
        store(ticket, [], [events.outage_link(ticket, outage=outage, linked=linked, actor=by, at=at)], at=at)
