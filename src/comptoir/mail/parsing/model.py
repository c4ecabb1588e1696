"""What a parsed mail is: frozen dataclasses the Django side stores and routes.

``text`` always keeps the full body; ``visible_text``/``signature``/``quoted`` are a view
of it (procedure 001: signatures removed, only the new text becomes the ticket message).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from comptoir.mail.parsing.classify import Classification


@dataclass(frozen=True)
class ParsedAttachment:
    """A file of the mail (procedure 001: "vous pouvez y joindre copie d'écran, pièces jointes").

    ``filename`` is decoded (RFC 2231 / RFC 2047) and sanitised (no directory part, no control
    characters, never empty). ``inline`` marks an image the HTML shows through ``cid:``.
    ``too_large`` marks a file whose content was dropped (``b""``) for exceeding the limit.
    """

    filename: str
    content_type: str
    content: bytes
    content_id: str | None
    inline: bool
    too_large: bool = False
    size: int = 0  # the decoded size, also when the content was dropped


@dataclass(frozen=True)
class ParsedMail:
    """One inbound mail, decoded. Addresses are lower case; ids have no ``<>``.

    ``visible_text`` is the new text only (quoted history and signature removed); ``html`` is
    sanitised and ``visible_html`` is the same without the quoted history. ``defects`` lists
    the problems met (bad charset, missing boundary…) so a quarantine can explain itself.
    """

    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    from_address: str | None
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    reply_to: str | None
    subject: str
    date: datetime | None
    text: str
    html: str
    visible_text: str
    signature: str
    quoted: str
    attachments: tuple[ParsedAttachment, ...]
    classification: Classification
    language: str
    defects: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    visible_html: str = ""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), decoded, or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this mail answers, nearest first: In-Reply-To, then References newest first."""
        seen: dict[str, None] = dict.fromkeys(self.in_reply_to)
        for item in reversed(self.references):
            seen.setdefault(item, None)
        return tuple(seen)
