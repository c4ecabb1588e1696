"""Side effects are delivered at least once, and the window for a second copy is short.

A consumer stopped after the remote accepted a mail but before its row says "sent" leaves
the row claimed: it is sent again once the lease ends — 90 seconds, not 5 minutes. When
the database connection is lost right after the delivery (a PostgreSQL restart), the
outcome is recorded on a new connection instead of leaving the row to be sent twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection

from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.models import OutboxMessage
from comptoir.core.transports import MemoryTransport, Transport


def a_mail() -> OutboxMessage:
    payload = {"to": ["pierremartin@example.org"], "subject": "Votre demande", "body": "Bonjour"}
    (row,) = outbox.enqueue([outbox.build("mail", payload, at=clock_now())])
    return row


@pytest.mark.django_db
def test_a_mail_claimed_by_a_stopped_consumer_is_sent_again_after_90_seconds(memory_transport):
    row = a_mail()
    at = clock_now()
    # A consumer claims the row (as deliver_due does), sends, and is killed before recording.
    claimed = OutboxMessage.objects.filter(pk=row.pk, state="pending").update(
        next_attempt_at=at + outbox.LEASE
    )
    assert claimed == 1
    memory_transport.clear()
    assert outbox.deliver_due(at=at + timedelta(seconds=60)) == 0  # still its consumer's
    assert outbox.deliver_due(at=at + timedelta(seconds=91)) == 1
    row.refresh_from_db()
    assert row.state == "sent"
    assert len(memory_transport) == 1


class LosesItsDatabaseConnection(Transport):
    """Delivers (kept in MemoryTransport.sent), then the database drops the consumer's
    connection — what a PostgreSQL restart does to every connection."""

    def deliver(self, payload: dict[str, Any]) -> None:
        MemoryTransport.sent.append(payload)
        pid = connection.connection.info.backend_pid  # type: ignore[union-attr]
        params = connection.get_connection_params()
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_after_delivery_still_records_the_mail_as_sent(settings):
    settings.COMPTOIR_TRANSPORTS = {"mail": f"{__name__}.LosesItsDatabaseConnection"}
    MemoryTransport.sent.clear()
    row = a_mail()  # in autocommit, the kick after the insert delivers it at once
    outbox.deliver_due()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 1)
    assert outbox.deliver_due(at=clock_now() + timedelta(minutes=10)) == 0
    assert len(MemoryTransport.sent) == 1
