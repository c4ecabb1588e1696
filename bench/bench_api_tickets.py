"""Benchmark: the REST API served by Granian with the production settings on PostgreSQL.

Three parts, each in a process of its own (Django's settings are read once per process):

``post``  POST /api/v1/tickets under concurrent load. A fresh database
          (``comptoir_bench_api``): an organisation on a 9:30-17:00 calendar with procedure
          000's SLA policies, ``--requesters`` requesters with a personal token of the write
          scope each, a product whose default group receives the tickets. Granian serves
          ``comptoir.wsgi:application`` as ``comptoir run`` does (``--workers``,
          ``--threads``), with ``COMPTOIR_ENV=production``; the outbox kick enqueues into
          Redis (``--tasks-url``). The load comes from this script: ``--clients`` processes
          holding ``--concurrency`` keep-alive connections in all, one thread each, each
          sending its next request when the answer came (a closed loop). Printed: tickets/s,
          latency p50/p95/p99, errors, the tickets found in the database afterwards, the
          SQL of one POST, the CPU time of Granian, of PostgreSQL, of the load generator and
          of the rest of the machine; then (when the rate is missed, or ``--profile``) where
          one worker's time goes, under cProfile.
``list``  GET /api/v1/tickets over 1,000,000 tickets (``bench_pages.py``'s database and
          loader; ``comptoir_bench_pages``, kept), as a supervisor, an agent, an
          organisation admin and a requester: first page, next page, a page deep in the
          history, filters. Latency through Granian (one request at a time); SQL queries per
          request counted in-process (Django's test client): they must not grow with the
          depth of the page.
``kb``    GET /api/v1/kb/search over 10,000 guide articles (``bench_kb_search.py``'s
          loader; ``comptoir_bench_api_kb``, kept), as a requester, through Granian.

    .venv/bin/python bench/bench_api_tickets.py                       # the three parts
    .venv/bin/python bench/bench_api_tickets.py --only post --workers 2 --threads 4 --concurrency 16
    .venv/bin/python bench/bench_api_tickets.py --only post --duration 30 --profile
    .venv/bin/python bench/bench_api_tickets.py --only list --rounds 200
    .venv/bin/python bench/bench_api_tickets.py --only list --reload  # load the 1,000,000 again

Targets (from the issue): at least 1,000 tickets/s with p95 <= 50 ms and no error; the
ticket list in constant queries with p95 <= 30 ms; guide search p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import multiprocessing
import os
import pstats
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness
from served import HttpConnection, Server, cpu_seconds, free_port, machine_busy_seconds, production_env

TARGET_RATE = 1_000
TARGET_POST_P95_MS = 50
TARGET_LIST_P95_MS = 30
TARGET_KB_P95_MS = 50
HELPDESK_RATE = "69-109 tickets/s (django-helpdesk, same machine, from the issue)"

BENCH_DIR = Path(__file__).resolve().parent
PROFILE_ENV = "COMPTOIR_BENCH_PROFILE"
PROFILE_EVERY = 100  # requests between two dumps of a worker's profile


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["post", "list", "kb"], help="run one part only")
    parser.add_argument("--workers", type=int, default=2, help="Granian worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="Granian threads per worker (default 4)")
    parser.add_argument("--port", type=int, default=0, help="port for Granian (default: a free one)")
    parser.add_argument("--concurrency", type=int, default=16, help="connections sending at once (post)")
    parser.add_argument("--clients", type=int, default=2, help="load generator processes (post)")
    parser.add_argument("--requests", type=int, default=10_000, help="timed POSTs (post)")
    parser.add_argument(
        "--rounds", type=int, default=100, help="list, kb: timed rounds of one request per case (default 100)"
    )
    parser.add_argument(
        "--duration", type=float, default=0, help="post: send for this many seconds instead of --requests"
    )
    parser.add_argument("--warmup", type=int, default=500, help="POSTs before measuring (post)")
    parser.add_argument("--requesters", type=int, default=20, help="requesters, one token each (post)")
    parser.add_argument(
        "--tasks-url",
        default="redis://127.0.0.1:6379/15",
        help="task queue of the server (post; default: Redis database 15, emptied before and after)",
    )
    parser.add_argument(
        "--consumer", action="store_true", help="post: also run a Huey consumer delivering the mails"
    )
    parser.add_argument(
        "--profile", action="store_true", help="post: profile one worker even if the target is met"
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="post: no profile even when the rate target is missed"
    )
    parser.add_argument("--profile-requests", type=int, default=2_000)
    parser.add_argument("--database-url", default=f"{harness.DEFAULT_PG_SERVER}/comptoir_bench_api")
    parser.add_argument("--pages-url", default=f"{harness.DEFAULT_PG_SERVER}/comptoir_bench_pages")
    parser.add_argument("--kb-url", default=f"{harness.DEFAULT_PG_SERVER}/comptoir_bench_api_kb")
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets of the list's database")
    parser.add_argument("--articles", type=int, default=10_000, help="articles of the search's database")
    parser.add_argument(
        "--reload", action="store_true", help="list, kb: load the kept database again (else reused)"
    )
    return parser.parse_args(argv)


# -- part 1: POST /api/v1/tickets under load ---------------------------------------------


SUBJECTS = [
    "Impossible d'importer mes contacts dans la lettre d'information",
    "La comptabilité ne démarre plus",
    "Comment ajouter un rédacteur à notre site ?",
    "Erreur 500 en enregistrant une actualité",
    "Question sur la facture de mars",
    "Le formulaire de contact n'envoie plus rien",
    "Demande d'évolution : export CSV des inscrits",
    "Mot de passe oublié pour le compte de la paroisse",
]


@dataclass(frozen=True)
class Load:
    port: int
    tokens: list[str]
    product: int
    body: str


def post_request(load: Load, token: str, i: int) -> bytes:
    payload = json.dumps(
        {"subject": f"{SUBJECTS[i % len(SUBJECTS)]} ({i})", "body": load.body, "product": load.product}
    ).encode()
    head = (
        f"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1:{load.port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


@dataclass
class Tally:
    """What one client process saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    exceptions: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    first: float = float("inf")
    last: float = 0.0
    cpu: float = 0.0

    def merge(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.exceptions.update(other.exceptions)
        self.samples += other.samples[: max(0, 5 - len(self.samples))]
        self.first, self.last = min(self.first, other.first), max(self.last, other.last)
        self.cpu += other.cpu

    @property
    def successes(self) -> int:
        return self.statuses.get(201, 0)

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s != 201) + sum(self.exceptions.values())


def _connection_loop(
    load: Load, conn_index: int, numbers: range, deadline: float, tally: Tally, lock: threading.Lock
) -> None:
    conn = HttpConnection(load.port)
    token = load.tokens[conn_index % len(load.tokens)]
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    first = last = 0.0
    for i in numbers:
        raw = post_request(load, token, i)
        started = time.perf_counter()
        if not first:
            first = started
        if deadline and started >= deadline:
            break
        try:
            status, body = conn.send(raw)
        except (OSError, ValueError) as exc:
            with lock:
                tally.exceptions[type(exc).__name__] += 1
                if len(tally.samples) < 5:
                    tally.samples.append(f"{type(exc).__name__}: {exc}")
            continue
        last = time.perf_counter()
        latencies.append(last - started)
        statuses[status] += 1
        if status != 201:
            with lock:
                if len(tally.samples) < 5:
                    tally.samples.append(f"HTTP {status}: {body[:300].decode(errors='replace')}")
    conn.close()
    with lock:
        tally.latencies += latencies
        tally.statuses.update(statuses)
        if first:
            tally.first = min(tally.first, first)
        tally.last = max(tally.last, last)


def _client_process(
    load: Load, connections: list[int], numbers: list[range], duration: float, ready: Any, go: Any, out: Any
) -> None:
    tally, lock = Tally(), threading.Lock()
    ready.release()
    go.wait()
    cpu = time.process_time()
    deadline = time.perf_counter() + duration if duration else 0.0
    threads = [
        threading.Thread(target=_connection_loop, args=(load, c, r, deadline, tally, lock))
        for c, r in zip(connections, numbers, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tally.cpu = time.process_time() - cpu
    out.put(tally)


def send_load(
    load: Load, *, total: int, start: int, concurrency: int, clients: int, duration: float
) -> Tally:
    """``total`` POSTs (or as many as fit in ``duration`` seconds) over ``concurrency``
    connections spread over ``clients`` processes; returns what they saw, merged."""
    ctx = multiprocessing.get_context("fork")
    ready, go, out = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    clients = max(1, min(clients, concurrency))
    per_conn = total // concurrency if not duration else 10**9 // concurrency
    plan: list[tuple[list[int], list[range]]] = [([], []) for _ in range(clients)]
    for c in range(concurrency):
        begin = start + c * per_conn
        plan[c % clients][0].append(c)
        plan[c % clients][1].append(range(begin, begin + per_conn))
    procs = [
        ctx.Process(target=_client_process, args=(load, conns, ranges, duration, ready, go, out))
        for conns, ranges in plan
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.acquire()
    go.set()
    merged = Tally()
    for _ in procs:
        merged.merge(out.get())
    for p in procs:
        p.join()
    return merged


def make_post_world(requesters: int) -> tuple[Any, list[str], str]:
    """bench_open_tickets' world (an organisation on procedure 000's SLA policies, a
    requester, a product with its default group), more requesters of that organisation,
    and a personal token of the write scope for each."""
    import bench_open_tickets

    from comptoir.accounts.models import User
    from comptoir.api import tokens

    world, sla = bench_open_tickets.make_world(sla=True)
    first = User.objects.get(pk=world.requester_pk)
    User.objects.bulk_create(
        User(
            username=f"demandeur{k}",
            first_name="Demandeur",
            last_name=str(k),
            email=f"demandeur{k}@paroisse-saint-martin.example",
            organisation_id=first.organisation_id,
            role=User.Role.REQUESTER,
            password="!",  # noqa: S106 - unusable: the API is called with tokens
        )
        for k in range(1, requesters)
    )
    people = User.objects.filter(organisation_id=first.organisation_id).order_by("pk")
    texts = [tokens.create_token(user=u, name="Bench", scope="write")[1] for u in people]
    return world, texts, sla


def run_post(args: argparse.Namespace) -> None:
    var = harness.var_dir("bench-api")
    url = args.database_url
    harness.ensure_postgres_database(url, fresh=True)
    harness.configure_django(var=var, database_url=url, tasks_url=args.tasks_url)
    harness.migrate()

    import bench_open_tickets
    from django.conf import settings
    from django.db import connections
    from huey.contrib.djhuey import HUEY

    from comptoir.tickets.models import Ticket

    print("\n=== bench_api_tickets — POST /api/v1/tickets under load ===")
    harness.print_machine()
    world, texts, sla = make_post_world(args.requesters)
    sql = one_post_in_process(texts[0], world.product_pk, bench_open_tickets.BODY)
    HUEY.flush()
    port = args.port or free_port()
    env = production_env(var=var, database_url=url, tasks_url=args.tasks_url)
    server = Server(env, args.workers, args.threads, port, var / "granian.log")
    print(f"  {'server':<20} {server.describe()}, comptoir.wsgi:application")
    print(
        f"  {'settings':<20} COMPTOIR_ENV=production, DEBUG=false, SECRET_KEY given, "
        f"ALLOWED_HOSTS=127.0.0.1,localhost; plain http: Comptoir sets no SECURE_SSL_REDIRECT "
        f"(Django's default {settings.SECURE_SSL_REDIRECT!r}: TLS ends at the proxy)"
    )
    print(
        f"  {'task queue':<20} {args.tasks_url} (flushed before and after); "
        + ("a consumer delivers the mails" if args.consumer else "no consumer (the tasks wait)")
    )
    print(f"  {'data':<20} 1 organisation, {len(texts)} requesters with a write token each; SLA: {sla}")
    print(
        f"  {'load':<20} {args.concurrency} keep-alive connections in {min(args.clients, args.concurrency)} "
        f"processes, closed loop; "
        + (f"{args.duration:.0f} s" if args.duration else f"{args.requests:,} requests")
        + f" after {args.warmup} warm-up requests"
    )
    connections.close_all()
    consumer = None
    server.start()
    if args.consumer:
        consumer = subprocess.Popen(
            [sys.executable, "-m", "django", "run_huey", "--quiet"], env=env, start_new_session=True
        )
    try:
        load = Load(port, texts, world.product_pk, bench_open_tickets.BODY)
        warm = send_load(
            load, total=args.warmup, start=0, concurrency=args.concurrency, clients=args.clients, duration=0
        )
        server_cpu0 = cpu_seconds(server.pids())
        database_cpu0 = postgres_cpu(url)
        busy0 = machine_busy_seconds()
        wall0 = time.perf_counter()
        timed = send_load(
            load,
            total=args.requests,
            start=1_000_000,
            concurrency=args.concurrency,
            clients=args.clients,
            duration=args.duration,
        )
        wall = time.perf_counter() - wall0
        busy1 = machine_busy_seconds()
        server_cpu = cpu_seconds(server.pids()) - server_cpu0
        database_cpu = postgres_cpu(url, since=database_cpu0)
        if consumer is not None:
            time.sleep(2)  # let the consumer catch up a little before counting
    finally:
        server.stop()
        if consumer is not None:
            os.killpg(consumer.pid, signal.SIGTERM)
            consumer.wait(timeout=30)
    pending = HUEY.pending_count()
    HUEY.flush()
    in_db = Ticket.objects.filter(channel="api").count()

    elapsed = max(timed.last - timed.first, 1e-9)
    rate = timed.successes / elapsed
    lat = timed.latencies
    p50, p95, p99 = (harness.percentile(lat, p) * 1e3 for p in (50, 95, 99))
    machine_busy = busy1 - busy0
    cores = os.cpu_count() or 1
    print(f"\nPOST /api/v1/tickets — {len(lat):,} answers in {elapsed:.2f} s")
    print(f"  rate                 {rate:8.0f} tickets/s  ({timed.successes:,} tickets opened)")
    print(
        f"  latency              p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
        f"max {max(lat, default=0) * 1e3:.1f} ms"
    )
    statuses = ", ".join(f"{s}: {n:,}" for s, n in sorted(timed.statuses.items()))
    exceptions = ", ".join(f"{k}: {n}" for k, n in timed.exceptions.items()) or "none"
    print(f"  answers              {statuses}; exceptions: {exceptions}")
    print(f"  errors               {timed.errors} (non-201 answers and exceptions)")
    for sample in timed.samples[:3]:
        print(f"    first errors: {sample}")
    expected = sql["tickets"] + warm.successes + timed.successes
    check = "equal" if in_db == expected else "DIFFERENT"
    print(
        f"  tickets in database  {in_db:,} with channel api = {sql['tickets']} in-process + "
        f"{warm.successes:,} warm-up + {timed.successes:,} timed successes: {check}"
    )
    print(
        f"  tasks enqueued       {pending:,} waiting in the queue at the end (one delivery kick per ticket)"
    )
    print(
        f"\nSQL of one POST (in-process, Django's test client, the same code): {sql['count']} "
        f"statements and a COMMIT, {sql['ms']:.1f} ms waiting for the database"
    )
    for statement in sql["queries"]:
        print(f"    {statement}")
    print(f"\nCPU during the timed run ({wall:.1f} s wall, {cores} CPUs = {wall * cores:.1f} CPU-seconds)")
    other = machine_busy - server_cpu - timed.cpu - database_cpu["total"]
    for label, seconds in (
        ("Granian (the server)", server_cpu),
        ("PostgreSQL: this database's backends", database_cpu["backends"]),
        ("PostgreSQL: WAL writer, checkpointer…", database_cpu["total"] - database_cpu["backends"]),
        ("load generator", timed.cpu),
        ("rest (Redis, other users of the machine)", other),
        ("machine busy in all", machine_busy),
    ):
        print(f"  {label:<42} {seconds:6.1f} s  ({seconds / wall * 100:5.0f} % of one CPU)")
    if timed.successes:
        print(
            f"  per ticket: server {server_cpu / timed.successes * 1e3:.2f} ms CPU, PostgreSQL "
            f"{database_cpu['total'] / timed.successes * 1e3:.2f} ms CPU; load generator "
            f"{timed.cpu / len(lat) * 1e3:.2f} ms CPU per request"
        )

    print("\nTargets")
    met_rate, met_p95, no_error = rate >= TARGET_RATE, p95 <= TARGET_POST_P95_MS, timed.errors == 0
    print(f"  tickets/s            {rate:.0f} (≥ {TARGET_RATE:,})  {verdict(met_rate)}   ({HELPDESK_RATE})")
    print(f"  p95 latency          {p95:.1f} ms (≤ {TARGET_POST_P95_MS} ms)  {verdict(met_p95)}")
    print(f"  errors               {timed.errors} (none)  {verdict(no_error)}")
    print(f"  database check       {in_db:,} = {expected:,}  {verdict(in_db == expected)}")
    sys.stdout.flush()

    if args.profile or (not met_rate and not args.no_profile):
        profile_worker(args, var=var, url=url, load=load, start=2_000_000 + args.requests)


def postgres_cpu(url: str, *, since: dict[str, Any] | None = None) -> dict[str, Any]:
    """CPU seconds of the PostgreSQL processes serving ``url``'s database (its backends)
    and of the server's own writers (WAL writer, checkpointer, background writer), read
    from /proc (the server runs on this machine); with ``since``, what they used since."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid, datname IS NOT NULL FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND (datname = current_database() OR backend_type IN "
            "('walwriter', 'checkpointer', 'background writer'))"
        ).fetchall()
    per_pid = {pid: (cpu_seconds([pid]), is_backend) for pid, is_backend in rows}
    if since is None:
        return {"pids": per_pid}
    before = since["pids"]
    used = {pid: cpu - before.get(pid, (0.0, b))[0] for pid, (cpu, b) in per_pid.items()}
    return {
        "backends": sum(v for pid, v in used.items() if per_pid[pid][1]),
        "total": sum(used.values()),
    }


def one_post_in_process(token: str, product: int, body: str) -> dict[str, Any]:
    """Two POSTs through Django's test client (the first warms the process); the SQL of
    the second as the server runs it, timed by bench_open_tickets' recorder."""
    from bench_open_tickets import SqlRecorder
    from django.db import connection
    from django.test import Client

    client = Client()
    payload = {"subject": "Demande témoin", "body": body, "product": product}
    headers = {"Authorization": f"Bearer {token}"}
    client.post("/api/v1/tickets", payload, content_type="application/json", headers=headers)
    recorder = SqlRecorder()
    restore = recorder.patch_connection()
    try:
        with connection.execute_wrapper(recorder):
            response = client.post(
                "/api/v1/tickets", payload, content_type="application/json", headers=headers
            )
    finally:
        restore()
    if response.status_code != 201:
        raise SystemExit(f"POST in-process: HTTP {response.status_code} {response.content[:300]!r}")
    lines = [
        f"{seconds * 1e3:6.2f} ms {'  ' if atomic else '* '}{bench_shorten(sql)}"
        for sql, atomic, seconds in recorder.statements
    ]
    lines.append(f"{recorder.commit_seconds * 1e3:6.2f} ms   COMMIT   (* = outside the transaction)")
    seconds = sum(t for _s, _a, t in recorder.statements) + recorder.commit_seconds
    return {"tickets": 2, "queries": lines, "count": len(recorder.statements), "ms": seconds * 1e3}


def bench_shorten(sql: str, width: int = 110) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


# -- profiling one worker ----------------------------------------------------------------


_profiler: cProfile.Profile | None = None
_profiled_requests = 0
_wsgi: Any = None


def profiled_application(environ: dict[str, Any], start_response: Any) -> Any:
    """``comptoir.wsgi:application`` under cProfile (one worker, one thread): served by
    Granian as ``bench_api_tickets:profiled_application`` when ``COMPTOIR_BENCH_PROFILE``
    names the file to write the profile to, every PROFILE_EVERY requests."""
    global _profiler, _profiled_requests, _wsgi
    if _wsgi is None:
        from comptoir.wsgi import application

        _wsgi = application
        _profiler = cProfile.Profile()
    assert _profiler is not None
    _profiler.enable()
    try:
        response = _wsgi(environ, start_response)
        body = b"".join(response)  # rendering the body is part of the request
        if hasattr(response, "close"):
            response.close()
    finally:
        _profiler.disable()
    _profiled_requests += 1
    if _profiled_requests % PROFILE_EVERY == 0:
        path = os.environ[PROFILE_ENV]
        _profiler.dump_stats(path)
        Path(path + ".count").write_text(str(_profiled_requests))
    return [body]


def profile_worker(args: argparse.Namespace, *, var: Path, url: str, load: Load, start: int) -> None:
    """Where a worker's time goes: one Granian worker with one thread under cProfile,
    loaded by 2 connections (so it never waits for the next request)."""
    path = var / "worker.prof"
    env = production_env(var=var, database_url=url, tasks_url=args.tasks_url)
    env[PROFILE_ENV] = str(path)
    env["PYTHONPATH"] = os.pathsep.join([str(BENCH_DIR), env.get("PYTHONPATH", "")]).strip(os.pathsep)
    port = free_port()
    server = Server(
        env, 1, 1, port, var / "granian-profile.log", app="bench_api_tickets:profiled_application"
    )
    server.start()
    load = dataclasses.replace(load, port=port)
    try:
        send_load(load, total=200, start=start, concurrency=2, clients=1, duration=0)
        wall0 = time.perf_counter()
        tally = send_load(
            load, total=args.profile_requests, start=start + 1000, concurrency=2, clients=1, duration=0
        )
        wall = time.perf_counter() - wall0
    finally:
        server.stop()
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    count = int(Path(str(path) + ".count").read_text()) if path.exists() else 0
    if not count:
        print(f"\nProfile: no profile was written; answers {dict(tally.statuses)}, {tally.samples[:2]}")
        print(server.log.read_text()[-2000:])
        return
    print(
        f"\nProfile of one worker, one thread (cProfile), over its first {count:,} requests "
        f"(200 warm-up included); unprofiled rate of this worker: {tally.successes / wall:.0f} tickets/s"
    )
    print_profile(pstats.Stats(str(path)), count)
    print_profile_groups(pstats.Stats(str(path)), count)


def _where(filename: str, line: int, name: str) -> str:
    for marker in ("site-packages/", "src/", "bench/", "lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})"


def print_profile(stats: pstats.Stats, count: int, top: int = 25) -> None:
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = [
        (tottime, cumtime, ncalls, _where(*key))
        for key, (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items()  # type: ignore[attr-defined]
    ]
    print(f"  {total / count * 1e3:.2f} ms per request under the profiler")
    for title, key in (("own time", 0), ("cumulative time", 1)):
        print(f"  top {top} by {title}: µs/request own, µs/request cumulative, calls/request, function")
        for tottime, cumtime, ncalls, where in sorted(rows, key=lambda r: r[key], reverse=True)[:top]:
            print(
                f"    {tottime / count * 1e6:8.0f} {cumtime / count * 1e6:9.0f} {ncalls / count:7.1f}  "
                f"{where[:120]}"
            )


# Cumulative time of a few functions that split the request into its stages (each is
# called once per request; nested stages are included in the outer ones).
STAGES = [
    ("whole WSGI request", "django/core/handlers/wsgi.py", "__call__"),
    ("middleware + view", "django/core/handlers/base.py", "get_response"),
    ("ninja: parse, authenticate, validate, call", "ninja/operation.py", "run"),
    ("token authentication", "comptoir/api/tokens.py", "authenticate"),
    ("the endpoint (api.tickets.create_ticket)", "comptoir/api/tickets.py", "create_ticket"),
    ("admission.submit", "comptoir/admission/services.py", "submit"),
    ("tickets.services.open_ticket", "comptoir/tickets/services/intake.py", "open_ticket"),
    ("dispatch.route", "comptoir/dispatch/services.py", "route"),
    ("eligibility.check", "comptoir/accounts/eligibility.py", "check"),
    ("quota.check", "comptoir/workflow/quota.py", "check"),
    ("requestforms.collect", "comptoir/requestforms/services.py", "collect"),
    ("next_number", "comptoir/tickets/numbering.py", "next_number"),
    ("sla.plan_story", "comptoir/sla/services.py", "plan_story"),
    ("sla.write_clocks", "comptoir/sla/services.py", "write_clocks"),
    ("dispatch.dispatch", "comptoir/dispatch/services.py", "dispatch"),
    ("webhooks.publish", "comptoir/webhooks/services.py", "publish"),
    ("notifications.acknowledgement (the mail)", "comptoir/tickets/notifications.py", "acknowledgement"),
    ("the answer (ticket_out)", "comptoir/api/ticket_schemas.py", "ticket_out"),
    ("after-commit kick (enqueue in Redis)", "comptoir/core/outbox.py", "_kick"),
    ("psycopg: every execute", "psycopg/cursor.py", "execute"),
    ("Django: every COMMIT", "django/db/backends/base/base.py", "commit"),
]


def print_profile_groups(stats: pstats.Stats, count: int) -> None:
    found: dict[str, float] = {}
    for (filename, _line, name), (_cc, _n, _tt, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        for label, path, func in STAGES:
            if filename.endswith(path) and name == func:
                found[label] = found.get(label, 0.0) + cumtime
    print("  stages (cumulative ms per request; nested stages are part of the outer ones):")
    for label, _path, _func in STAGES:
        if label in found:
            print(f"    {found[label] / count * 1e3:7.2f} ms  {label}")


# -- part 2: GET /api/v1/tickets over 1,000,000 tickets ----------------------------------


@dataclass
class ListCase:
    who: str
    label: str
    path: str
    latencies: list[float] = field(default_factory=list)
    queries: int = 0
    sql_ms: float = 0.0
    plan_ms: float = 0.0
    exec_ms: float = 0.0
    cpu_ms: float = 0.0
    rows: int = 0


def load_pages_database(args: argparse.Namespace, var: Path) -> dict[str, Any]:
    """bench_pages' database, loaded by its own loader when missing or of another shape."""
    import bench_pages

    meta = bench_pages.open_kept_database(args.pages_url, tickets=args.tickets, reload=args.reload, var=var)
    print("\n=== bench_api_tickets — GET /api/v1/tickets over the bench_pages data ===")
    harness.print_machine()
    if meta is None:
        print(f"\nLoading {args.tickets:,} tickets with bench_pages' loader …", flush=True)
        started = time.perf_counter()
        ref = bench_pages.load_reference_data()
        sla = bench_pages.make_sla_policies()
        loaded = bench_pages.load(args.tickets, ref)
        seconds = time.perf_counter() - started
        bench_pages.write_meta(args.tickets, ref, loaded["showcase"], seconds)
        print(f"  loaded in {seconds:.0f} s; SLA: {sla}")
        meta = bench_pages.loaded_version(args.tickets)
        assert meta is not None
    else:
        print(
            f"\nReusing the loaded database ({meta['tickets']:,} tickets, loaded in {meta['seconds']:.0f} s)"
        )
    for line in bench_pages.describe_data():
        print(f"  {line}")
    return meta


def bench_token(user: Any) -> str:
    """A fresh token of the read scope; the benchmark's earlier ones are deleted (a person
    may hold at most 20 active tokens)."""
    from comptoir.api import tokens
    from comptoir.api.models import ApiToken

    ApiToken.objects.filter(user=user, name="Bench API").delete()
    return tokens.create_token(user=user, name="Bench API", scope="read")[1]


def deep_cursor(user: Any, share: float) -> tuple[str, int]:
    """The cursor of the page that starts ``share`` of the way down the caller's list
    (most recently updated first), and how many tickets the caller sees."""
    from comptoir.api import pagination
    from comptoir.tickets import selectors

    visible = selectors.visible_tickets(user)
    total = visible.count()
    offset = max(0, min(total - 1, int(total * share)))
    updated_at, pk = visible.order_by("-updated_at", "-pk").values_list("updated_at", "pk")[offset]
    return pagination.encode([updated_at, pk]), total


def list_cases(meta: dict[str, Any]) -> tuple[list[ListCase], dict[str, Any], list[str]]:
    from datetime import timedelta
    from urllib.parse import urlencode

    from django.utils import timezone

    from comptoir.accounts.models import Organisation, User
    from comptoir.catalog.models import Group, Product

    supervisor = User.objects.get(pk=meta["supervisor_id"])
    agent = User.objects.get(pk=meta["agent_id"])
    org_admin = User.objects.filter(role=User.Role.ORG_ADMIN).order_by("pk").first()
    # The loader gives the first people the most tickets: the first requester who is not
    # an organisation admin writes about a thousand.
    requester = User.objects.filter(role=User.Role.REQUESTER).order_by("pk").first()
    people = {"supervisor": supervisor, "agent": agent, "org admin": org_admin, "requester": requester}
    l1 = Group.objects.order_by("tier", "pk").first()
    product = Product.objects.order_by("pk").first()
    organisation = Organisation.objects.order_by("pk")[1]
    week_ago = (timezone.now() - timedelta(days=7)).isoformat()
    notes = []
    cases: list[ListCase] = []

    def add(who: str, label: str, **params: Any) -> None:
        query = urlencode(params)
        cases.append(ListCase(who, label, "/api/v1/tickets" + (f"?{query}" if query else "")))

    for who, user in people.items():
        cursor, total = deep_cursor(user, 0.5)
        notes.append(f"{who} ({user.username}) sees {total:,} tickets")
        add(who, "first page (25)")
        add(who, "deep page: cursor half-way down", cursor=cursor)
        if who == "supervisor":
            add(who, "first page, limit=100", limit=100)
            add(who, "status=open", status="open")
            add(who, "group=L1, status=new,open", group=l1.pk, status="new,open")
            add(
                who,
                "status=open,pending, priority=urgent,high",
                status="open,pending",
                priority="urgent,high",
            )
            add(who, "product=<one>, type=incident", product=product.pk, type="incident")
            add(who, "organisation=<one>", organisation=organisation.pk)
            add(
                who, "organisation=<one>, deep cursor", deep=True, organisation=organisation.pk, cursor=cursor
            )
            add(who, "updated_since=7 days ago", updated_since=week_ago)
            add(who, "order=updated (oldest first)", order="updated")
        if who == "agent":
            add(who, "assignee=me, status=open,pending", assignee="me", status="open,pending")
            add(who, "group=none (triage queue)", group="none")
    tokens = {who: bench_token(user) for who, user in people.items()}
    return cases, tokens, notes


def inspect_cases(
    cases: list[ListCase], tokens: dict[str, str], *, table: str, rows: Callable[[Any], int]
) -> None:
    """Each case in-process through Django's test client (the same code as the server):
    its SQL captured, the planning and execution time of its main query (the one on
    ``table``) from EXPLAIN ANALYZE, the median CPU time of 5 requests, the rows returned."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for case in cases:
        headers = {"Authorization": f"Bearer {tokens[case.who]}"}
        client.get(case.path, headers=headers)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(case.path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(
                f"{case.who}, {case.label}: HTTP {response.status_code} {response.content[:300]!r}"
            )
        queries = captured.captured_queries
        case.queries = len(queries)
        case.sql_ms = sum(float(q["time"]) for q in queries) * 1e3
        case.rows = rows(response.json())
        cpu = []
        for _ in range(5):
            started = time.process_time()
            client.get(case.path, headers=headers)
            cpu.append(time.process_time() - started)
        case.cpu_ms = sorted(cpu)[2] * 1e3
        main = [q for q in queries if f'FROM "{table}"' in q["sql"] or f"FROM {table}" in q["sql"]]
        if main:
            sql = max(main, key=lambda q: float(q["time"]))["sql"]
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY) {sql}")
                for (line,) in cursor.fetchall():
                    if line.startswith("Planning Time:"):
                        case.plan_ms = float(line.split(":")[1].split()[0])
                    elif line.startswith("Execution Time:"):
                        case.exec_ms = float(line.split(":")[1].split()[0])


def next_page_cases(cases: list[ListCase], tokens: dict[str, str]) -> list[ListCase]:
    from django.test import Client

    client = Client()
    made = []
    for case in cases:
        if case.label != "first page (25)":
            continue
        data = client.get(case.path, headers={"Authorization": f"Bearer {tokens[case.who]}"}).json()
        if data["next_cursor"]:
            made.append(
                ListCase(case.who, "page 2 (cursor of page 1)", f"{case.path}?cursor={data['next_cursor']}")
            )
    return made


def measure_rounds(
    port: int, cases: list[ListCase], tokens: dict[str, str], *, requests: int, warmup: int
) -> None:
    """Round after round, one request of every case, one at a time over keep-alive
    connections (one per person): latency of a request, not of a queue."""
    conns = {who: HttpConnection(port) for who in tokens}
    raw = {
        id(c): (
            f"GET {c.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {tokens[c.who]}\r\n\r\n"
        ).encode()
        for c in cases
    }
    for round_ in range(warmup + requests):
        for case in cases:
            started = time.perf_counter()
            status, body = conns[case.who].send(raw[id(case)])
            elapsed = time.perf_counter() - started
            if status != 200:
                raise SystemExit(f"{case.who}, {case.label}: HTTP {status} {body[:300]!r}")
            if round_ >= warmup:
                case.latencies.append(elapsed)
    for conn in conns.values():
        conn.close()


COLUMNS = " ".join(f"{c:>6}" for c in ("p50", "p95", "max", "SQL", "SQL ms", "plan", "exec", "CPU", "rows"))
LEGEND = (
    "  p50, p95, max: through Granian. In-process (Django's test client, the same code): SQL =\n"
    "  queries of one request, SQL ms = their time; plan, exec = planning and execution time of\n"
    "  its main query (EXPLAIN ANALYZE); CPU = median CPU time of a request in Python."
)


def row(case: ListCase) -> str:
    p50, p95 = (harness.percentile(case.latencies, p) * 1e3 for p in (50, 95))
    figures = (p50, p95, max(case.latencies) * 1e3)
    return " ".join(
        [*(f"{x:6.1f}" for x in figures), f"{case.queries:6d}"]
        + [f"{x:6.1f}" for x in (case.sql_ms, case.plan_ms, case.exec_ms, case.cpu_ms)]
        + [f"{case.rows:6d}"]
    )


def run_list(args: argparse.Namespace) -> None:
    var = harness.var_dir("bench-api-list")
    meta = load_pages_database(args, var)
    cases, tokens, notes = list_cases(meta)

    def items(data: Any) -> int:
        return len(data["items"])

    inspect_cases(cases, tokens, table="tickets_ticket", rows=items)
    pages2 = next_page_cases(cases, tokens)
    inspect_cases(pages2, tokens, table="tickets_ticket", rows=items)
    cases += pages2
    for note in notes:
        print(f"  {note}")

    from django.db import connections

    connections.close_all()
    port = args.port or free_port()
    server = Server(
        production_env(var=var, database_url=args.pages_url, tasks_url="memory://"),
        1,
        args.threads,
        port,
        var / "granian.log",
    )
    print(f"  {'server':<20} {server.describe()} (production settings); latency of one request at a time")
    server.start()
    try:
        measure_rounds(port, cases, tokens, requests=args.rounds, warmup=10)
    finally:
        server.stop()

    print(
        f"\nGET /api/v1/tickets, {args.rounds} requests per case (ms); target p95 ≤ {TARGET_LIST_P95_MS} ms"
    )
    print(f"  {'as':<11} {'case':<44} {COLUMNS}  target")
    for case in cases:
        p95 = harness.percentile(case.latencies, 95) * 1e3
        print(f"  {case.who:<11} {case.label:<44} {row(case)}  {verdict(p95 <= TARGET_LIST_P95_MS)}")
    print(LEGEND + "\n  The queries: the token with its user, an agent's groups, the page of tickets.")
    print("\nTargets")
    for who in tokens:
        mine = [
            c
            for c in cases
            if c.who == who and c.label in ("first page (25)", "deep page: cursor half-way down")
        ]
        counts = {c.label: c.queries for c in mine}
        print(
            f"  queries, {who:<11} first page {counts.get('first page (25)')}, deep page "
            f"{counts.get('deep page: cursor half-way down')}  "
            f"{verdict(len(set(counts.values())) == 1)}"
        )
    worst = max(cases, key=lambda c: harness.percentile(c.latencies, 95))
    worst_p95 = harness.percentile(worst.latencies, 95) * 1e3
    missed = [c for c in cases if harness.percentile(c.latencies, 95) * 1e3 > TARGET_LIST_P95_MS]
    print(
        f"  p95 ≤ {TARGET_LIST_P95_MS} ms          {len(cases) - len(missed)} of {len(cases)} cases; "
        f"worst {worst_p95:.1f} ms ({worst.who}, {worst.label})  {verdict(not missed)}"
    )
    sys.stdout.flush()


# -- part 3: GET /api/v1/kb/search over 10,000 articles ----------------------------------


def run_kb(args: argparse.Namespace) -> None:
    import bench_kb_search

    var = harness.var_dir("bench-api-kb")
    url = args.kb_url
    existed = harness.ensure_postgres_database(url, fresh=args.reload)
    harness.configure_django(var=var, database_url=url)
    harness.migrate()
    from urllib.parse import urlencode

    from django.db import connection, connections

    from comptoir.accounts.models import Organisation, User
    from comptoir.kb.models import Article

    print("\n=== bench_api_tickets — GET /api/v1/kb/search over the bench_kb_search data ===")
    harness.print_machine()
    have = Article.objects.count() if existed else 0
    if have < args.articles:
        if have:
            connections.close_all()
            harness.ensure_postgres_database(url, fresh=True)
            harness.migrate()
        started = time.perf_counter()
        bench_kb_search.load(args.articles)
        print(
            f"  wrote {args.articles:,} articles with bench_kb_search's loader "
            f"in {time.perf_counter() - started:.0f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        print(f"  reusing {have:,} articles")
    requester = User.objects.filter(username="bench-requester").first() or User.objects.create(
        username="bench-requester", organisation=Organisation.objects.order_by("pk").first()
    )
    token = bench_token(requester)
    cases = [
        ListCase(
            "requester",
            label,
            "/api/v1/kb/search?" + urlencode({"q": q, "language": "fr", "any_word": str(any_word).lower()}),
        )
        for label, q, any_word in bench_kb_search.QUERIES
    ]
    inspect_cases(cases, {"requester": token}, table="kb_search_document", rows=len)
    connections.close_all()
    port = args.port or free_port()
    server = Server(
        production_env(var=var, database_url=url, tasks_url="memory://"),
        1,
        args.threads,
        port,
        var / "granian.log",
    )
    print(f"  {'server':<20} {server.describe()} (production settings); one request at a time")
    server.start()
    try:
        measure_rounds(port, cases, {"requester": token}, requests=args.rounds, warmup=5)
    finally:
        server.stop()
    print(
        f"\nGET /api/v1/kb/search as a requester, {args.rounds} requests per query (ms); "
        f"target p95 ≤ {TARGET_KB_P95_MS} ms"
    )
    print(f"  {'query':<22} {COLUMNS}")
    everything: list[float] = []
    for case in cases:
        everything += case.latencies
        print(f"  {case.label:<22} {row(case)}")
    print(LEGEND + "\n  rows = articles found.")
    p95_all = harness.percentile(everything, 95) * 1e3
    print("\nTargets")
    print(
        f"  search p95, all queries {p95_all:.1f} ms (≤ {TARGET_KB_P95_MS} ms)  "
        f"{verdict(p95_all <= TARGET_KB_P95_MS)}"
    )
    sys.stdout.flush()


# -- main -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.only is None:
        for part in ("post", "list", "kb"):
            # One process per part: Django's settings are read once per process.
            subprocess.run([sys.executable, __file__, "--only", part, *argv], check=False)  # noqa: S603
        return
    {"post": run_post, "list": run_list, "kb": run_kb}[args.only](args)


if __name__ == "__main__":
    main()
