"""Procedure 003, « Suivi qualité »: after the resolution the requester has 8 days to give
their opinion. The invitation is in the resolution mail; the answer is kept on the
ticket; a bad rating tells the group's supervisor."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from comptoir.accounts.models import User
from comptoir.core import outbox
from comptoir.core.errors import NotFound, ValidationError
from comptoir.core.models import OutboxMessage
from comptoir.satisfaction import services as satisfaction
from comptoir.satisfaction.models import Survey
from comptoir.satisfaction.rules import Refusal
from comptoir.tickets import services
from comptoir.tickets.models import TicketEvent
from comptoir.workflow import automations
from tests.conftest import flush_mail
from tests.factories import UserFactory
from tests.satisfaction.conftest import PARIS, RESOLVED_AT, at, resolve

DAY = timedelta(days=1)


def answer_at(moment: datetime, token: str, rating: int, comment: str = "") -> Survey:
    with at(moment):
        survey = services.answer_survey(token, rating=rating, comment=comment)
        outbox.deliver_due()
    return survey


def kinds(ticket) -> list[str]:
    return list(ticket.events.order_by("at", "pk").values_list("kind", flat=True))


def test_the_resolution_mail_carries_the_link_and_only_its_hash_is_kept(desk, resolved):
    survey = Survey.objects.get()
    assert resolved.mail.subject == f"[#{resolved.ticket.number}] Demande résolue : {resolved.ticket.subject}"
    assert survey.token_hash == hashlib.sha256(resolved.token.encode()).hexdigest()
    assert resolved.token not in str(Survey.objects.values().get())
    assert (survey.ticket, survey.requester) == (resolved.ticket, desk.requester)
    assert survey.sent_at == RESOLVED_AT
    assert survey.expires_at == RESOLVED_AT + 8 * DAY
    assert "15 décembre" in resolved.mail.body  # until Tuesday 15 December, 10:00
    assert kinds(resolved.ticket)[-2:] == ["status_changed", "survey_sent"]
    sent = resolved.ticket.events.get(kind="survey_sent")
    assert (sent.actor, sent.is_public, sent.changes["survey"]) == (None, True, survey.pk)


def test_a_survey_answered_on_day_7_is_kept_on_the_ticket(desk, resolved):
    survey = answer_at(RESOLVED_AT + 7 * DAY, resolved.token, 4, "  Merci, rapide et clair.  ")

    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (4, "Merci, rapide et clair.")
    assert survey.answered_at == RESOLVED_AT + 7 * DAY
    event = resolved.ticket.events.get(kind="survey_answered")
    assert event.actor == desk.requester
    assert event.changes == {"survey": survey.pk, "rating": 4, "comment": "Merci, rapide et clair."}
    assert mail.outbox == []  # a good rating bothers nobody


def test_a_survey_is_refused_on_day_9(desk, resolved):
    with at(RESOLVED_AT + 9 * DAY), pytest.raises(satisfaction.SurveyClosed) as refused:
        services.answer_survey(resolved.token, rating=1, comment="Trop tard ?")

    assert refused.value.reason == Refusal.EXPIRED
    assert "8" in refused.value.message
    assert Survey.objects.get().answered_at is None
    assert not resolved.ticket.events.filter(kind="survey_answered").exists()
    assert not OutboxMessage.objects.filter(created_at__gt=RESOLVED_AT).exists()


def test_the_8_days_end_at_the_minute_of_the_resolution(desk, resolved):
    with at(RESOLVED_AT + 8 * DAY), pytest.raises(satisfaction.SurveyClosed):
        services.answer_survey(resolved.token, rating=5)
    answer_at(RESOLVED_AT + 8 * DAY - timedelta(minutes=1), resolved.token, 5)
    assert Survey.objects.get().rating == 5


def test_an_answered_survey_cannot_be_answered_twice(desk, resolved):
    answer_at(RESOLVED_AT + DAY, resolved.token, 2, "Il a fallu relancer.")
    assert len(mail.outbox) == 1  # the supervisors, once
    mail.outbox.clear()

    with at(RESOLVED_AT + 2 * DAY), pytest.raises(satisfaction.SurveyClosed) as refused:
        services.answer_survey(resolved.token, rating=5, comment="Finalement très bien")

    assert refused.value.reason == Refusal.ANSWERED
    survey = Survey.objects.get()
    assert (survey.rating, survey.comment) == (2, "Il a fallu relancer.")
    assert resolved.ticket.events.filter(kind="survey_answered").count() == 1
    outbox.deliver_due()
    assert mail.outbox == []


def test_resolving_reopening_and_resolving_again_leaves_one_valid_invitation(desk, resolved):
    with at(RESOLVED_AT + DAY):
        services.reply(resolved.ticket, by=desk.requester, body="Le problème revient ce matin.")
    with at(RESOLVED_AT + DAY), pytest.raises(satisfaction.SurveyClosed) as refused:
        services.answer_survey(resolved.token, rating=1)
    assert refused.value.reason == Refusal.REOPENED  # no resolution to rate while reopened

    again = resolve(desk, resolved.ticket, when=RESOLVED_AT + 2 * DAY)

    assert again.token != resolved.token
    first, second = Survey.objects.order_by("pk")
    assert (first.superseded, second.superseded) == (True, False)
    assert second.expires_at == RESOLVED_AT + 10 * DAY
    assert Survey.objects.filter(ticket=resolved.ticket, superseded=False).count() == 1
    with at(RESOLVED_AT + 3 * DAY), pytest.raises(satisfaction.SurveyClosed) as refused:
        services.answer_survey(resolved.token, rating=1)
    assert refused.value.reason == Refusal.SUPERSEDED
    answer_at(RESOLVED_AT + 9 * DAY, again.token, 5)  # within the 8 days of the second resolution
    second.refresh_from_db()
    assert second.rating == 5


def test_one_valid_invitation_per_ticket_is_a_database_rule(desk, resolved):
    survey = Survey.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(
            ticket=survey.ticket,
            requester=survey.requester,
            token_hash="0" * 64,
            sent_at=survey.sent_at,
            expires_at=survey.expires_at,
        )


@pytest.mark.parametrize("rating", [0, 6, 42])
def test_a_rating_is_1_to_5(desk, resolved, rating):
    with at(RESOLVED_AT + DAY), pytest.raises(ValidationError):
        services.answer_survey(resolved.token, rating=rating)
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.update(rating=rating, answered_at=RESOLVED_AT)


def test_a_resolution_already_done_sends_no_second_invitation(desk, resolved):
    with at(RESOLVED_AT + timedelta(minutes=5)):
        services.change_status(resolved.ticket, to="resolved", by=desk.supervisor)
        outbox.deliver_due()
    assert Survey.objects.count() == 1
    assert mail.outbox == []


def test_only_the_resolution_mail_carries_the_link(desk, resolved):
    with at(RESOLVED_AT + DAY):
        services.change_status(resolved.ticket, to="closed", by=desk.l1)
        outbox.deliver_due()
    [closed] = mail.outbox
    assert "/portal/survey/" not in closed.body
    answer_at(RESOLVED_AT + 7 * DAY, resolved.token, 3)  # closing does not end the 8 days
    assert Survey.objects.get().rating == 3


def test_a_request_resolved_by_the_automations_gets_its_invitation_too(desk, request_of_pierre):
    with at(datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)):
        services.reply(request_of_pierre, by=desk.l1, body="Pouvez-vous préciser ?", set_status="pending")
        flush_mail()
    with at(datetime(2026, 12, 16, 10, 0, tzinfo=PARIS)):  # 7 days without an answer
        assert automations.resolve_silent() == 1
        assert automations.resolve_silent() == 0
        outbox.deliver_due()
    [resolution] = mail.outbox
    survey = Survey.objects.get()
    assert "/portal/survey/" in resolution.body
    assert survey.sent_at == datetime(2026, 12, 16, 10, 0, tzinfo=PARIS)
    assert request_of_pierre.events.filter(kind="survey_sent").count() == 1


def test_a_bad_rating_tells_the_groups_supervisor_in_their_language(desk, resolved):
    chief = UserFactory(username="claire", role=User.Role.SUPERVISOR, language="en", first_name="Claire")
    desk.group_l1.supervisor = chief
    desk.group_l1.save()

    answer_at(RESOLVED_AT + 2 * DAY, resolved.token, 2, "Trois relances avant une réponse.")

    [alert] = mail.outbox
    number = resolved.ticket.number
    assert alert.to == [chief.email]
    assert alert.subject == f"[#{number}] Low satisfaction rating (2/5): {resolved.ticket.subject}"
    assert f"http://127.0.0.1:8000/desk/tickets/{number}/" in alert.body
    assert "Trois relances avant une réponse." in alert.body
    assert desk.requester.display_name in alert.body
    assert alert.extra_headers["X-Comptoir-Ticket"] == str(number)


def test_without_a_group_supervisor_every_active_supervisor_is_told(desk, resolved):
    other = UserFactory(username="jeanne", role=User.Role.SUPERVISOR)
    UserFactory(username="ancien", role=User.Role.SUPERVISOR, is_active=False)
    UserFactory(username="sanscourriel", role=User.Role.SUPERVISOR, email="")

    answer_at(RESOLVED_AT + DAY, resolved.token, 1)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([desk.supervisor.email, other.email])
    assert all(m.subject.startswith(f"[#{resolved.ticket.number}] ") for m in mail.outbox)


def test_a_signed_in_answer_is_the_requesters_own(desk, resolved):
    survey = Survey.objects.get()
    with at(RESOLVED_AT + DAY), pytest.raises(NotFound):
        services.answer_survey(survey, rating=5, by=desk.site_owner)
    with at(RESOLVED_AT + DAY):
        services.answer_survey(survey, rating=5, by=desk.requester)
    assert Survey.objects.get().rating == 5


def test_an_unknown_link_is_not_found(desk, resolved):
    with pytest.raises(NotFound):
        services.answer_survey(resolved.token[:-1] + "x", rating=5)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_answers_sent_at_once_count_once(desk, request_of_pierre):
    """A double click, or the mail link and the portal at the same moment: one answer, one
    event, one mail to the supervisor."""
    resolved = resolve(desk, request_of_pierre)
    results: list[str] = []
    barrier = threading.Barrier(4)

    def requester(rating: int) -> None:
        try:
            with at(RESOLVED_AT + DAY):
                barrier.wait()
                try:
                    services.answer_survey(resolved.token, rating=rating)
                    results.append(f"answered {rating}")
                except satisfaction.SurveyClosed as exc:
                    results.append(exc.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=requester, args=(r,)) for r in (1, 2, 1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    survey = Survey.objects.get()
    assert sorted(results) == sorted([f"answered {survey.rating}", *[Refusal.ANSWERED] * 3])
    assert TicketEvent.objects.filter(kind="survey_answered").count() == 1
    assert OutboxMessage.objects.filter(payload__to=[desk.supervisor.email]).count() == 1
