"""Repair a header section whose folded lines lost their leading whitespace.

Some gateways re-wrap long headers (``X-Brightmail-Tracker``, ``Received``) without the space
or tab that marks a continuation line; the standard parser then ends the headers at the first
such line and ``From``, ``To`` and ``Subject`` vanish into the body. When real header lines
follow such a line inside the header section, the line is a lost continuation and gets its
space back.
"""

from __future__ import annotations

import re

_FIELD = re.compile(rb"^[!-9;-~]+:")
_WELL_KNOWN = re.compile(
    rb"^(?:from|to|cc|subject|date|message-id|mime-version|content-type|reply-to|in-reply-to|references):",
    re.IGNORECASE,
)
_MAX_HEADER_BYTES = 256 * 1024


def repair_header_folding(raw: bytes) -> bytes:
    """``raw`` with lost continuation lines of its header section indented again (or unchanged)."""
    head_end = _header_end(raw)
    if head_end is None:
        return raw
    lines = raw[:head_end].splitlines(keepends=True)
    broken = [
        index
        for index, line in enumerate(lines)
        if index > 0 and line.strip() and not line[:1].isspace() and not _FIELD.match(line)
    ]
    if not broken:
        return raw
    if not any(_WELL_KNOWN.match(line) for line in lines[broken[0] + 1 :]):
        return raw  # nothing real after it: the header section simply ended without a blank line
    for index in broken:
        lines[index] = b" " + lines[index]
    return b"".join(lines) + raw[head_end:]


def _header_end(raw: bytes) -> int | None:
    """Offset of the blank line ending the header section, or None."""
    candidates = [position for position in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if position != -1]
    if not candidates:
        return None
    end = min(candidates) + 1
    return end if end <= _MAX_HEADER_BYTES else None
