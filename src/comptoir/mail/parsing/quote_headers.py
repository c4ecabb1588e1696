"""Where quoted history starts: the quote headers of every mail client, as line numbers.

mail-parser-reply knows the attribution and Outlook header of many languages
(``EmailMessage.HEADER_REGEX``: fr, en, de, nl, it, es, sv, da, cs, pl, ja, zh, ko); they are
run over the normalised lines (:mod:`french_clients`), and completed with what it does not
know: separators (``-----Message d'origine-----``, ``----- Mail original -----``,
``Début du message réexpédié :``, Orange's ``Message du 23/11/26 10:12``, Outlook's
underscore line before ``De :``/``From:``), attributions without a colon or between dashes
(Zoho), Gmail's verbless ``2026-11-23 10:12 GMT+01:00 Marie <m@example.fr>:``, and header
blocks whose first labels mail-parser-reply does not know (``Reply-To:``, ``Risposta:``).
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from re import Pattern

from mailparser_reply.parser import EmailMessage  # type: ignore[import-untyped]

from comptoir.mail.parsing.french_clients import NormalisedLine, is_attribution

HEADER_LANGUAGES = ("fr", "en", "de", "nl", "it", "es", "sv", "da", "cs", "pl", "ja", "zh", "ko")
# Polish Outlook headers are matched by mail-parser-reply from one line ("Data: …"), which
# French text can contain; two lines are required here.
_MIN_HEADER_LINES = {"pl": 2}

_SEPARATOR = re.compile(
    r"^[>\s]*(?:[-_=*]{2,}\s*)?(?:"
    r"original message|message d'origine|message d’origine|message original|mail original|"
    r"forwarded message|message transféré|message transfere|message réexpédié|"
    r"ursprüngliche nachricht|weitergeleitete nachricht|originalnachricht|"
    r"messaggio originale|messaggio inoltrato|mensaje original|mensaje reenviado|"
    r"oorspronkelijk bericht|doorgestuurd bericht|originalmeddelelse|oprindelig meddelelse|"
    r"ursprungligt meddelande|vidarebefordrat meddelande|wiadomość oryginalna|oryginalna wiadomość|"
    r"oprindelig besked|videresendt besked|opprinnelig melding|alkuperäinen viesti|исходное сообщение|"
    r"mensagem original|mensagem encaminhada|původní zpráva"
    r")\s*(?:[-_=*]{2,})?\s*:?\s*$",
    re.IGNORECASE,
)
_FORWARD_INTRO = re.compile(
    r"^[>\s]*(?:begin forwarded message|début du message réexpédié|début du message transféré|"
    r"anfang der weitergeleiteten nachricht|inizio messaggio inoltrato)\s*:?\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[_\-=]{10,}$")
_TIME = re.compile(r"\d{1,2}[:h]\d{2}")
# Orange and SFR webmails: "Message du 23/11/26 10:12" above "De : / A : / Copie à : / Objet :".
_WEBMAIL_INTRO = re.compile(
    r"^(?:message du|> message du)\s+\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}[:h]\d{2}\s*$", re.IGNORECASE
)
# "On Wed, 14 Nov 2018 08:14:43 -0200 John Doe <john@doe.com> wrote" (no colon).
_NO_COLON_ATTRIBUTION = re.compile(
    r"^(?:on|le|am|el|il|op|em)\s.{5,250}\s"
    r"(?:wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu)\s*$",
    re.IGNORECASE,
)
# Zoho: "---- On Wed, 24 Feb 2021 14:02:50 +0530 john@example.com wrote ----".
_DASHED_ATTRIBUTION = re.compile(
    r"^-{2,}\s*(?:on|le|am)\s.{5,200}\s(?:wrote|a écrit|schrieb)\s*:?\s*-{2,}$", re.IGNORECASE
)
_HEADER_LABEL = re.compile(
    r"^[*\s]*(?:from|de|von|van|da|od|fra|från|from|sent|envoyé|gesendet|date|datum|to|à|an)\s*\**\s*:",
    re.IGNORECASE,
)
_KEY_VALUE = re.compile(r"^[*\s]*\w[\w ’'-]{0,29}\s*\**\s*[:：]\s*\S")
_LONGEST_HEADER_LINE = 1000


def is_quoted(line: str) -> bool:
    """A ``>`` line of quoted text (normalised lines have no leading spaces)."""
    return line.startswith(">")


@cache
def _language_patterns() -> tuple[tuple[Pattern[str], int], ...]:
    """mail-parser-reply's quote-header pattern of each language, with the lines it must span."""
    patterns: list[tuple[Pattern[str], int]] = []
    for language in HEADER_LANGUAGES:
        message = EmailMessage(text="", languages=[language], include_english=False)
        patterns.append((message.HEADER_REGEX, _MIN_HEADER_LINES.get(language, 1)))
    return tuple(patterns)


def _line_of(offsets: list[int], position: int) -> int:
    return bisect.bisect_right(offsets, position) - 1


def find_headers(norm: list[NormalisedLine]) -> dict[int, int]:
    """Quote headers as {first line: last line} in normalised line numbers."""
    texts = [line.text for line in norm]
    # Quote headers are short: long lines are blanked for the header patterns, which keeps them
    # linear on pathological bodies (a 750 KB line of ">").
    joined = "\n".join(text if len(text) <= _LONGEST_HEADER_LINE else "" for text in texts)
    offsets: list[int] = []
    position = 0
    for text in texts:
        offsets.append(position)
        position += (len(text) if len(text) <= _LONGEST_HEADER_LINE else 0) + 1
    headers: dict[int, int] = {}
    for pattern, minimum_lines in _language_patterns():
        for found in pattern.finditer(joined):
            start = found.start()
            while start < found.end() and joined[start] == "\n":
                start += 1
            if start >= found.end():
                continue
            first = _line_of(offsets, start)
            last = _line_of(offsets, max(start, found.end() - 1))
            if not is_quoted(texts[first]) and last - first + 1 >= minimum_lines:
                first = _extend_up(texts, first)
                headers[first] = max(headers.get(first, first), last)
    for index, text in enumerate(texts):
        if is_quoted(text) or not text:
            continue
        if _is_separator(text):
            headers.setdefault(index, index)
        elif _RULE.match(text) and _next_content_is_header_label(texts, index):
            headers[index] = max(headers.get(index, index), index + 1)
        elif is_attribution(text) and ("@" in text or any(ch.isdigit() for ch in text)):
            headers.setdefault(index, index)
    # A header that starts inside another one's span is the same header.
    merged: dict[int, int] = {}
    covered_until = -1
    for first in sorted(headers):
        if first > covered_until:
            merged[first] = headers[first]
            covered_until = headers[first]
    return merged


def _is_separator(text: str) -> bool:
    """A line that opens quoted or forwarded history on its own."""
    if _SEPARATOR.match(text) or _FORWARD_INTRO.match(text) or _DASHED_ATTRIBUTION.match(text):
        return True
    if _WEBMAIL_INTRO.match(text):
        return True
    # Without its colon an attribution needs a time or an address: "… a écrit" also ends sentences.
    return bool(_NO_COLON_ATTRIBUTION.match(text)) and ("@" in text or bool(_TIME.search(text)))


def _extend_up(texts: list[str], first: int) -> int:
    """Move a header's start up over the "Label: value" lines just above it.

    mail-parser-reply wants consecutive known labels, so ``From:`` / ``Reply-To:`` / ``Date:``
    or ``Da:`` / ``Risposta:`` / ``Data:`` is found from ``Date:``; a ``From:`` whose address
    was wrapped onto the next line is found from ``Sent:``.
    """
    index = first
    while index > 0:
        above = texts[index - 1]
        if _KEY_VALUE.match(above) and not is_quoted(above):
            index -= 1
        elif index > 1 and above.startswith("<") and "@" in above and _KEY_VALUE.match(texts[index - 2]):
            index -= 2
        else:
            break
    if index > 0 and _RULE.match(texts[index - 1]):
        index -= 1
    return index


def _next_content_is_header_label(texts: list[str], index: int) -> bool:
    for text in texts[index + 1 : index + 4]:
        if text:
            return bool(_HEADER_LABEL.match(text))
    return False
