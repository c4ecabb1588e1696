"""The walk over a parsed MIME tree: which parts are the body, which are files, and their bytes.

Body rules: ``text/plain`` and ``text/html`` parts that are not attachments (no
``attachment`` disposition, no file name) are the body, several plain parts are joined (Apple
Mail splits the text around inline images); any other part is a file, including
``message/rfc822`` (kept as ``.eml``) and the parts of a delivery report; an attached mail is
not searched for a body. The walk is bounded (depth, number of parts) so a hostile mail
cannot exhaust the stack or the time budget.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.errors import MessageError
from email.generator import BytesGenerator
from email.message import Message
from email.policy import compat32
from io import BytesIO

from comptoir.mail.parsing.attachments import raw_filename
from comptoir.mail.parsing.charsets import decode_bytes
from comptoir.mail.parsing.transfer_encodings import base64_bytes, base64_damaged, uu_bytes

MAX_DEPTH = 30
MAX_PARTS = 2000
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_UU_ENCODINGS = ("x-uuencode", "uuencode", "uue", "x-uue")
_SAFE = (MessageError, ValueError, TypeError, LookupError, UnicodeError, AttributeError, IndexError)


@dataclass
class Collected:
    """What the walk found: bodies, files (part, content type, bytes), report types, defects."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    files: list[tuple[Message, str, bytes]] = field(default_factory=list)
    report_types: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    parts: int = 0
    hints: tuple[str, ...] = ()  # the charsets the parts declare, for raw 8-bit headers


def iter_parts(message: Message, limit: int = MAX_PARTS) -> Iterator[Message]:
    """``message`` and the parts below it (attached mails included), without recursion."""
    stack: list[Message] = [message]
    seen = 0
    while stack and seen < limit:
        part = stack.pop()
        seen += 1
        yield part
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(child for child in reversed(payload) if isinstance(child, Message))


def defect_names(part: Message) -> list[str]:
    """The standard library's defect classes found on one part (``StartBoundaryNotFoundDefect``…)."""
    return [type(defect).__name__ for defect in getattr(part, "defects", [])]


def declared_charsets(message: Message) -> tuple[str, ...]:
    """Every charset the parts declare, in order (raw 8-bit headers were written in one of them)."""
    found: dict[str, None] = {}
    for part in iter_parts(message):
        try:
            charset = part.get_param("charset")
        except (ValueError, TypeError, LookupError, UnicodeError):
            continue
        if isinstance(charset, str) and charset.strip().lower() not in ("", "us-ascii", "ascii", "utf-8"):
            found.setdefault(charset.strip().strip("\"'").lower(), None)
        if len(found) > 10:
            break
    return tuple(found)


def _generated(part: Message) -> bytes:
    buffer = BytesIO()
    try:
        BytesGenerator(buffer, mangle_from_=False, policy=compat32).flatten(part)
    except (*_SAFE, RecursionError):
        return b""
    return buffer.getvalue()


def _attached_message(part: Message) -> bytes:
    """An attached mail (``message/rfc822``) as bytes, or a report part's body."""
    payload = part.get_payload()
    rfc822 = part.get_content_type() in ("message/rfc822", "message/global")
    if rfc822 and isinstance(payload, list) and len(payload) == 1 and isinstance(payload[0], Message):
        return _generated(payload[0])
    whole = _generated(part)
    for separator in (b"\r\n\r\n", b"\n\n"):
        if separator in whole:
            return whole.split(separator, 1)[1]
    return whole


def leaf_bytes(part: Message, defects: list[str] | None = None) -> bytes:
    """The decoded bytes of a leaf part (base64 and uuencode decoded forgivingly)."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    raw_payload = part.get_payload()
    if encoding in _UU_ENCODINGS and isinstance(raw_payload, str):
        return uu_bytes(raw_payload.encode("utf-8", "surrogateescape"))
    if encoding == "base64" and isinstance(raw_payload, str):
        encoded = raw_payload.encode("utf-8", "surrogateescape")
        if defects is not None and base64_damaged(encoded):
            defects.append(f"damaged base64 in a {part.get_content_type()} part: decoded what could be")
        return base64_bytes(encoded)
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, LookupError, UnicodeError, AssertionError):
        payload = None
    if isinstance(payload, bytes):
        return payload
    if isinstance(raw_payload, str):
        return raw_payload.encode("utf-8", "surrogateescape")
    return b""


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except (ValueError, TypeError, LookupError, UnicodeError):
        return None


def _text_of(part: Message, data: bytes, found: Collected) -> str:
    declared = _charset(part)
    if declared is None and part.get_content_type() == "text/html":
        meta = _META_CHARSET.search(data[:4096])
        declared = meta.group(1).decode("ascii", "replace") if meta else None
    text, defect = decode_bytes(data, declared)
    if defect:
        found.defects.append(defect)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_body(part: Message, content_type: str, hints: tuple[str, ...]) -> bool:
    if content_type not in ("text/plain", "text/html"):
        return False
    try:
        disposition = (part.get_content_disposition() or "").lower()
    except (ValueError, TypeError, LookupError, UnicodeError):
        disposition = ""
    return disposition != "attachment" and not raw_filename(part, hints)


def walk(part: Message, found: Collected, depth: int = 0) -> None:
    """Sort ``part`` and its children into bodies and files, collecting defects on the way."""
    found.parts += 1
    found.defects.extend(defect_names(part))
    if found.parts > MAX_PARTS or depth > MAX_DEPTH:
        found.defects.append("too many or too deeply nested MIME parts: the rest was not read")
        return
    content_type = part.get_content_type()
    payload = part.get_payload()
    if content_type.startswith("multipart/"):
        if content_type == "multipart/report":
            report_type = part.get_param("report-type")
            if isinstance(report_type, str):
                found.report_types.append(report_type.strip().lower())
        if isinstance(payload, list):
            for child in payload:
                if isinstance(child, Message):
                    walk(child, found, depth + 1)
            return
        found.defects.append("multipart part without readable sub-parts (missing boundary?): read as text")
        content_type = "text/plain"
    if content_type.startswith("message/") or content_type == "text/rfc822-headers":
        if content_type == "message/delivery-status":
            found.report_types.append("delivery-status")
        content = _attached_message(part) if isinstance(payload, list) else leaf_bytes(part, found.defects)
        found.files.append((part, content_type, content))
        for inner in list(iter_parts(part))[1:]:  # an attached mail's own damage is reported too
            found.defects.extend(defect_names(inner))
        return
    data = leaf_bytes(part, found.defects)
    if _is_body(part, content_type, found.hints):
        text = _text_of(part, data, found)
        (found.plain if content_type == "text/plain" else found.html).append(text)
        return
    found.files.append((part, content_type, data))
