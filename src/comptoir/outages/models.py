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
