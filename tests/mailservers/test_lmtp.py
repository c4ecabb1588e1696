"""Procedure 001 over LMTP: the MTA (Postfix, Exim…) hands support@'s mail to Comptoir's
LMTP receiver, which answers only once the mail is stored: 250 and a ticket, 550 for an
address that is not one of our mailboxes, 451 (try again later) when the database cannot
take it, so that the MTA keeps the mail.

The receiver runs the pipeline in another thread: these tests commit for real
(``transaction=True``) so that it sees their data and they see its tickets."""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from comptoir.mail.models import InboundMail
from comptoir.tickets.models import Ticket
from tests.mailservers.mails import SUPPORT, compose

pytestmark = pytest.mark.django_db(transaction=True)

MTA_SENDER = "pierremartin@example.org"


def lmtp_client(server) -> smtplib.LMTP:
    return smtplib.LMTP(server.hostname, server.port, timeout=30)


def test_a_mail_for_a_known_mailbox_is_accepted_and_opens_a_ticket(desk, lmtp_server, lmtp_mailbox, smtp):
    raw = compose(message_id="<lmtp-1@client.example>")
    with lmtp_client(lmtp_server) as client:
        refused = client.sendmail(MTA_SENDER, [SUPPORT.upper()], raw)  # addresses are case-blind

    assert refused == {}
    ticket = Ticket.objects.get()
    assert (ticket.requester, ticket.channel, ticket.mailbox, ticket.mail_thread_id) == (
        desk.requester,
        "email",
        lmtp_mailbox,
        "lmtp-1@client.example",
    )
    stored = InboundMail.objects.get()
    assert (stored.source, stored.state, stored.ticket, bytes(stored.raw)) == (
        "lmtp",
        "processed",
        ticket,
        raw,
    )
    # The acknowledgement left after the commit (the kick), to the real SMTP server.
    [ack] = smtp.messages
    assert ack["Subject"].startswith(f"[#{ticket.number}] ")
    assert ack["In-Reply-To"] == "<lmtp-1@client.example>"


def test_an_unknown_recipient_is_refused_at_rcpt(desk, lmtp_server, lmtp_mailbox):
    with lmtp_client(lmtp_server) as client:
        client.ehlo_or_helo_if_needed()
        assert client.mail(MTA_SENDER)[0] == 250
        code, message = client.rcpt("compta@paroisse.example")
        assert (code, b"no such mailbox" in message) == (550, True)
        # The same session goes on: the known address is still accepted.
        assert client.rcpt(SUPPORT)[0] == 250
        assert client.data(compose())[0] == 250

    assert Ticket.objects.count() == 1
    assert InboundMail.objects.get().mailbox == lmtp_mailbox


def test_an_inactive_mailbox_is_refused(desk, lmtp_server, lmtp_mailbox):
    lmtp_mailbox.is_active = False
    lmtp_mailbox.save()
    with lmtp_client(lmtp_server) as client, pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        client.sendmail(MTA_SENDER, [SUPPORT], compose())
    assert refused.value.recipients[SUPPORT][0] == 550
    assert not InboundMail.objects.exists()


def test_the_same_mail_delivered_twice_makes_one_ticket(desk, lmtp_server, lmtp_mailbox):
    raw = compose(message_id="<renvoye@client.example>")
    for _ in range(2):  # the MTA lost our first 250 and delivers again
        with lmtp_client(lmtp_server) as client:
            assert client.sendmail(MTA_SENDER, [SUPPORT], raw) == {}
    assert Ticket.objects.count() == 1
    assert InboundMail.objects.count() == 1


def test_a_mail_that_cannot_be_read_is_accepted_and_kept_in_quarantine(desk, lmtp_server, lmtp_mailbox):
    garbage = b"\xff\xfe\x01 ceci n'est pas un mail\r\n\r\n\x80\x81\x82\r\n"
    with lmtp_client(lmtp_server) as client:
        assert client.sendmail(MTA_SENDER, [SUPPORT], garbage) == {}
    stored = InboundMail.objects.get()
    assert (stored.state, stored.source) == ("quarantined", "lmtp")
    assert bytes(stored.raw) == garbage
    assert not Ticket.objects.exists()


@contextlib.contextmanager
def database_busy(table: str) -> Iterator[None]:
    """Another process holds ``table`` (a migration, a long batch): whoever needs it waits,
    then gives up. On PostgreSQL the wait is bounded by the database's ``lock_timeout``
    (``busy_database_gives_up``); in SQLite's shared in-memory test database, a second
    writer and the readers of a table being written fail at once."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            mode = "ACCESS EXCLUSIVE" if table == "mail_mailbox" else "EXCLUSIVE"
            cursor.execute(f"LOCK TABLE {table} IN {mode} MODE")
        else:
            cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608 (a table name of ours)
        yield


@pytest.fixture
def busy_database_gives_up() -> Iterator[None]:
    """New connections to the test database give up waiting for a lock after half a second."""
    if connection.vendor != "postgresql":
        if not connection.is_in_memory_db():
            pytest.skip("a SQLite file waits 20 s (busy_timeout) before giving up")
        yield
        return
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {name} SET lock_timeout = '500ms'")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {name} RESET lock_timeout")


def test_a_busy_database_makes_the_mta_try_again_later_and_nothing_is_lost(
    desk, lmtp_server, lmtp_mailbox, busy_database_gives_up
):
    raw = compose(message_id="<occupee@client.example>")
    with lmtp_client(lmtp_server) as client:
        client.ehlo_or_helo_if_needed()
        client.mail(MTA_SENDER)
        with database_busy("mail_mailbox"):
            code, message = client.rcpt(SUPPORT)
        assert code == 451, message
        assert client.rcpt(SUPPORT)[0] == 250
        with database_busy("mail_inboundmail"):
            code, message = client.data(raw)
        assert code == 451, message
    assert not InboundMail.objects.exists()

    # The MTA keeps the mail and tries again later: once.
    with lmtp_client(lmtp_server) as client:
        assert client.sendmail(MTA_SENDER, [SUPPORT], raw) == {}
    assert Ticket.objects.count() == 1
    assert InboundMail.objects.get().state == "processed"


def test_a_mail_with_a_nul_byte_in_its_headers_is_accepted_and_kept(desk, lmtp_server, lmtp_mailbox):
    """Broken mailers do send NUL bytes; PostgreSQL text columns refuse them. The mail is
    stored all the same (raw bytes intact) instead of being deferred forever."""
    raw = compose(subject="Imprimante HS", message_id="<nul@client.example>")
    raw = raw.replace(b"Subject: Imprimante HS", b"Subject: Imprimante\x00 HS")
    with lmtp_client(lmtp_server) as client:
        assert client.sendmail(MTA_SENDER, [SUPPORT], raw) == {}
    stored = InboundMail.objects.get()
    assert bytes(stored.raw) == raw
    assert stored.state in {"processed", "quarantined"}
    assert "\x00" not in stored.subject


def test_a_mailbox_removed_during_the_session_is_retried_then_refused_cleanly(
    desk, lmtp_server, lmtp_mailbox
):
    """Whatever goes wrong inside the receiver, the MTA is told to try again (never a 500
    carrying our exception): on its next try it learns that the address is gone."""
    with lmtp_client(lmtp_server) as client:
        client.ehlo_or_helo_if_needed()
        client.mail(MTA_SENDER)
        assert client.rcpt(SUPPORT)[0] == 250
        lmtp_mailbox.delete()  # an administrator removes the mailbox meanwhile
        code, message = client.data(compose())
    assert (code, message) == (451, b"4.3.0 temporary failure, try again later")

    with lmtp_client(lmtp_server) as client, pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        client.sendmail(MTA_SENDER, [SUPPORT], compose())
    assert refused.value.recipients[SUPPORT][0] == 550
    assert not InboundMail.objects.exists()
