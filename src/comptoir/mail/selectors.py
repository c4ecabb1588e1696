"""Reads about received mail that the pages share."""

from __future__ import annotations

from comptoir.mail.inbound.pipeline import POSSIBLE_AUTOMATIC_REPLY
from comptoir.mail.models import InboundMail


def possibly_automatic(ticket_id: int) -> bool:
    """True when a mail on this ticket looked automatic by its subject only (a "delivery
    report" from a known customer): the team checks whether a person wrote it."""
    return InboundMail.objects.filter(
        ticket_id=ticket_id, reason__startswith=POSSIBLE_AUTOMATIC_REPLY
    ).exists()
