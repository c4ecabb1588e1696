"""Ticket numbers: unique, never reused, strictly increasing, gap-tolerant, safe under
concurrent creation.

PostgreSQL: a sequence (``nextval`` never hands the same value twice, and a rolled-back
transaction leaves a gap instead of a reuse). SQLite: one counter row bumped with
``UPDATE … RETURNING`` inside the writer's IMMEDIATE transaction, which SQLite serialises.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

SEQUENCE = "comptoir_ticket_number_seq"


def next_number() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval('{SEQUENCE}')")
        else:
            cursor.execute(
                "UPDATE tickets_ticketnumbercounter SET value = value + 1 WHERE id = 1 RETURNING value"
            )
        row = cursor.fetchone()
    if row is None:
        raise RuntimeError("ticket number counter missing: run `comptoir migrate`")
    return int(row[0])


def format_number(number: int) -> str:
    return f"#{number}"


FIRST_NUMBER = getattr(settings, "COMPTOIR_FIRST_TICKET_NUMBER", 100001)
