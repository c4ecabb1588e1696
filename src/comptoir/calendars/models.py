from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Calendar(models.Model):
    """A business calendar, stored as the public JSON spec of ``comptoir.calendars``."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    spec = models.JSONField(_("specification"))

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
