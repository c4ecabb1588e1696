"""Bytes to text when the declared charset cannot be trusted.

Rules, in order: bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever a
single-byte charset the part declares (Latin-1 text almost never forms valid UTF-8);
``iso-8859-1``/``us-ascii`` read as ``windows-1252`` (its superset, what senders really
use); an unknown or missing charset tries UTF-8, then ``windows-1252``; nothing ever
raises: undecodable bytes become U+FFFD and a defect is reported.
"""

from __future__ import annotations

import codecs

# Labels that mean "one byte, one character": a valid non-ASCII UTF-8 sequence under one of
# them is a mislabelled UTF-8 part.
_SINGLE_BYTE_PREFIXES = ("iso-8859", "iso8859", "latin", "windows-125", "cp125", "us-ascii", "ascii", "cp850")
_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "unknown": "",
    "x-user-defined": "",
    "default": "",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "windows-874": "cp874",
    "iso-8859-8-i": "iso-8859-8",
}


# Charsets that clients confuse with each other: a Shift_JIS text labelled ISO-2022-JP, a GBK
# text labelled GB2312, a Big5-HKSCS text labelled Big5.
_JAPANESE = ("cp932", "euc_jp", "iso2022_jp_2")
_CHINESE = ("gb18030", "big5hkscs", "big5")
_FAMILIES: dict[str, tuple[str, ...]] = {
    "iso2022_jp": _JAPANESE,
    "shift_jis": _JAPANESE,
    "cp932": ("euc_jp", "iso2022_jp_2"),
    "euc_jp": ("cp932", "iso2022_jp_2"),
    "gb2312": _CHINESE,
    "gbk": _CHINESE,
    "gb18030": ("big5hkscs",),
    "big5": ("big5hkscs", "gb18030"),
    "euc_kr": ("cp949",),
    "cp949": ("euc_kr",),
}


def clean_label(declared: str | None) -> str:
    """The declared charset as a codec name we can look up ("" when absent or meaningless)."""
    if not declared:
        return ""
    label = declared.strip().strip("\"'").strip().lower()
    return _ALIASES.get(label, label)


def _known(label: str) -> bool:
    if not label:
        return False
    try:
        codecs.lookup(label)
    except LookupError:
        return False
    return True


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """``data`` as text, with a defect message when the declaration was wrong or missing.

    The declared label is kept in the defect so a mislabelled part can be reported to whoever
    looks at the quarantine.
    """
    label = clean_label(declared)
    raw_label = (declared or "").strip().strip("\"'").lower()
    is_ascii = data.isascii()
    if (is_ascii and label in ("", "cp1252", "utf-8")) or (
        is_ascii and raw_label.startswith(_SINGLE_BYTE_PREFIXES)
    ):
        return data.decode("ascii"), None
    if not is_ascii and (not label or raw_label.startswith(_SINGLE_BYTE_PREFIXES) or label == "cp1252"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            defect = None if not label else f"charset declared as {raw_label!r} but the text is UTF-8"
            return text.removeprefix("\ufeff"), defect
    if _known(label):
        try:
            return data.decode(label), None
        except UnicodeDecodeError:
            for relative in _FAMILIES.get(codecs.lookup(label).name, ()):
                try:
                    return data.decode(relative), f"text is not valid {raw_label!r}; read as {relative}"
                except UnicodeDecodeError:
                    continue
            fallback = _fallback(data)
            return fallback, f"text is not valid {raw_label!r}; read as {_guess_name(data)}"
        except LookupError:  # pragma: no cover - codecs.lookup said yes
            pass
    text = _fallback(data)
    if raw_label and raw_label not in ("x-unknown", "unknown-8bit", "unknown", "default"):
        return text, f"unknown charset {raw_label!r}; read as {_guess_name(data)}"
    return text, None if is_ascii else f"no charset declared; read as {_guess_name(data)}"


def _guess_name(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def _fallback(data: bytes) -> str:
    """UTF-8 if it is valid, else windows-1252 with its five holes read as Latin-1."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(
            bytes([byte]).decode("cp1252", errors="strict") if byte not in _CP1252_HOLES else chr(byte)
            for byte in data
        )


_CP1252_HOLES = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def decode_header_bytes(data: bytes, declared: str | None = None) -> str:
    """Header text (an encoded word's payload or raw 8-bit header bytes), never raising."""
    return decode_bytes(data, declared)[0]


def relatives(label: str) -> tuple[str, ...]:
    """Charsets clients confuse with ``label`` (Shift_JIS for ISO-2022-JP…), maybe empty."""
    cleaned = clean_label(label)
    if not _known(cleaned):
        return ()
    return _FAMILIES.get(codecs.lookup(cleaned).name, ())
