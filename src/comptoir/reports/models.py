"""What the reports store: per-ticket facts, their daily roll-ups, the filler's progress
and the monthly reports sent. Written only by ``comptoir.reports.facts`` and
``comptoir.reports.monthly``; see ``facts`` for how they stay exact."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Fact(models.Model):
    """One thing a ticket's history counts in the reports (received, a duration reached,
    resolved, an SLA outcome, a survey...), on its local day, with the ticket's
    qualification as recorded at the end of that day."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20)
    seq = models.PositiveIntegerField(_("sequence"), default=0)
    at = models.DateTimeField(_("at"))
    day = models.DateField(_("day"))
    detail = models.CharField(_("detail"), max_length=32, blank=True)
    business = models.PositiveIntegerField(_("business seconds"), null=True, blank=True)
    plain = models.PositiveIntegerField(_("elapsed seconds"), null=True, blank=True)
    organisation_id = models.IntegerField(_("organisation"), null=True, blank=True)
    product_id = models.IntegerField(_("product"), null=True, blank=True)
    component_id = models.IntegerField(_("component"), null=True, blank=True)
    group_id = models.IntegerField(_("group"), null=True, blank=True)
    assignee_id = models.IntegerField(_("agent"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=20, blank=True)
    severity = models.CharField(_("severity"), max_length=10, blank=True)
    priority = models.CharField(_("priority"), max_length=10, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    tier = models.CharField(_("tier"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("report fact")
        verbose_name_plural = _("report facts")
        constraints = [models.UniqueConstraint(fields=["ticket", "kind", "seq"], name="report_fact_unique")]
        indexes = [
            # Reports over a period (every filtered or drilled-down report reads by kind and day).
            models.Index(fields=["kind", "day"], name="report_fact_kind_day_idx"),
            # Re-aggregating one day.
            models.Index(fields=["day"], name="report_fact_day_idx"),
            # An organisation's own figures (portal page, monthly report).
            models.Index(fields=["organisation_id", "kind", "day"], name="report_fact_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"


class DailyFact(models.Model):
    """One day's facts of one kind (and detail) added up, for everything (``dim`` empty)
    or for one value of one dimension. Duration kinds keep every duration of the day, so
    percentiles over any period are exact."""

    day = models.DateField(_("day"))
    dim = models.CharField(_("dimension"), max_length=16, blank=True)
    value = models.CharField(_("value"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    detail = models.CharField(_("detail"), max_length=32, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    business = models.JSONField(_("business seconds"), default=list, blank=True)
    plain = models.JSONField(_("elapsed seconds"), default=list, blank=True)

    class Meta:
        verbose_name = _("daily report figure")
        verbose_name_plural = _("daily report figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dim", "value", "kind", "detail"], name="report_daily_unique"
            )
        ]
        indexes = [models.Index(fields=["dim", "value", "day"], name="report_daily_dim_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.dim}={self.value} {self.kind} {self.detail}: {self.count}"


class FillState(models.Model):
    """Where the filler stands in the ticket events (one row)."""

    last_event_id = models.BigIntegerField(_("last event read"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed"), null=True, blank=True)

    class Meta:
        verbose_name = _("report filler state")
        verbose_name_plural = _("report filler state")

    def __str__(self) -> str:
        return f"event {self.last_event_id}"


class MonthlyReport(models.Model):
    """One monthly report sent: to the supervisors (every organisation), or to one
    organisation's admins. The unique constraint is the claim: a month's report goes once
    per scope, however many times the job runs."""

    month = models.DateField(_("month"), help_text=_("Its first day."))
    scope = models.CharField(_("scope"), max_length=32)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    at = models.DateTimeField(_("sent"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [models.UniqueConstraint(fields=["month", "scope"], name="report_monthly_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.scope}"
