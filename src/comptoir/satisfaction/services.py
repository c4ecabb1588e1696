"""Satisfaction surveys: an invitation with each resolution, one answer each
(procedure 003: « vous disposez d'un délai de 8 jours pour nous faire part de vos
remarques »)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from comptoir.accounts.models import User
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition, NotFound, ValidationError
from comptoir.satisfaction import notifications, rules, selectors
from comptoir.satisfaction.models import Survey
from comptoir.tickets import events
from comptoir.tickets.models import Ticket, TicketEvent


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


def answer(
    survey: Survey | str,
    *,
    rating: int,
    comment: str = "",
    by: User | None = None,
    at: datetime | None = None,
) -> Survey:
    """The requester rates the resolution, 1 to 5, with an optional comment: from the
    mail link (``survey`` is the raw token, ``by`` None: the link is the key) or signed in
    on the portal (``by`` must be the requester).

    An invitation is answered once: the first answer stands (the requester sees it, and
    the supervisor was told of a bad one); an answer after the 8 days, on a superseded
    invitation or while the ticket is reopened is refused (SurveyClosed). A rating of 2
    or less mails the group's supervisor (else every supervisor).

    Locks the ticket row, like the ticket services: an answer is serialised with a
    reopening or a new resolution, and two answers sent at once (a double click, the mail
    link and the portal) with each other; the second sees the first and is refused."""
    at = at or clock_now()
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
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("group__supervisor", "assignee")
            .get(pk=target.ticket_id)
        )
        current = Survey.objects.select_related("requester").get(pk=target.pk)
        current.ticket = ticket
        reason = current.refusal(at)
        if reason is not None:
            raise SurveyClosed(reason, current)
        current.rating, current.comment, current.answered_at = rating, comment, at
        current.save(update_fields=["rating", "comment", "answered_at"])
        events.survey_answered(
            ticket, survey_id=current.pk, rating=rating, comment=comment, actor=current.requester, at=at
        ).save(force_insert=True)
        if rules.is_bad(rating):
            mails = [notifications.bad_rating(current, to=person, at=at) for person in _supervisors(ticket)]
            outbox.enqueue([m for m in mails if m is not None])
    return current


def _supervisors(ticket: Ticket) -> list[User]:
    """The group's supervisor, else every active supervisor."""
    group = ticket.group
    if group is not None and group.supervisor is not None and group.supervisor.is_active:
        return [group.supervisor]
    return list(User.objects.filter(role=User.Role.SUPERVISOR, is_active=True).order_by("pk"))
