from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.calendars import BusinessCalendar, CalendarSpecError


class Calendar(models.Model):
    """A business calendar, stored as the public JSON spec of ``comptoir.calendars``
    (admins paste or download that JSON: import and export are the same format)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    spec = models.JSONField(
        _("specification"),
        help_text=_(
            'JSON: {"timezone": "Europe/Paris", "week": {"mon": ["09:30-17:00"], …}, '
            '"holidays": {"country": "FR", "subdivision": null}, "holiday_hours": [], '
            '"closures": [], "openings": {}}'
        ),
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.spec = BusinessCalendar.from_spec(self.spec).to_spec()
        except CalendarSpecError as exc:
            raise ValidationError({"spec": str(exc)}) from exc
