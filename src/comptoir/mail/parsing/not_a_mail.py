"""Bytes that cannot be an e-mail at all: refused with a message saying what they look like.

DESIGN §5: a bad input gets a clear error. Everything else is parsed and salvaged; only empty
input, a file of another kind (an Outlook ``.msg``, a PDF, an archive, an image) or binary data
without a single header line is refused.
"""

from __future__ import annotations

import re

from comptoir.mail.parsing.errors import ParseError

_HEADER_LINE = re.compile(rb"^(?:From |[!-9;-~]{1,76}:)")
_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Outlook .msg file (OLE compound document), not a MIME message"),
    (b"%PDF-", "a PDF document, not an e-mail"),
    (b"PK\x03\x04", "a ZIP archive, not an e-mail"),
    (b"\x89PNG", "a PNG image, not an e-mail"),
    (b"\xff\xd8\xff", "a JPEG image, not an e-mail"),
    (b"GIF8", "a GIF image, not an e-mail"),
    (b"\x1f\x8b", "a gzip archive, not an e-mail"),
)


def reject_non_mail(raw: bytes) -> None:
    """Raise :class:`ParseError` when ``raw`` cannot be an e-mail at all."""
    if not raw.strip():
        raise ParseError("empty input: no headers and no body, this is not an e-mail")
    head = raw.lstrip()[:16]
    for magic, description in _MAGIC:
        if head.startswith(magic):
            raise ParseError(f"the input is {description}; save or forward it as a .eml message")
    first_line = raw.lstrip(b"\r\n")[:1000].split(b"\n", 1)[0]
    if not _HEADER_LINE.match(first_line) and _looks_binary(raw[:4096]):
        raise ParseError("binary data without mail headers: this is not an e-mail")


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return control > len(sample) // 20
