"""A ticket's satisfaction surveys, for its pages, read from the history the page already
loaded (``ticket.events.all``, prefetched by ``tickets.selectors.ticket_for``): no query."""

from __future__ import annotations

from django import template

from comptoir.core.clock import now as clock_now
from comptoir.satisfaction import rules
from comptoir.satisfaction.forms import SurveyForm
from comptoir.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def satisfaction_of(ticket: Ticket) -> rules.Summary:
    """``{% satisfaction_of ticket as satisfaction %}``: its surveys, oldest first, and
    whether the latest can be answered now."""
    return rules.summarise(
        ((e.kind, e.at, e.changes) for e in ticket.events.all() if e.kind in {rules.SENT, rules.ANSWERED}),
        ticket_status=ticket.status,
        at=clock_now(),
    )


@register.simple_tag
def survey_form() -> SurveyForm:
    return SurveyForm()


@register.filter
def stars(rating: int | None) -> str:
    return rules.stars(rating or 0)
