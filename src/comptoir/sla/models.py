from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Tier
from comptoir.sla import clocks
from comptoir.sla.durations import format_target
from comptoir.tickets.vocabulary import Channel, Priority, Severity, TicketType


class Metric(models.TextChoices):
    ACKNOWLEDGEMENT = clocks.ACKNOWLEDGEMENT, _("Acknowledgement")
    PICK_UP = clocks.PICK_UP, _("Pick-up by an agent")
    FIRST_RESPONSE = clocks.FIRST_RESPONSE, _("First response")
    NEXT_RESPONSE = clocks.NEXT_RESPONSE, _("Next response")
    QUALIFICATION = clocks.QUALIFICATION, _("Qualification and hand-over")
    RESOLUTION = clocks.RESOLUTION, _("Resolution")


class SLAPolicy(models.Model):
    """Targets that apply to the tickets matching its conditions; the first active policy
    in order applies. An empty condition matches every ticket."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    calendar = models.ForeignKey(
        "calendars.Calendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the organisation's calendar, else plain time."),
    )
    pause_on_hold = models.BooleanField(
        _("pause while on hold"),
        default=False,
        help_text=_("Clocks always pause while waiting on the requester."),
    )
    show_to_requester = models.BooleanField(_("show the promised times to requesters"), default=True)
    organisations = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("organisations"), blank=True, related_name="+"
    )
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("products"), blank=True, related_name="+"
    )
    groups = models.ManyToManyField("catalog.Group", verbose_name=_("groups"), blank=True, related_name="+")
    types = models.JSONField(_("types"), default=list, blank=True)
    severities = models.JSONField(_("severities"), default=list, blank=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    tiers = models.JSONField(
        _("tiers"),
        default=list,
        blank=True,
        help_text=_("Tiers whose commitments this policy states; escalation out of them ends its clocks."),
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        for field, allowed in self.ALLOWED.items():
            values = getattr(self, field) or []
            unknown = [v for v in values if v not in allowed]
            if not isinstance(values, list) or unknown:
                errors[field] = _("Unknown values: %(values)s. Allowed: %(allowed)s.") % {
                    "values": ", ".join(map(str, unknown)) or values,
                    "allowed": ", ".join(allowed),
                }
        if errors:
            raise ValidationError(errors)

    ALLOWED = {
        "types": TicketType.values,
        "severities": Severity.values,
        "priorities": Priority.values,
        "channels": Channel.values,
        "tiers": Tier.values,
    }


class SLATarget(models.Model):
    policy = models.ForeignKey(
        SLAPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="targets"
    )
    metric = models.CharField(_("metric"), max_length=20, choices=Metric)
    duration = models.DurationField(_("target"), help_text=_("e.g. 4:00:00 for 4 hours"))
    business_time = models.BooleanField(
        _("in business hours"), default=True, help_text=_("Unticked: plain elapsed time.")
    )
    in_days = models.BooleanField(
        _("given in business days"),
        default=False,
        help_text=_("Shown back in days; a business day counts as 8 business hours."),
    )
    warn_percent = models.PositiveSmallIntegerField(_("warn at (percentage of the target)"), default=75)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [models.UniqueConstraint(fields=["policy", "metric"], name="sla_target_unique_metric")]

    def __str__(self) -> str:
        when = format_target(
            self.duration, business=self.business_time, in_days=self.in_days, language=get_language() or "en"
        )
        return f"{self.get_metric_display()}: {when}"


class SLAClock(models.Model):
    """One metric of one policy measured on one ticket. Rows are rewritten from the
    ticket's history by ``comptoir.sla.services.refresh_clocks``; the scan marks breaches
    with one indexed query on ``due_at``."""

    class State(models.TextChoices):
        RUNNING = clocks.RUNNING, _("Running")
        PAUSED = clocks.PAUSED, _("Paused")
        MET = clocks.MET, _("Met")
        BREACHED = clocks.BREACHED, _("Breached")
        HANDED_OVER = clocks.HANDED_OVER, _("Handed over")

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="clocks"
    )
    policy = models.ForeignKey(
        SLAPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+"
    )
    segment = models.PositiveSmallIntegerField(_("segment"), default=0)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric)
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=0)
    target = models.DurationField(_("target"))
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    paused = models.DurationField(_("paused business time"), default=timedelta(0))
    remaining = models.DurationField(_("remaining business time"), default=timedelta(0))
    state = models.CharField(_("state"), max_length=12, choices=State)
    ended_at = models.DateTimeField(_("met or ended"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    breach_notified_at = models.DateTimeField(_("breach notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "segment", "metric", "cycle"], name="sla_clock_unique_per_cycle"
            )
        ]
        indexes = [
            # The breach scan: running clocks whose due time has come.
            models.Index(fields=["due_at"], name="sla_clock_due_idx", condition=models.Q(state="running")),
            # The warning scan: running clocks past their warning time, not yet warned.
            models.Index(
                fields=["warn_at"],
                name="sla_clock_warn_idx",
                condition=models.Q(state="running", warned_at__isnull=True),
            ),
            # Breach notifications not yet sent (clocks found breached by a recomputation too).
            models.Index(
                fields=["ticket"],
                name="sla_clock_breach_todo_idx",
                condition=models.Q(state="breached", breach_notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in {self.State.RUNNING, self.State.PAUSED}
