from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeTemplate(models.Model):
    """The text of a notice or a newsletter in French and English, with placeholders
    (``{{ services }}``, ``{{#cause}}…{{/cause}}``; see ``campaigns.placeholders``)."""

    class Kind(models.TextChoices):
        UNAVAILABILITY = "unavailability", _("Unavailability")
        UPDATE = "update", _("Unavailability update")
        END = "end", _("End of unavailability")
        NEWSLETTER = "newsletter", _("Newsletter")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    name = models.CharField(_("name"), max_length=120)
    subject_fr = models.CharField(_("subject (French)"), max_length=200)
    body_fr = models.TextField(_("text (French)"))
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    is_default = models.BooleanField(
        _("default for its kind"), default=False, help_text=_("Chosen first for an outage's notices.")
    )
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_default=True), name="notice_template_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_notice(self) -> bool:
        return self.kind != self.Kind.NEWSLETTER


class ContactList(models.Model):
    """A mailing list (e.g. "Users of Reconnect Pro"), refreshed by imports: each import is a
    dated version, and "the most recent list of the product's users" is its latest one."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_lists",
        help_text=_("The product whose users the list holds: its outages' notices go to its latest version."),
    )
    notices_to_unsubscribed = models.BooleanField(
        _("service notices go to unsubscribed contacts too"),
        default=True,
        help_text=_("Outage notices are service messages; newsletters never go to unsubscribed contacts."),
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("contact list")
        verbose_name_plural = _("contact lists")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ListVersion(models.Model):
    """One import of a contact list: the uploaded file until it is mapped, then the
    contacts it gave and the report of the rows it refused."""

    class State(models.TextChoices):
        MAPPING = "mapping", _("Waiting for the column mapping")
        IMPORTED = "imported", _("Imported")

    contact_list = models.ForeignKey(
        ContactList, verbose_name=_("contact list"), on_delete=models.CASCADE, related_name="versions"
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.MAPPING)
    filename = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(_("uploaded file"), blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"))
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=2, blank=True)
    has_header = models.BooleanField(_("first row is a header"), default=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    accepted = models.PositiveIntegerField(_("contacts"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    report = models.JSONField(_("rejected rows"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("version of a contact list")
        verbose_name_plural = _("versions of contact lists")
        ordering = ["-imported_at", "-pk"]
        indexes = [models.Index(fields=["contact_list", "-imported_at"], name="list_version_latest_idx")]

    def __str__(self) -> str:
        when = self.imported_at or self.uploaded_at
        return f"{self.contact_list} — {when:%Y-%m-%d}"


class Contact(models.Model):
    """A row of an imported list. ``key`` is the address in lower case: one per version."""

    version = models.ForeignKey(
        ListVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="contacts"
    )
    email = models.CharField(_("e-mail address"), max_length=254)
    key = models.CharField(max_length=254, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    attributes = models.JSONField(_("other columns"), default=dict, blank=True)
    line = models.PositiveIntegerField(_("line"))

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="contact_unique_per_version")]

    def __str__(self) -> str:
        return self.email


class Unsubscription(models.Model):
    """An address that no newsletter may reach again (procedure 000), whatever list holds it."""

    key = models.CharField(_("e-mail address"), max_length=254, unique=True)
    at = models.DateTimeField(_("unsubscribed"))
    campaign = models.ForeignKey(
        "Campaign",
        verbose_name=_("from the campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")

    def __str__(self) -> str:
        return self.key


class Campaign(models.Model):
    """A mail to an audience: an outage notice (procedure 004) or a newsletter (procedure
    000). The text is copied from its template when created and may be edited until sent."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeTemplate.Kind)
    template = models.ForeignKey(
        NoticeTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    outage = models.ForeignKey(
        "outages.Outage",
        verbose_name=_("outage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=_("sent to the recipients of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followers",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("For contacts whose language is not known."),
    )
    subject_fr = models.CharField(_("subject (French)"), max_length=200)
    body_fr = models.TextField(_("text (French)"))
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    values = models.JSONField(_("outage details"), default=dict, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    audience_ready = models.BooleanField(default=False, editable=False)
    next_batch_at = models.DateTimeField(null=True, blank=True, editable=False)
    total = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep's scan: campaigns whose next batch (or start) is due.
            models.Index(
                fields=["next_batch_at"],
                name="campaign_due_idx",
                condition=models.Q(state__in=["scheduled", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_newsletter(self) -> bool:
        return self.kind == NoticeTemplate.Kind.NEWSLETTER

    def text(self, language: str) -> tuple[str, str]:
        if language == "en":
            return self.subject_en, self.body_en
        return self.subject_fr, self.body_fr


class AudienceSource(models.Model):
    """Where a campaign's recipients come from: a list version, a segment of Comptoir's own
    people, or the recipients of an earlier campaign (the end notice)."""

    class Kind(models.TextChoices):
        LIST_VERSION = "list_version", _("Contact list")
        ORGANISATION = "organisation", _("Requesters of an organisation")
        PRODUCT_USERS = "product_users", _("Users of a product in Comptoir")
        CAMPAIGN = "campaign", _("Recipients of a campaign")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=16, choices=Kind)
    version = models.ForeignKey(
        ListVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self) -> str:
        target = self.version or self.organisation or self.product or self.previous
        return f"{self.get_kind_display()}: {target}"


class Recipient(models.Model):
    """One address of a campaign and what became of its mail. ``due_at`` is both the
    retry time and the claim: a sender moves it a lease ahead before sending."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    email = models.CharField(_("e-mail address"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    values = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email"], name="recipient_once_per_campaign")
        ]
        indexes = [
            # The sender's scan: a campaign's queued recipients whose time has come.
            models.Index(
                fields=["campaign", "due_at", "id"],
                name="recipient_due_idx",
                condition=models.Q(state="queued"),
            ),
            # Progress and report: counts by state.
            models.Index(fields=["campaign", "state"], name="recipient_state_idx"),
        ]

    def __str__(self) -> str:
        return self.email
