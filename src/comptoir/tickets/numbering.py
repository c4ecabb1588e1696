"""Ticket numbers: unique, never reused, strictly increasing, gap-tolerant, safe under
concurrent creation.

PostgreSQL: a sequence (``nextval`` never hands the same value twice, and a rolled-back
transaction leaves a gap instead of a reuse). SQLite: one counter row bumped with
``UPDATE … RETURNING`` inside the writer's IMMEDIATE transaction, which SQLite serialises;
a rolled-back transaction rolls the counter back with it, so its number is handed out
again — no committed ticket ever carried it, and its mails were rolled back too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

SEQUENCE = "comptoir_ticket_number_seq"


def next_number() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval('{SEQUENCE}')")
            row = cursor.fetchone()
        else:
            cursor.execute(
                "UPDATE tickets_ticketnumbercounter SET value = value + 1 WHERE id = 1 RETURNING value"
            )
            row = cursor.fetchone()
            if row is None:
                # The counter row is gone: `flush` (and the test runner after every
                # transactional test) empties every table. Start again after the highest
                # number in use, so no number is handed out twice.
                cursor.execute(
                    "INSERT INTO tickets_ticketnumbercounter (id, value) VALUES "
                    "(1, MAX(COALESCE((SELECT MAX(number) FROM tickets_ticket), 0), %s) + 1) "
                    "RETURNING value",
                    [FIRST_NUMBER - 1],
                )
                row = cursor.fetchone()
    if row is None:
        raise RuntimeError("ticket number counter missing: run `comptoir migrate`")
    return int(row[0])


def format_number(number: int) -> str:
    return f"#{number}"


FIRST_NUMBER = getattr(settings, "COMPTOIR_FIRST_TICKET_NUMBER", 100001)
