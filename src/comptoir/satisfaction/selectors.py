"""Reads of surveys for the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.core.errors import NotFound
from comptoir.satisfaction import rules
from comptoir.satisfaction.models import Survey
from comptoir.tickets.models import Ticket

# secrets.token_urlsafe(32) gives 43 characters: anything much longer is not ours.
TOKEN_MAX_LENGTH = 64


def by_token(token: str) -> Survey:
    """The survey of a mail link, with its ticket and requester; NotFound for a token
    that is not (or no longer) one of ours."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise NotFound(_("No such survey."))
    try:
        return Survey.objects.select_related("ticket", "requester").get(token_hash=rules.hash_token(token))
    except Survey.DoesNotExist:
        raise NotFound(_("No such survey.")) from None


def current_for(ticket: Ticket) -> Survey:
    """The ticket's valid (latest) invitation, answered or not; NotFound when it has none."""
    survey = Survey.objects.select_related("requester").filter(ticket=ticket, superseded=False).first()
    if survey is None:
        raise NotFound(_("No such survey."))
    survey.ticket = ticket
    return survey
