"""The one error of the parsing package: bytes that are not an e-mail at all."""

from __future__ import annotations


class ParseError(ValueError):
    """Raised by :func:`comptoir.mail.parsing.parse` only when nothing can be salvaged.

    Rule (DESIGN §5): a mail that cannot be parsed is kept and quarantined by the caller,
    never dropped, so the message says what the bytes looked like instead.
    """
