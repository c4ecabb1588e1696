"""The survey's rules, without a database: 8 days, one answer, ratings 1 to 5."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from comptoir.satisfaction import rules
from comptoir.satisfaction.rules import Refusal
from comptoir.tickets.models import TicketEvent

SENT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_the_invitation_is_valid_8_days_after_the_resolution():
    assert rules.expiry(SENT) == datetime(2026, 12, 15, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (timedelta(days=7), None),
        (timedelta(days=8) - timedelta(seconds=1), None),
        (timedelta(days=8), Refusal.EXPIRED),
        (timedelta(days=9), Refusal.EXPIRED),
    ],
)
def test_answered_on_day_7_refused_on_day_9(elapsed, expected):
    assert (
        rules.refusal(
            expires_at=rules.expiry(SENT),
            answered=False,
            superseded=False,
            ticket_status="resolved",
            at=SENT + elapsed,
        )
        == expected
    )


def test_an_answer_given_is_said_first_then_a_newer_invitation_then_the_end_of_the_8_days():
    late = SENT + timedelta(days=30)
    common = {"expires_at": rules.expiry(SENT), "ticket_status": "open", "at": late}
    assert rules.refusal(answered=True, superseded=True, **common) == Refusal.ANSWERED
    assert rules.refusal(answered=False, superseded=True, **common) == Refusal.SUPERSEDED
    assert rules.refusal(answered=False, superseded=False, **common) == Refusal.EXPIRED
    common["at"] = SENT + timedelta(days=1)
    assert rules.refusal(answered=False, superseded=False, **common) == Refusal.REOPENED


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_a_closed_request_can_still_be_rated_within_the_8_days(status):
    assert (
        rules.refusal(
            expires_at=rules.expiry(SENT), answered=False, superseded=False, ticket_status=status, at=SENT
        )
        is None
    )


@pytest.mark.parametrize(
    ("value", "valid"), [(1, True), (5, True), (0, False), (6, False), (True, False), ("5", False)]
)
def test_ratings_are_1_to_5(value, valid):
    assert rules.is_rating(value) is valid


def test_a_bad_rating_is_2_or_less():
    assert [r for r in rules.RATINGS if rules.is_bad(r)] == [1, 2]


def test_the_token_is_stored_as_its_sha256():
    assert rules.hash_token("abc") == hashlib.sha256(b"abc").hexdigest()


def test_the_event_kinds_are_the_ticket_events():
    assert (rules.SENT, rules.ANSWERED) == (TicketEvent.Kind.SURVEY_SENT, TicketEvent.Kind.SURVEY_ANSWERED)


def sent(survey: int, when: datetime):
    return (rules.SENT, when, {"survey": survey, "expires_at": rules.expiry(when).isoformat()})


def answered(survey: int, when: datetime, rating: int, comment: str = ""):
    return (rules.ANSWERED, when, {"survey": survey, "rating": rating, "comment": comment})


def test_the_history_tells_the_latest_invitation_and_every_answer():
    second = SENT + timedelta(days=3)
    summary = rules.summarise(
        [
            ("status_changed", SENT, {"status": ["open", "resolved"]}),
            sent(1, SENT),
            answered(1, SENT + timedelta(days=1), 2, "Trop long"),
            sent(2, second),
        ],
        ticket_status="resolved",
        at=second + timedelta(hours=1),
    )
    assert [s.survey for s in summary.surveys] == [1, 2]
    assert summary.current.survey == 2
    assert summary.answerable
    assert [(a.rating, a.comment) for a in summary.answers] == [(2, "Trop long")]
    assert summary.answers[0].stars == "★★☆☆☆"


def test_no_invitation_in_the_history_nothing_to_answer():
    summary = rules.summarise([], ticket_status="resolved", at=SENT)
    assert summary.current is None
    assert not summary.answerable


def test_an_answered_or_expired_invitation_is_not_answerable():
    answered_summary = rules.summarise([sent(1, SENT), answered(1, SENT, 5)], ticket_status="closed", at=SENT)
    assert answered_summary.refusal == Refusal.ANSWERED
    expired = rules.summarise([sent(1, SENT)], ticket_status="closed", at=SENT + timedelta(days=9))
    assert expired.refusal == Refusal.EXPIRED
