from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.cache import ProcessCache


class Mailbox(models.Model):
    """An address people write to (support@…), polled over IMAP or delivered to us by an
    MTA (LMTP or a pipe), with the defaults its new tickets get."""

    class UnknownSenders(models.TextChoices):
        CREATE = "create", _("Create a requester (in the organisation matching their domain)")
        REFUSE = "refuse", _("Answer whom to contact, keep the mail, open no ticket")

    name = models.CharField(_("name"), max_length=120)
    address = models.EmailField(_("address"), unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("default product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    group = models.ForeignKey(
        "catalog.Group",
        verbose_name=_("default group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("default organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For new requesters whose domain matches no organisation."),
    )
    unknown_senders = models.CharField(
        _("unknown senders"), max_length=10, choices=UnknownSenders, default=UnknownSenders.CREATE
    )
    refusal_text = models.TextField(
        _("answer to unknown senders"),
        blank=True,
        help_text=_("Whom to contact instead (procedure 002: only site editors and owners are served)."),
    )
    language = models.CharField(_("language"), max_length=8, default="fr")
    urgent_words = models.CharField(
        _("urgent words"),
        max_length=200,
        default="urgent",
        help_text=_("Comma-separated words that mark a mail urgent in its subject."),
    )
    urgent_monthly_allowance = models.PositiveSmallIntegerField(
        _("urgent mails allowed per requester and month"),
        default=3,
        help_text=_("Beyond it, an URGENT mail arrives flagged for review instead."),
    )
    # IMAP polling (leave the host empty for a mailbox delivered by LMTP or a pipe).
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_ssl = models.BooleanField(_("IMAP over TLS"), default=True)
    imap_username = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=200, blank=True)
    imap_folder = models.CharField(_("folder to read"), max_length=200, default="INBOX")
    imap_done_folder = models.CharField(_("folder for processed mail"), max_length=200, default="Comptoir")
    imap_uid_validity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True, editable=False)
    imap_last_uid = models.BigIntegerField(_("last UID read"), default=0, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _default_address.forget()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        _default_address.forget()
        return deleted

    @property
    def urgent_word_list(self) -> tuple[str, ...]:
        return tuple(w.strip() for w in self.urgent_words.split(",") if w.strip())

    @classmethod
    def default_address(cls) -> str:
        """The default mailbox's address (the first active one created; "" when none):
        where answers to mails about portal and API requests go, and where such requests are
        found again by number. Kept in the process (every acknowledgement asks)."""
        return _default_address.get()


def _load_default_address() -> str:
    first = Mailbox.objects.filter(is_active=True).order_by("pk").values_list("address", flat=True).first()
    return str(first or "")


_default_address: ProcessCache[str] = ProcessCache(_load_default_address)


class InboundMail(models.Model):
    """Every mail received, stored raw before anything else is done with it: nothing is
    lost, a re-delivery is recognised, and a mail that could not be handled waits in the
    quarantine with the reason until an administrator retries or discards it."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        QUARANTINED = "quarantined", _("Quarantined")
        DISCARDED = "discarded", _("Discarded")

    class Source(models.TextChoices):
        IMAP = "imap", "IMAP"
        LMTP = "lmtp", "LMTP"
        PIPE = "pipe", _("Pipe / command line")

    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mails",
    )
    key = models.CharField(
        _("identity"),
        max_length=255,
        unique=True,
        help_text=_("The mailbox and a digest of the mail's own bytes (comptoir.mail.inbound.identity)."),
    )
    header_message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    message_id_reused = models.BooleanField(
        _("Message-ID seen before"),
        default=False,
        help_text=_("A different mail with the same Message-ID was received earlier: both are kept."),
    )
    sender = models.CharField(_("sender"), max_length=255, blank=True)
    sender_address = models.CharField(_("sender address"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size"))
    source = models.CharField(_("source"), max_length=8, choices=Source)
    received_at = models.DateTimeField(_("received"))
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.RECEIVED)
    reason = models.TextField(_("reason"), blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.ForeignKey(
        "tickets.Message",
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("received mail")
        verbose_name_plural = _("received mails")
        indexes = [
            # Rate limit of automatic answers: what one sender got in the last hour.
            models.Index(fields=["sender_address", "received_at"], name="inbound_sender_idx"),
            # A reused Message-ID: what this mailbox received under it before.
            models.Index(fields=["header_message_id"], name="inbound_message_id_idx"),
            models.Index(
                fields=["-received_at"],
                name="inbound_quarantine_idx",
                condition=models.Q(state="quarantined"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"


class MailTemplate(models.Model):
    """An administrator's wording of one notification in one language, used instead of
    the built-in template. Subject and body are Django templates with the same variables
    as the built-in ones (ticket, recipient, url, message…)."""

    class Key(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of a new request")
        REPLY = "reply", _("Answer from the team")
        STATUS_RESOLVED = "status_resolved", _("Request resolved")
        STATUS_CLOSED = "status_closed", _("Request closed")
        URGENT_DOWNGRADED = "urgent_downgraded", _("Urgency removed")
        REMINDER = "reminder", _("Reminder: we wait for your answer")
        ASSIGNED = "assigned", _("Ticket assigned (to agents)")
        REQUESTER_REPLY = "requester_reply", _("Requester's answer (to agents)")

    key = models.CharField(_("notification"), max_length=32, choices=Key)
    language = models.CharField(_("language"), max_length=8, default="fr")
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="mail_template_unique")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.language})"
