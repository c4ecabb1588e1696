"""Mails about a received mail that made no ticket (built here, stored by the pipeline)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from comptoir.core import outbox
from comptoir.core.models import OutboxMessage
from comptoir.mail.models import Mailbox
from comptoir.mail.parsing import ParsedMail


def attachments_refused(
    mail: ParsedMail,
    names: list[str],
    *,
    limit: int,
    ticket_reference: str | None,
    reply_to: str | None,
    at: datetime,
) -> OutboxMessage:
    """Files over the size limit are not kept: the sender is told which, and the limit."""
    from django.template.defaultfilters import filesizeformat

    language = mail.language if mail.language in {"fr", "en"} else settings.LANGUAGE_CODE
    with translation.override(language):
        ctx = {"mail": mail, "names": names, "limit": filesizeformat(limit), "reference": ticket_reference}
        subject = render_to_string("mail/too_large_subject.txt", ctx).strip()
        body = render_to_string("mail/too_large_body.txt", ctx)
    headers = {"Auto-Submitted": "auto-replied"}
    if reply_to:
        headers["Reply-To"] = reply_to
    if mail.message_id:
        headers["In-Reply-To"] = headers["References"] = f"<{mail.message_id}>"
    prefix = f"[{ticket_reference}] " if ticket_reference else ""
    payload = {"to": [mail.from_address], "subject": prefix + subject, "body": body, "headers": headers}
    return outbox.build("mail", payload, at=at)


def refusal(mail: ParsedMail, mailbox: Mailbox, *, at: datetime) -> OutboxMessage:
    """Procedure 002: support is for site editors and owners; others are told whom to
    contact. Marked as an automatic answer so that auto-responders do not answer back."""
    language = mail.language if mail.language in {"fr", "en"} else mailbox.language or settings.LANGUAGE_CODE
    with translation.override(language):
        ctx = {"mail": mail, "mailbox": mailbox}
        subject = render_to_string("mail/refusal_subject.txt", ctx).strip()
        body = render_to_string("mail/refusal_body.txt", ctx)
    headers = {"Auto-Submitted": "auto-replied", "Reply-To": mailbox.address}
    if mail.message_id:
        headers["In-Reply-To"] = headers["References"] = f"<{mail.message_id}>"
    payload = {"to": [mail.from_address], "subject": subject, "body": body, "headers": headers}
    return outbox.build("mail", payload, at=at)
