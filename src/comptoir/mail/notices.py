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
