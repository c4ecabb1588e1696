"""Satisfaction surveys' rules (pure: no Django, no database).

Procedure 003: « Après résolution de l'incident, vous disposez d'un délai de 8 jours pour
nous faire part de vos remarques ». An invitation is valid 8 calendar days from the
resolution; it is answered once; a later resolution of the same ticket supersedes it; and
while the ticket is reopened there is no resolution to rate.

A ticket's history (its SURVEY_SENT and SURVEY_ANSWERED events) carries what the pages
show, so ``summarise`` derives the surveys from events the ticket page already loaded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, TypeGuard

from comptoir.tickets import history

VALID_FOR: Final = timedelta(days=8)
RATINGS: Final = (1, 2, 3, 4, 5)
# A rating of 2 or less tells the group's supervisor.
BAD_AT_MOST: Final = 2
COMMENT_MAX_LENGTH: Final = 2000
# The ticket statuses in which a resolution stands and can be rated.
RATEABLE_STATUSES: Final = history.DONE

# TicketEvent.Kind values (the model is not imported here).
SENT: Final = "survey_sent"
ANSWERED: Final = "survey_answered"


class Refusal(StrEnum):
    """Why an invitation cannot be answered (any more)."""

    ANSWERED = "answered"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    REOPENED = "reopened"


def hash_token(token: str) -> str:
    """What is stored of a link's token: its SHA-256 (the raw token is only in the mail)."""
    return hashlib.sha256(token.encode()).hexdigest()


def expiry(sent_at: datetime) -> datetime:
    return sent_at + VALID_FOR


def is_rating(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value in RATINGS


def is_bad(rating: int) -> bool:
    return rating <= BAD_AT_MOST


def refusal(
    *, expires_at: datetime, answered: bool, superseded: bool, ticket_status: str, at: datetime
) -> Refusal | None:
    """None when the invitation can be answered at ``at``. An answer already given is
    said first (the requester sees what they gave), then a newer invitation, then the
    end of the 8 days (valid until ``expires_at``, excluded), then a reopened ticket."""
    if answered:
        return Refusal.ANSWERED
    if superseded:
        return Refusal.SUPERSEDED
    if at >= expires_at:
        return Refusal.EXPIRED
    if ticket_status not in RATEABLE_STATUSES:
        return Refusal.REOPENED
    return None


@dataclass(frozen=True)
class SurveyView:
    """One invitation as the ticket's history tells it."""

    survey: int
    sent_at: datetime
    expires_at: datetime
    rating: int | None = None
    comment: str = ""
    answered_at: datetime | None = None

    @property
    def answered(self) -> bool:
        return self.rating is not None

    @property
    def stars(self) -> str:
        return stars(self.rating or 0)


@dataclass(frozen=True)
class Summary:
    """A ticket's invitations, oldest first; ``current`` is the latest (the others are
    superseded); ``refusal`` is why it cannot be answered now (None: it can)."""

    surveys: tuple[SurveyView, ...]
    refusal: Refusal | None

    @property
    def current(self) -> SurveyView | None:
        return self.surveys[-1] if self.surveys else None

    @property
    def answerable(self) -> bool:
        return self.current is not None and self.refusal is None

    @property
    def answers(self) -> tuple[SurveyView, ...]:
        return tuple(s for s in self.surveys if s.answered)


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (len(RATINGS) - rating)


def summarise(
    events: Iterable[tuple[str, datetime, Mapping[str, object]]], *, ticket_status: str, at: datetime
) -> Summary:
    """The surveys named in a ticket's history (kind, at, changes), in order."""
    surveys: dict[int, SurveyView] = {}
    for kind, when, changes in events:
        survey = changes.get("survey")
        if not isinstance(survey, int):
            continue
        if kind == SENT:
            expires = changes.get("expires_at")
            expires_at = datetime.fromisoformat(expires) if isinstance(expires, str) else expiry(when)
            surveys[survey] = SurveyView(survey=survey, sent_at=when, expires_at=expires_at)
        elif kind == ANSWERED and survey in surveys:
            rating = changes.get("rating")
            comment = changes.get("comment")
            surveys[survey] = SurveyView(
                survey=survey,
                sent_at=surveys[survey].sent_at,
                expires_at=surveys[survey].expires_at,
                rating=rating if is_rating(rating) else None,
                comment=comment if isinstance(comment, str) else "",
                answered_at=when,
            )
    ordered = tuple(sorted(surveys.values(), key=lambda s: (s.sent_at, s.survey)))
    reason = None
    if ordered:
        last = ordered[-1]
        reason = refusal(
            expires_at=last.expires_at,
            answered=last.answered,
            superseded=False,
            ticket_status=ticket_status,
            at=at,
        )
    return Summary(surveys=ordered, refusal=reason)
