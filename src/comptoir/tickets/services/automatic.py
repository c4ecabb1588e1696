"""What Comptoir itself records on tickets for the periodic automations (procedure 002):
reminders to a requester who does not answer, and the moves that follow silence. The
automations decide which tickets are due (``comptoir.workflow.automations``); these record,
and only when the ticket is still as the automation saw it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from comptoir.tickets import events, lifecycle, notifications
from comptoir.tickets.models import Ticket
from comptoir.tickets.services._common import store
from comptoir.tickets.services.status import change_status


def _still(pk: int, *, status: str, since: datetime, **more: object) -> Ticket | None:
    """The ticket, locked, if it is still in ``status`` since ``since``: the claim of a
    periodic job. Two consumers running the same job are serialised on the row lock; the
    second finds the ticket changed (a reminder counted, a status moved) and does nothing."""
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester", "organisation", "mailbox", "group")
        .filter(pk=pk, status=status, status_since=since, **more)
        .first()
    )


def remind(pk: int, *, since: datetime, sent: int, at: datetime) -> bool:
    """Procedure 002: the requester has not answered the request for information: remind
    them (reminder ``sent + 1``), by mail, with a line in the history. Only if the ticket is
    still waiting on them since ``since`` with ``sent`` reminders; returns whether it did."""
    with transaction.atomic():
        ticket = _still(pk, status=lifecycle.PENDING, since=since, reminders_sent=sent)
        if ticket is None:
            return False
        number = sent + 1
        store(
            ticket,
            [],
            [events.reminder_sent(ticket, number=number, at=at)],
            [notifications.reminder(ticket, number=number, at=at)],
            at=at,
        )
    return True


def settle(pk: int, *, status: str, since: datetime, to: str, reason: str, at: datetime) -> bool:
    """Procedure 002: resolve a request still unanswered after the reminders, or close one
    resolved for the delay without reaction; only if it is still in ``status`` since
    ``since`` (answered, reopened or moved meanwhile: nothing to do)."""
    with transaction.atomic():
        ticket = _still(pk, status=status, since=since)
        if ticket is None:
            return False
        change_status(ticket, to=to, by=None, reason=reason, at=at)
    return True
