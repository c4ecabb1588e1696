"""An LMTP receiver (aiosmtpd) for an MTA to deliver to: each recipient is one of our
mailboxes; the mail is stored and processed before the MTA is told it was accepted, and a
temporary failure answers 451 so that the MTA tries again later (nothing lost)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from asgiref.sync import sync_to_async

log = logging.getLogger(__name__)


class Handler:
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        known = await sync_to_async(_known_mailbox)(address)
        if not known:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        deliver = sync_to_async(_deliver, thread_sensitive=True)
        replies = [await deliver(raw, rcpt) for rcpt in envelope.rcpt_tos]
        # LMTP answers once per recipient.
        return "\r\n".join(replies)


def _known_mailbox(address: str) -> bool:
    from comptoir.mail.models import Mailbox

    return Mailbox.objects.filter(address__iexact=address, is_active=True).exists()


def _deliver(raw: bytes, rcpt: str) -> str:
    from django.db import close_old_connections

    from comptoir.mail.inbound.pipeline import TemporaryFailure, receive
    from comptoir.mail.models import InboundMail, Mailbox

    close_old_connections()
    try:
        mailbox = Mailbox.objects.get(address__iexact=rcpt)
        receive(raw, source=InboundMail.Source.LMTP, mailbox=mailbox)
    except TemporaryFailure as exc:
        log.warning("LMTP delivery deferred", extra={"rcpt": rcpt, "error": str(exc)})
        return "451 4.3.0 temporary failure, try again later"
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
