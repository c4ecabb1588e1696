from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from comptoir.tickets import history
from comptoir.tickets.vocabulary import Channel, Priority, Severity, Status, TicketType, priority_rank


class Ticket(models.Model):
    """A numbered request. Changed only by ``comptoir.tickets.services``."""

    number = models.BigIntegerField(_("number"), unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=250)
    type = models.CharField(_("type"), max_length=20, choices=TicketType, default=TicketType.QUESTION)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity, default=Severity.NORMAL)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.NEW)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    component = models.ForeignKey(
        "catalog.Component",
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="requested_tickets",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    group = models.ForeignKey(
        "catalog.Group",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    urgent_review = models.BooleanField(
        _("urgency to review"),
        default=False,
        help_text=_("Marked URGENT beyond the requester's allowance: an agent decides."),
    )
    mailbox = models.ForeignKey(
        "mail.Mailbox",
        verbose_name=_("mailbox"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    mail_thread_id = models.CharField(
        _("Message-ID of the first mail"),
        max_length=255,
        blank=True,
        help_text=_("Our mails refer to it so the requester's mail client keeps one thread."),
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("followers"), blank=True, related_name="followed_tickets"
    )
    # Who worked the ticket before it was escalated (procedure 000: L1 stays the parish's
    # contact): they keep reading it and are told what becomes of it. Kept by
    # ``tickets.services.escalate``.
    past_groups = models.ManyToManyField(
        "catalog.Group", verbose_name=_("previous groups"), blank=True, related_name="+"
    )
    past_agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("previous agents"),
        blank=True,
        related_name="+",
        help_text=_("Its assignee when it was escalated, and the agent who escalated it."),
    )
    linked_to = models.ForeignKey(
        "self",
        verbose_name=_("follows up on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    feature = models.ForeignKey(
        "self",
        verbose_name=_("feature request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supporting_requests",
        help_text=_("The feature request this request asks for too."),
    )
    forwarded_at = models.DateTimeField(_("forwarded to the product team"), null=True, blank=True)
    details = models.JSONField(
        _("request details"),
        default=dict,
        blank=True,
        help_text=_("The facts the request form asks for (page address, browser, steps…), by field key."),
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Summary of the SLA clocks (kept by comptoir.sla.services) for the queue's
    # "due soonest" sort and "breached" filter.
    status_since = models.DateTimeField(_("in this status since"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent in this status"), default=0)
    sla_due_at = models.DateTimeField(_("next SLA due time"), null=True, blank=True)
    sla_breached = models.BooleanField(_("SLA breached"), default=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # Desk queue: a group's tickets in a status, most recently updated first.
            models.Index(fields=["group", "status", "-updated_at"], name="ticket_queue_idx"),
            models.Index(fields=["status", "-updated_at"], name="ticket_status_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_idx"),
            # Portal lists: a requester's / an organisation's tickets, newest first.
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_idx"),
            models.Index(fields=["organisation", "-created_at"], name="ticket_org_idx"),
            # Lists newest first (the API's keyset pages): equal times in id order.
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_id_idx"),
            # Automations: tickets waiting on the requester, or resolved, for some time.
            models.Index(
                fields=["status", "status_since"],
                name="ticket_waiting_idx",
                condition=models.Q(status__in=["pending", "resolved"]),
            ),
            models.Index(
                fields=["sla_due_at"], name="ticket_sla_due_idx", condition=models.Q(sla_due_at__isnull=False)
            ),
            models.Index(
                fields=["-updated_at"], name="ticket_breached_idx", condition=models.Q(sla_breached=True)
            ),
            # The queue's priority sort (urgent first, then most recently updated).
            models.Index(priority_rank(), F("updated_at").desc(), F("id").desc(), name="ticket_priority_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.number}"

    @property
    def tier(self) -> str:
        return self.group.tier if self.group_id and self.group else ""


class Message(models.Model):
    """A public reply or an internal note in a ticket's conversation."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PUBLIC)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("sanitised HTML"), blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.INTERNAL


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=400)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """Append-only audit: who did what to a ticket, when, from what to what, and why.

    Built only by the typed constructors of ``comptoir.tickets.events``.
    """

    class Kind(models.TextChoices):
        # The kinds are owned by comptoir.tickets.history, the one reader of the history.
        CREATED = history.CREATED, _("Created")
        REPLIED = history.REPLIED, _("Public reply")
        NOTE_ADDED = history.NOTE_ADDED, _("Internal note")
        ASSIGNED = history.ASSIGNED, _("Assigned")
        TAKEN = history.TAKEN, _("Taken")
        STATUS_CHANGED = history.STATUS_CHANGED, _("Status changed")
        REQUALIFIED = history.REQUALIFIED, _("Requalified")
        ESCALATED = history.ESCALATED, _("Escalated")
        REMINDER_SENT = history.REMINDER_SENT, _("Reminder sent")
        URGENCY_DOWNGRADED = history.URGENCY_DOWNGRADED, _("Urgency removed")
        URGENCY_CONFIRMED = history.URGENCY_CONFIRMED, _("Urgency confirmed")
        SLA_WARNING = history.SLA_WARNING, _("SLA target due soon")
        SLA_BREACHED = history.SLA_BREACHED, _("SLA target breached")
        ROUTED = history.ROUTED, _("Routed")
        FORWARDED = history.FORWARDED, _("Forwarded to the product team")
        LINKED = history.LINKED, _("Linked to a feature request")
        SURVEY_SENT = history.SURVEY_SENT, _("Satisfaction survey sent")
        SURVEY_ANSWERED = history.SURVEY_ANSWERED, _("Satisfaction rated")
        DETAILS_REQUESTED = history.DETAILS_REQUESTED, _("Missing details asked for")
        OUTAGE_LINKED = history.OUTAGE_LINKED, _("Linked to an outage")
        OUTAGE_UNLINKED = history.OUTAGE_UNLINKED, _("Unlinked from an outage")
        FOLLOWERS_ADDED = history.FOLLOWERS_ADDED, _("Followers added")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    is_public = models.BooleanField(_("shown to the requester"), default=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "at"], name="event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class TicketNumberCounter(models.Model):
    """The last number handed out, for databases without sequences (SQLite)."""

    value = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.value)
