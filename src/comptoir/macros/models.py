from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.macros import placeholders
from comptoir.tickets.vocabulary import Priority, Status, TicketType


class Macro(models.Model):
    """A saved reply or note. Shared with the whole team, with one group, or personal."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("sent as"), max_length=10, choices=Kind, default=Kind.PUBLIC)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {requester_name}, {requester_first_name}, {organisation}, {number}, "
            "{subject}, {product}, {agent_name}, {agent_first_name}."
        ),
    )
    set_status = models.CharField(_("then set the status to"), max_length=10, choices=Status, blank=True)
    set_priority = models.CharField(
        _("then set the priority to"), max_length=10, choices=Priority, blank=True
    )
    set_type = models.CharField(_("then set the type to"), max_length=20, choices=TicketType, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal macro of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text=_("Empty: shared."),
    )
    group = models.ForeignKey(
        "catalog.Group",
        verbose_name=_("for the group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text=_("Empty: every group."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        wrong = placeholders.unknown(self.body)
        if wrong:
            raise ValidationError(
                {
                    "body": _("Unknown placeholders: %(names)s.")
                    % {"names": ", ".join("{" + n + "}" for n in wrong)}
                }
            )
        if self.set_status == Status.NEW:
            raise ValidationError({"set_status": _("A ticket cannot go back to “new”.")})
