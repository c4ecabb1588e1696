"""Labels for ticket words stored as codes (in event histories)."""

from __future__ import annotations

from django import template

from comptoir.tickets.vocabulary import REQUESTER_STATUS_LABELS, Priority, Severity, Status, TicketType

register = template.Library()

_VOCABULARIES = {"status": Status, "type": TicketType, "severity": Severity, "priority": Priority}


@register.filter
def label(value: object, vocabulary: str) -> str:
    choices = _VOCABULARIES.get(vocabulary)
    if choices is None or value in (None, ""):
        return "" if value is None else str(value)
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def requester_status(status: str) -> str:
    """A status as the requester reads it ("Waiting for your answer", not "pending")."""
    label = REQUESTER_STATUS_LABELS.get(status)  # type: ignore[call-overload]
    return str(label) if label is not None else label_of_status(status)


def label_of_status(status: str) -> str:
    return label(status, "status")
