from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """A service's state, from best to worst (maintenance is planned)."""

    OPERATIONAL = "operational", _("Operational")
    MAINTENANCE = "maintenance", _("Maintenance")
    DEGRADED = "degraded", _("Degraded performance")
    PARTIAL = "partial", _("Partial outage")
    MAJOR = "major", _("Major outage")


class Service(models.Model):
    """What the status page lists: a product, or one of its components."""

    name = models.CharField(_("name"), max_length=120)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="services"
    )
    component = models.ForeignKey(
        "catalog.Component",
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="services",
    )
    state = models.CharField(_("current state"), max_length=12, choices=State, default=State.OPERATIONAL)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_public = models.BooleanField(_("on the status page"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(component__isnull=True), name="service_one_per_product"
            ),
            models.UniqueConstraint(
                fields=["product", "component"],
                condition=models.Q(component__isnull=False),
                name="service_one_per_component",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Outage(models.Model):
    """An unavailability of one or more services, planned (maintenance) or not."""

    class Kind(models.TextChoices):
        HOSTING = "hosting", _("Hosting")
        APPLICATION = "application", _("Application")
        THIRD_PARTY = "third_party", _("Third party")
        MAINTENANCE = "maintenance", _("Planned maintenance")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("incident type"), max_length=12, choices=Kind)
    impact = models.CharField(
        _("impact"),
        max_length=12,
        choices=[c for c in State.choices if c[0] != State.OPERATIONAL],
        default=State.MAJOR,
    )
    services = models.ManyToManyField(Service, verbose_name=_("affected services"), related_name="outages")
    started_at = models.DateTimeField(_("start"))
    expected_end_at = models.DateTimeField(_("expected end"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    cause = models.TextField(_("cause"), blank=True, help_text=_("Shown in the notices (procedure 004)."))
    host = models.CharField(
        _("host"), max_length=200, blank=True, help_text=_("The server or provider concerned.")
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    tickets = models.ManyToManyField(
        "tickets.Ticket", verbose_name=_("linked tickets"), related_name="outages", blank=True
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("declared by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["-started_at"], name="outage_recent_idx"),
            models.Index(
                fields=["started_at"], name="outage_ongoing_idx", condition=models.Q(resolved_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ongoing(self) -> bool:
        return self.resolved_at is None


class OutageUpdate(models.Model):
    """A public update of an outage (declared, update, resolved), as the status page shows it."""

    class Kind(models.TextChoices):
        DECLARED = "declared", _("Declared")
        UPDATE = "update", _("Update")
        RESOLVED = "resolved", _("Resolved")

    outage = models.ForeignKey(
        Outage, verbose_name=_("outage"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    body = models.TextField(_("message"))
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("outage update")
        verbose_name_plural = _("outage updates")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.outage} — {self.get_kind_display()}"


def validate_web_address(value: str) -> None:
    """Webhooks are posted over HTTP(S) only (no ``file:``, ``ftp:``, ...)."""
    from django.core.exceptions import ValidationError

    if not value.lower().startswith(("http://", "https://")):
        raise ValidationError(_("Enter a web address (http or https)."), code="scheme")


class ChatChannel(models.Model):
    """A team chat channel told of outages through its incoming webhook (procedure 004:
    « prévenir l'équipe sur Slack, en taguant tout le canal »)."""

    class Kind(models.TextChoices):
        SLACK = "slack", _("Slack")
        MATTERMOST = "mattermost", _("Mattermost")
        TEAMS = "teams", _("Microsoft Teams")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.SLACK)
    url = models.URLField(
        _("incoming webhook address"),
        max_length=500,
        validators=[validate_web_address],
        help_text=_("The address the chat gives for its incoming webhook. Keep it secret."),
    )
    mention_channel = models.BooleanField(
        _("mention @channel"),
        default=True,
        help_text=_("Notify everyone in the channel (Slack and Mattermost; Teams shows it as text)."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    on_declare = models.BooleanField(_("when an outage is declared"), default=True)
    on_update = models.BooleanField(_("when an outage is updated"), default=True)
    on_resolve = models.BooleanField(_("when an outage is resolved"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team chat channel")
        verbose_name_plural = _("team chat channels")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return self.is_active and bool(getattr(self, f"on_{event}", False))


class Subscriber(models.Model):
    """Someone who receives the status page's updates by e-mail, once they confirmed their
    address (double opt-in). Unsubscribing deletes the row."""

    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("created"))
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("status subscriber")
        verbose_name_plural = _("status subscribers")

    def __str__(self) -> str:
        return self.email
