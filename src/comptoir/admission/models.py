from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.tickets.vocabulary import Channel, Priority, TicketType


class HeldRequest(models.Model):
    """What someone sent that did not become a ticket at once: kept as it was sent, with
    why, until the support team approves it (a ticket as of the original time), refuses it
    (the requester is told why) or dismisses it. Changed only by
    ``comptoir.admission.services``."""

    class Reason(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", _("Role not served by the organisation")
        QUOTA_APPROVAL = "quota_approval", _("Beyond the monthly allowance")

    class State(models.TextChoices):
        HELD = "held", _("Awaiting a decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        DISMISSED = "dismissed", _("Dismissed")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="held_requests",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_requests",
    )
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("sanitised HTML"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    component = models.ForeignKey(
        "catalog.Component",
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    group = models.ForeignKey(
        "catalog.Group",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    type = models.CharField(_("type"), max_length=20, choices=TicketType, default=TicketType.QUESTION)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority, default=Priority.NORMAL)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    details = models.JSONField(_("request details"), default=dict, blank=True)
    request = models.JSONField(
        _("the rest of the request"),
        default=dict,
        blank=True,
        help_text=_("Severity, followers, the ticket it follows up…: what opens the ticket as it was sent."),
    )
    urgent_review = models.BooleanField(_("urgency to review"), default=False)
    mailbox = models.ForeignKey(
        "mail.Mailbox",
        verbose_name=_("mailbox"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mail_thread_id = models.CharField(_("Message-ID of the mail"), max_length=255, blank=True)
    inbound = models.ForeignKey(
        "mail.InboundMail",
        verbose_name=_("received mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason)
    explanation = models.TextField(_("what the requester was told"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.HELD)
    received_at = models.DateTimeField(_("received"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("held request")
        verbose_name_plural = _("held requests")
        indexes = [
            # The desk's list and badge: requests awaiting a decision, oldest first.
            models.Index(
                fields=["reason", "received_at"], name="held_waiting_idx", condition=models.Q(state="held")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="held") | models.Q(decided_at__isnull=False),
                name="held_decision_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester_id}: {self.subject}"

    @property
    def is_waiting(self) -> bool:
        return self.state == self.State.HELD


def held_file_path(instance: HeldFile, filename: str) -> str:
    return f"held/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class HeldFile(models.Model):
    """A file sent with a held request, kept until the decision (an approved request's
    ticket gets a copy)."""

    held = models.ForeignKey(
        HeldRequest, verbose_name=_("held request"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=held_file_path, max_length=400)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("file of a held request")
        verbose_name_plural = _("files of held requests")

    def __str__(self) -> str:
        return self.filename
