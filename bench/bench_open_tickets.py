"""Benchmark: opening tickets through ``comptoir.tickets.services.open_ticket``.

Each ticket is what a portal request produces: a requester with an organisation, a product
whose default group receives the ticket, the first message, the ``created`` event, the SLA
clocks (procedure 000's policies) and the acknowledgement mail written to the outbox, in one
transaction; after commit the outbox kick enqueues a delivery task (Huey's in-memory queue
by default, so delivery itself is not measured). Figures: tickets per second on one
connection (and on several processes with ``--processes``), per-ticket latency, SQL
statements and transactions per ticket, time spent waiting for the database, and the cost
of the after-commit kick.

    .venv/bin/python bench/bench_open_tickets.py                      # SQLite, then PostgreSQL
    .venv/bin/python bench/bench_open_tickets.py --db postgresql --tickets 10000 --processes 2
    .venv/bin/python bench/bench_open_tickets.py --db sqlite --profile

SQLite is a file in a fresh temporary var directory (the embedded default); PostgreSQL is
the database named by ``--database-url`` (default ``comptoir_bench``), dropped and created
afresh each run. Targets (from the issue): at most 6 queries and one transaction per
ticket, at least 400 tickets/s on PostgreSQL. A profile is printed when the rate target is
missed, or with ``--profile``.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import harness

TARGET_QUERIES = 6
TARGET_TRANSACTIONS = 1
TARGET_RATE_POSTGRESQL = 400

SUBJECTS = [
    "Impossible d'importer mes contacts dans la lettre d'information",
    "URGENT : la comptabilité ne démarre plus",
    "Comment ajouter un rédacteur à notre site ?",
    "Erreur 500 en enregistrant une actualité",
    "Question sur la facture de mars",
    "Le formulaire de contact n'envoie plus rien",
    "Demande d'évolution : export CSV des inscrits",
    "Mot de passe oublié pour le compte de la paroisse",
]
BODY = (
    "Bonjour,\n\nDepuis ce matin, quand j'essaie d'importer le fichier des contacts (environ "
    "800 lignes, exporté depuis le tableur), l'outil affiche « format non reconnu » et rien "
    "n'est importé. J'ai essayé avec un fichier plus petit, même résultat. Pouvez-vous "
    "regarder ? La lettre doit partir vendredi.\n\nMerci d'avance,\nJean Martin\n"
    "Secrétariat de la paroisse Saint-Martin"
)
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--database-url",
        default=f"{harness.DEFAULT_PG_SERVER}/comptoir_bench",
        help="PostgreSQL database to drop and recreate (its name must start with comptoir_bench)",
    )
    parser.add_argument("--tickets", type=int, default=10_000, help="tickets in the timed run")
    parser.add_argument("--warmup", type=int, default=100, help="tickets opened before measuring")
    parser.add_argument("--sample", type=int, default=200, help="tickets whose SQL is counted")
    parser.add_argument(
        "--processes", type=int, default=1, help="also open --tickets tickets from this many processes"
    )
    parser.add_argument("--floor-tickets", type=int, default=2000, help="iterations of the database floor")
    parser.add_argument(
        "--no-sla", dest="sla", action="store_false", help="no SLA policy (opening starts no clock)"
    )
    parser.add_argument("--profile", action="store_true", help="print a profile even if the target is met")
    parser.add_argument("--profile-tickets", type=int, default=1000)
    parser.add_argument(
        "--profiler",
        choices=["auto", "pyinstrument", "cprofile"],
        default="auto",
        help="auto: pyinstrument if installed in the venv (not a project dependency), else cProfile",
    )
    parser.add_argument(
        "--tasks-url",
        default="memory://",
        help="task queue the outbox kick enqueues into: memory:// (default), redis://…, "
        "or 'embedded' (SqliteHuey in the var dir, the embedded default)",
    )
    return parser.parse_args(argv)


# -- the work measured ------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    requester_pk: int
    product_pk: int


CALENDAR_SPEC = {
    "timezone": "Europe/Paris",
    "week": {
        **{day: ["09:30-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": [],
        "sun": [],
    },
    "holidays": {"country": "FR", "subdivision": None},
    "holiday_hours": [],
    "closures": [],
    "openings": {},
}


def make_world(*, sla: bool) -> tuple[World, str]:
    """The requester, the product and (unless ``sla`` is off) procedure 000's SLA policies
    on the organisation's 9:30-17:00 calendar, so that opening a ticket starts its clocks
    as it does in a real desk. Returns the world and a description of the SLA set-up."""
    from comptoir.accounts.models import Organisation, Tier, User
    from comptoir.calendars.models import Calendar
    from comptoir.catalog.models import Component, Group, Product

    calendar = Calendar.objects.create(name="Spyrit — 9h30-17h00", spec=CALENDAR_SPEC)
    organisation = Organisation.objects.create(name="Paroisse Saint-Martin", language="fr", calendar=calendar)
    # language left empty (the default: "the browser's language"), so the acknowledgement
    # mail takes the organisation's language, as it does for most requesters.
    requester = User.objects.create(
        username="jeanmartin",
        first_name="Jean",
        last_name="Martin",
        email="jean.martin@paroisse-saint-martin.example",
        organisation=organisation,
        role=User.Role.REQUESTER,
    )
    group = Group.objects.create(name="Support N1", tier=Tier.L1)
    product = Product.objects.create(name="Lettre d'information", default_group=group)
    Component.objects.create(product=product, name="Import des contacts")
    described = "none (--no-sla)"
    if sla:
        try:
            from comptoir.sla import presets
        except ImportError:
            described = "none (no SLA app in this tree)"
        else:
            made = presets.procedure_000(calendar, [organisation])
            described = f"{len(made)} policies of procedure 000 on a 9:30-17:00 calendar"
    return World(requester_pk=requester.pk, product_pk=product.pk), described


_rows: dict[tuple[type, int], dict[str, Any]] = {}


def fresh(model: type, pk: int) -> Any:
    """An instance with no related object cached, like the one the auth middleware (the
    requester) or a form's ModelChoiceField (the product) hands each request. Read once
    from the database, then rebuilt in memory so that reading it is not measured."""
    key = (model, pk)
    if key not in _rows:
        _rows[key] = model.objects.filter(pk=pk).values(*(f.attname for f in model._meta.concrete_fields))[0]
    return model.from_db("default", None, list(_rows[key].values()))


def open_one(world: World, i: int) -> Any:
    from comptoir.accounts.models import User
    from comptoir.catalog.models import Group, Product
    from comptoir.tickets import services
    from comptoir.tickets.new_request import NewRequest
    from comptoir.tickets.vocabulary import Channel

    product = fresh(Product, world.product_pk)
    # The forms load products with select_related("default_group"): do the same.
    product.default_group = fresh(Group, product.default_group_id)
    request = NewRequest(
        requester=fresh(User, world.requester_pk),
        subject=f"{SUBJECTS[i % len(SUBJECTS)]} ({i})",
        body=BODY,
        channel=Channel.PORTAL,
        product=product,
    )
    return services.open_ticket(request)


# -- instruments ------------------------------------------------------------------------


@dataclass
class KickTimer:
    """Wraps the outbox's after-commit kick to time it (it enqueues one task per ticket)."""

    calls: int = 0
    seconds: float = 0.0

    def install(self) -> Callable[[], None]:
        from comptoir.core import outbox

        original = outbox._kick

        def timed() -> None:
            start = time.perf_counter()
            try:
                original()
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        outbox._kick = timed  # looked up when the service registers its on_commit callback

        def restore() -> None:
            outbox._kick = original

        return restore


@dataclass
class SqlRecorder:
    """Every statement the default connection runs, with its time, plus the commits and
    savepoints that do not go through a cursor (psycopg begins transactions implicitly)."""

    statements: list[tuple[str, bool, float]] = field(default_factory=list)  # sql, in atomic, seconds
    commits: int = 0
    commit_seconds: float = 0.0
    savepoints: int = 0
    rollbacks: int = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        from django.db import connection

        in_atomic = connection.in_atomic_block
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, in_atomic, time.perf_counter() - start))

    def patch_connection(self) -> Callable[[], None]:
        from django.db import connection

        originals = {name: getattr(connection, name) for name in ("_commit", "_savepoint", "_rollback")}

        def commit() -> None:
            start = time.perf_counter()
            originals["_commit"]()
            self.commits += 1
            self.commit_seconds += time.perf_counter() - start

        def savepoint(sid: str) -> None:
            self.savepoints += 1
            originals["_savepoint"](sid)

        def rollback() -> None:
            self.rollbacks += 1
            originals["_rollback"]()

        connection._commit, connection._savepoint, connection._rollback = commit, savepoint, rollback

        def restore() -> None:
            for name in originals:
                delattr(connection, name)

        return restore

    @property
    def queries(self) -> list[tuple[str, bool, float]]:
        return [s for s in self.statements if not s[0].lstrip().upper().startswith(CONTROL)]

    @property
    def control(self) -> list[tuple[str, bool, float]]:
        return [s for s in self.statements if s[0].lstrip().upper().startswith(CONTROL)]


def shorten(sql: str, width: int = 100) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


# -- phases -----------------------------------------------------------------------------


def count_sql(world: World, tickets: int, start: int) -> dict[str, Any]:
    from django.db import connection

    per_ticket: list[SqlRecorder] = []
    started = time.perf_counter()
    for i in range(start, start + tickets):
        one = SqlRecorder()
        restore = one.patch_connection()
        try:
            with connection.execute_wrapper(one):
                open_one(world, i)
        finally:
            restore()
        per_ticket.append(one)
    elapsed = time.perf_counter() - started
    queries = [len(r.queries) for r in per_ticket]
    implicit = [sum(1 for _, atomic, _ in r.queries if not atomic) for r in per_ticket]
    db_seconds = sum(s for r in per_ticket for _, _, s in r.statements) + sum(
        r.commit_seconds for r in per_ticket
    )
    return {
        "tickets": tickets,
        "queries": queries,
        "control": [len(r.control) for r in per_ticket],
        "commits": [r.commits for r in per_ticket],
        "savepoints": [r.savepoints for r in per_ticket],
        "implicit": implicit,
        "db_seconds": db_seconds,
        "elapsed": elapsed,
        "last": per_ticket[-1],
        "recorders": per_ticket,
    }


def timed_run(world: World, tickets: int, start: int) -> dict[str, Any]:
    kicks = KickTimer()
    restore = kicks.install()
    latencies = []
    started = time.perf_counter()
    try:
        for i in range(start, start + tickets):
            t0 = time.perf_counter()
            open_one(world, i)
            latencies.append(time.perf_counter() - t0)
    finally:
        restore()
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": latencies, "kick_seconds": kicks.seconds, "kicks": kicks.calls}


def _worker(world: World, start: int, tickets: int, ready: Any, go: Any, out: Any) -> None:
    from django.db import connection

    connection.ensure_connection()  # the rows of fresh() were read before the fork
    ready.release()
    go.wait()
    t0 = time.perf_counter()
    for i in range(start, start + tickets):
        open_one(world, i)
    out.put((t0, time.perf_counter(), tickets))


def parallel_run(world: World, tickets: int, processes: int, start: int) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()  # each child opens its own connection
    ctx = multiprocessing.get_context("fork")
    ready, go, out = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    share = tickets // processes
    workers = [
        ctx.Process(target=_worker, args=(world, start + k * share, share, ready, go, out))
        for k in range(processes)
    ]
    for w in workers:
        w.start()
    for _ in workers:
        ready.acquire()
    go.set()
    results = [out.get() for _ in workers]
    for w in workers:
        w.join()
    begin = min(r[0] for r in results)
    end = max(r[1] for r in results)
    done = sum(r[2] for r in results)
    return {"elapsed": end - begin, "tickets": done, "per_process": [r[2] / (r[1] - r[0]) for r in results]}


def profile_run(world: World, tickets: int, start: int, *, profiler: str, top: int = 22) -> None:
    if profiler == "auto":
        try:
            import pyinstrument  # noqa: F401 - optional: pip install pyinstrument into the venv
        except ImportError:
            profiler = "cprofile"
        else:
            profiler = "pyinstrument"
    if profiler == "pyinstrument":
        _pyinstrument(world, tickets, start)
    else:
        _cprofile(world, tickets, start, top=top)


def _pyinstrument(world: World, tickets: int, start: int) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    started = time.perf_counter()
    profiler.start()
    for i in range(start, start + tickets):
        open_one(world, i)
    profiler.stop()
    elapsed = time.perf_counter() - started
    print(
        f"\nProfile of {tickets} tickets (pyinstrument, sampling every 0.2 ms; "
        f"{elapsed / tickets * 1e6:.0f} µs per ticket while sampled); share of the total time:"
    )
    text = profiler.output_text(
        unicode=True, color=False, time="percent_of_total", processor_options={"filter_threshold": 0.015}
    )
    print("\n".join("  " + line for line in text.splitlines() if line.strip()))


def _cprofile(world: World, tickets: int, start: int, *, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(start, start + tickets):
        open_one(world, i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename
        for marker in ("site-packages/", "src/", "bench/", "lib/python3"):
            if marker in filename:
                where = filename.split(marker, 1)[1]
                break
        rows.append((tottime, cumtime, ncalls, f"{where}:{line}({name})"))
    print(f"\nProfile of {tickets} tickets (cProfile; {total / tickets * 1e6:.0f} µs per ticket under it)")
    for title, key in (("own time", 0), ("cumulative time", 1)):
        print(f"  top {top} by {title}: µs/ticket own, µs/ticket cumulative, calls/ticket, function")
        for tottime, cumtime, ncalls, where in sorted(rows, key=lambda r: r[key], reverse=True)[:top]:
            print(
                f"    {tottime / tickets * 1e6:8.1f} {cumtime / tickets * 1e6:9.1f} {ncalls / tickets:7.1f}  "
                f"{shorten(where, 110)}"
            )


def database_floor(*, before: int, inside: int, tickets: int) -> float:
    """Tickets/s of the database and its driver alone, no Django: per ticket, ``before``
    statements in autocommit, then one transaction of ``inside`` statements (``SELECT 1``
    and one small INSERT) and a durable COMMIT, on the raw connection. The gap between this
    and the measured rate is Python: the ORM, the services, the mail template."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    begin = "BEGIN IMMEDIATE" if connection.vendor == "sqlite" else "BEGIN"
    cursor = raw.cursor()
    cursor.execute("CREATE TABLE bench_floor (id integer PRIMARY KEY, v text)")
    try:
        started = time.perf_counter()
        for i in range(tickets):
            for _ in range(before):
                cursor.execute("SELECT 1")
            cursor.execute(begin)
            for _ in range(inside - 1):
                cursor.execute("SELECT 1")
            cursor.execute(f"INSERT INTO bench_floor (id, v) VALUES ({i}, 'x')")
            cursor.execute("COMMIT")
        elapsed = time.perf_counter() - started
    finally:
        cursor.execute("DROP TABLE bench_floor")
        cursor.close()
    return tickets / elapsed


# -- report -----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def run(args: argparse.Namespace) -> None:
    var = harness.var_dir("bench-open")
    url = None
    if args.db == "postgresql":
        url = args.database_url
        harness.ensure_postgres_database(url, fresh=True)
    tasks_url = f"sqlite:///{var / 'tasks.sqlite3'}" if args.tasks_url == "embedded" else args.tasks_url
    harness.configure_django(var=var, database_url=url, tasks_url=tasks_url)
    harness.migrate()

    from django.conf import settings
    from django.db import connection
    from huey.contrib.djhuey import HUEY

    from comptoir.core.models import OutboxMessage
    from comptoir.tickets.models import Message, Ticket, TicketEvent

    print(f"\n=== bench_open_tickets — {connection.vendor} ===")
    harness.print_machine()
    print(f"  {'task queue':<20} {settings.HUEY['huey_class']} (immediate={settings.HUEY['immediate']})")
    print(f"  {'var dir':<20} {var}")

    world, sla = make_world(sla=args.sla)
    print(f"  {'SLA':<20} {sla}")
    n = 0
    for i in range(args.warmup):
        open_one(world, i)
    n += args.warmup

    sql = count_sql(world, args.sample, n)
    n += args.sample
    timed = timed_run(world, args.tickets, n)
    n += args.tickets

    tickets = Ticket.objects.count()
    checks = (
        f"{tickets} tickets, {Message.objects.count()} messages, {TicketEvent.objects.count()} events, "
        f"{OutboxMessage.objects.count()} outbox rows, {HUEY.pending_count()} tasks enqueued"
    )

    rate = args.tickets / timed["elapsed"]
    lat = timed["latencies"]
    queries = statistics.mean(sql["queries"])
    transactions = statistics.mean(c + i for c, i in zip(sql["commits"], sql["implicit"], strict=True))
    print(f"\nOpening {args.tickets} tickets on one connection (after {args.warmup} warm-up tickets)")
    print(f"  rate                 {rate:8.0f} tickets/s   ({timed['elapsed']:.2f} s)")
    print(
        f"  latency per ticket   p50 {harness.percentile(lat, 50) * 1e3:.2f} ms, "
        f"p95 {harness.percentile(lat, 95) * 1e3:.2f} ms, p99 {harness.percentile(lat, 99) * 1e3:.2f} ms, "
        f"max {max(lat) * 1e3:.1f} ms"
    )
    kick_us = timed["kick_seconds"] / max(timed["kicks"], 1) * 1e6
    print(
        f"  after-commit kick    {timed['kicks']} kicks, {kick_us:.0f} µs each = "
        f"{timed['kick_seconds'] / timed['elapsed'] * 100:.1f} % of the time; "
        f"without it: {args.tickets / (timed['elapsed'] - timed['kick_seconds']):.0f} tickets/s"
    )
    print(f"\nSQL per ticket (sample of {sql['tickets']} tickets, statements seen by the connection)")
    print(
        f"  queries              {queries:.2f}  (min {min(sql['queries'])}, max {max(sql['queries'])}), "
        f"plus {statistics.mean(sql['control']):.2f} transaction-control statements sent as SQL"
    )
    print(
        f"  transactions         {transactions:.2f}  (commits {statistics.mean(sql['commits']):.2f}, "
        f"statements in autocommit {statistics.mean(sql['implicit']):.2f}, "
        f"savepoints {statistics.mean(sql['savepoints']):.2f})"
    )
    share = sql["db_seconds"] / sql["elapsed"]
    print(
        f"  time in the database {sql['db_seconds'] / sql['tickets'] * 1e3:.2f} ms per ticket "
        f"({share * 100:.0f} % of {sql['elapsed'] / sql['tickets'] * 1e3:.2f} ms, commit included); "
        f"the rest is Python"
    )
    print("  statements of one ticket (time):")
    last: SqlRecorder = sql["last"]
    for statement, atomic, seconds in last.statements:
        print(f"    {seconds * 1e3:6.2f} ms {'  ' if atomic else '* '}{shorten(statement)}")
    print(f"    {last.commit_seconds * 1e3:6.2f} ms   COMMIT   (* = outside the transaction)")
    if connection.vendor == "postgresql":
        # psycopg sends BEGIN itself before the first statement of a transaction.
        trips = statistics.mean(len(r.statements) + 2 * r.commits for r in sql["recorders"])
        print(f"  round trips          {trips:.2f} to the server per ticket (statements + BEGIN + COMMIT)")
    before = round(statistics.mean(sql["implicit"]))
    floor = database_floor(before=before, inside=round(queries) - before, tickets=args.floor_tickets)
    print(
        f"  database floor       {floor:.0f} tickets/s: the same statements as SELECT 1 (one INSERT) "
        f"with a durable COMMIT, raw driver, no Django"
    )
    print(f"  check: {checks}")

    print("\nTargets")
    print(
        f"  queries per ticket      {queries:.2f} (≤ {TARGET_QUERIES})  {verdict(queries <= TARGET_QUERIES)}"
    )
    print(
        f"  transactions per ticket {transactions:.2f} (= {TARGET_TRANSACTIONS})  "
        f"{verdict(transactions == TARGET_TRANSACTIONS)}"
    )
    if connection.vendor == "postgresql":
        print(
            f"  tickets/s, one process  {rate:.0f} (≥ {TARGET_RATE_POSTGRESQL})  "
            f"{verdict(rate >= TARGET_RATE_POSTGRESQL)}"
        )
    else:
        print(
            f"  tickets/s, one process  {rate:.0f} (the ≥ {TARGET_RATE_POSTGRESQL} target is for PostgreSQL)"
        )

    if args.processes > 1:
        par = parallel_run(world, args.tickets, args.processes, n)
        n += par["tickets"]
        print(f"\nOpening {par['tickets']} tickets from {args.processes} processes at once")
        print(
            f"  rate                 {par['tickets'] / par['elapsed']:8.0f} tickets/s in all "
            f"({par['elapsed']:.2f} s; per process: {', '.join(f'{r:.0f}' for r in par['per_process'])})"
        )

    missed = connection.vendor == "postgresql" and rate < TARGET_RATE_POSTGRESQL
    if args.profile or missed:
        profile_run(world, args.profile_tickets, n, profiler=args.profiler)
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.db != "both":
        run(args)
        return
    rest = [a for i, a in enumerate(argv) if not a.startswith("--db") and (i == 0 or argv[i - 1] != "--db")]
    for db in ("sqlite", "postgresql"):
        # One process per database: Django's settings are read once per process.
        subprocess.run([sys.executable, __file__, "--db", db, *rest], check=False)  # noqa: S603


if __name__ == "__main__":
    main()
