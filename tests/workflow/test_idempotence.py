"""Every periodic job may run twice: a scheduler fires twice in the same minute, or two
consumers run the same job at once. The second run changes nothing: no new history line,
no new mail, no ticket touched; two consumers never send the same thing twice (on
PostgreSQL, where consumers really run in parallel).

The jobs: the SLA scan (breaches, warnings), the automations of procedure 002 (reminders,
resolution without answer, closure), the review of open requests, and the outbox sweep.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

import pytest
from django.db import connection
from django.db.models import F

from comptoir.core import outbox
from comptoir.core.models import OutboxMessage
from comptoir.sla import scan
from comptoir.sla.models import SLAClock
from comptoir.tickets import services
from comptoir.tickets.models import Ticket, TicketEvent
from comptoir.workflow import automations, digest_delivery
from comptoir.workflow.models import DigestSchedule, DigestSending
from tests.conftest import Desk, flush_mail
from tests.workflow.backlog import at, paris, procedure_000, seed

REQUESTS = 6


@dataclass(frozen=True)
class Case:
    """A job, the backlog it has work in, the minute it runs, and what one run does."""

    job: Callable[..., int]
    prepare: Callable[[Desk], None]
    moment: datetime
    done: int  # what the job returns after one run (requests, clocks, mails)


def _open_many(desk: Desk, **kwargs: object) -> list[Ticket]:
    return [desk.open(product=desk.product, subject=f"Demande {i}", **kwargs) for i in range(REQUESTS)]


def waiting_on_the_requester(desk: Desk) -> None:
    procedure_000(desk)
    with at(paris(2026, 11, 23, 10, 0)):  # Monday
        for ticket in _open_many(desk):
            services.reply(ticket, by=desk.l1, body="Pouvez-vous préciser ?", set_status="pending")
    flush_mail()


def resolved_last_week(desk: Desk) -> None:
    procedure_000(desk)
    with at(paris(2026, 11, 23, 10, 0)):
        for ticket in _open_many(desk):
            services.change_status(ticket, to="resolved", by=desk.l1)
    flush_mail()


def just_opened(desk: Desk) -> None:
    """Procedure 000: acknowledged within 1 business hour (warned at 75 %: 45 minutes)."""
    procedure_000(desk)
    with at(paris(2026, 11, 23, 10, 0)):
        _open_many(desk)
    flush_mail()


def acknowledgements_to_send(desk: Desk) -> None:
    with at(paris(2026, 11, 23, 10, 0)):
        _open_many(desk)  # each writes its acknowledgement mail to the outbox


def morning_backlog(desk: Desk) -> None:
    seed(desk)
    with at(paris(2026, 12, 8, 8, 30)):
        scan.mark_breaches()
    DigestSchedule.objects.create(name="Revue du matin", send_at=time(8, 30))
    flush_mail()


CASES = {
    "remind_pending": Case(
        automations.remind_pending, waiting_on_the_requester, paris(2026, 11, 25, 10, 0), 6
    ),
    "resolve_silent": Case(
        automations.resolve_silent, waiting_on_the_requester, paris(2026, 12, 2, 10, 0), 6
    ),
    "close_resolved": Case(automations.close_resolved, resolved_last_week, paris(2026, 11, 30, 10, 0), 6),
    "mark_breaches": Case(scan.mark_breaches, just_opened, paris(2026, 11, 23, 11, 0), 6),
    "send_warnings": Case(scan.send_warnings, just_opened, paris(2026, 11, 23, 10, 45), 6),
    # The supervisor's review, and the two groups' with something to report.
    "send_digests": Case(digest_delivery.send_due, morning_backlog, paris(2026, 12, 8, 8, 30), 3),
    "sweep_outbox": Case(outbox.deliver_due, acknowledgements_to_send, paris(2026, 11, 23, 10, 1), 6),
}


def state() -> dict[str, list[tuple[object, ...]]]:
    """Everything a periodic job may write."""
    return {
        "events": list(TicketEvent.objects.order_by("pk").values_list("pk", "ticket_id", "kind")),
        "outbox": list(
            OutboxMessage.objects.order_by("pk").values_list("pk", "state", "attempts", "next_attempt_at")
        ),
        "tickets": list(
            Ticket.objects.order_by("pk").values_list(
                "pk", "status", "status_since", "reminders_sent", "updated_at", "sla_due_at", "sla_breached"
            )
        ),
        "clocks": list(
            SLAClock.objects.order_by("pk").values_list(
                "pk", "state", "due_at", "warned_at", "breach_notified_at"
            )
        ),
        "reviews": list(DigestSending.objects.order_by("pk").values_list("pk", "scope", "day", "recipients")),
    }


@pytest.mark.parametrize("name", CASES)
def test_a_job_run_twice_in_the_same_minute_changes_nothing_the_second_time(desk, memory_transport, name):
    case = CASES[name]
    case.prepare(desk)
    before = state()
    with at(case.moment):
        assert case.job() == case.done
        after_first = state()
        assert after_first != before
        assert case.job() == 0
    assert state() == after_first
    if name == "sweep_outbox":
        assert len(memory_transport) == REQUESTS


def test_the_jobs_one_after_another_twice_change_nothing_the_second_time(desk, memory_transport):
    """The scheduler's whole minute, twice: every job over one backlog."""
    morning_backlog(desk)
    with at(paris(2026, 12, 8, 9, 0)):
        waiting = desk.open(product=desk.product, subject="Une précision")
        services.reply(waiting, by=desk.l1, body="Laquelle ?", set_status="pending")
    every_job = [case.job for case in CASES.values()]
    with at(paris(2026, 12, 18, 11, 0)):  # ten days later: everything is due
        assert sum(job() for job in every_job) > 0
        settled = state()
        assert [job() for job in every_job] == [0] * len(every_job)
    assert state() == settled


# Two consumers at once (PostgreSQL) ---------------------------------------------------------


def run_at_once(job: Callable[..., int], moment: datetime, consumers: int = 4) -> list[int]:
    """``consumers`` threads, each with its own database connection, start the job together."""
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(consumers)

    def consumer() -> None:
        try:
            barrier.wait()
            results.append(job(at=moment))
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=consumer) for _ in range(consumers)]
    with at(moment):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", CASES)
def test_concurrent_consumers_never_do_the_same_work_twice(desk, memory_transport, name):
    case = CASES[name]
    case.prepare(desk)
    if name == "sweep_outbox":
        # Here every commit delivers at once (the kick): put the mails back as if it had
        # been lost, for the consumers to find.
        OutboxMessage.objects.update(
            state="pending", attempts=0, sent_at=None, next_attempt_at=F("created_at")
        )
        memory_transport.clear()
    events_before = TicketEvent.objects.count()
    outbox_before = OutboxMessage.objects.count()
    results = run_at_once(case.job, case.moment)
    assert sum(results) == case.done
    new_events = Counter(
        (ticket_id, kind, json.dumps(changes, sort_keys=True))
        for ticket_id, kind, changes in TicketEvent.objects.order_by("pk")[events_before:].values_list(
            "ticket_id", "kind", "changes"
        )
    )
    assert all(n == 1 for n in new_events.values()), new_events
    if name == "sweep_outbox":
        assert len(memory_transport) == REQUESTS
        assert len({m["headers"]["Message-ID"] for m in memory_transport}) == REQUESTS
    elif name == "send_digests":
        rows = OutboxMessage.objects.order_by("pk")[outbox_before:]
        assert sorted(r.payload["to"][0] for r in rows) == [
            desk.stranger_agent.email,
            desk.l1.email,
            desk.supervisor.email,
        ]
        assert DigestSending.objects.filter(recipients__gt=0).count() == 3
    elif name in {"mark_breaches", "send_warnings"}:
        # Alerts may be split between consumers, never repeated: each ticket in one mail.
        bodies = [r.payload["body"] for r in OutboxMessage.objects.order_by("pk")[outbox_before:]]
        for ticket in Ticket.objects.all():
            assert sum(body.count(f"{ticket.reference} ") for body in bodies) == 1
    else:
        # One mail per request: the reminder, or the news of its resolution or closure.
        mails = Counter(
            OutboxMessage.objects.order_by("pk")[outbox_before:].values_list("ticket_id", flat=True)
        )
        assert sorted(mails.values()) == [1] * REQUESTS
