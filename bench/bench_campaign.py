"""Benchmark: a campaign to 10,000 then 100,000 recipients delivered to a local SMTP sink.

For each size: a contact list is imported from a generated CSV file through the import
service (its time is printed too), a campaign to its version is started, and a consumer
*process* (this script with ``--consume``, what a ``comptoir worker`` task runs:
``campaigns.sending.run``) sends it through Django's SMTP backend to an aiosmtpd sink
running in another process, which only counts the mails. Figures: mails per second, the
consumer's peak memory (``VmHWM``, and with ``--tracemalloc`` the Python allocation
peak, which slows sending), and SQL statements per mail. Memory must stay flat: a batch
holds at most ``--batch`` rows, whatever the size of the list.

    .venv/bin/python bench/bench_campaign.py                     # SQLite then PostgreSQL
    .venv/bin/python bench/bench_campaign.py --db sqlite --sizes 10000 100000 --tracemalloc

PostgreSQL is ``comptoir_bench_campaign`` (``--database-url``), dropped and created
afresh; SQLite is a file in a fresh temporary var directory. No rate limit
(``COMPTOIR_CAMPAIGN_RATE=0``): the figures are the sender's own speed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import harness

DB_NAME = "comptoir_bench_campaign"

SINK = r"""
import asyncio, signal, sys
from aiosmtpd.controller import Controller

class Counter:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Counter.count += len(envelope.rcpt_tos)
        return "250 OK"

controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
for line in sys.stdin:
    print(Counter.count, flush=True)
controller.stop()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """The SMTP sink in its own process; ``count()`` asks it how many mails it took."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", SINK, str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def count(self) -> int:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("?\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--database-url", default=f"{harness.DEFAULT_PG_SERVER}/{DB_NAME}")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch", type=int, default=500, help="COMPTOIR_CAMPAIGN_BATCH")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace the consumer's Python allocations"
    )
    parser.add_argument("--consume", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def peak_rss_kib() -> int:
    """This process's peak resident memory. ``VmHWM`` on Linux: ``ru_maxrss`` would count the
    parent's memory at fork time, which Linux carries across ``exec``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def consume(campaign_id: int, *, trace: bool) -> None:
    """The consumer process: send the whole campaign, print its figures as JSON."""
    import django

    django.setup()
    from django.db import connection

    from comptoir.campaigns import sending
    from comptoir.campaigns.models import Campaign
    from comptoir.core.clock import now as clock_now

    if trace:
        tracemalloc.start()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    def rss_mib() -> float:
        return peak_rss_kib() / 1024

    # The peak RSS after the audience is written, then every 10 % of the campaign: flat
    # memory shows as a flat series.
    checkpoints: list[tuple[int, float]] = []
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        sent = 0
        while True:
            result = sending.send_batch(campaign_id=campaign_id, at=clock_now())
            sent += result.sent
            if not checkpoints:
                total = Campaign.objects.get(pk=campaign_id).total  # written by the first batch
                checkpoints.append((sent, round(rss_mib(), 1)))
            elif sent >= checkpoints[-1][0] + max(total // 10, 1):
                checkpoints.append((sent, round(rss_mib(), 1)))
            if result.claimed and result.next_at is None:
                break
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    maxrss = peak_rss_kib()
    print(
        json.dumps(
            {
                "elapsed": elapsed,
                "queries": queries,
                "traced_peak": peak,
                "maxrss_kib": maxrss,
                "rss": checkpoints,
            }
        )
    )


def build(size: int) -> int:
    """A list of ``size`` contacts imported from CSV, a newsletter campaign to it, started."""
    from comptoir.accounts.models import User
    from comptoir.campaigns import imports, services
    from comptoir.campaigns.models import NoticeTemplate

    supervisor, _ = User.objects.get_or_create(
        username="bench-supervisor", defaults={"role": User.Role.SUPERVISOR, "email": "sup@example.org"}
    )
    contact_list = imports.create_list(by=supervisor, name=f"Utilisateurs {size}")
    lines = ["email;nom;structure;ville"]
    lines += [f"usager{i:06d}@example.net;Usager {i};CCAS {i % 97};Ville {i % 13}" for i in range(size)]
    data = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    version = imports.upload(contact_list=contact_list, by=supervisor, filename="users.csv", data=data)
    version = imports.run_import(
        version,
        by=supervisor,
        mapping=version.mapping,
        has_header=version.has_header,
        delimiter=version.delimiter,
    )
    elapsed = time.perf_counter() - started
    print(
        f"  import of {size:,} rows ({len(data) / 2**20:.1f} MiB): {elapsed:.1f} s,"
        f" {size / elapsed:,.0f} rows/s"
    )
    template = services.default_template(NoticeTemplate.Kind.NEWSLETTER)
    campaign = services.create_campaign(by=supervisor, template=template, versions=[version])
    services.start(campaign, by=supervisor)
    return campaign.pk


def run_target(label: str, database_url: str | None, args: argparse.Namespace) -> None:
    sink = Sink()
    os.environ["EMAIL_URL"] = f"smtp+plain://127.0.0.1:{sink.port}"
    os.environ["COMPTOIR_CAMPAIGN_RATE"] = "0"
    os.environ["COMPTOIR_CAMPAIGN_BATCH"] = str(args.batch)
    harness.configure_django(var=harness.var_dir("campaign"), database_url=database_url)
    harness.migrate()
    harness.print_machine()
    print(f"\n{label}: batches of {args.batch}, no rate limit, SMTP sink in another process")
    rows = []
    try:
        for size in args.sizes:
            before = sink.count()
            campaign_id = build(size)
            command = [sys.executable, __file__, "--consume", str(campaign_id)]
            if args.tracemalloc:
                command.append("--tracemalloc")
            started = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            wall = time.perf_counter() - started
            if result.returncode != 0:
                raise SystemExit(result.stderr)
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            delivered = sink.count() - before
            from comptoir.campaigns.models import Campaign

            campaign = Campaign.objects.get(pk=campaign_id)
            assert delivered == size, (delivered, size)
            assert campaign.state == Campaign.State.DONE
            rate = size / figures["elapsed"]
            traced = (
                f"{figures['traced_peak'] / 2**20:.1f} MiB" if figures["traced_peak"] is not None else "—"
            )
            rows.append((size, rate, figures["maxrss_kib"] / 1024, traced, figures["queries"] / size, wall))
            print(
                f"  {size:>7,} recipients: {rate:,.0f} mails/s ({figures['elapsed']:.1f} s sending, "
                f"{wall:.1f} s with process start), consumer peak RSS "
                f"{figures['maxrss_kib'] / 1024:.1f} MiB, tracemalloc peak {traced}, "
                f"{figures['queries'] / size:.2f} SQL per mail; sink got {delivered:,}"
            )
            print(
                "    consumer peak RSS (MiB) as the mails go: "
                + ", ".join(f"{n:,}: {m}" for n, m in figures["rss"])
            )
            sys.stdout.flush()
    finally:
        sink.stop()
    print(f"\n{label} summary")
    print(f"  {'recipients':>10} {'mails/s':>9} {'peak RSS':>10} {'tracemalloc':>12} {'SQL/mail':>9}")
    for size, rate, rss, traced, sql, _wall in rows:
        print(f"  {size:>10,} {rate:>9,.0f} {rss:>7.1f} MiB {traced:>12} {sql:>9.2f}")


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.consume:
        consume(args.consume, trace="--tracemalloc" in argv)
        return
    targets = []
    if args.db in {"sqlite", "both"}:
        targets.append(("SQLite", None))
    if args.db in {"postgresql", "both"}:
        targets.append(("PostgreSQL", args.database_url))
    if len(targets) > 1:
        # One process per database: Django is configured once per process.
        for label, _url in targets:
            db = "sqlite" if label == "SQLite" else "postgresql"
            extra = ["--tracemalloc"] if args.tracemalloc else []
            subprocess.run(  # noqa: S603 - this script again
                [
                    sys.executable,
                    __file__,
                    "--db",
                    db,
                    "--database-url",
                    args.database_url,
                    "--batch",
                    str(args.batch),
                    "--sizes",
                    *map(str, args.sizes),
                    *extra,
                ],
                check=True,
            )
        return
    label, url = targets[0]
    if url:
        harness.ensure_postgres_database(url, fresh=True)
    run_target(label, url, args)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main(sys.argv[1:])
