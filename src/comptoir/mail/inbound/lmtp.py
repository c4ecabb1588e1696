"""An LMTP receiver (aiosmtpd) for an MTA to deliver to: each recipient is one of our
mailboxes, and each is one reception. The mail is stored before the MTA is told it was
accepted (250), then processed by a worker (a task; a sweep takes up whatever a stopped
worker left): deliveries are stored concurrently, so a mail that is slow to handle never
holds the next ones. A temporary failure answers 451 so that the MTA tries again later
(nothing lost)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from asgiref.sync import sync_to_async

log = logging.getLogger(__name__)


TRY_LATER = "451 4.3.0 temporary failure, try again later"


class Handler:
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        answer = await sync_to_async(_rcpt_answer)(address)
        if answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        # Each delivery in a thread of its own (not the one shared thread): one session
        # waiting on the database never holds the others.
        deliver = sync_to_async(_deliver, thread_sensitive=False)
        replies = [await deliver(raw, rcpt) for rcpt in envelope.rcpt_tos]
        # LMTP answers once per recipient.
        return "\r\n".join(replies)

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd would answer "500 Error: <the exception>": the MTA would bounce the mail
        # for good (and read our SQL). Whatever went wrong, the MTA keeps it and retries.
        log.error("LMTP session error", exc_info=error)
        return TRY_LATER


def _rcpt_answer(address: str) -> str:
    from django.db import DatabaseError, close_old_connections

    from comptoir.mail.models import Mailbox

    # As at the start of a request: a connection broken by a database restart is replaced
    # (else every RCPT would fail until the receiver restarts).
    close_old_connections()
    try:
        known = Mailbox.objects.filter(address__iexact=address, is_active=True).exists()
    except DatabaseError as exc:
        log.warning("LMTP recipient check deferred", extra={"rcpt": address, "error": str(exc)})
        return TRY_LATER
    if not known:
        return f"550 5.1.1 <{address}>: no such mailbox here"
    return "250 2.1.5 OK"


def _deliver(raw: bytes, rcpt: str) -> str:
    from django.db import connections

    # Deliveries run in a pool of threads: none keeps a connection open between two.
    try:
        return _store_and_hand_over(raw, rcpt)
    finally:
        connections.close_all()


def _store_and_hand_over(raw: bytes, rcpt: str) -> str:
    from django.db import DatabaseError

    from comptoir.mail import tasks
    from comptoir.mail.inbound.pipeline import TemporaryFailure, store
    from comptoir.mail.models import InboundMail, Mailbox

    try:
        mailbox = Mailbox.objects.get(address__iexact=rcpt)
        stored = store(raw, source=InboundMail.Source.LMTP, mailbox=mailbox)
    except (TemporaryFailure, DatabaseError) as exc:
        log.warning("LMTP delivery deferred", extra={"rcpt": rcpt, "error": str(exc)})
        return TRY_LATER
    if isinstance(stored, InboundMail):
        try:
            tasks.process_inbound(stored.pk)
        except Exception:  # stored: the sweep processes it if the queue cannot be reached
            log.exception("LMTP processing deferred", extra={"inbound_id": stored.pk})
    return "250 2.0.0 delivered"


class LMTPController(Controller):
    def factory(self) -> LMTP:
        return LMTP(self.handler, decode_data=False, enable_SMTPUTF8=True)


def serve(host: str = "127.0.0.1", port: int = 8024) -> LMTPController:
    """Start the receiver in a background thread; ``.stop()`` ends it."""
    controller = LMTPController(Handler(), hostname=host, port=port)
    controller.start()
    return controller


def run_forever(host: str, port: int) -> None:
    controller = serve(host, port)
    print(f"LMTP receiver listening on {host}:{port}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()
