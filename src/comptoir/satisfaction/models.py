from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comptoir.satisfaction import rules


class Survey(models.Model):
    """One invitation to rate one resolution of a ticket (procedure 003). The link's token
    is kept only as its SHA-256: the raw token exists in the mail alone. Written only by
    ``comptoir.satisfaction.services``."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="surveys"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("valid until"))
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    superseded = models.BooleanField(
        _("superseded"),
        default=False,
        help_text=_("The ticket was resolved again: a newer invitation replaces it."),
    )

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=rules.RATINGS[0], rating__lte=rules.RATINGS[-1]),
                name="survey_rating_1_to_5",
            ),
            # An answer is a rating and its time, together.
            models.CheckConstraint(
                condition=Q(rating__isnull=True, answered_at__isnull=True)
                | Q(rating__isnull=False, answered_at__isnull=False),
                name="survey_answer_complete",
            ),
            # One valid invitation at a time per ticket: a new resolution supersedes the last.
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(superseded=False), name="survey_one_current_per_ticket"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.rating or '—'})"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def stars(self) -> str:
        return rules.stars(self.rating or 0)

    def refusal(self, at: datetime) -> rules.Refusal | None:
        """Why it cannot be answered at ``at`` (None: it can). Reads ``self.ticket``."""
        return rules.refusal(
            expires_at=self.expires_at,
            answered=self.is_answered,
            superseded=self.superseded,
            ticket_status=self.ticket.status,
            at=at,
        )
