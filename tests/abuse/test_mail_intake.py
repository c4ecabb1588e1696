"""Whatever comes in by mail, nothing is lost and nothing stalls the intake.

- A mail's identity is its own bytes, per mailbox: the same mail delivered again (even with
  one more ``Received`` line on top) is a duplicate; a different mail reusing an earlier
  Message-ID is kept, handled and flagged; one LMTP delivery to two of our mailboxes is two
  receptions, each answered for what it is.
- HTML nested 100,000 levels deep is read as text, without the sanitiser's quadratic cost.
- ``comptoir mail ingest`` exits 75 (try again later) whenever the database cannot take the
  mail, so that the MTA keeps it.
- A mail stored but left unprocessed (a worker stopped) is taken up by the sweep.
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from comptoir.core.clock import now as clock_now
from comptoir.mail.inbound import pipeline
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.tickets.models import Ticket
from tests.mailservers.mails import SUPPORT, compose

MTA_SENDER = "pierremartin@example.org"


@pytest.fixture
def support(desk) -> Mailbox:  # type: ignore[no-untyped-def]
    return Mailbox.objects.create(name="Support", address=SUPPORT, product=desk.product)


def pipe(raw: bytes, mailbox: Mailbox) -> pipeline.Outcome:
    return pipeline.receive(raw, source=InboundMail.Source.PIPE, mailbox=mailbox)


@pytest.mark.django_db
def test_the_same_mail_again_is_a_duplicate_even_with_one_more_relay_on_top(support, lost_mails):
    raw = compose(message_id="<une-fois@client.example>")
    lost_mails.sent(1)
    first = pipe(raw, support)
    relayed = b"Received: from mx2.example by mx.paroisse.example; Mon, 7 Dec 2026 10:00:00 +0100\r\n" + raw
    again = pipe(relayed, support)
    assert (first.status, again.status, again.inbound_id) == ("new_ticket", "duplicate", first.inbound_id)
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_a_different_mail_reusing_a_message_id_is_kept_handled_and_flagged(support, lost_mails):
    lost_mails.sent(2)
    first = pipe(compose(message_id="<recycle@client.example>", subject="Premier problème"), support)
    second = pipe(
        compose(message_id="<recycle@client.example>", subject="Autre chose : les dons", body="Autre texte."),
        support,
    )
    assert (first.status, second.status) == ("new_ticket", "new_ticket")
    assert second.inbound_id != first.inbound_id
    assert list(InboundMail.objects.order_by("pk").values_list("message_id_reused", flat=True)) == [
        False,
        True,
    ]
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Autre chose : les dons",
        "Premier problème",
    ]


@pytest.mark.django_db(transaction=True)
def test_one_lmtp_delivery_to_two_mailboxes_is_two_receptions(desk, lmtp_server, lmtp_mailbox, lost_mails):
    lost_mails.sent(2)  # one mail, two of our mailboxes
    sales = Mailbox.objects.create(name="Dons", address="dons@paroisse.example", product=desk.product)
    raw = compose(message_id="<deux-boites@client.example>", to=f"{SUPPORT}, {sales.address}")
    with smtplib.LMTP(lmtp_server.hostname, lmtp_server.port, timeout=30) as client:
        client.ehlo_or_helo_if_needed()
        client.mail(MTA_SENDER)
        assert client.rcpt(SUPPORT)[0] == client.rcpt(sales.address)[0] == 250
        # LMTP answers DATA once per recipient (smtplib reads the first answer only).
        first = client.data(raw)
        second = client.getreply()
        assert (first[0], second[0]) == (250, 250)
    stored = InboundMail.objects.order_by("mailbox__address")
    assert [(m.mailbox.address, m.state) for m in stored] == [
        (sales.address, "processed"),
        (SUPPORT, "processed"),
    ]
    assert {t.mailbox.address for t in Ticket.objects.all()} == {SUPPORT, sales.address}


def deep_html_mail(levels: int) -> bytes:
    from email import policy
    from email.message import EmailMessage

    msg = EmailMessage(policy=policy.SMTP)  # CRLF, as mail travels
    msg["From"] = "Pierre Martin <pierremartin@example.org>"
    msg["To"] = SUPPORT
    msg["Subject"] = "Mise en page cassée"
    msg["Message-ID"] = "<profond@client.example>"
    html = "<html><body>" + "<div>" * levels + "Le texte est tout au fond." + "</div>" * levels
    msg.set_content(html + "</body></html>", subtype="html", cte="quoted-printable")
    return msg.as_bytes()


@pytest.mark.django_db
def test_html_nested_100_000_levels_deep_is_read_as_text(support, lost_mails):
    lost_mails.sent(1)
    outcome = pipe(deep_html_mail(100_000), support)
    assert outcome.status == "new_ticket"
    ticket = Ticket.objects.get(number=outcome.ticket_number)
    message = ticket.messages.get()
    assert "Le texte est tout au fond." in message.body_text
    assert not message.body_html
    stored = InboundMail.objects.get()
    assert bytes(stored.raw) == deep_html_mail(100_000)  # the original is kept


@pytest.mark.django_db(transaction=True)
def test_a_deep_mail_over_lmtp_does_not_hold_the_next_one(desk, lmtp_server, lmtp_mailbox, lost_mails):
    lost_mails.sent(2)
    with smtplib.LMTP(lmtp_server.hostname, lmtp_server.port, timeout=60) as client:
        assert client.sendmail(MTA_SENDER, [SUPPORT], deep_html_mail(100_000)) == {}
        assert (
            client.sendmail(MTA_SENDER, [SUPPORT], compose(message_id="<juste-apres@client.example>")) == {}
        )
    assert InboundMail.objects.filter(state="processed").count() == 2
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_stored_mail_left_unprocessed_is_taken_up_by_the_sweep(support, lost_mails):
    lost_mails.sent(1)
    stored = pipeline.store(compose(), source=InboundMail.Source.LMTP, mailbox=support, at=clock_now())
    assert isinstance(stored, InboundMail)
    assert pipeline.process_waiting(older_than=timedelta(minutes=2)) == 0  # a worker may still have it
    later = clock_now() + timedelta(minutes=3)
    assert pipeline.process_waiting(older_than=timedelta(minutes=2), at=later) == 1
    stored.refresh_from_db()
    assert (stored.state, stored.attempts) == ("processed", 1)
    assert Ticket.objects.count() == 1
    assert pipeline.process_waiting(older_than=timedelta(minutes=2), at=later) == 0  # once


@pytest.mark.parametrize(
    "database_url",
    ["postgresql://127.0.0.1:1/comptoir", "sqlite:////nonexistent-directory/comptoir.sqlite3"],
    ids=["postgresql-down", "sqlite-unreachable"],
)
def test_mail_ingest_exits_75_when_the_database_cannot_take_the_mail(tmp_path: Path, database_url: str):
    mail = tmp_path / "mail.eml"
    mail.write_bytes(compose())
    env = {**os.environ, "DATABASE_URL": database_url, "COMPTOIR_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "comptoir.cli", "mail", "ingest", str(mail)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 75, done.stderr
    assert "Traceback" not in done.stderr
    assert "try again later" in done.stderr
