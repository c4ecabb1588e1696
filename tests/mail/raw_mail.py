"""Hand-made raw mails for the tests: written as text, sent as the CRLF bytes a server delivers."""

from __future__ import annotations

import textwrap


def raw(text: str, *, encoding: str = "utf-8") -> bytes:
    """``text`` dedented, with CRLF line endings, encoded (``encoding`` for 8-bit bodies)."""
    return textwrap.dedent(text).replace("\r\n", "\n").replace("\n", "\r\n").encode(encoding)
