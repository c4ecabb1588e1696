"""Benchmark: the supervisors' dashboard over 1,000,000 tickets in PostgreSQL.

The tickets and their events are bulk-loaded as ``bench_pages.py`` loads them (five years,
50 organisations, L1/L2/L3, 3-6 events per ticket: created, taken, opened, answered,
resolved, closed), every organisation on procedure 000's 9:30-17:00 calendar, and SLA
clocks in SQL for the answered and resolved tickets (acknowledgement within 1 hour,
resolution within 2 days, met or breached from the events' times). Then the reports'
facts and daily roll-ups are built by the real code (``comptoir.reports.facts.rebuild``):
its rate is printed. The database (``comptoir_bench_reports``) is kept: a rerun measures at
once (``--reload`` loads it again, ``--refill`` rebuilds only the facts).

Each case is a GET through Django's test Client as a supervisor (or an organisation admin):
the dashboard for the last 365 days (target: under 1 second), table pages, a report
filtered on two dimensions (read from the facts, not the roll-ups), the organisation
admin's page, the API. Figures: p50/p95/max latency, SQL queries and their time.

    .venv/bin/python bench/bench_reports.py
    .venv/bin/python bench/bench_reports.py --requests 20 --tickets 200000
    .venv/bin/python bench/bench_reports.py --refill
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from typing import Any

import harness

TARGET_MS = 1000
LOAD_VERSION = 1

CLOCKS_SQL = """
INSERT INTO sla_slaclock (ticket_id, policy_id, segment, metric, cycle, target, started_at, due_at, warn_at,
                          paused, remaining, state, ended_at, warned_at, breach_notified_at)
SELECT t.id, %(policy)s, 0, %(metric)s, 0, %(target)s, t.created_at, t.created_at + %(target)s, NULL,
       interval '0', interval '0',
       CASE WHEN e.at <= t.created_at + %(target)s THEN 'met' ELSE 'breached' END,
       e.at, NULL, NULL
FROM tickets_ticket t
JOIN LATERAL (
    SELECT min(ev.at) AS at FROM tickets_ticketevent ev
    WHERE ev.ticket_id = t.id AND ev.kind = %(kind)s
      AND (%(status)s = '' OR ev.changes->'status'->>1 = %(status)s)
) e ON e.at IS NOT NULL
WHERE t.id BETWEEN %(lo)s AND %(hi)s
ON CONFLICT DO NOTHING
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=f"{harness.DEFAULT_PG_SERVER}/comptoir_bench_reports",
        help="PostgreSQL database, kept between runs (its name must start with comptoir_bench)",
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true", help="drop the database and load it again")
    parser.add_argument("--refill", action="store_true", help="rebuild the reports' facts and roll-ups")
    parser.add_argument(
        "--fact-days",
        type=int,
        default=400,
        help="build the facts of the tickets received in the last N days (0: every ticket); "
        "a year's dashboard reads no older day",
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per case first")
    return parser.parse_args(argv)


def loaded(expected: int) -> dict[str, Any] | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_reports_meta') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT version, tickets, load_seconds, fill_seconds, filled FROM bench_reports_meta")
        row = cursor.fetchone()
    if row is None or row[0] != LOAD_VERSION or row[1] != expected:
        return None
    return dict(zip(("version", "tickets", "load_seconds", "fill_seconds", "filled"), row, strict=True))


def load(n: int) -> float:
    """Tickets, events and clocks; returns the seconds it took."""
    import bench_pages
    from django.db import connection

    from comptoir.accounts.models import Organisation
    from comptoir.calendars.models import Calendar
    from comptoir.sla.models import SLAPolicy

    started = time.perf_counter()
    ref = bench_pages.load_reference_data()
    print(f"  SLA: {bench_pages.make_sla_policies()}", flush=True)
    calendar = Calendar.objects.get(name__startswith="Support")
    Organisation.objects.update(calendar=calendar)
    bench_pages.load(n, ref)
    policy = SLAPolicy.objects.get(name__contains="demandes").pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM tickets_ticket")
        lo, hi = cursor.fetchone()
        for start in range(lo, hi + 1, 250_000):
            window = {"lo": start, "hi": min(start + 249_999, hi), "policy": policy}
            cursor.execute(
                CLOCKS_SQL,
                {
                    **window,
                    "metric": "acknowledgement",
                    "target": timedelta(hours=1),
                    "kind": "replied",
                    "status": "",
                },
            )
            cursor.execute(
                CLOCKS_SQL,
                {
                    **window,
                    "metric": "resolution",
                    "target": timedelta(days=2),
                    "kind": "status_changed",
                    "status": "resolved",
                },
            )
            print(
                f"  … SLA clocks of tickets up to id {window['hi']} ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
        cursor.execute("VACUUM (ANALYZE) sla_slaclock")
        cursor.execute(
            "CREATE TABLE bench_reports_meta (version int, tickets int, load_seconds float, "
            "fill_seconds float, filled boolean DEFAULT false)"
        )
        seconds = time.perf_counter() - started
        cursor.execute(
            "INSERT INTO bench_reports_meta (version, tickets, load_seconds) VALUES (%s, %s, %s)",
            [LOAD_VERSION, n, seconds],
        )
    return seconds


def fill(days: int | None) -> float:
    """The reports' facts and roll-ups, by the real code (``facts.rebuild_tickets`` a
    batch of tickets per transaction, then ``facts.rollup`` once per day), for the tickets
    received in the last ``days`` days (None: every ticket); returns the seconds it took."""
    from django.db import connection, transaction
    from django.utils import timezone

    from comptoir.reports import facts
    from comptoir.reports.models import DailyFact, Fact, FillState
    from comptoir.tickets.models import Ticket, TicketEvent

    DailyFact.objects.all().delete()
    Fact.objects.all().delete()
    started = time.perf_counter()
    tickets = Ticket.objects.all()
    if days is not None:
        tickets = tickets.filter(created_at__gte=timezone.now() - timedelta(days=days))
    total = tickets.count()
    cat = facts.catalogue()
    last, done, batch, touched = 0, 0, 1000, set()
    while True:
        ids = list(tickets.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            break
        with transaction.atomic():
            touched |= facts.rebuild_tickets(ids, cat=cat)
        done, last = done + len(ids), ids[-1]
        if done % 20_000 < batch:
            rate = done / (time.perf_counter() - started)
            print(f"  … facts of {done:,} / {total:,} tickets ({rate:,.0f} tickets/s)", flush=True)
    facts_seconds = time.perf_counter() - started
    with transaction.atomic():
        rows = facts.rollup(touched)
        # The filler goes on from the last event, as facts.rebuild leaves it.
        top = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        FillState.objects.update_or_create(pk=1, defaults={"last_event_id": top})
    seconds = time.perf_counter() - started
    print(
        f"  facts of {done:,} tickets in {facts_seconds:.0f} s ({done / facts_seconds:,.0f} tickets/s); "
        f"{rows:,} roll-up rows for {len(touched):,} days in {seconds - facts_seconds:.0f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) reports_fact")
        cursor.execute("VACUUM (ANALYZE) reports_dailyfact")
        cursor.execute("UPDATE bench_reports_meta SET fill_seconds = %s, filled = true", [seconds])
    return seconds


def describe() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) "
            "FROM pg_stat_user_tables WHERE relname IN ('tickets_ticket', 'tickets_ticketevent', "
            "'sla_slaclock', 'reports_fact', 'reports_dailyfact') ORDER BY relname"
        )
        return [f"{name}: {rows:,} rows, {size}" for name, rows, size in cursor.fetchall()]


class Case:
    def __init__(self, label: str, url: str, client: Any) -> None:
        self.label, self.url, self.client = label, url, client
        self.latencies: list[float] = []
        self.queries = 0
        self.sql_ms = 0.0


def measure(cases: list[Case], *, requests: int, warmup: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for case in cases:
        for _ in range(warmup):
            response = case.client.get(case.url)
            assert response.status_code == 200, (case.url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            case.client.get(case.url)
        case.queries = len(captured.captured_queries)
        case.sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    for _ in range(requests):
        for case in cases:
            started = time.perf_counter()
            case.client.get(case.url)
            case.latencies.append(time.perf_counter() - started)


def run(args: argparse.Namespace) -> None:
    url = args.database_url
    existed = harness.ensure_postgres_database(url, fresh=args.reload)
    harness.configure_django(var=harness.var_dir("bench-reports"), database_url=url)
    from django.db import connections

    meta = loaded(args.tickets) if existed else None
    if existed and meta is None:
        print("The kept database does not hold a complete load of this shape: loading it again.")
        connections.close_all()
        harness.ensure_postgres_database(url, fresh=True)
    harness.migrate()
    print("\n=== bench_reports — PostgreSQL ===")
    harness.print_machine()
    if meta is None:
        print(f"\nLoading {args.tickets:,} tickets with their events and SLA clocks …", flush=True)
        print(f"  loaded in {load(args.tickets):.0f} s", flush=True)
        meta = loaded(args.tickets)
        assert meta is not None
    else:
        print(
            f"\nReusing the loaded database ({meta['tickets']:,} tickets, "
            f"loaded in {meta['load_seconds']:.0f} s)"
        )
    if not meta["filled"] or args.refill:
        print("\nBuilding the reports' facts and daily roll-ups (comptoir.reports.facts) …", flush=True)
        print(f"  built in {fill(args.fact_days or None):.0f} s")
    else:
        print(f"  facts and roll-ups were built in {meta['fill_seconds']:.0f} s (--refill: again)")
    for line in describe():
        print(f"  {line}")

    from django.test import Client
    from django.utils import timezone

    from comptoir.accounts.models import User
    from comptoir.catalog.models import Product

    today = timezone.localdate()
    year = f"from={today - timedelta(days=364)}&to={today}"
    supervisor = Client()
    supervisor.force_login(User.objects.filter(role="supervisor").order_by("pk").first())
    org_admin = User.objects.filter(role="org_admin").order_by("pk").first()
    admin_client = Client()
    admin_client.force_login(org_admin)
    product = Product.objects.order_by("pk").first()
    cases = [
        Case("dashboard, last 365 days", f"/reports/?{year}", supervisor),
        Case("dashboard, last 365 days, one product", f"/reports/?{year}&product={product.pk}", supervisor),
        Case(
            "dashboard, last 30 days", f"/reports/?from={today - timedelta(days=29)}&to={today}", supervisor
        ),
        Case("response times per month, a year", f"/reports/response_times/?{year}&by=month", supervisor),
        Case("response times per agent, a year", f"/reports/response_times/?{year}&by=agent", supervisor),
        Case("SLA per organisation, a year", f"/reports/sla/?{year}&by=organisation", supervisor),
        Case(
            "volume per week, two filters (from the facts)",
            f"/reports/volume/?{year}&by=week&product={product.pk}&priority=normal",
            supervisor,
        ),
        Case("quota per organisation, a year", f"/reports/quota/?{year}", supervisor),
        Case("organisation admin's page, a year", f"/reports/organisation/?{year}", admin_client),
        Case(
            "API: response times per month, a year",
            f"/api/v1/reports/response_times?{year}&by=month",
            supervisor,
        ),
    ]
    print(
        f"\nMeasuring {len(cases)} cases: {args.warmup} warm-up requests each, then {args.requests} rounds",
        flush=True,
    )
    measure(cases, requests=args.requests, warmup=args.warmup)
    print(f"\nLatency per request (ms); target for the dashboard of a year: under {TARGET_MS} ms")
    print(f"  {'case':<48} {'n':>4} {'p50':>7} {'p95':>7} {'max':>7} {'SQL':>4} {'SQL ms':>7}")
    for case in cases:
        ms = sorted(x * 1000 for x in case.latencies)
        print(
            f"  {case.label:<48} {len(ms):4d} {statistics.median(ms):7.1f} {harness.percentile(ms, 95):7.1f} "
            f"{ms[-1]:7.1f} {case.queries:4d} {case.sql_ms:7.1f}"
            + (
                "  " + ("met" if harness.percentile(ms, 95) < TARGET_MS else "MISSED")
                if "dashboard" in case.label
                else ""
            )
        )
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    run(parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
