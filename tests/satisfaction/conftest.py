"""Procedure 003's satisfaction survey: a resolved request, its resolution mail, the link
in it; the clock is pinned with time-machine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage

from comptoir.core import outbox
from comptoir.tickets import services
from comptoir.tickets.models import Ticket
from tests.conftest import Desk, flush_mail

PARIS = ZoneInfo("Europe/Paris")
# Resolved on Monday 7 December 2026 at 10:00 (Paris): the 8 days end on Tuesday 15 at 10:00.
RESOLVED_AT = datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)
LINK = re.compile(r"http://[^/\s]+(/portal/survey/([A-Za-z0-9_-]+)/)")


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


@dataclass
class Resolved:
    ticket: Ticket
    mail: EmailMessage
    path: str  # the link's path, /portal/survey/<token>/
    token: str


def resolve(desk: Desk, ticket: Ticket, *, when: datetime = RESOLVED_AT) -> Resolved:
    """An agent resolves the ticket at ``when``; the requester's resolution mail is read
    and its survey link taken from it."""
    with at(when):
        flush_mail()
        services.change_status(ticket, to="resolved", by=desk.l1)
        outbox.deliver_due()
    [resolution] = [m for m in mail.outbox if m.to == [ticket.requester.email]]
    found = LINK.search(resolution.body)
    assert found, resolution.body
    mail.outbox.clear()
    ticket.refresh_from_db()
    return Resolved(ticket=ticket, mail=resolution, path=found.group(1), token=found.group(2))


@pytest.fixture
def request_of_pierre(desk: Desk) -> Ticket:
    """Pierre Martin's request, opened the Friday before, handled by the L1 group."""
    with at(datetime(2026, 12, 4, 9, 45, tzinfo=PARIS)):
        ticket = desk.open(product=desk.product)
        services.take(ticket, by=desk.l1)
        flush_mail()
    return ticket


@pytest.fixture
def resolved(desk: Desk, request_of_pierre: Ticket) -> Resolved:
    return resolve(desk, request_of_pierre)
