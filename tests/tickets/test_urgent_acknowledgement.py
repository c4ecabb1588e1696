"""An URGENT request sent while the team is away is told the emergency line's number, when
that line answers; otherwise only when the team is back."""

from __future__ import annotations

import pytest
from django.core import mail

from comptoir.accounts import contracts
from comptoir.calendars.models import Calendar
from comptoir.dispatch.models import Rota
from comptoir.dispatch.presets import EMERGENCY_HOURS, HOTLINE_HOURS
from comptoir.tickets.vocabulary import Priority
from tests.dispatch.conftest import at, make_rota, paris

PHONE = "06 39 98 02 76"


@pytest.fixture
def emergency_line(desk):  # type: ignore[no-untyped-def]
    desk.parish.calendar = Calendar.objects.create(name="Hotline", spec=HOTLINE_HOURS)
    desk.parish.save(update_fields=["calendar"])
    contracts.forget()
    emergency = Calendar.objects.create(name="Ligne d'urgence", spec=EMERGENCY_HOURS)
    make_rota("Astreinte", [desk.l2], kind=Rota.Kind.EMERGENCY, calendar=emergency, phone=PHONE)


def _acknowledgement(desk, django_capture_on_commit_callbacks, moment, *, urgent=True):  # type: ignore[no-untyped-def]
    with at(moment), django_capture_on_commit_callbacks(execute=True):
        desk.open(
            subject="URGENT le site est en panne",
            is_urgent=urgent,
            priority=Priority.URGENT if urgent else Priority.NORMAL,
        )
    ack = mail.outbox[-1]
    print(f"\nSubject: {ack.subject}\n{ack.body}")
    return ack.body


def test_an_urgent_request_on_saturday_morning_gets_the_emergency_line(
    desk, emergency_line, django_capture_on_commit_callbacks
):
    body = _acknowledgement(desk, django_capture_on_commit_callbacks, paris(2026, 1, 10, 9, 30))
    assert "Notre équipe est actuellement absente" in body
    assert (
        f"Votre demande est marquée URGENTE : si elle ne peut pas attendre jusque-là, appelez notre ligne "
        f"d'urgence au {PHONE}." in body
    )


def test_in_english_too(desk, emergency_line, django_capture_on_commit_callbacks):
    desk.requester.language = "en"
    desk.requester.save(update_fields=["language"])
    body = _acknowledgement(desk, django_capture_on_commit_callbacks, paris(2026, 1, 10, 9, 30))
    assert f"call our emergency line on {PHONE}" in body


def test_no_number_when_the_emergency_line_is_closed_or_the_request_is_not_urgent(
    desk, emergency_line, django_capture_on_commit_callbacks
):
    closed = _acknowledgement(desk, django_capture_on_commit_callbacks, paris(2026, 1, 10, 12, 0))
    assert PHONE not in closed
    normal = _acknowledgement(
        desk, django_capture_on_commit_callbacks, paris(2026, 1, 10, 9, 30), urgent=False
    )
    assert PHONE not in normal


def test_no_number_during_business_hours(desk, emergency_line, django_capture_on_commit_callbacks):
    body = _acknowledgement(desk, django_capture_on_commit_callbacks, paris(2026, 1, 12, 10, 0))
    assert PHONE not in body
