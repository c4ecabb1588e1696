"""The ``comptoir`` command.

comptoir run [--host H] [--port P] [--workers N]
                                      migrate, load the demo, serve with the task consumer
comptoir demo                         load the demo data (idempotent)
comptoir worker                       run the task consumer alone
comptoir migrate                      apply database migrations
comptoir manage ARGS...               any Django management command
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


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
    _manage(["createcachetable"])  # the sign-in throttling counters, shared by every process
    if os.environ.get("COMPTOIR_ENV") == "production":
        # Production serves the static files from the collected, hashed copies (WhiteNoise's
        # manifest); without them every page fails. Collecting is idempotent and quick.
        _manage(["collectstatic", "--no-input", "-v", "0"])
    if not ns.no_demo:
        _django()
        from comptoir import demo

        logins = demo.load()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    # The exported address, else the one served on; recorded for the processes started
    # elsewhere without the variable (an MTA's `comptoir mail ingest`, cron's `mail poll`).
    from django.conf import settings

    from comptoir.core import base_url

    env["COMPTOIR_BASE_URL"] = (
        os.environ.get("COMPTOIR_BASE_URL", "").strip() or f"http://{ns.host}:{ns.port}"
    )
    base_url.record(settings.VAR_DIR, env["COMPTOIR_BASE_URL"])
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
            str(ns.workers),
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
    _manage(["createcachetable"])
    return 0


EX_TEMPFAIL = 75  # sysexits.h: the MTA keeps the mail and tries again later


def _read_inputs(paths: Sequence[str]) -> list[tuple[str, bytes]]:
    if not paths or list(paths) == ["-"]:
        return [("-", sys.stdin.buffer.read())]
    return [(p, Path(p).read_bytes()) for p in paths]


def cmd_mail_ingest(ns: argparse.Namespace) -> int:
    """Store and process mails from files or standard input (MTA pipes, replays). Every
    temporary failure — the database down or busy, before or while storing — exits 75, so
    that the MTA keeps the mail and tries again later."""
    _django()
    from django.db import DatabaseError

    try:
        return _ingest(ns)
    except DatabaseError as exc:
        print(f"comptoir: the database is unavailable, try again later: {exc}".strip(), file=sys.stderr)
        return EX_TEMPFAIL


def _ingest(ns: argparse.Namespace) -> int:
    from comptoir.mail.inbound.pipeline import TemporaryFailure, receive
    from comptoir.mail.models import InboundMail, Mailbox

    mailbox = None
    if ns.mailbox:
        mailbox = Mailbox.objects.filter(address__iexact=ns.mailbox).first()
        if mailbox is None:
            print(f"comptoir: no mailbox {ns.mailbox!r}", file=sys.stderr)
            return 2
    else:
        active = list(Mailbox.objects.filter(is_active=True)[:2])
        mailbox = active[0] if len(active) == 1 else None
    code = 0
    for name, raw in _read_inputs(ns.files):
        try:
            outcome = receive(raw, source=InboundMail.Source.PIPE, mailbox=mailbox)
        except TemporaryFailure as exc:
            print(f"comptoir: {name}: temporary failure, try again later: {exc}", file=sys.stderr)
            return EX_TEMPFAIL
        if ns.json:
            print(json.dumps({"file": name, **outcome.as_dict()}, ensure_ascii=False))
        else:
            ticket = f" #{outcome.ticket_number}" if outcome.ticket_number else ""
            reason = f": {outcome.reason}" if outcome.reason else ""
            print(f"{name}: {outcome.status}{ticket}{reason}")
        if outcome.status == "quarantined":
            code = 1
    return code


def cmd_mail_parse(ns: argparse.Namespace) -> int:
    """Print what the pipeline sees in a mail, storing nothing."""
    _django()
    from django.conf import settings

    from comptoir.mail.inspect import as_text, describe
    from comptoir.mail.parsing import ParseError, parse

    for name, raw in _read_inputs(ns.files):
        try:
            mail = parse(raw, max_attachment_bytes=settings.COMPTOIR_MAX_ATTACHMENT_BYTES)
        except ParseError as exc:
            print(f"comptoir: {name}: not a readable e-mail: {exc}", file=sys.stderr)
            return 1
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">")
        info = describe(mail, domain=domain)
        if info["product_unknown"]:
            print(
                "comptoir: the database is not set up (run `comptoir migrate`): "
                "the product the subject names is not shown",
                file=sys.stderr,
            )
        print(json.dumps(info, ensure_ascii=False, indent=2) if ns.json else as_text(info))
    return 0


def cmd_mail_poll(ns: argparse.Namespace) -> int:
    """Read every IMAP mailbox once (the task consumer does it every minute)."""
    _django()
    from comptoir.mail.inbound.imap import poll_all

    failed = 0
    for report in poll_all():
        print(f"{report.mailbox}: {report.read} read" + (f", error: {report.error}" if report.error else ""))
        failed += bool(report.error)
    return EX_TEMPFAIL if failed else 0


def cmd_mail_lmtp(ns: argparse.Namespace) -> int:
    """Receive mail from an MTA over LMTP until stopped."""
    _django()
    from comptoir.mail.inbound.lmtp import run_forever

    run_forever(ns.host, ns.port)
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
    run.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("COMPTOIR_WEB_WORKERS", "1")),
        help="web server processes (default 1, or COMPTOIR_WEB_WORKERS)",
    )
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
    mail = sub.add_parser("mail", help="the e-mail channel: ingest, parse, poll, lmtp").add_subparsers(
        dest="mail_command", metavar="MAIL_COMMAND", required=True
    )
    ingest = mail.add_parser(
        "ingest", help="store and process mails from files or stdin (exit 75: retry later)"
    )
    ingest.add_argument("files", nargs="*", metavar="FILE", help="mail files, or - for standard input")
    ingest.add_argument("--json", action="store_true", help="one JSON object per mail")
    ingest.add_argument("--mailbox", help="the address the mail was sent to (default: the only mailbox)")
    ingest.set_defaults(func=cmd_mail_ingest)
    parse = mail.add_parser("parse", help="show what Comptoir sees in a mail, storing nothing")
    parse.add_argument("files", nargs="*", metavar="FILE", help="mail files, or - for standard input")
    parse.add_argument("--json", action="store_true")
    parse.set_defaults(func=cmd_mail_parse)
    mail.add_parser("poll", help="read every IMAP mailbox once").set_defaults(func=cmd_mail_poll)
    lmtp = mail.add_parser("lmtp", help="receive mail from an MTA over LMTP")
    lmtp.add_argument("--host", default="127.0.0.1")
    lmtp.add_argument("--port", type=int, default=8024)
    lmtp.set_defaults(func=cmd_mail_lmtp)
    ns = parser.parse_args(argv)
    return int(ns.func(ns))


if __name__ == "__main__":
    sys.exit(main())
