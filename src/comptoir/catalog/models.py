from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
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
    escalates_to = models.ForeignKey(
        "self",
        verbose_name=_("escalates to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The group this group's tickets are escalated to, unless an escalation path for "
            "the organisation or the product says otherwise. Empty: the only group of the "
            "next tier, if there is only one; else the agent chooses."
        ),
    )

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tier})"

    def clean(self) -> None:
        if self.escalates_to_id is not None and self.escalates_to_id == self.pk:
            raise ValidationError({"escalates_to": _("A group cannot escalate to itself.")})


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


SAME_SCOPE = _("This group already has an escalation path for this organisation and product.")


class EscalationPath(models.Model):
    """Where a group's tickets of one organisation, of one product, or of both, are
    escalated, instead of the group's own ``escalates_to`` (procedure 000: the vendor's
    L1 hands a parish's requests to the parish's own L2). The most specific path wins:
    organisation and product, then organisation, then product."""

    group = models.ForeignKey(
        Group, verbose_name=_("from group"), on_delete=models.CASCADE, related_name="escalation_paths"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_group = models.ForeignKey(
        Group, verbose_name=_("escalates to"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("escalation path")
        verbose_name_plural = _("escalation paths")
        ordering = ["group", "pk"]
        constraints = [
            # A path names an organisation, a product or both; with neither it would be the
            # group's own ``escalates_to``, said twice.
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(product__isnull=False),
                name="escalation_path_scope",
                violation_error_message=_(
                    "Name an organisation, a product or both (for every ticket of the group, "
                    "set the group's own “escalates to”)."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(to_group=models.F("group")),
                name="escalation_path_onward",
                violation_error_message=_("A group cannot escalate to itself."),
            ),
            # One path per group and scope (three constraints: NULLs are distinct in a
            # plain unique constraint, on SQLite and PostgreSQL alike).
            models.UniqueConstraint(
                fields=["group", "organisation", "product"],
                condition=models.Q(organisation__isnull=False, product__isnull=False),
                name="escalation_path_unique_both",
                violation_error_message=SAME_SCOPE,
            ),
            models.UniqueConstraint(
                fields=["group", "organisation"],
                condition=models.Q(product__isnull=True),
                name="escalation_path_unique_organisation",
                violation_error_message=SAME_SCOPE,
            ),
            models.UniqueConstraint(
                fields=["group", "product"],
                condition=models.Q(organisation__isnull=True),
                name="escalation_path_unique_product",
                violation_error_message=SAME_SCOPE,
            ),
        ]

    def __str__(self) -> str:
        scope = " · ".join(str(x) for x in (self.organisation, self.product) if x is not None)
        return f"{self.group} [{scope}] → {self.to_group}"
