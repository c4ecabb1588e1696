from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VapidKeys(models.Model):
    """The server's VAPID key pair (RFC 8292), generated on first use when the environment
    gives none. One row (pk 1): every web process and task consumer signs with it, and
    the browsers' subscriptions, made with its public key, stay valid across restarts."""

    private_key = models.CharField(_("private key"), max_length=100)
    public_key = models.CharField(_("public key"), max_length=100)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("VAPID key pair")
        verbose_name_plural = _("VAPID key pairs")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="push_vapid_keys_singleton")]

    def __str__(self) -> str:
        return self.public_key


class PushSubscription(models.Model):
    """A device (a browser on a phone or a computer) that receives a person's push
    notifications: its push service's endpoint and the keys the messages are encrypted
    with (RFC 8291). One row per endpoint."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(_("device public key"), max_length=200)
    auth = models.CharField(_("authentication secret"), max_length=100)
    label = models.CharField(_("device"), max_length=120, blank=True)
    emergencies = models.BooleanField(
        _("emergency line"),
        default=False,
        help_text=_("An agent's device: urgent requests that arrive off-hours, while on call."),
    )
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return self.label or self.endpoint[:60]
