"""Satisfaction surveys: an invitation with each resolution, one answer each
(procedure 003: « vous disposez d'un délai de 8 jours pour nous faire part de vos
remarques »)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from comptoir.accounts.models import User
from comptoir.core.errors import InvalidTransition, NotFound, ValidationError
from comptoir.satisfaction import notifications, rules, selectors
from comptoir.satisfaction.models import Survey
from comptoir.tickets import events
from comptoir.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from comptoir.core.models import OutboxMessage


class SurveyClosed(InvalidTransition):
    """The invitation cannot be answered (any more); ``reason`` says why."""

    def __init__(self, reason: rules.Refusal, survey: Survey) -> None:
        self.reason, self.survey = reason, survey
        super().__init__(refusal_message(reason, survey))


def refusal_message(reason: rules.Refusal, survey: Survey) -> str:
    if reason == rules.Refusal.ANSWERED:
        return _("You have already given your opinion on this request. Thank you!")
    if reason == rules.Refusal.SUPERSEDED:
        return _("A newer invitation replaces this one: please use the link in the latest e-mail.")
    if reason == rules.Refusal.EXPIRED:
        return _("The 8 days to give your opinion on this request ended on %(date)s.") % {
            "date": date_format(timezone.localtime(survey.expires_at), "DATETIME_FORMAT")
        }
    return _("This request was reopened: we will ask for your opinion again once it is resolved.")


@dataclass(frozen=True)
class Invitation:
    """A new survey and what the resolution needs to send it: the link, with the raw
    token (nowhere else), and the SURVEY_SENT event, unsaved, for the caller to store
    with its own events."""

    survey: Survey
    url: str
    event: TicketEvent

    @property
    def expires_at(self) -> datetime:
        return self.survey.expires_at


def invite(ticket: Ticket, *, at: datetime) -> Invitation:
    """Procedure 003: on resolution the requester is invited to rate it, for 8 days.

    Called by the resolution (``tickets.services.change_status``) inside its transaction,
    with the ticket row locked: two resolutions of one ticket are serialised, a
    resolution invites once, and the invitation of an earlier resolution is superseded
    (the partial unique index ``survey_one_current_per_ticket`` keeps one valid
    invitation per ticket in the database too)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invite() runs inside the resolution's transaction")
    token = secrets.token_urlsafe(32)
    Survey.objects.filter(ticket=ticket, superseded=False).update(superseded=True)
    survey = Survey.objects.create(
        ticket=ticket,
        requester_id=ticket.requester_id,
        token_hash=rules.hash_token(token),
        sent_at=at,
        expires_at=rules.expiry(at),
    )
    url = settings.COMPTOIR_BASE_URL.rstrip("/") + reverse("portal:survey", args=[token])
    event = events.survey_sent(ticket, survey_id=survey.pk, expires_at=survey.expires_at, at=at)
    return Invitation(survey=survey, url=url, event=event)


def check_answer(survey: Survey | str, *, rating: int, comment: str, by: User | None) -> tuple[Survey, str]:
    """The answer's own checks, before anything is locked: a rating from 1 to 5, a comment
    of bounded length, a survey the person may answer (``by`` None: the link's token is the
    key). Returns the survey and the cleaned comment. Recorded by
    ``comptoir.tickets.services.answer_survey``."""
    if not rules.is_rating(rating):
        raise ValidationError(_("Choose a rating from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > rules.COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("The comment is too long (%(max)d characters at most).") % {"max": rules.COMMENT_MAX_LENGTH}
        )
    target = selectors.by_token(survey) if isinstance(survey, str) else survey
    if by is not None and by.pk != target.requester_id:
        raise NotFound(_("No such survey."))
    return target, comment


def take_answer(
    survey: Survey, ticket: Ticket, *, rating: int, comment: str, at: datetime
) -> list[OutboxMessage | None]:
    """With the ticket locked by the caller: an invitation is answered once (the first answer
    stands); one after the 8 days, on a superseded invitation or while the ticket is
    reopened is refused (SurveyClosed). Stores the answer on the survey and returns the
    mails it calls for: a rating of 2 or less goes to the group's supervisor (else every
    supervisor)."""
    current = Survey.objects.select_related("requester").get(pk=survey.pk)
    current.ticket = ticket
    reason = current.refusal(at)
    if reason is not None:
        raise SurveyClosed(reason, current)
    current.rating, current.comment, current.answered_at = rating, comment, at
    current.save(update_fields=["rating", "comment", "answered_at"])
    survey.__dict__.update(current.__dict__)
    if not rules.is_bad(rating):
        return []
    return [notifications.bad_rating(current, to=person, at=at) for person in _supervisors(ticket)]


def _supervisors(ticket: Ticket) -> list[User]:
    """The group's supervisor, else every active supervisor."""
    group = ticket.group
    if group is not None and group.supervisor is not None and group.supervisor.is_active:
        return [group.supervisor]
    return list(User.objects.filter(role=User.Role.SUPERVISOR, is_active=True).order_by("pk"))
