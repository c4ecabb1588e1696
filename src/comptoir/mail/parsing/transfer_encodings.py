"""Content-Transfer-Encodings decoded the forgiving way (base64 without padding, uuencode
without its ``begin`` line): a damaged body still yields the bytes it holds."""

from __future__ import annotations

import binascii
import re

_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def base64_damaged(data: bytes) -> bool:
    """Does this base64 text hold stray characters or a truncated last group?"""
    letters = re.sub(rb"\s", b"", data).rstrip(b"=")
    return bool(_NOT_BASE64.search(letters)) or len(letters) % 4 == 1


def base64_bytes(data: bytes) -> bytes:
    """Base64 with stray characters ignored, missing padding added, a dangling last
    character dropped (a truncated part); never raises."""
    cleaned = _NOT_BASE64.sub(b"", data)
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    cleaned += b"=" * (-len(cleaned) % 4)
    try:
        return binascii.a2b_base64(cleaned)
    except binascii.Error:
        return b""


def uu_bytes(data: bytes) -> bytes:
    """uuencoded lines, with or without the ``begin 644 name`` line the standard library requires."""
    decoded: list[bytes] = []
    for line in data.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(b"begin "):
            continue
        if stripped in (b"`", b"end"):
            break
        try:
            decoded.append(binascii.a2b_uu(stripped))
        except binascii.Error:
            return data
    return b"".join(decoded)
