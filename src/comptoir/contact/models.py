from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.tickets.vocabulary import Channel


class ContactRequest(models.Model):
    """What someone sent through the public form, kept from the first second: the ticket is
    opened only once the address is confirmed (the link in the confirmation mail)."""

    class State(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    organisation_name = models.CharField(_("organisation (as written)"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("message"))
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL
    )
    language = models.CharField(_("language"), max_length=8)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.FORM)
    details = models.JSONField(_("request details"), default=dict, blank=True)
    token_hash = models.CharField(_("confirmation token (SHA-256)"), max_length=64, unique=True)
    client_hash = models.CharField(_("client (hashed)"), max_length=64, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.AWAITING)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("confirm before"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    held = models.ForeignKey(
        "admission.HeldRequest",
        verbose_name=_("kept for review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contact form request")
        verbose_name_plural = _("contact form requests")
        indexes = [models.Index(fields=["email", "created_at"], name="contact_email_idx")]

    def __str__(self) -> str:
        return f"{self.email}: {self.subject}"
