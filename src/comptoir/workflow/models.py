from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


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
