from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import TIMEZONE_CHOICES


class AutomationPolicy(models.Model):
    """Delays of the automations, in business days on the organisation's calendar. The
    policy without organisation is the default for all others."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="automation_policy",
        help_text=_("Empty: the default for every organisation without its own."),
    )
    first_reminder_days = models.PositiveSmallIntegerField(
        _("first reminder after (business days waiting on the requester)"), default=2
    )
    second_reminder_days = models.PositiveSmallIntegerField(
        _("second reminder after (business days)"), default=4, help_text=_("0: no second reminder.")
    )
    resolve_after_days = models.PositiveSmallIntegerField(
        _("resolve without an answer after (business days)"), default=7, help_text=_("0: never.")
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("close a resolved request after (business days)"), default=5, help_text=_("Procedure 002: 5.")
    )

    class Meta:
        verbose_name = _("automation policy")
        verbose_name_plural = _("automation policies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                name="automation_single_default",
                condition=models.Q(organisation__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation or _("Default"))

    def clean(self) -> None:
        if self.second_reminder_days and self.second_reminder_days <= self.first_reminder_days:
            raise ValidationError({"second_reminder_days": _("Must come after the first reminder.")})
        if self.resolve_after_days and self.resolve_after_days <= max(
            self.first_reminder_days, self.second_reminder_days
        ):
            raise ValidationError({"resolve_after_days": _("Must come after the reminders.")})


def _working_week() -> list[int]:
    return [0, 1, 2, 3, 4]


def _site_time_zone() -> str:
    return settings.TIME_ZONE


class DigestSchedule(models.Model):
    """When the review of open requests is mailed, to whom, and what it looks at
    (procedure 003: « afin qu'aucune demande ne reste sans réponse »)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    send_at = models.TimeField(_("sent at (local time)"), default=time(8, 30))
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default=_site_time_zone
    )
    weekdays = models.JSONField(
        _("days of the week"), default=_working_week, blank=True, help_text=_("Monday is 0.")
    )
    inactive_days = models.PositiveSmallIntegerField(
        _("no activity for (business days)"),
        default=3,
        help_text=_("Requests unchanged for this many business days are listed."),
    )
    due_soon_hours = models.PositiveSmallIntegerField(
        _("due soon within (business hours)"),
        default=4,
        help_text=_("Requests whose next SLA target falls within this many business hours are listed."),
    )
    calendar = models.ForeignKey(
        "calendars.Calendar",
        verbose_name=_("default business calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For requests whose organisation has no calendar. Empty: plain hours and days."),
    )
    to_supervisors = models.BooleanField(
        _("to supervisors"), default=True, help_text=_("Supervisors receive the review of every group.")
    )
    to_groups = models.BooleanField(
        _("to each group"),
        default=True,
        help_text=_("Each group's members and supervisor receive the review of their group."),
    )
    send_when_empty = models.BooleanField(_("send when there is nothing to report"), default=False)

    class Meta:
        verbose_name = _("review schedule")
        verbose_name_plural = _("review schedules")
        ordering = ["send_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        days = self.weekdays
        if not isinstance(days, list) or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
            raise ValidationError({"weekdays": _("Days of the week are numbers from 0 (Monday) to 6.")})
        if not self.due_soon_hours:
            raise ValidationError({"due_soon_hours": _("At least one hour.")})


class DigestSending(models.Model):
    """One review sent (or found empty) for one scope: every supervisor's review, or one
    group's. The unique constraint is the claim: a scheduled review goes once per scope
    and local date, however many times the job runs and however many consumers run it."""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        ON_DEMAND = "on_demand", _("On demand")

    schedule = models.ForeignKey(
        DigestSchedule,
        verbose_name=_("schedule"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sendings",
    )
    scope = models.CharField(_("scope"), max_length=32, help_text=_("The whole desk, or one group."))
    group = models.ForeignKey(
        "catalog.Group",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    day = models.DateField(_("day"))
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger, default=Trigger.SCHEDULED)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    listed = models.PositiveIntegerField(_("requests listed"), default=0)

    class Meta:
        verbose_name = _("review sent")
        verbose_name_plural = _("reviews sent")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "scope", "day"],
                name="digest_once_per_scope_and_day",
                condition=models.Q(trigger="scheduled"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.day}"
