"""Which ticket a mail answers (pure): our reference in the subject, else our own
Message-IDs in In-Reply-To / References (they carry the ticket number). Never the subject
text alone."""

from __future__ import annotations

import re
from collections.abc import Iterable

from comptoir.mail.parsing import ParsedMail
from comptoir.mail.parsing.subject import ticket_reference

_OUR_ID = re.compile(r"^comptoir\.(\d+)\.[0-9a-f]+@(.+)$", re.IGNORECASE)


def number_from_message_ids(ids: Iterable[str], *, domain: str) -> int | None:
    """The ticket number carried by one of our own Message-IDs (latest reference first)."""
    for mid in reversed(list(ids)):
        found = _OUR_ID.match(mid.strip().strip("<>"))
        if found and found.group(2).lower() == domain.lower():
            return int(found.group(1))
    return None


def ticket_number(mail: ParsedMail, *, domain: str) -> int | None:
    return ticket_reference(mail.subject) or number_from_message_ids(
        (*mail.references, *mail.in_reply_to), domain=domain
    )
