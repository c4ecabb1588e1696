"""What makes two receptions the same mail.

A mail is identified per mailbox by a digest of its own bytes — headers and body as the
sender's system wrote them — without the trace fields that relays and our own MTA put on
top of it (``Received``, ``Return-Path``, ``Delivered-To``, spam and authentication
verdicts…). The same mail delivered again, by the MTA after a lost answer or by IMAP and
LMTP both, is then recognised; a *different* mail that reuses an earlier Message-ID (a
broken mailer, a forged one) is a different reception, kept and handled; and a delivery to
two of our mailboxes is two receptions.

Pure: no Django, so the migration that rekeys stored mails uses it as it is.
"""

from __future__ import annotations

import hashlib
import re

# Fields that systems on the way put at the top of a mail, before the sender's own fields.
_PREPENDED = frozenset(
    {
        "received",
        "return-path",
        "delivered-to",
        "x-original-to",
        "envelope-to",
        "x-envelope-to",
        "x-delivered-to",
        "authentication-results",
        "received-spf",
        "arc-seal",
        "arc-message-signature",
        "arc-authentication-results",
    }
)
_PREPENDED_PREFIXES = ("x-spam", "x-virus", "x-rspamd", "x-ham-report")
_FIELD = re.compile(rb"^([!-9;-~]+)[ \t]*:")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _prepended(name: str) -> bool:
    return name in _PREPENDED or name.startswith(_PREPENDED_PREFIXES)


def own_bytes(raw: bytes) -> bytes:
    """``raw`` without the trace fields on top, with one kind of line end."""
    end = _HEADER_END.search(raw)
    head, body = (raw[: end.start()], raw[end.end() :]) if end else (raw, b"")
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    start = 0
    while start < len(lines):
        match = _FIELD.match(lines[start])
        if match is None or not _prepended(match.group(1).decode("ascii").lower()):
            break
        start += 1
        while start < len(lines) and lines[start][:1] in (b" ", b"\t"):  # folded lines
            start += 1
    return b"\n".join(lines[start:]) + b"\n\n" + body.replace(b"\r\n", b"\n")


def key(raw: bytes, mailbox_id: int | None) -> str:
    """The identity of a reception: its mailbox and the digest of the mail's own bytes."""
    return f"{mailbox_id or 0}:sha256:{hashlib.sha256(own_bytes(raw)).hexdigest()}"
