"""The requester's rating of a resolution (procedure 003: 8 days to give their opinion)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core.clock import now as clock_now
from comptoir.satisfaction import services as satisfaction
from comptoir.tickets import events
from comptoir.tickets.models import Ticket
from comptoir.tickets.services._common import lock, store

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.satisfaction.models import Survey


def answer_survey(
    survey: Survey | str,
    *,
    rating: int,
    comment: str = "",
    by: User | None = None,
    at: datetime | None = None,
) -> Survey:
    """The requester rates the resolution, 1 to 5, with an optional comment: from the mail
    link (``survey`` is the raw token, ``by`` None: the link is the key) or signed in on the
    portal (``by`` must be the requester). The rules are ``comptoir.satisfaction``'s; the
    answer is recorded in the ticket's history like any change.

    Locks the ticket row: an answer is serialised with a reopening or a new resolution, and
    two answers sent at once (a double click, the mail link and the portal) with each other;
    the second sees the first and is refused."""
    at = at or clock_now()
    target, comment = satisfaction.check_answer(survey, rating=rating, comment=comment, by=by)
    with transaction.atomic():
        ticket = lock(Ticket(pk=target.ticket_id))
        mails = satisfaction.take_answer(target, ticket, rating=rating, comment=comment, at=at)
        answered = events.survey_answered(
            ticket, survey_id=target.pk, rating=rating, comment=comment, actor=target.requester, at=at
        )
        store(ticket, [], [answered], mails, at=at)
    return target
