"""The words of a ticket (type, severity, priority, status, channel), translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.tickets import history


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    FEATURE_REQUEST = "feature_request", _("Feature request")


class Severity(models.TextChoices):
    BLOCKING = "blocking", pgettext_lazy("severity", "Blocking")
    NORMAL = "normal", pgettext_lazy("severity", "Normal")
    MINOR = "minor", pgettext_lazy("severity", "Minor")


class Priority(models.TextChoices):
    URGENT = "urgent", pgettext_lazy("priority", "Urgent")
    HIGH = "high", pgettext_lazy("priority", "High")
    NORMAL = "normal", pgettext_lazy("priority", "Normal")
    LOW = "low", pgettext_lazy("priority", "Low")


class Status(models.TextChoices):
    NEW = history.NEW, pgettext_lazy("status", "New")
    OPEN = history.OPEN, pgettext_lazy("status", "Open")
    PENDING = history.PENDING, pgettext_lazy("status", "Waiting on requester")
    ON_HOLD = history.ON_HOLD, pgettext_lazy("status", "On hold")
    RESOLVED = history.RESOLVED, pgettext_lazy("status", "Resolved")
    CLOSED = history.CLOSED, pgettext_lazy("status", "Closed")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    WIDGET = "widget", _("Help button")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    FORM = "form", _("Contact form")


# What requesters read for a status, where it differs from the team's word.
REQUESTER_STATUS_LABELS = {
    Status.NEW: pgettext_lazy("status for requester", "Received"),
    Status.PENDING: pgettext_lazy("status for requester", "Waiting for your answer"),
}

PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


def priority_rank() -> models.Case:
    """Urgent first: the queue's priority sort, and the index that serves it."""
    return models.Case(
        *(models.When(priority=p, then=models.Value(rank)) for p, rank in PRIORITY_RANK.items()),
        output_field=models.IntegerField(),
    )
