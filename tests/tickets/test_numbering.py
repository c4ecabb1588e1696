"""Ticket numbers (procedure 002: every contact gets a unique number, kept in mail subjects):
unique, strictly increasing in creation order, never handed out twice, shown as ``#123456``,
and safe when many people open tickets at the same moment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import threading
from itertools import pairwise
from pathlib import Path

import pytest
from django.db import connection, transaction

from comptoir.tickets.models import Ticket, TicketNumberCounter
from comptoir.tickets.numbering import format_number


def test_every_ticket_gets_its_own_number_in_creation_order(desk):
    tickets = [desk.open(subject=f"Demande {i}") for i in range(6)]
    numbers = [t.number for t in tickets]
    assert len(set(numbers)) == 6
    assert all(a < b for a, b in pairwise(numbers))
    assert list(Ticket.objects.order_by("created_at", "pk").values_list("number", flat=True)) == numbers


def test_the_number_is_shown_with_a_hash(desk):
    ticket = desk.open()
    assert re.fullmatch(r"#\d{6}", ticket.reference)
    assert ticket.reference == f"#{ticket.number}" == format_number(ticket.number)
    assert str(ticket) == f"#{ticket.number} Importer nos contacts dans Mailpoet"
    assert format_number(123456) == "#123456"


class RequestFailed(Exception):
    """A request failed after opening its ticket: its transaction rolls back."""

    def __init__(self, ticket: Ticket) -> None:
        super().__init__(ticket.reference)
        self.ticket = ticket


def open_then_fail(desk, subject: str) -> None:
    with transaction.atomic():
        raise RequestFailed(desk.open(subject=subject))


def test_a_rolled_back_request_leaves_no_ticket_and_no_duplicate_number(desk):
    before = desk.open(subject="Avant")
    with pytest.raises(RequestFailed):
        open_then_fail(desk, "Perdue")
    after = desk.open(subject="Après")
    assert not Ticket.objects.filter(subject="Perdue").exists()
    assert after.number > before.number
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert sorted(numbers) == [before.number, after.number]


@pytest.mark.postgres
def test_a_rolled_back_number_is_never_handed_out_again(desk):
    """The PostgreSQL sequence is not transactional: a rollback leaves a gap, not a reuse.
    (On SQLite the counter row rolls back with the transaction, so the number comes back;
    no committed ticket ever carried it — see numbering.py.)"""
    with pytest.raises(RequestFailed) as failure:
        open_then_fail(desk, "Perdue")
    after = desk.open(subject="Après")
    assert after.number > failure.value.ticket.number


@pytest.mark.sqlite  # PostgreSQL numbers come from a sequence, not a counter row
def test_a_lost_counter_row_starts_again_after_the_highest_number(desk):
    """``flush`` (and the test runner after each transactional test) empties the counter
    table; opening a ticket afterwards must neither fail nor reuse a number."""
    first = desk.open(subject="Avant")
    TicketNumberCounter.objects.all().delete()
    second = desk.open(subject="Après")
    assert second.number == first.number + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_creators_on_postgresql_get_distinct_increasing_numbers(desk):
    threads_count, per_thread = 8, 25
    start = threading.Barrier(threads_count)
    numbers: dict[int, list[int]] = {}
    errors: list[BaseException] = []

    def creator(index: int) -> None:
        try:
            start.wait(timeout=30)
            numbers[index] = [desk.open(subject=f"Appel {index}-{k}").number for k in range(per_thread)]
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    workers = [threading.Thread(target=creator, args=(i,)) for i in range(threads_count)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)

    assert not errors, errors  # no IntegrityError, no deadlock, no lost ticket
    everything = [n for batch in numbers.values() for n in batch]
    assert len(everything) == len(set(everything)) == threads_count * per_thread
    for batch in numbers.values():
        assert all(a < b for a, b in pairwise(batch))
    stored = set(Ticket.objects.values_list("number", flat=True))
    assert stored == set(everything)


# Django's SQLite test database is in memory with a shared cache: there, a second writer
# gets "database table is locked" at once (busy_timeout does not apply to shared-cache
# table locks), so threads cannot share it. The embedded setup is a file in WAL mode with
# IMMEDIATE transactions and a busy timeout; the parallel test runs that real setup in a
# subprocess with its own var directory.
SQLITE_PARALLEL_SCRIPT = textwrap.dedent(
    """
    import json, sys, threading
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    call_command("migrate", verbosity=0)
    from comptoir.accounts.models import User
    from comptoir.tickets import services
    from comptoir.tickets.new_request import NewRequest

    requester = User.objects.create(username="pierremartin", email="pierre@example.org")
    threads_count, per_thread = int(sys.argv[1]), int(sys.argv[2])
    start = threading.Barrier(threads_count)
    numbers, errors = {}, []

    def creator(index):
        try:
            start.wait(timeout=30)
            numbers[index] = [
                services.open_ticket(NewRequest(
                    requester=requester, subject=f"Appel {index}-{k}", body="Bonjour", channel="phone"
                )).number
                for k in range(per_thread)
            ]
        except BaseException as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=creator, args=(i,)) for i in range(threads_count)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    from comptoir.tickets.models import Ticket
    stored = sorted(Ticket.objects.values_list("number", flat=True))
    print(json.dumps({"numbers": numbers, "errors": errors, "stored": stored}))
    """
)


def embedded_env(var_dir: Path) -> dict[str, str]:
    """The environment of a fresh embedded install: no test settings, SQLite in var_dir."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COMPTOIR_", "DJANGO_")) and k not in {"DATABASE_URL", "SECRET_KEY"}
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "comptoir.settings",
        "COMPTOIR_VAR_DIR": str(var_dir),
        "COMPTOIR_TASKS_URL": "memory://",
        "LOG_LEVEL": "WARNING",
    }


def test_parallel_creators_on_embedded_sqlite_get_distinct_increasing_numbers(tmp_path):
    threads_count, per_thread = 4, 25
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SQLITE_PARALLEL_SCRIPT, str(threads_count), str(per_thread)],
        env=embedded_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == []
    everything = [n for batch in report["numbers"].values() for n in batch]
    assert len(everything) == len(set(everything)) == threads_count * per_thread
    for batch in report["numbers"].values():
        assert all(a < b for a, b in pairwise(batch))
    assert report["stored"] == sorted(everything)
