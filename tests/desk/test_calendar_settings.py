"""The calendar screen in the desk's settings: administrators change, supervisors read,
others are refused; French and English; CSRF; bad input shown and nothing saved; the
htmx preview."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.calendars.models import Calendar
from comptoir.dispatch.presets import HOTLINE_HOURS
from tests.calendars.test_calendar_configuration import hotline_form

pytestmark = pytest.mark.django_db


def test_permissions(client, desk):
    calendar = Calendar.objects.create(name="Hotline", spec=HOTLINE_HOURS)
    pages = [
        reverse("desk:calendars"),
        reverse("desk:calendar_new"),
        reverse("desk:calendar_edit", args=[calendar.pk]),
    ]
    for user in (desk.l1, desk.requester):
        client.force_login(user)
        assert all(client.get(page).status_code == 403 for page in pages)
    client.force_login(desk.supervisor)
    page = client.get(pages[2])
    assert page.status_code == 200
    assert b"calendar-save" not in page.content
    assert b"disabled" in page.content
    assert client.post(pages[2], hotline_form(name="Autre")).status_code == 403
    calendar.refresh_from_db()
    assert calendar.name == "Hotline"
    client.force_login(desk.admin)
    assert b"calendar-save" in client.get(pages[2]).content


def test_an_administrator_creates_a_calendar_in_french_and_english(client, desk):
    client.force_login(desk.admin)
    page = client.get(reverse("desk:calendar_new"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Jours fériés" in page.content.decode()
    assert "Europe/Paris" in page.content.decode()
    assert "Alsace" in client.get(reverse("desk:calendar_new"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    answer = client.post(reverse("desk:calendar_new"), hotline_form(), HTTP_ACCEPT_LANGUAGE="en")
    calendar = Calendar.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("desk:calendar_edit", args=[calendar.pk])
    assert calendar.spec["week"]["fri"] == ["09:00-12:00", "14:00-17:30"]
    listing = client.get(reverse("desk:calendars"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "France" in listing
    assert "Hotline" in listing
    assert "09:00–12:00, 14:00–17:30" in listing


def test_bad_input_is_shown_and_nothing_is_saved(client, desk):
    client.force_login(desk.admin)
    answer = client.post(
        reverse("desk:calendar_new"), hotline_form(**{"week-mon-1-start": "11:00"}), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Rien n'a été enregistré" in text
    assert "se chevauchent" in text
    assert 'value="11:00"' in text  # what was typed is kept
    assert not Calendar.objects.exists()


def test_the_form_needs_its_csrf_token(desk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.admin)
    assert client.post(reverse("desk:calendar_new"), hotline_form()).status_code == 403
    assert not Calendar.objects.exists()


def test_the_live_preview_answers_htmx(client, desk):
    client.force_login(desk.supervisor)  # reading includes trying the preview
    answer = client.post(
        reverse("desk:calendar_new"),
        hotline_form(**{"regions-for": ""}),
        HTTP_HX_REQUEST="true",
    )
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "est attendue" in text
    assert text.count('data-testid="preview-due-at"') == 3
    assert 'id="region-field" hx-swap-oob="true"' in text
    assert "Moselle" in text
    assert not Calendar.objects.exists()
    wrong = client.post(
        reverse("desk:calendar_new"), hotline_form(**{"week-mon-0-end": "08:00"}), HTTP_HX_REQUEST="true"
    )
    assert "preview-problems" in wrong.content.decode()
