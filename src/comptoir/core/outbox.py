"""The transactional outbox: write side effects as rows, deliver them after commit.

``enqueue`` is called by services inside their transaction; it registers an
``on_commit`` kick. ``deliver_due`` is the worker: it claims due rows with a
conditional UPDATE (so two consumers never send the same row), delivers, and records the
outcome. A periodic sweep calls it too, so a lost kick only delays delivery.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import InterfaceError, OperationalError, connection, transaction

from comptoir.core.clock import now as clock_now
from comptoir.core.models import OutboxMessage
from comptoir.core.transports import (
    PermanentDeliveryError,
    TransientDeliveryError,
    transport_for,
)

log = logging.getLogger(__name__)

# 16 attempts with the backoff below span about 38 hours: an SMTP outage of a day loses
# nothing (12 attempts gave up after 14.5 hours).
MAX_ATTEMPTS = 16
# A claimed row is left to its consumer this long: more than one delivery can take (SMTP
# gives up after 30 s of silence, webhooks after 10 s). Delivery is at least once: a
# consumer stopped between the remote's acceptance and the row's "sent" (killed, or the
# database gone) leaves the row to be sent again when the lease ends — a duplicate, with
# the same Message-ID, at most this long after the first.
LEASE = timedelta(seconds=90)
# After a delivery, recording its outcome is retried this many times (a database restart
# takes a few seconds), so that such duplicates stay rare.
RECORD_RETRIES = (0.5, 1.0, 2.0, 4.0)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... capped at 6 h: an outage of a day loses nothing."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=6))


def build(kind: str, payload: dict[str, Any], *, at: datetime, ticket_id: int | None = None) -> OutboxMessage:
    return OutboxMessage(kind=kind, payload=payload, created_at=at, next_attempt_at=at, ticket_id=ticket_id)


def enqueue(messages: Iterable[OutboxMessage]) -> list[OutboxMessage]:
    """Store the rows (one INSERT) and kick delivery once the transaction commits."""
    rows = OutboxMessage.objects.bulk_create(list(messages))
    if rows:
        _kick_after_commit()
    return rows


def _kick_after_commit() -> None:
    # No kick inside the transaction: the rows are not visible to the worker until commit.
    transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    from comptoir.core.tasks import deliver_outbox

    try:
        deliver_outbox()
    except Exception:  # the periodic sweep will deliver; a kick must never break a request
        log.exception("outbox kick failed; the periodic sweep will deliver")


def deliver_due(*, limit: int = 100, at: datetime | None = None) -> int:
    """Deliver up to ``limit`` due rows; returns how many were sent."""
    at = at or clock_now()
    due = list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=at)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in due:
        # Claim: only the consumer whose UPDATE matches delivers (no double send).
        claimed = OutboxMessage.objects.filter(
            pk=pk, state=OutboxMessage.State.PENDING, next_attempt_at__lte=at
        ).update(next_attempt_at=at + LEASE)
        if not claimed:
            continue
        row = OutboxMessage.objects.get(pk=pk)
        sent += _deliver_one(row, at)
    return sent


def _deliver_one(row: OutboxMessage, at: datetime) -> int:
    row.attempts += 1
    try:
        transport_for(row.kind).deliver(row.payload)
    except PermanentDeliveryError as exc:
        row.state, row.last_error = OutboxMessage.State.FAILED, str(exc)
        log.warning("outbox delivery failed for good", extra={"outbox_id": row.pk, "error": str(exc)})
    except (TransientDeliveryError, Exception) as exc:  # unknown errors are retried too
        row.last_error = str(exc)
        if row.attempts >= MAX_ATTEMPTS:
            row.state = OutboxMessage.State.FAILED
            log.warning(
                "outbox delivery failed for good after the last attempt",
                extra={"outbox_id": row.pk, "attempts": row.attempts, "error": str(exc)},
            )
        else:
            row.next_attempt_at = at + backoff(row.attempts)
            log.info("outbox delivery postponed", extra={"outbox_id": row.pk, "error": str(exc)})
    else:
        row.state, row.sent_at, row.last_error = OutboxMessage.State.SENT, clock_now(), ""
        _record(row, ["state", "attempts", "sent_at", "last_error"])
        return 1
    _record(row, ["state", "attempts", "next_attempt_at", "last_error"])
    return 0


def _record(row: OutboxMessage, fields: list[str]) -> None:
    """Save the outcome of a delivery; outside a transaction, a lost connection is
    replaced and the save tried again for a few seconds before giving up."""
    waits = iter(() if connection.in_atomic_block else RECORD_RETRIES)
    while True:
        try:
            row.save(update_fields=fields)
            return
        except (OperationalError, InterfaceError):
            wait = next(waits, None)
            if wait is None:
                raise
            log.warning("outbox outcome not recorded yet; retrying", extra={"outbox_id": row.pk})
            connection.close()
            time.sleep(wait)
