"""Procedure 002's routine, automated: reminders while we wait on the requester, then
resolution, then closure after 5 business days without reaction."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from comptoir.calendars.models import Calendar
from comptoir.core import outbox
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from comptoir.workflow import automations
from comptoir.workflow.models import AutomationPolicy
from tests.conftest import flush_mail

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def parish(desk):
    week = {d: ["09:30-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []}
    calendar = Calendar.objects.create(
        name="Spyrit",
        spec={"timezone": "Europe/Paris", "week": week, "holidays": {"country": "FR", "subdivision": None}},
    )
    desk.parish.calendar = calendar
    desk.parish.save()
    return desk


def status(ticket: Ticket) -> str:
    ticket.refresh_from_db()
    return ticket.status


def test_a_request_resolved_on_friday_closes_five_business_days_later_skipping_christmas(parish):
    desk = parish
    with at(paris(2026, 12, 18, 10, 0)):  # Friday
        ticket = desk.open(product=desk.product)
        services.change_status(ticket, to="resolved", by=desk.l1)
        flush_mail()
    with at(paris(2026, 12, 28, 9, 59)):  # Monday: 21, 22, 23, 24 and 28 (25th is a holiday)
        assert automations.close_resolved() == 0
    with at(paris(2026, 12, 28, 10, 0)):
        assert automations.close_resolved() == 1
        assert automations.close_resolved() == 0  # a second run in the same minute changes nothing
        outbox.deliver_due()
    assert status(ticket) == "closed"
    assert [m.subject for m in mail.outbox] == [f"[#{ticket.number}] Demande clôturée : {ticket.subject}"]
    closing = ticket.events.filter(kind="status_changed").last()
    assert closing.actor is None
    assert "5" in closing.reason


def test_a_pending_request_is_reminded_twice_then_resolved_then_closed(parish):
    desk = parish
    with at(paris(2026, 11, 23, 10, 0)):  # Monday
        ticket = desk.open(product=desk.product)
        services.reply(ticket, by=desk.l1, body="Pouvez-vous nous envoyer le fichier ?", set_status="pending")
        flush_mail()
    with at(paris(2026, 11, 25, 9, 59)):
        assert automations.remind_pending() == 0
    with at(paris(2026, 11, 25, 10, 0)):  # 2 business days
        assert automations.remind_pending() == 1
        assert automations.remind_pending() == 0
        outbox.deliver_due()
        assert mail.outbox[0].subject.startswith(f"[#{ticket.number}] ")
    with at(paris(2026, 11, 27, 10, 0)):  # 4 business days
        assert automations.remind_pending() == 1
        assert automations.resolve_silent() == 0
    with at(paris(2026, 12, 2, 10, 0)):  # 7 business days: Mon 30, Tue 1, Wed 2
        assert automations.remind_pending() == 0
        assert automations.resolve_silent() == 1
    assert status(ticket) == "resolved"
    assert ticket.events.filter(kind="reminder_sent").count() == 2
    with at(paris(2026, 12, 9, 10, 0)):
        assert automations.close_resolved() == 1
    assert status(ticket) == "closed"


def test_an_answer_before_closure_reopens_and_nothing_closes(parish):
    desk = parish
    with at(paris(2026, 11, 23, 10, 0)):
        ticket = desk.open(product=desk.product)
        services.change_status(ticket, to="resolved", by=desk.l1)
    with at(paris(2026, 11, 27, 16, 0)):
        services.reply(ticket, by=desk.requester, body="Finalement le problème revient.")
    with at(paris(2026, 12, 10, 10, 0)):
        assert automations.close_resolved() == 0
    assert status(ticket) == "open"


def test_an_organisation_can_have_its_own_delays(parish):
    desk = parish
    AutomationPolicy.objects.create(organisation=desk.parish, close_after_days=2)
    with at(paris(2026, 11, 23, 10, 0)):
        ticket = desk.open(product=desk.product)
        services.change_status(ticket, to="resolved", by=desk.l1)
    with at(paris(2026, 11, 25, 10, 0)):
        assert automations.close_resolved() == 1
    assert status(ticket) == "closed"


def test_without_a_calendar_delays_are_plain_days(desk):
    with at(paris(2026, 11, 21, 10, 0)):  # Saturday; the other organisation has no calendar
        ticket = desk.open(requester=desk.neighbour)
        services.change_status(ticket, to="resolved", by=desk.supervisor)
    with at(paris(2026, 11, 26, 10, 0)):
        assert automations.close_resolved() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_consumers_send_each_reminder_once(parish):
    desk = parish
    with at(paris(2026, 11, 23, 10, 0)):
        tickets = [desk.open(product=desk.product, subject=f"Demande {i}") for i in range(10)]
        for t in tickets:
            services.reply(t, by=desk.l1, body="Une précision ?", set_status="pending")
    counts: list[int] = []
    barrier = threading.Barrier(4)

    def consumer() -> None:
        try:
            with at(paris(2026, 11, 25, 10, 0)):
                barrier.wait()
                counts.append(automations.remind_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=consumer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 10
    assert sum(t.events.filter(kind="reminder_sent").count() for t in tickets) == 10
