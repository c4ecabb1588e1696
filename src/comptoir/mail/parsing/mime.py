"""``parse()``: raw bytes of one inbound mail to a :class:`ParsedMail`, salvaging what it can.

DESIGN §5: every bad input gets a clear error and loses nothing. So a broken mail (missing
boundary, wrong charset, truncated base64, unparseable date) still yields everything that
can be read, with the problems listed in ``defects``; only bytes that are not a mail at all
(empty input, an Outlook ``.msg`` file, binary data without headers) raise
:class:`ParseError`, whose message says what the bytes looked like.

The MIME walk is :mod:`mime_tree`; a structure nested so deeply that the standard parser
itself gives up is salvaged as headers plus the raw body.
"""

from __future__ import annotations

from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from comptoir.mail.parsing import html_limits
from comptoir.mail.parsing.attachments import build_attachments
from comptoir.mail.parsing.charsets import decode_bytes
from comptoir.mail.parsing.classify import classify
from comptoir.mail.parsing.header_repair import repair_header_folding
from comptoir.mail.parsing.headers import (
    addresses,
    decode_value,
    message_ids,
    normalise_spaces,
    parse_date,
    recover_8bit,
)
from comptoir.mail.parsing.html_reply import extract_html_reply
from comptoir.mail.parsing.language import guess_language
from comptoir.mail.parsing.mime_tree import Collected, declared_charsets, walk
from comptoir.mail.parsing.model import ParsedMail
from comptoir.mail.parsing.not_a_mail import reject_non_mail
from comptoir.mail.parsing.reply import Reply, extract_reply
from comptoir.mail.parsing.sanitize import sanitise_html


def _sender(raw_headers: list[tuple[str, str]], found: Collected) -> tuple[str, str | None]:
    """(name, address) of the author: the first From with an address, else Sender, Reply-To,
    Return-Path (a mail whose From is garbage or ``<>`` is still answered somewhere)."""
    from_values = _all(raw_headers, "From")
    for name in ("From", "Sender", "Reply-To", "Return-Path"):
        for value in _all(raw_headers, name):
            senders = addresses(value)
            if senders:
                if name != "From":
                    found.defects.append(f"no address in From; the sender was taken from {name}")
                display = senders[0][0] if name != "Return-Path" else ""
                return display, senders[0][1]
    if from_values:
        found.defects.append(f"no address in From: {normalise_spaces(decode_value(from_values[0]))!r}")
        return normalise_spaces(decode_value(from_values[0])), None
    found.defects.append("no From header")
    return "", None


def _first(headers: list[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


def _all(headers: list[tuple[str, str]], name: str) -> list[str]:
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def _address_list(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        for _name, address in addresses(value):
            seen.setdefault(address, None)
    return tuple(seen)


def _reply(plain: str, html_raw: str, sender_name: str) -> tuple[Reply, str, str]:
    """The visible reply (from the plain text when there is one), the HTML without its history,
    and the text of the whole HTML (the body text of an HTML-only mail). The sender's name
    helps find a signature that is just their name and phone number."""
    if not html_raw.strip():
        return extract_reply(plain, sender_name=sender_name), "", ""
    from_html = extract_html_reply(html_raw, sender_name=sender_name)
    reply = extract_reply(plain, sender_name=sender_name) if plain.strip() else from_html.reply
    return reply, from_html.visible_html, from_html.text


def _message(raw: bytes, found: Collected) -> Message:
    """The parsed MIME tree; when it nests beyond what the standard parser can follow, the
    headers and the undecoded body (the text is still there for a person to read)."""
    try:
        return BytesParser(policy=compat32).parsebytes(raw)
    except RecursionError:
        found.defects.append("MIME structure nested too deeply: the body was kept undecoded")
        salvaged = BytesParser(policy=compat32).parsebytes(raw, headersonly=True)
        body = salvaged.get_payload()
        text = body if isinstance(body, str) else ""
        plain = Message()
        plain.set_payload(decode_bytes(text.encode("utf-8", "surrogateescape"), None)[0], "utf-8")
        for name, value in salvaged.raw_items():
            if name.lower() not in ("content-type", "content-transfer-encoding", "content-disposition"):
                plain[name] = value
        return plain


def parse(raw: bytes, *, max_attachment_bytes: int | None = None) -> ParsedMail:
    """Parse one mail. Never raises on a damaged mail; raises ParseError on bytes that are not one."""
    reject_non_mail(raw)
    found = Collected()
    repaired = repair_header_folding(raw)
    if repaired != raw:
        found.defects.append("header lines without folding whitespace were joined to the header above")
    message = _message(repaired, found)
    found.hints = declared_charsets(message)
    raw_headers = [(str(name), recover_8bit(str(value), found.hints)) for name, value in message.raw_items()]
    headers = [(name, decode_value(value)) for name, value in raw_headers]
    if not headers:
        found.defects.append("no header section: the whole input was read as the body")
    walk(message, found)

    plain = (
        "\n\n".join(text for text in found.plain if text.strip())
        if len(found.plain) > 1
        else "".join(found.plain)
    )
    html_raw = "\n".join(found.html)
    if html_raw and html_limits.too_complex(html_raw):
        found.defects.append(
            f"HTML larger than {html_limits.MAX_BYTES} bytes or nested deeper than "
            f"{html_limits.MAX_DEPTH} levels: read as text"
        )
        if not plain.strip():
            plain = html_limits.as_text(html_raw)
        html_raw = ""
    from_name, from_address = _sender(raw_headers, found)
    reply, visible_html, html_text = _reply(plain, html_raw, from_name)
    text = plain if plain.strip() or not html_raw else html_text

    reply_to = addresses(_first(raw_headers, "Reply-To") or "")
    subject = normalise_spaces(_first(headers, "Subject") or "")
    date_header = _first(raw_headers, "Date")
    date = parse_date(date_header) if date_header else None
    if date_header and date is None:
        found.defects.append(f"unreadable Date header: {normalise_spaces(date_header)!r}")
    message_id = message_ids(_first(raw_headers, "Message-ID") or "")

    classification = classify(
        headers,
        subject=subject,
        from_address=from_address,
        from_name=from_name,
        report_types=tuple(found.report_types),
        text=text,
    )
    return ParsedMail(
        message_id=message_id[0] if message_id else None,
        in_reply_to=message_ids(" ".join(_all(raw_headers, "In-Reply-To"))),
        references=message_ids(" ".join(_all(raw_headers, "References"))),
        from_address=from_address,
        from_name=from_name,
        to=_address_list(_all(raw_headers, "To")),
        cc=_address_list(_all(raw_headers, "Cc")),
        reply_to=reply_to[0][1] if reply_to else None,
        subject=subject,
        date=date,
        text=text,
        html=sanitise_html(html_raw),
        visible_text=reply.visible,
        signature=reply.signature,
        quoted=reply.quoted,
        attachments=build_attachments(
            found.files, html=html_raw, limit=max_attachment_bytes, hints=found.hints
        ),
        classification=classification,
        language=guess_language(subject + "\n" + (reply.visible or text)),
        defects=tuple(dict.fromkeys(found.defects)),
        headers=tuple(headers),
        visible_html=sanitise_html(visible_html),
    )
