"""What every benchmark here shares: Django set up from the command line (its own var
directory, an in-memory task queue, SQLite or a PostgreSQL database of its own), the
machine's description printed with the figures, and percentiles.

The scripts import this module as ``harness`` (they run as ``python bench/<name>.py``, so
``bench/`` is on ``sys.path``). Django is configured through environment variables before
``comptoir.settings`` is imported, exactly as in production.
"""

from __future__ import annotations

import atexit
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_SERVER = "postgresql://127.0.0.1:5432"
# Databases a benchmark may drop and recreate: never the test suite's (test, test_test).
SAFE_PREFIX = "comptoir_bench"


def var_dir(name: str, *, keep: bool = False) -> Path:
    """A fresh COMPTOIR_VAR_DIR (secret key, SQLite file, mail spool) for one run, removed
    when the process exits unless ``keep``."""
    path = Path(tempfile.mkdtemp(prefix=f"comptoir-{name}-"))
    if not keep:
        atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def ensure_postgres_database(url: str, *, fresh: bool) -> bool:
    """Create the database named in ``url`` (dropping it first when ``fresh``); returns
    whether it already existed. Refuses names that do not start with ``comptoir_bench``."""
    import psycopg
    from psycopg import sql

    name = database_name(url)
    if not name.startswith(SAFE_PREFIX):
        raise SystemExit(f"refusing to touch database {name!r}: benchmark databases start with {SAFE_PREFIX}")
    admin_url = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        existed = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if existed and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            existed = False
        if not existed:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return existed


def configure_django(*, var: Path, database_url: str | None, tasks_url: str = "memory://") -> None:
    """Point Comptoir's own settings at ``var`` and the database, then ``django.setup()``.

    Production-like: DEBUG off (no query log kept in memory), templates cached. The task
    queue is Huey's in-memory one by default, not immediate: an outbox kick only enqueues a
    task, so mail delivery is not part of what is measured.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings"
    os.environ["COMPTOIR_VAR_DIR"] = str(var)
    os.environ["COMPTOIR_TASKS_URL"] = tasks_url
    os.environ["COMPTOIR_TASKS_IMMEDIATE"] = "false"
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)  # the embedded default: SQLite in the var dir
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "?"


def _git_revision() -> str:
    git = shutil.which("git")
    if not git:
        return "?"
    # Fixed arguments, no shell: the revision and whether the tree has local changes.
    head = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    dirty = subprocess.run([git, "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    return head.stdout.strip() + (" (with local changes)" if dirty.stdout.strip() else "")


def describe_machine() -> list[tuple[str, str]]:
    """The machine, the software and the database server the figures were taken on."""
    import sqlite3

    import django
    from django.db import connection

    load = os.getloadavg()
    rows = [
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("platform", platform.platform()),
        ("cpu", f"{_cpu_model()}, {os.cpu_count()} logical CPUs ({len(os.sched_getaffinity(0))} usable)"),
        ("memory", _memory()),
        (
            "load average",
            " ".join(f"{x:.2f}" for x in load) + "  (1, 5, 15 min, at start; the machine is shared)",
        ),
        ("django", django.get_version()),
        ("comptoir", _git_revision()),
    ]
    if connection.vendor == "postgresql":
        import psycopg

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute(
                "SELECT name, setting, unit FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'effective_cache_size', 'synchronous_commit', "
                "'fsync', 'random_page_cost', 'jit') ORDER BY name"
            )
            settings = ", ".join(f"{n}={_pg_setting(s, u)}" for n, s, u in cursor.fetchall())
        rows += [
            (
                "database",
                f"PostgreSQL {version} ({connection.settings_dict['NAME']}), psycopg {psycopg.__version__}",
            ),
            ("postgresql settings", settings),
        ]
    else:
        rows.append(
            ("database", f"SQLite {sqlite3.sqlite_version} (file {connection.settings_dict['NAME']}, WAL)")
        )
    return rows


def _pg_setting(setting: str, unit: str | None) -> str:
    if unit == "8kB":
        return f"{int(setting) * 8 // 1024}MB"
    if unit == "kB":
        return f"{int(setting) // 1024}MB"
    return setting + (unit or "")


def print_machine() -> None:
    print("Machine")
    for key, value in describe_machine():
        print(f"  {key:<20} {value}")
    sys.stdout.flush()


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100), nearest-rank on the sorted values."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]
