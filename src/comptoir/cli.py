"""The ``comptoir`` command.

comptoir run [--host H] [--port P]   migrate, load the demo, serve with the task consumer
comptoir demo                         load the demo data (idempotent)
comptoir worker                       run the task consumer alone
comptoir migrate                      apply database migrations
comptoir manage ARGS...               any Django management command
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    import django

    django.setup()


def _manage(args: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["comptoir", *args])


def cmd_demo(_: argparse.Namespace) -> int:
    _django()
    from comptoir import demo

    logins = demo.load()
    demo.print_logins(logins)
    return 0


def cmd_run(ns: argparse.Namespace) -> int:
    _manage(["migrate", "--no-input", "-v", "0"])
    if not ns.no_demo:
        _django()
        from comptoir import demo

        logins = demo.load()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "comptoir.settings"}
    env.setdefault("COMPTOIR_BASE_URL", f"http://{ns.host}:{ns.port}")
    web = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            ns.host,
            "--port",
            str(ns.port),
            "--workers",
            "1",
            "--blocking-threads",
            "8",
            "comptoir.wsgi:application",
        ],
        env=env,
    )
    worker = subprocess.Popen([sys.executable, "-m", "django", "run_huey", "--quiet"], env=env)
    procs = [web, worker]
    print(f"\nComptoir is running at http://{ns.host}:{ns.port}/  (Ctrl+C to stop)", flush=True)
    if not ns.no_demo:
        demo.print_logins(logins)

    def stop(*_args: object) -> None:
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        stop()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    # Stopped by a signal is a clean stop; any other exit of a child is a failure.
    return 0 if all(p.returncode in (0, -signal.SIGTERM, None) for p in procs) else 1


def cmd_worker(_: argparse.Namespace) -> int:
    _manage(["run_huey"])
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    _manage(["migrate", "--no-input"])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        _manage(argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="comptoir", description="Comptoir, the help desk.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = sub.add_parser("run", help="migrate, load the demo data and serve Comptoir with its task consumer")
    run.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    run.set_defaults(func=cmd_run)
    sub.add_parser("demo", help="load the demo data (idempotent) and print the demo logins").set_defaults(
        func=cmd_demo
    )
    sub.add_parser("worker", help="run the task consumer (outbox delivery, periodic jobs)").set_defaults(
        func=cmd_worker
    )
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("manage", help="run any Django management command: comptoir manage ARGS...")
    ns = parser.parse_args(argv)
    return int(ns.func(ns))


if __name__ == "__main__":
    sys.exit(main())
