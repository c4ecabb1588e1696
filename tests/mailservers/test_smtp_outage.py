"""The SMTP server goes down on a Monday morning while 30 people write to support@: every
request becomes a ticket at once, the 30 acknowledgements wait in the outbox, and once the
server is back each person receives theirs exactly once (procedure 001: an automatic reply
with a link to follow the ticket). Nothing is given up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.models import OutboxMessage
from comptoir.mail.inbound.imap import poll
from comptoir.tickets.models import Ticket
from tests.mailservers.mails import compose

pytestmark = pytest.mark.imap

BURST = 30


def test_a_burst_of_requests_during_an_smtp_outage_is_acknowledged_once_the_server_is_back(
    desk, dovecot, imap_mailbox, own_smtp
):
    people = [f"paroissien{i:02d}@paroisse-saint-seurin.fr" for i in range(BURST)]
    dovecot.append(
        *(
            compose(
                sender=address,
                subject=f"Inscription au pèlerinage n°{i}",
                message_id=f"<p{i}@client.example>",
            )
            for i, address in enumerate(people)
        )
    )
    own_smtp.stop()  # the SMTP server goes down

    report = poll(imap_mailbox)
    assert (report.error, report.read) == ("", BURST)
    assert Ticket.objects.count() == BURST  # the tickets do not wait for the mail

    t0 = clock_now()
    assert outbox.deliver_due(at=t0) == 0
    rows = OutboxMessage.objects.all()
    assert rows.count() == BURST
    assert set(rows.values_list("state", "attempts")) == {(OutboxMessage.State.PENDING, 1)}
    assert all(row.last_error for row in rows)
    assert all(row.next_attempt_at > t0 for row in rows)

    own_smtp.start()  # back, same address
    later = t0 + timedelta(minutes=5)
    assert outbox.deliver_due(at=later) == BURST
    assert outbox.deliver_due(at=later + timedelta(hours=1)) == 0

    assert sorted(r.rcpt_tos[0] for r in own_smtp.received) == people  # each one, exactly once
    numbers = {str(t.number) for t in Ticket.objects.all()}
    assert {m["X-Comptoir-Ticket"] for m in own_smtp.messages} == numbers
    assert all(m["Subject"].startswith(f"[#{m['X-Comptoir-Ticket']}] ") for m in own_smtp.messages)
    assert set(rows.values_list("state", "attempts")) == {(OutboxMessage.State.SENT, 2)}
    assert not OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).exists()
