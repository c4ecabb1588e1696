"""Benchmark: every periodic job over 100,000 open tickets on PostgreSQL.

Loads (once, kept between runs in ``comptoir_bench_jobs``) 100,000 tickets that are not
closed, in a realistic mix at a fixed instant (Tuesday 8 December 2026, 8:30 in Paris):
new and open ones with a running SLA clock (most due in the coming days, some due within
hours, some past due and already breached, a few past due and not marked yet, a few past
their warning time and not warned yet), requests waiting on their requester for 0 to 7
days (reminders sent as due, a tenth one reminder behind, a few over the 7 days after
which they are resolved), requests on hold, and requests resolved for 0 to 5 days (a few
for longer, to be closed). Half the organisations work on a 9:30-17:00 calendar, the
other half have none (plain days).

Then runs each periodic job once at that instant, as the scheduler would — the SLA scan
(``mark_breaches``, ``send_warnings``), the automations (``remind_pending``,
``resolve_silent``, ``close_resolved``), the review of open requests (``send_due``) and
the outbox sweep (``deliver_due``, 500 mails, the embedded file mailer) — and prints for
each its duration, its SQL statements and what it did; then runs them all again in the
same minute (nothing left to do: the cost of finding that out). A second pass, from the
same starting state, measures each job's peak Python memory (tracemalloc, which slows
Python down, hence its own pass) next to what holding every open ticket as a model
instance would take.

    .venv/bin/python bench/bench_periodic_jobs.py [--tickets 100000] [--reload]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import harness

VERSION = 1
AT = datetime(2026, 12, 8, 8, 30, tzinfo=ZoneInfo("Europe/Paris"))
ORGANISATIONS = 50
REQUESTERS = 2000
AGENTS_PER_GROUP = 8
FIRST_NUMBER = 200_000


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=f"{harness.DEFAULT_PG_SERVER}/comptoir_bench_jobs")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--reload", action="store_true", help="drop the kept database and load it again")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    return parser.parse_args(argv)


# Loading ------------------------------------------------------------------------------------

# Per ticket g: its kind by g mod 20 (50 % new or open, 25 % pending, 5 % on hold, 20 %
# resolved), its age and SLA clock from a few hashes of g, so a load is reproducible.
TICKETS_SQL = """
WITH base AS (
    SELECT g,
           CASE WHEN mod(g, 20) < 10 THEN (CASE WHEN mod(g, 3) = 0 THEN 'new' ELSE 'open' END)
                WHEN mod(g, 20) < 15 THEN 'pending'
                WHEN mod(g, 20) < 16 THEN 'on_hold'
                ELSE 'resolved' END AS status,
           -- days in this status: pending 0-7 (one in 47: 8-10), resolved 0-5 (one in 43: 6-8)
           CASE WHEN mod(g, 20) BETWEEN 10 AND 14 THEN
                     CASE WHEN mod(g, 47) = 0 THEN 8 + mod(g * 7, 3) + mod(g * 13, 60) / 60.0
                          ELSE mod(g * 31, 700) / 100.0 END
                WHEN mod(g, 20) >= 16 THEN
                     CASE WHEN mod(g, 43) = 0 THEN 6 + mod(g * 7, 3) + mod(g * 13, 60) / 60.0
                          ELSE mod(g * 31, 500) / 100.0 END
                ELSE mod(g * 17, 2000) / 100.0 END AS days,
           -- the SLA clock of new and open tickets: due from 20 hours ago to 190 hours ahead
           mod(g * 7919, 211) - 20 AS due_hours
    FROM generate_series(1, %(n)s) AS g
)
INSERT INTO tickets_ticket ({columns})
SELECT {values}
FROM base
"""

TICKET_VALUES = {
    "number": "%(first)s + g",
    "subject": "'Demande ' || g",
    "type": "CASE WHEN mod(g, 4) = 0 THEN 'incident' ELSE 'question' END",
    "severity": "CASE WHEN mod(g, 97) = 0 THEN 'blocking' WHEN mod(g, 5) = 0 THEN 'minor' ELSE 'normal' END",
    "priority": "CASE WHEN mod(g, 29) = 0 THEN 'urgent' WHEN mod(g, 7) = 0 THEN 'high' ELSE 'normal' END",
    "status": "status",
    "channel": "CASE WHEN mod(g, 3) = 0 THEN 'email' ELSE 'portal' END",
    "requester_id": "(SELECT id FROM bench_jobs_req WHERE n = mod(g, %(requesters)s))",
    "organisation_id": "(SELECT organisation_id FROM bench_jobs_req WHERE n = mod(g, %(requesters)s))",
    "group_id": (
        "CASE WHEN mod(g, 31) = 0 THEN NULL ELSE (SELECT id FROM bench_jobs_grp WHERE n = mod(g / 7, 3)) END"
    ),
    "assignee_id": (
        "CASE WHEN mod(g, 3) = 0 OR mod(g, 31) = 0 THEN NULL ELSE "
        "(SELECT id FROM bench_jobs_agent WHERE grp = mod(g / 7, 3) AND n = mod(g / 3, %(agents)s)) END"
    ),
    "is_urgent": "mod(g, 29) = 0",
    "urgent_review": "false",
    "mail_thread_id": "''",
    "created_at": "%(at)s::timestamptz - (days + 1 + (mod(g, 5))) * interval '1 day'",
    "updated_at": "%(at)s::timestamptz - days * interval '1 day'",
    "status_since": "%(at)s::timestamptz - days * interval '1 day'",
    "first_response_at": (
        "CASE WHEN status = 'new' THEN NULL ELSE %(at)s::timestamptz - (days + 0.5) * interval '1 day' END"
    ),
    "resolved_at": "CASE WHEN status = 'resolved' THEN %(at)s::timestamptz - days * interval '1 day' END",
    # Reminders sent as due (after 2 and 4 days), except every tenth request, one behind.
    "reminders_sent": (
        "CASE WHEN status <> 'pending' THEN 0 "
        "ELSE GREATEST(CASE WHEN days >= 4 THEN 2 WHEN days >= 2 THEN 1 ELSE 0 END "
        "- CASE WHEN mod(g, 10) = 1 THEN 1 ELSE 0 END, 0) END"
    ),
    "sla_due_at": (
        "CASE WHEN status IN ('new', 'open') AND (due_hours >= 0 OR mod(g, 10) = 0) "
        "THEN %(at)s::timestamptz + due_hours * interval '1 hour' END"
    ),
    "sla_breached": "status IN ('new', 'open') AND due_hours < 0 AND mod(g, 10) <> 0",
}

CLOCKS_SQL = """
INSERT INTO sla_slaclock (ticket_id, policy_id, segment, metric, cycle, target, started_at, due_at,
    warn_at, paused, remaining, state, warned_at, breach_notified_at)
SELECT t.id, %(policy)s, 0, 'resolution', 0, interval '40 hours', t.created_at, d.due, d.warn, interval '0',
    CASE WHEN d.due > %(at)s THEN interval '10 hours' ELSE interval '0' END,
    CASE WHEN d.due > %(at)s OR mod(g.g, 10) = 0 THEN 'running' ELSE 'breached' END,
    -- warned when its warning time passed, except every 13th (to be warned now)
    CASE WHEN d.warn <= %(at)s AND mod(g.g, 13) <> 0 THEN d.warn END,
    CASE WHEN d.due <= %(at)s AND mod(g.g, 10) <> 0 THEN d.due END
FROM tickets_ticket t
CROSS JOIN LATERAL (SELECT t.number - %(first)s AS g) g
CROSS JOIN LATERAL (SELECT %(at)s::timestamptz + (mod(g.g * 7919, 211) - 20) * interval '1 hour' AS due) due
CROSS JOIN LATERAL (SELECT due.due, due.due - interval '10 hours' AS warn) d
WHERE t.status IN ('new', 'open')
"""


def _extra_ticket_columns(explicit: set[str]) -> list[tuple[str, Any]]:
    """Ticket columns the loader does not set (added to the model since): their default."""
    from django.db import connection

    from comptoir.tickets.models import Ticket

    return [
        (f.column, f.get_db_prep_save(f.get_default(), connection))
        for f in Ticket._meta.concrete_fields
        if f.column not in explicit and not f.primary_key
    ]


def load(n: int) -> None:
    from datetime import timedelta

    from django.db import connection

    from comptoir.accounts.models import Organisation, Tier, User
    from comptoir.calendars.models import Calendar
    from comptoir.catalog.models import Group
    from comptoir.sla.models import SLAPolicy, SLATarget
    from comptoir.tickets.models import Ticket
    from comptoir.workflow.models import DigestSchedule

    week = {d: ["09:30-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []}
    calendar = Calendar.objects.create(
        name="Bench 9:30-17:00",
        spec={"timezone": "Europe/Paris", "week": week, "holidays": {"country": "FR", "subdivision": None}},
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {i}", calendar=calendar if i % 2 else None)
        for i in range(ORGANISATIONS)
    )
    requesters = User.objects.bulk_create(
        User(username=f"req{i}", email=f"req{i}@example.org", organisation=orgs[i % ORGANISATIONS])
        for i in range(REQUESTERS)
    )
    groups = [Group.objects.create(name=f"Niveau {t}", tier=t) for t in (Tier.L1, Tier.L2, Tier.L3)]
    agents: list[tuple[int, int, int]] = []
    for gi, group in enumerate(groups):
        made = User.objects.bulk_create(
            User(
                username=f"agent{gi}-{i}",
                email=f"agent{gi}-{i}@example.org",
                role=User.Role.AGENT,
                tier=group.tier,
            )
            for i in range(AGENTS_PER_GROUP)
        )
        group.members.add(*made)
        agents += [(u.pk, gi, i) for i, u in enumerate(made)]
    for i in range(2):
        User.objects.create(username=f"chef{i}", email=f"chef{i}@example.org", role=User.Role.SUPERVISOR)
    policy = SLAPolicy.objects.create(name="Bench")
    SLATarget.objects.create(policy=policy, metric="resolution", duration=timedelta(hours=40))
    DigestSchedule.objects.create(name="Revue du matin", send_at=AT.time(), time_zone="Europe/Paris")

    model_columns = {f.column for f in Ticket._meta.concrete_fields}
    chosen = {c: v for c, v in TICKET_VALUES.items() if c in model_columns}
    extra = _extra_ticket_columns(set(chosen))
    params: dict[str, Any] = {
        "n": n,
        "at": AT,
        "first": FIRST_NUMBER,
        "requesters": REQUESTERS,
        "agents": AGENTS_PER_GROUP,
    }
    values = list(chosen.values())
    for i, (_column, value) in enumerate(extra):
        params[f"extra{i}"] = value
        values.append(f"%(extra{i})s")
    sql = TICKETS_SQL.format(
        columns=", ".join([*chosen, *(c for c, _ in extra)]), values=",\n       ".join(values)
    )
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_jobs_req (n int PRIMARY KEY, id bigint, organisation_id bigint)")
        cur.executemany(
            "INSERT INTO bench_jobs_req VALUES (%s, %s, %s)",
            [(i, u.pk, u.organisation_id) for i, u in enumerate(requesters)],
        )
        cur.execute("CREATE TABLE bench_jobs_grp (n int PRIMARY KEY, id bigint)")
        cur.executemany("INSERT INTO bench_jobs_grp VALUES (%s, %s)", list(enumerate(g.pk for g in groups)))
        cur.execute("CREATE TABLE bench_jobs_agent (grp int, n int, id bigint, PRIMARY KEY (grp, n))")
        cur.executemany(
            "INSERT INTO bench_jobs_agent VALUES (%s, %s, %s)", [(g, i, pk) for pk, g, i in agents]
        )
        cur.execute(sql, params)
        cur.execute(
            "INSERT INTO tickets_ticketevent (ticket_id, at, kind, changes, reason, is_public) "
            "SELECT id, created_at, 'created', jsonb_build_object('channel', channel, 'status', "
            "jsonb_build_array(NULL, 'new')), '', true FROM tickets_ticket"
        )
        cur.execute(CLOCKS_SQL, {"policy": policy.pk, "at": AT, "first": FIRST_NUMBER})
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), "
            "(SELECT max(id) FROM tickets_ticket))"
        )
        # The starting state every run restores.
        cur.execute(
            "CREATE TABLE bench_jobs_tickets AS SELECT id, status, status_since, reminders_sent, updated_at, "
            "resolved_at, closed_at, first_response_at, sla_due_at, sla_breached FROM tickets_ticket"
        )
        cur.execute("CREATE TABLE bench_jobs_clocks AS SELECT * FROM sla_slaclock")
        cur.execute(
            "CREATE TABLE bench_jobs_meta AS SELECT %s::int AS version, %s::int AS tickets, "
            "(SELECT max(id) FROM tickets_ticketevent) AS last_event",
            [VERSION, n],
        )
        cur.execute("VACUUM ANALYZE")


def loaded(n: int) -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_jobs_meta') IS NOT NULL")
        if not cur.fetchone()[0]:
            return False
        cur.execute("SELECT version, tickets FROM bench_jobs_meta")
        return cur.fetchone() == (VERSION, n)


def restore() -> None:
    """Back to the loaded state: tickets, clocks, history; no mail, no review sent."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE tickets_ticket t SET status = o.status, status_since = o.status_since, "
            "reminders_sent = o.reminders_sent, updated_at = o.updated_at, resolved_at = o.resolved_at, "
            "closed_at = o.closed_at, first_response_at = o.first_response_at, sla_due_at = o.sla_due_at, "
            "sla_breached = o.sla_breached FROM bench_jobs_tickets o WHERE t.id = o.id AND "
            "(t.status, t.status_since, t.reminders_sent, t.updated_at, t.sla_due_at, t.sla_breached) "
            "IS DISTINCT FROM (o.status, o.status_since, o.reminders_sent, o.updated_at, o.sla_due_at, "
            "o.sla_breached)"
        )
        cur.execute("DELETE FROM tickets_ticketevent WHERE id > (SELECT last_event FROM bench_jobs_meta)")
        cur.execute("TRUNCATE sla_slaclock")
        cur.execute("INSERT INTO sla_slaclock SELECT * FROM bench_jobs_clocks")
        cur.execute("TRUNCATE core_outboxmessage")
        cur.execute("DELETE FROM workflow_digestsending")
        cur.execute("ANALYZE tickets_ticket")
        cur.execute("ANALYZE sla_slaclock")
        cur.execute("ANALYZE tickets_ticketevent")


def describe() -> list[str]:
    from django.db.models import Count, Q

    from comptoir.sla.models import SLAClock
    from comptoir.tickets.models import Ticket

    by_status = dict(Ticket.objects.values_list("status").annotate(n=Count("pk")).order_by())
    clocks = SLAClock.objects.aggregate(
        running=Count("pk", filter=Q(state="running")),
        due_not_marked=Count("pk", filter=Q(state="running", due_at__lte=AT)),
        breached=Count("pk", filter=Q(state="breached")),
        to_warn=Count("pk", filter=Q(state="running", warned_at__isnull=True, warn_at__lte=AT)),
    )
    return [
        "  tickets by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(by_status.items())),
        f"  SLA clocks: {clocks['running']:,} running ({clocks['due_not_marked']:,} past due, not marked; "
        f"{clocks['to_warn']:,} past their warning time, not warned), {clocks['breached']:,} breached",
    ]


# Measuring ------------------------------------------------------------------------------------


@dataclass
class Measure:
    seconds: float
    statements: int
    result: int
    events: int
    mails: int


def jobs() -> list[tuple[str, Callable[[], int]]]:
    from comptoir.core import outbox
    from comptoir.sla import scan
    from comptoir.workflow import automations, digest_delivery

    return [
        ("sla mark_breaches", lambda: scan.mark_breaches(at=AT)),
        ("sla send_warnings", lambda: scan.send_warnings(at=AT)),
        ("remind_pending", lambda: automations.remind_pending(at=AT)),
        ("resolve_silent", lambda: automations.resolve_silent(at=AT)),
        ("close_resolved", lambda: automations.close_resolved(at=AT)),
        ("review (send_due)", lambda: digest_delivery.send_due(at=AT)),
        ("outbox sweep (500)", lambda: outbox.deliver_due(limit=500, at=AT)),
    ]


def measure(job: Callable[[], int]) -> Measure:
    from django.db import connection

    from comptoir.core.models import OutboxMessage
    from comptoir.tickets.models import TicketEvent

    events, mails = TicketEvent.objects.count(), OutboxMessage.objects.count()
    count = [0]

    def counter(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = job()
        seconds = time.perf_counter() - started
    return Measure(
        seconds,
        count[0],
        result,
        TicketEvent.objects.count() - events,
        OutboxMessage.objects.count() - mails,
    )


def _note(name: str, again: Measure) -> str:
    if name.startswith("outbox"):
        # The sweep delivers up to 500 due mails a run: a second run takes the next ones.
        return f"  (the next {again.result:,} due mails)" if again.result else ""
    if again.result or again.events or again.mails:
        return "  (the second run did work!)"
    return ""


def peak_memory(job: Callable[[], int]) -> int:
    tracemalloc.start()
    try:
        job()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def all_tickets_memory(n: int) -> float:
    """What holding every ticket as a model instance takes, from a sample of 5,000."""
    from comptoir.tickets.models import Ticket

    sample = min(5000, n)
    tracemalloc.start()
    rows = list(Ticket.objects.all()[:sample])
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del rows
    return size * n / sample


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    existed = harness.ensure_postgres_database(args.database_url, fresh=args.reload)
    harness.configure_django(var=harness.var_dir("bench-jobs"), database_url=args.database_url)
    from django.db import DatabaseError, connections

    fresh = not existed or not loaded(args.tickets)
    if existed and fresh:
        print("The kept database does not hold a complete load of this shape: loading it again.")
        connections.close_all()
        harness.ensure_postgres_database(args.database_url, fresh=True)
    try:
        harness.migrate()
    except DatabaseError as exc:
        print(f"The kept database does not match the migrations ({exc}): loading it again.".strip())
        connections.close_all()
        harness.ensure_postgres_database(args.database_url, fresh=True)
        harness.migrate()
        fresh = True

    print("\n=== bench_periodic_jobs — PostgreSQL ===")
    harness.print_machine()
    if fresh:
        started = time.perf_counter()
        load(args.tickets)
        print(f"\nloaded {args.tickets:,} tickets (none closed) in {time.perf_counter() - started:.0f} s")
    else:
        print(f"\nreusing the loaded {args.tickets:,} tickets")
    restore()
    print(f"at {AT:%A %d %B %Y %H:%M} (Europe/Paris)")
    for line in describe():
        print(line)

    print(
        f"\n{'job':<20} {'first run':>10} {'SQL':>7} {'did':>7} {'events':>7} {'mails':>6}   "
        f"{'same minute again':>17} {'SQL':>5}"
    )
    # A first pass, not shown, loads what a running consumer has in memory already (code,
    # templates, the SLA catalogue); then from the same starting state each job runs,
    # and at once a second time in the same minute.
    for _name, job in jobs():
        job()
    restore()
    firsts = []
    for name, job in jobs():
        first, again = measure(job), measure(job)
        firsts.append((name, first))
        print(
            f"{name:<20} {first.seconds * 1000:>8.0f} ms {first.statements:>7,} {first.result:>7,} "
            f"{first.events:>7,} {first.mails:>6,}   {again.seconds * 1000:>14.0f} ms {again.statements:>5,}"
            + _note(name, again)
        )
    total = sum(m.seconds for _n, m in firsts)
    print(f"{'all jobs':<20} {total * 1000:>8.0f} ms {sum(m.statements for _n, m in firsts):>7,}")

    if not args.no_memory:
        restore()
        print("\npeak Python memory of each job (tracemalloc, from the same starting state)")
        for name, job in jobs():
            print(f"  {name:<20} {peak_memory(job) / 2**20:>7.1f} MiB")
        print(
            f"  {'for comparison':<20} {all_tickets_memory(args.tickets) / 2**20:>7.1f} MiB to hold every "
            f"ticket as a model instance"
        )
    restore()


if __name__ == "__main__":
    main(sys.argv[1:])
