from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import TIMEZONE_CHOICES
from comptoir.tickets.vocabulary import Channel, TicketType


class RoutingRule(models.Model):
    """Puts a new ticket in a group (and so a tier): the first active rule, in order, whose
    every set condition the ticket meets. An empty condition matches every ticket; a
    ticket no rule matches goes to its product's default group, else to triage."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    group = models.ForeignKey(
        "catalog.Group",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Matching tickets go to this group."),
    )
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("products"), blank=True, related_name="+"
    )
    components = models.ManyToManyField(
        "catalog.Component", verbose_name=_("components"), blank=True, related_name="+"
    )
    types = models.JSONField(_("types"), default=list, blank=True)
    organisations = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("organisations"), blank=True, related_name="+"
    )
    channels = models.JSONField(_("channels"), default=list, blank=True)
    mailboxes = models.ManyToManyField(
        "mail.Mailbox", verbose_name=_("mailboxes"), blank=True, related_name="+"
    )
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "One per line or comma-separated; any of them in the subject or the text matches "
            "(capitals and accents ignored, a word's beginning is enough)."
        ),
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    ALLOWED = {"types": TicketType.values, "channels": Channel.values}

    def clean(self) -> None:
        errors = {}
        for field, allowed in self.ALLOWED.items():
            values = getattr(self, field) or []
            unknown = [v for v in values if v not in allowed] if isinstance(values, list) else [values]
            if unknown:
                errors[field] = _("Unknown values: %(values)s. Allowed: %(allowed)s.") % {
                    "values": ", ".join(map(str, unknown)),
                    "allowed": ", ".join(allowed),
                }
        if errors:
            raise ValidationError(errors)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("\n", ",").split(",") if k.strip()]


class Rota(models.Model):
    """Agents taking turns: the agent on duty triages new tickets and answers the hotline
    (procedure 003: 3 people rotate); the emergency line has its own on-call rota, with its
    own hours, weekends and holidays included. Turns last ``period_days`` and change
    hands at ``handover_time`` (local time of ``timezone``), counted from ``starts_on``.
    A customer or a product may have its own on-duty rota (``organisations``,
    ``products``): its requests in triage go to that rota's agent on duty."""

    class Kind(models.TextChoices):
        ON_DUTY = "on_duty", _("On duty (triage and hotline)")
        EMERGENCY = "emergency", _("Emergency line (on call)")

    class TriageAction(models.TextChoices):
        ASSIGN = "assign", _("Assign new triage tickets to the agent on duty")
        NOTIFY = "notify", _("Tell the agent on duty by mail")
        NOTHING = "nothing", _("Neither: the agent on duty watches the triage view")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.ON_DUTY)
    is_active = models.BooleanField(_("active"), default=True)
    period_days = models.PositiveSmallIntegerField(
        _("turn length (days)"), default=7, help_text=_("7: one week each.")
    )
    starts_on = models.DateField(
        _("first turn starts on"), help_text=_("The first member's turn starts this day.")
    )
    handover_time = models.TimeField(_("hand-over time"), default=dt.time(9, 0))
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="Europe/Paris"
    )
    calendar = models.ForeignKey(
        "calendars.Calendar",
        verbose_name=_("line hours"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("When the line answers: hotline hours, or the emergency line's own hours."),
    )
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    triage_action = models.CharField(
        _("new tickets in triage"), max_length=10, choices=TriageAction, default=TriageAction.ASSIGN
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("organisations"),
        blank=True,
        related_name="+",
        help_text=_(
            "On duty for these customers' new requests in triage. Empty (and no product): "
            "for every request no other rota serves."
        ),
    )
    products = models.ManyToManyField(
        "catalog.Product",
        verbose_name=_("products"),
        blank=True,
        related_name="+",
        help_text=_(
            "On duty for new requests in triage about these products. A rota of the "
            "request's organisation comes first, then one of its product, then a rota for "
            "everyone."
        ),
    )

    class Meta:
        verbose_name = _("rota")
        verbose_name_plural = _("rotas")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.period_days:
            raise ValidationError({"period_days": _("A turn lasts at least one day.")})


class RotaMember(models.Model):
    rota = models.ForeignKey(Rota, verbose_name=_("rota"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rota member")
        verbose_name_plural = _("rota members")
        ordering = ["rota", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["rota", "user"], name="rota_member_unique")]

    def __str__(self) -> str:
        return f"{self.rota} · {self.user}"


class RotaOverride(models.Model):
    """A change to the rotation for a while: an absence (the next member in order covers)
    or a replacement (this agent is on duty instead; a swap is two replacements)."""

    class Kind(models.TextChoices):
        ABSENCE = "absence", _("Absence: the next member covers")
        REPLACEMENT = "replacement", _("Replacement: this agent is on duty instead")

    rota = models.ForeignKey(Rota, verbose_name=_("rota"), on_delete=models.CASCADE, related_name="overrides")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.ABSENCE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rota change")
        verbose_name_plural = _("rota changes")
        ordering = ["rota", "starts_at"]
        indexes = [models.Index(fields=["rota", "ends_at"], name="rota_override_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="rota_override_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Must come after the start.")})


class AssignmentCursor(models.Model):
    """The last agent a group's automatic assignment chose. Its row is locked while a new
    ticket is assigned, so tickets created at once are assigned one after the other."""

    group = models.OneToOneField(
        "catalog.Group", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assignment cursor")
        verbose_name_plural = _("assignment cursors")

    def __str__(self) -> str:
        return str(self.group_id)
