from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_UPDATED = "ticket.updated", _("Ticket updated")
    TICKET_REPLIED = "ticket.replied", _("Public reply on a ticket")
    TICKET_RESOLVED = "ticket.resolved", _("Ticket resolved")
    SLA_WARNING = "sla.warning", _("SLA target due soon")
    SLA_BREACHED = "sla.breached", _("SLA target breached")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Subscription(models.Model):
    """An address that receives the chosen events, signed with ``secret``."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("address"), max_length=500, help_text=_("Receives a POST for each event."))
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=new_secret,
        help_text=_("Signs each delivery (header X-Comptoir-Signature: HMAC-SHA256 of the body)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One event sent to one subscription. Its state, attempts and last error are the
    outbox row's (``outbox``), which does the sending and the retries."""

    id = models.UUIDField(_("delivery id"), primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=32, choices=Event)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outbox = models.ForeignKey(
        "core.OutboxMessage",
        verbose_name=_("outbox message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The delivery log: newest first, for all or for one subscription.
            models.Index(fields=["-created_at"], name="delivery_recent_idx"),
            models.Index(fields=["subscription", "-created_at"], name="delivery_subscription_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.id}"
