from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Tier


class Group(models.Model):
    """A support team working at one tier (L1, L2, L3)."""

    class Assignment(models.TextChoices):
        MANUAL = "manual", _("Manual")
        ROUND_ROBIN = "round_robin", _("Round robin among available members")
        LEAST_LOADED = "least_loaded", _("Least loaded available member")

    name = models.CharField(_("name"), max_length=120, unique=True)
    tier = models.CharField(_("tier"), max_length=2, choices=Tier, default=Tier.L1)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="support_groups", blank=True
    )
    calendar = models.ForeignKey(
        "calendars.Calendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignment = models.CharField(
        _("assignment of new tickets"), max_length=12, choices=Assignment, default=Assignment.MANUAL
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_groups",
    )

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tier})"


class Product(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("product owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_products",
    )
    owner_group = models.ForeignKey(
        Group,
        verbose_name=_("product team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_products",
        help_text=_("Feature requests are forwarded to the product owner, or to this team."),
    )
    default_group = models.ForeignKey(
        Group,
        verbose_name=_("default group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("New tickets about this product go to this group."),
    )
    aliases = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated names people use for it in mail subjects."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Component(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="components"
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["product__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="component_unique_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.product} / {self.name}"
