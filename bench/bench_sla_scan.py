"""Benchmark: the SLA breach scan with 1,000,000 running clocks on PostgreSQL.

Builds (once; ``--reuse`` keeps it between runs) 1,000,000 tickets, each with one running
resolution clock due in the future, then measures ``comptoir.sla.scan.mark_breaches``:

1. when nothing is due: one indexed query on the partial ``due_at`` index (target < 1 s);
2. when 10,000 clocks have just become due: each is marked breached, its ticket's SLA
   summary updated, a history line and an alert mail (outbox row) written (target < 5 s).

    .venv/bin/python bench/bench_sla_scan.py [--clocks 1000000] [--due 10000] [--reuse]
"""

from __future__ import annotations

import argparse
import sys
import time

import harness


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=f"{harness.DEFAULT_PG_SERVER}/comptoir_bench_sla")
    parser.add_argument("--clocks", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database if it has the clocks")
    return parser.parse_args(argv)


def load(clocks: int) -> None:
    """Bulk-load tickets and their clocks in SQL (generate_series), then ANALYZE."""
    from datetime import timedelta

    from django.db import connection

    from comptoir.accounts.models import Organisation, Tier, User
    from comptoir.catalog.models import Group
    from comptoir.sla.models import SLAPolicy, SLATarget

    org = Organisation.objects.create(name="Paroisse")
    requester = User.objects.create(username="requester", email="r@example.org", organisation=org)
    agent = User.objects.create(username="agent", email="a@example.org", role=User.Role.AGENT, tier=Tier.L1)
    User.objects.create(username="chef", email="chef@example.org", role=User.Role.SUPERVISOR)
    group = Group.objects.create(name="L1", tier=Tier.L1)
    group.members.add(agent)
    policy = SLAPolicy.objects.create(name="Bench")
    SLATarget.objects.create(policy=policy, metric="resolution", duration=timedelta(hours=40))
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO tickets_ticket (number, subject, type, severity, priority, status, channel,
                requester_id, organisation_id, group_id, assignee_id, is_urgent, created_at, updated_at,
                sla_due_at, sla_breached)
            SELECT 100000 + g, 'Ticket ' || g, 'question', 'normal', 'normal', 'open', 'portal',
                %s, %s, %s, CASE WHEN g %% 3 = 0 THEN %s END, false, now() - interval '1 day', now(),
                now() + interval '30 days' + (g || ' seconds')::interval, false
            FROM generate_series(1, %s) AS g
            """,
            [requester.pk, org.pk, group.pk, agent.pk, clocks],
        )
        cur.execute(
            """
            INSERT INTO sla_slaclock (ticket_id, policy_id, segment, metric, cycle, target, started_at,
                due_at, warn_at, paused, remaining, state)
            SELECT id, %s, 0, 'resolution', 0, interval '40 hours', created_at, sla_due_at,
                sla_due_at + interval '1 day', interval '0', interval '10 hours', 'running'
            FROM tickets_ticket
            """,
            [policy.pk],
        )
        cur.execute("ANALYZE")


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    existed = harness.ensure_postgres_database(args.database_url, fresh=not args.reuse)
    harness.configure_django(var=harness.var_dir("sla-scan"), database_url=args.database_url)
    harness.migrate()
    from django.db import connection

    from comptoir.core.models import OutboxMessage
    from comptoir.sla import scan
    from comptoir.sla.models import SLAClock

    harness.print_machine()
    total = SLAClock.objects.count() if existed else 0
    if total < args.clocks:
        if existed:
            raise SystemExit("the reused database is incomplete: run without --reuse")
        started = time.perf_counter()
        load(args.clocks)
        print(f"loaded {args.clocks:,} tickets and running clocks in {time.perf_counter() - started:.1f} s")
    else:
        # A previous run breached some: every clock runs again, due in the future.
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE sla_slaclock SET state = 'running', breach_notified_at = NULL, warned_at = NULL, "
                "due_at = now() + interval '30 days' + (id || ' seconds')::interval"
            )
            cur.execute("ANALYZE sla_slaclock")
        print(f"reusing {total:,} clocks, all running again")

    scan.mark_breaches()  # warm-up (and leaves nothing due)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        marked = scan.mark_breaches()
        times.append(time.perf_counter() - started)
        assert marked == 0
    print(
        f"nothing due: mark_breaches {min(times) * 1000:.1f} ms best, {max(times) * 1000:.1f} ms worst of 5"
    )

    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE sla_slaclock SET due_at = now() - interval '1 minute'
            WHERE id IN (SELECT id FROM sla_slaclock WHERE state = 'running' ORDER BY due_at LIMIT %s)
            """,
            [args.due],
        )
    outbox_before = OutboxMessage.objects.count()
    started = time.perf_counter()
    marked = scan.mark_breaches()
    elapsed = time.perf_counter() - started
    mails = OutboxMessage.objects.count() - outbox_before
    print(
        f"{marked:,} newly due: mark_breaches {elapsed:.2f} s "
        f"({marked / elapsed:,.0f} clocks/s; {mails:,} alert mails written to the outbox)"
    )
    print("targets: < 1 s when nothing is due, < 5 s for 10,000 newly due clocks")


if __name__ == "__main__":
    main(sys.argv[1:])
