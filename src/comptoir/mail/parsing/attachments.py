"""Attachment names and inline images: decode what clients wrote, keep nothing dangerous.

A file name arrives RFC 2231-encoded (``filename*=utf-8''Facture%20d%C3%A9taill%C3%A9e.pdf``,
split in ``filename*0*``/``filename*1*`` pieces), RFC 2047-encoded (``=?utf-8?B?…?=``, not
standard but what Outlook and Gmail send), or as raw 8-bit bytes. It is decoded, then
sanitised: no directory part (``../../etc/passwd`` is ``passwd``), no control characters, no
leading dot, at most 200 characters (the extension kept), never empty (``attachment-1.bin``).
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Sequence
from email.message import Message
from urllib.parse import unquote_to_bytes

from comptoir.mail.parsing.charsets import decode_bytes
from comptoir.mail.parsing.headers import decode_value, decode_words, normalise_spaces, recover_8bit
from comptoir.mail.parsing.model import ParsedAttachment

_RESERVED = re.compile(r"[\x00-\x1f\x7f]")
_MAX_LENGTH = 200
_EXTENSIONS = {
    "message/rfc822": ".eml",
    "message/delivery-status": ".txt",
    "text/rfc822-headers": ".txt",
    "message/disposition-notification": ".txt",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "image/jpeg": ".jpg",
    "application/octet-stream": ".bin",
    "application/pgp-signature": ".asc",
    "application/pkcs7-signature": ".p7s",
    "application/x-pkcs7-signature": ".p7s",
}


def _rfc2231(value: str) -> str | None:
    """``charset'language'percent-encoded`` (an extended parameter) decoded, or None."""
    parts = value.split("'", 2)
    if len(parts) != 3 or ("%" not in parts[2] and parts[0] == ""):
        return None
    charset, _language, encoded = parts
    return decode_bytes(unquote_to_bytes(encoded), charset or "utf-8")[0]


def _readable_headers(part: Message, hints: Sequence[str]) -> Message:
    """The part's Content-Disposition and Content-Type with raw 8-bit bytes decoded.

    The standard library turns such bytes into U+FFFD when asked for a parameter, so the
    file name "Hofjägeralle.jpg" sent unencoded would lose its "ä".
    """
    readable = Message()
    for name, value in part.raw_items():
        if name.lower() in ("content-disposition", "content-type"):
            readable[name] = recover_8bit(str(value), hints)
    return readable


def raw_filename(part: Message, hints: Sequence[str] = ()) -> str:
    """The file name a part declares (Content-Disposition ``filename``, else Content-Type ``name``)."""
    source = _readable_headers(part, hints)
    name: object = None
    try:
        name = source.get_filename()
    except (ValueError, TypeError, LookupError, UnicodeError):
        name = None
    for parameter in ("name", "file", "filename"):  # "file=" is not standard, but seen
        if name is not None:
            break
        try:
            name = source.get_param(parameter)
        except (ValueError, TypeError, LookupError, UnicodeError):
            name = None
        if isinstance(name, tuple):
            charset, _language, encoded = name
            raw = str(encoded).encode("latin-1", "replace")
            name = decode_bytes(raw, str(charset or "utf-8"))[0]
    if not isinstance(name, str):
        return ""
    if "''" in name and re.match(r"^[\w-]*'[\w-]*'", name):
        decoded = _rfc2231(name)
        if decoded is not None:
            name = decoded
    return decode_words(name).strip()


def sanitise_filename(name: str, *, content_type: str, position: int) -> str:
    """A safe file name: basename only, printable, bounded, never empty."""
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"\s+", " ", name).strip()
    name = _RESERVED.sub("_", name).strip(".").strip()
    if not name or set(name) <= {"_", " ", "."}:
        extension = _EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"
        return f"attachment-{position}{extension}"
    if len(name) > _MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: _MAX_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:_MAX_LENGTH]
    return name


def content_id(part: Message) -> str | None:
    """The part's Content-ID without ``<>`` (what ``cid:`` URLs in the HTML point at)."""
    value = part.get("Content-ID")
    if value is None:
        return None
    cleaned = str(value).strip().strip("<>").strip()
    return cleaned or None


def referenced_cids(html: str) -> set[str]:
    """Content-IDs the HTML shows as images (``src="cid:…"``), lower case, URL-decoded."""
    found = re.findall(r"""cid:([^"'\s>)]+)""", html, flags=re.IGNORECASE)
    return {unquote_to_bytes(item).decode("utf-8", "replace").strip("<>").lower() for item in found}


def build_attachments(
    files: Sequence[tuple[Message, str, bytes]], *, html: str, limit: int | None, hints: Sequence[str]
) -> tuple[ParsedAttachment, ...]:
    """The files of a mail, named, flagged inline when the HTML shows them, emptied when too large."""
    cids = referenced_cids(html) if html else set()
    result: list[ParsedAttachment] = []
    for position, (part, content_type, content) in enumerate(files, start=1):
        name = raw_filename(part, hints)
        identifier = content_id(part)
        if not name:
            name = _default_name(part, content_type, identifier, hints)
        too_large = limit is not None and len(content) > limit
        result.append(
            ParsedAttachment(
                filename=sanitise_filename(name, content_type=content_type, position=position),
                content_type=content_type,
                content=b"" if too_large else content,
                content_id=identifier,
                inline=identifier is not None and identifier.lower() in cids,
                too_large=too_large,
                size=len(content),
            )
        )
    return tuple(result)


_REPORT_NAMES = {
    "message/delivery-status": "delivery-status.txt",
    "message/global-delivery-status": "delivery-status.txt",
    "text/rfc822-headers": "original-headers.txt",
    "message/rfc822-headers": "original-headers.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "message/feedback-report": "feedback-report.txt",
}
_CID_FILE = re.compile(r"^[\w.-]{1,100}\.(?:jpe?g|png|gif|bmp|webp|tiff?)$", re.IGNORECASE)


def _default_name(part: Message, content_type: str, identifier: str | None, hints: Sequence[str]) -> str:
    """A name for an unnamed part: the subject of an attached mail, the report part's role,
    or the file name Outlook puts in an inline image's Content-ID (``image001.jpg@01D…``).
    An attached mail is named after its subject, else its Content-Description."""
    if content_type in ("message/rfc822", "message/global"):
        return _attached_subject(part, hints) + ".eml"
    if content_type in _REPORT_NAMES:
        return _REPORT_NAMES[content_type]
    if identifier and _CID_FILE.match(identifier.split("@", 1)[0]):
        return identifier.split("@", 1)[0]
    return ""


def _attached_subject(part: Message, hints: Sequence[str]) -> str:
    """An attached mail is named after its subject ("Updates to our terms of use.eml")."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    subject = None
    if isinstance(inner, Message):
        subject = next((str(value) for key, value in inner.raw_items() if key.lower() == "subject"), None)
    cleaned = normalise_spaces(decode_value(recover_8bit(str(subject), hints))) if subject is not None else ""
    if not cleaned:
        description = part.get("Content-Description")
        cleaned = normalise_spaces(decode_value(str(description))) if description is not None else ""
    return cleaned[:150] or "forwarded-message"
