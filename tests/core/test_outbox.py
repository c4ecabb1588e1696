"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1): the acknowledgement of
procedure 001 leaves after commit with the number in its subject (procedure 002); an SMTP
outage delays mail and loses none; a refused address fails for good; two consumers never
send the same mail twice."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from itertools import pairwise

import pytest
from django.db import connection, transaction

from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.models import OutboxMessage
from tests.pages import followed_number
from tests.servers import mailers_for


@pytest.fixture
def closed_port(settings) -> Iterator[int]:
    """The default mailer points at a port where nothing listens (bound, never listening,
    so no other process can take it during the test)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        settings.MAILERS = mailers_for(port)
        yield port


def outbox_row(ticket) -> OutboxMessage:
    return OutboxMessage.objects.get(ticket_id=ticket.pk)


def test_the_acknowledgement_reaches_the_smtp_server_with_the_number(desk, smtp):
    ticket = desk.open()
    assert outbox_row(ticket).state == OutboxMessage.State.PENDING
    assert smtp.received == []  # nothing leaves before the dispatcher runs

    assert outbox.deliver_due() == 1

    [received] = smtp.received
    assert received.rcpt_tos == [desk.requester.email]
    mail = received.message
    assert mail["To"] == desk.requester.email
    assert mail["Subject"].startswith(f"[#{ticket.number}] ")
    assert ticket.subject in mail["Subject"]
    assert str(ticket.number) in mail["Message-ID"]
    assert mail["X-Comptoir-Ticket"] == str(ticket.number)
    assert mail["Auto-Submitted"] == "auto-replied"
    assert followed_number(mail.get_content()) == ticket.number
    row = outbox_row(ticket)
    assert (row.state, row.attempts, row.last_error) == (OutboxMessage.State.SENT, 1, "")
    assert row.sent_at is not None

    assert outbox.deliver_due(at=clock_now() + timedelta(days=1)) == 0
    assert len(smtp.received) == 1


def test_the_mail_leaves_only_after_the_ticket_is_committed(desk, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            ticket = desk.open()
            # The row is written in the ticket's own transaction; the mail is not sent yet.
            assert outbox_row(ticket).state == OutboxMessage.State.PENDING
            assert smtp.received == []
        assert smtp.received == []
    # After commit, the kick (task queue, immediate in tests) delivered it.
    assert [m["Subject"] for m in smtp.messages] == [outbox_row(ticket).payload["subject"]]
    assert outbox_row(ticket).state == OutboxMessage.State.SENT


class RequestFailed(Exception):
    """A request failed after opening its ticket: its transaction rolls back."""

    def __init__(self, rows_inside: int) -> None:
        super().__init__(f"{rows_inside} outbox row(s) before the rollback")
        self.rows_inside = rows_inside


def open_then_fail(desk) -> None:
    with transaction.atomic():
        ticket = desk.open(subject="Demande jamais enregistrée")
        raise RequestFailed(OutboxMessage.objects.filter(ticket_id=ticket.pk).count())


def test_a_rolled_back_request_leaves_no_outbox_row_and_sends_nothing(
    desk, smtp, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RequestFailed) as failure,
    ):
        open_then_fail(desk)
    assert failure.value.rows_inside == 1  # the row was there, in the same transaction
    assert callbacks == []  # no kick either
    assert not OutboxMessage.objects.exists()
    assert outbox.deliver_due(at=clock_now() + timedelta(days=1)) == 0
    assert smtp.received == []


def test_an_smtp_outage_postpones_the_mail_and_loses_nothing(desk, own_smtp, caplog):
    caplog.set_level(logging.INFO, logger="comptoir.core.outbox")
    ticket = desk.open()
    own_smtp.stop()  # the SMTP server goes down
    t0 = clock_now()

    assert outbox.deliver_due(at=t0) == 0

    row = outbox_row(ticket)
    assert row.state == OutboxMessage.State.PENDING
    assert row.attempts == 1
    assert row.last_error
    assert row.next_attempt_at == t0 + outbox.backoff(1) > t0
    [postponed] = [r for r in caplog.records if getattr(r, "outbox_id", None) == row.pk]
    assert postponed.getMessage() == "outbox delivery postponed"

    # Before the backoff has elapsed, nothing is tried again.
    assert outbox.deliver_due(at=t0 + timedelta(seconds=10)) == 0
    assert outbox_row(ticket).attempts == 1

    own_smtp.start()  # the SMTP server is back, same address
    assert outbox.deliver_due(at=t0 + timedelta(minutes=1)) == 1
    assert outbox.deliver_due(at=t0 + timedelta(hours=1)) == 0

    assert [m["Subject"] for m in own_smtp.messages] == [row.payload["subject"]]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (OutboxMessage.State.SENT, 2, "")


def test_a_temporary_refusal_is_retried_later(desk, smtp):
    smtp.refuse[desk.requester.email] = "451 4.3.0 mailbox busy, try again later"
    ticket = desk.open()
    t0 = clock_now()

    assert outbox.deliver_due(at=t0) == 0
    row = outbox_row(ticket)
    assert (row.state, row.attempts) == (OutboxMessage.State.PENDING, 1)
    assert "451" in row.last_error
    assert row.next_attempt_at > t0

    smtp.refuse.clear()
    assert outbox.deliver_due(at=row.next_attempt_at) == 1
    assert len(smtp.received) == 1


def test_a_refused_address_fails_for_good_without_retry(desk, smtp):
    smtp.refuse[desk.requester.email] = "550 5.1.1 no such user"
    ticket = desk.open()

    assert outbox.deliver_due() == 0

    row = outbox_row(ticket)
    assert (row.state, row.attempts) == (OutboxMessage.State.FAILED, 1)
    assert "no such user" in row.last_error
    smtp.refuse.clear()
    assert outbox.deliver_due(at=clock_now() + timedelta(days=2)) == 0
    assert outbox_row(ticket).attempts == 1
    assert smtp.received == []


def test_after_max_attempts_the_mail_fails(desk, closed_port, caplog):
    ticket = desk.open()
    at = clock_now()
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        assert outbox.deliver_due(at=at) == 0
        row = outbox_row(ticket)
        assert row.attempts == attempt
        at = row.next_attempt_at
    assert row.state == OutboxMessage.State.FAILED
    assert row.last_error
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "outbox delivery failed for good after the last attempt"
    ]
    assert outbox.deliver_due(at=at + timedelta(days=7)) == 0
    assert outbox_row(ticket).attempts == outbox.MAX_ATTEMPTS


def test_the_backoff_grows_and_is_capped():
    delays = [outbox.backoff(n) for n in range(1, outbox.MAX_ATTEMPTS + 1)]
    assert delays[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    assert all(a <= b for a, b in pairwise(delays))
    assert max(delays) == timedelta(hours=6)


def test_a_day_long_smtp_outage_loses_nothing(desk, own_smtp):
    ticket = desk.open()
    own_smtp.stop()
    t0 = at = clock_now()
    while at < t0 + timedelta(days=1):
        assert outbox.deliver_due(at=at) == 0
        row = outbox_row(ticket)
        assert row.state == OutboxMessage.State.PENDING, f"gave up after {at - t0}"
        at = row.next_attempt_at
    own_smtp.start()
    assert outbox.deliver_due(at=at) == 1
    assert [m["X-Comptoir-Ticket"] for m in own_smtp.messages] == [str(ticket.number)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_consumers_racing_deliver_each_mail_exactly_once(desk, smtp):
    # Opened "in an hour", so the kicks after each commit leave them for the race.
    later = clock_now() + timedelta(hours=1)
    tickets = [desk.open(subject=f"Demande {i}", at=later) for i in range(20)]
    assert smtp.received == []

    consumers = 4
    start = threading.Barrier(consumers)
    sent: list[int] = []
    errors: list[BaseException] = []

    def consume() -> None:
        try:
            start.wait(timeout=30)
            sent.append(outbox.deliver_due(at=later))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=consume) for _ in range(consumers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not errors, errors
    assert sum(sent) == len(tickets)
    numbers = sorted(m["X-Comptoir-Ticket"] for m in smtp.messages)
    assert numbers == sorted(str(t.number) for t in tickets)
    assert len({m["Message-ID"] for m in smtp.messages}) == len(tickets)
    rows = OutboxMessage.objects.filter(ticket_id__in=[t.pk for t in tickets])
    assert sorted(rows.values_list("state", "attempts").distinct()) == [(OutboxMessage.State.SENT, 1)]
