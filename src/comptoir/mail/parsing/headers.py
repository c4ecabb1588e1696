"""Header values as people wrote them: RFC 2047 words, raw 8-bit bytes, addresses, ids, dates.

Every function here is tolerant: broken encoded words (bad base64 padding, unknown charset,
a multi-byte character split across two words, no space between words and text) decode to
the best text available and never raise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime, parsedate_tz

from comptoir.mail.parsing.charsets import clean_label, decode_bytes, relatives
from comptoir.mail.parsing.transfer_encodings import base64_bytes

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n$")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_SPACES = re.compile(r"\s+")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_UNQUOTED_ADDRESS_NAME = re.compile(r'(^|,)\s*([^",<>]*@[^",<>]*?)\s*<')
_BARE_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def unfold(value: str) -> str:
    """RFC 5322 §2.2.3: a folded header is one line; the line breaks go, the spaces stay."""
    return _FOLD.sub("", value)


def has_8bit(value: str) -> bool:
    """Does ``value`` hold raw 8-bit bytes (kept by the parser as surrogate escapes)?"""
    return any("\udc80" <= ch <= "\udcff" for ch in value)


_MULTIBYTE = ("gb", "big5", "shift", "sjis", "euc", "iso-2022", "ks_c", "cp9", "hz")


def recover_8bit(value: str, hints: Sequence[str] = ()) -> str:
    """Raw 8-bit header bytes read as UTF-8, else in a charset the message declares elsewhere
    (``hints``: the sender's client wrote everything in it; multi-byte charsets first, as a
    strict decode in them rarely succeeds by chance), else windows-1252."""
    if not has_8bit(value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    ordered = sorted(hints, key=lambda label: not label.lower().startswith(_MULTIBYTE))
    for hint in [*ordered, *(relative for label in ordered for relative in relatives(label))]:
        try:
            return raw.decode(clean_label(hint) or "cp1252")
        except (UnicodeDecodeError, LookupError):
            continue
    return decode_bytes(raw, None)[0]


def _q_bytes(payload: str) -> bytes:
    data = payload.replace("_", " ").encode("ascii", "replace")
    return _QP_ESCAPE.sub(lambda found: bytes([int(found.group(1), 16)]), data)


def decode_words(value: str) -> str:
    """RFC 2047 decoding of ``value``: encoded words anywhere (even inside quotes or glued to text).

    Whitespace between two encoded words is dropped (§6.2); consecutive words in the same
    charset are joined before decoding, so a character split across them survives.
    """
    value = recover_8bit(value)
    pieces: list[tuple[str, bytes] | str] = []
    position = 0
    for found in _ENCODED_WORD.finditer(value):
        gap = value[position : found.start()]
        previous_is_word = bool(pieces) and isinstance(pieces[-1], tuple)
        if gap and not (previous_is_word and gap.isspace()):
            pieces.append(gap)
        charset = clean_label(found.group(1).split("*", 1)[0])
        payload = found.group(3)
        data = (
            base64_bytes(payload.encode("ascii", "replace")) if found.group(2) in "Bb" else _q_bytes(payload)
        )
        last = pieces[-1] if pieces else None
        if isinstance(last, tuple) and last[0] == charset:
            pieces[-1] = (charset, last[1] + data)
        else:
            pieces.append((charset, data))
        position = found.end()
    if not pieces:
        return value
    pieces.append(value[position:])
    return "".join(
        piece if isinstance(piece, str) else decode_bytes(piece[1], piece[0])[0] for piece in pieces
    )


def decode_value(value: str) -> str:
    """A header value unfolded and decoded, control characters turned into spaces."""
    text = decode_words(unfold(value))
    return "".join(" " if ch in "\r\n\t\x00" else ch for ch in text)


def normalise_spaces(text: str) -> str:
    """Runs of whitespace as one space, no leading or trailing space."""
    return _SPACES.sub(" ", text).strip()


def _clean_address(address: str) -> str:
    return re.sub(r"[\s<>\"()]", "", address).strip(".").lower()


def addresses(value: str) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs of an address header, in order.

    A malformed header still yields the addresses that can be seen in it: spaces and stray
    ``>`` inside an address are removed, and a bare ``user@example.com`` anywhere counts.
    """
    text = recover_8bit(unfold(value))
    found: list[tuple[str, str]] = []
    if "<" not in text and "," not in text and text.count("@") == 1:
        # "Marie Dupont marie@example.fr": the name, then the bare address.
        tokens = text.split()
        address_tokens = [token for token in tokens if "@" in token]
        if len(tokens) > 1 and address_tokens and '"' not in text.split("@")[0]:
            name = " ".join(token for token in tokens if token is not address_tokens[0])
            return [(normalise_spaces(decode_words(name)).strip("\"'() "), _clean_address(address_tokens[0]))]
    # "alice@example.com <bob@example.com>": an unquoted name that looks like an address is a
    # name; quoting it keeps the parser from reading two addresses.
    text = _UNQUOTED_ADDRESS_NAME.sub(lambda found: f'{found.group(1)}"{found.group(2)}" <', text)
    try:
        pairs = getaddresses([text])
    except (ValueError, TypeError, IndexError):  # pragma: no cover - defensive, email.utils is lenient
        pairs = []
    for name, address in pairs:
        cleaned = _clean_address(address)
        if "@" in cleaned:
            found.append((normalise_spaces(decode_words(name)).strip("\"' "), cleaned))
    if found:
        return found
    for bare in _BARE_ADDRESS.finditer(re.sub(r"\s+(?=[^<]*>)", "", text)):
        name = text[: bare.start()].strip().strip("<\"' ").strip()
        found.append((normalise_spaces(decode_words(name)), _clean_address(bare.group(0))))
    return found


def message_ids(value: str) -> tuple[str, ...]:
    """Message-IDs of ``Message-ID``/``In-Reply-To``/``References``, without ``<>``, in order.

    Ids written without angle brackets are accepted when they contain ``@``; duplicates go.
    """
    text = unfold(value)
    ids = _MSG_ID.findall(text)
    if not ids:
        ids = [token.strip("<>,;") for token in text.split() if "@" in token]
    seen: dict[str, None] = {}
    for item in ids:
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def parse_date(value: str) -> datetime | None:
    """An aware datetime (UTC when the header gives no zone), or None when unreadable."""
    text = normalise_spaces(unfold(value))
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is None:
        fields = parsedate_tz(text)
        if fields is None:
            return None
        try:
            parsed = datetime(*fields[:6], tzinfo=UTC)
        except (ValueError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
