"""Where the signature starts in the new text of a reply.

Rules (procedure 001: signatures are removed from tickets), any of which starts the signature:

* the RFC 3676 delimiter ``-- `` (or a bare ``--``) alone on its line;
* a device or client line — ``Envoyé de mon iPhone``, ``Envoyé depuis mon appareil Galaxy``,
  ``Envoyé à partir de Outlook pour iOS``, ``Sent from my iPhone``, ``Get Outlook for
  Android``, ``Von meinem iPhone gesendet``… — but not a sentence that starts alike ("Sent
  from my desk, is much easier…");
* a long rule (``____`` or ``----``) followed by a few short lines (a mailing-list footer);
* a ``-Name`` line at the end (the classic reply-parser rule);
* a trailing block of short lines that opens with the sender's own name;
* a closing formula alone on its line ("Cordialement,", "Best regards,", "Mit freundlichen
  Grüßen", "Pozdrawiam,") followed by at most a few short lines (name, company, phone);
* thanks alone on a line ("Merci,", "Thanks,") followed by a block of two to eight short
  lines; followed by the name alone they stay: "Merci,\\nMarie" is part of the message.

Everything from the start of the signature to the end of the reply belongs to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from comptoir.mail.parsing.folding import words_of

_DELIMITER = re.compile(r"^(?:--|-- |__)\s*$")
# Mail apps and devices named after "Envoyé de/depuis", "Sent from/with/via", "Gesendet von"…
_APPS = (
    r"(?:mon|ma|mes|my|meinem|mijn|mio|mi|meu|l['’]application|l['’]appli|un appareil|un smartphone|"
    r"un mobile|un téléphone|une tablette|a phone|a mobile|mobile|outlook|yahoo|gmail|mail|mailbox|"
    r"courrier|windows|orange|sfr|free|la poste|laposte|zimbra|samsung|galaxy|iphone|ipad|android|"
    r"blackberry|proton|spark|airmail|bluemail|aquamail|edison|newton|typeapp|k-9|\[mail\])\b"
)
_DEVICE = re.compile(
    r"^[(<\s]*(?:"
    rf"envoy[ée] (?:de|depuis|à partir de|a partir de|avec|via|par) {_APPS}"
    r"|t[ée]l[ée]charger outlook pour|obtenir outlook pour|obtenez outlook pour"
    rf"|sent (?:from|with|via|using|by) {_APPS}"
    r"|get outlook for (?:ios|android)|get \[?outlook for"
    rf"|von meinem .{{1,40}} gesendet|gesendet (?:von|mit|vom) {_APPS}|diese nachricht wurde von meinem"
    rf"|verzonden (?:met|vanaf|van) {_APPS}|inviato da(?:l)? {_APPS}|enviado (?:desde|do|de) {_APPS}"
    r"|wysłano z |skickat från |sendt fra |lähetetty |отправлено с "
    r"|从我的.*发送|從我的.*傳送|发自我的|"
    r"someone from mobile|from my iphone|\(?sent from a phone"
    r")",
    re.IGNORECASE,
)
# A sentence that merely starts like a device line is not one: the device name is short and
# the line has no clause after a comma.
_DEVICE_SENTENCE = re.compile(r",\s+(?:is|it|and|but|which|so|c'est|mais|et|donc|car)\b", re.IGNORECASE)
_MAX_DEVICE_WORDS = 12
_URL = re.compile(r"<?\bhttps?://\S+>?|\[[^\]]*\]\([^)]*\)")
# Formulas that only close a letter: they start the signature, whatever follows.
_FORMAL_CLOSINGS = re.compile(
    r"^(?:(?:bien |très |tres |trés )?cordialement|cdlt|bien à vous|bien a vous|"
    r"(?:sinc[èe]res |meilleures |bien sinc[èe]res )?salutations(?: distinguées)?|"
    r"bonne (?:journée|journee|soirée|soiree|fin de journée|réception|reception)|"
    r"amicalement|bien amicalement|"
    r"best regards|kind regards|warm regards|regards|best wishes|sincerely|yours sincerely|yours truly|"
    r"all the best|"
    r"mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|beste grüße|liebe grüße|"
    r"met vriendelijke groet(?:en)?|hartelijke groeten|cordiali saluti|distinti saluti|saludos|atentamente|"
    r"un saludo|med venlig hilsen|venlig hilsen|hilsen|mvh|med vänliga hälsningar|vänliga hälsningar|"
    r"hälsningar|pozdrawiam|z poważaniem|z powazaniem)"
    r"\s*[,.!]?\s*$",
    re.IGNORECASE,
)
# Thanks are often the message itself ("Merci,\nMarie"): a signature only before a block.
_THANKS = re.compile(
    r"^(?:merci(?: beaucoup| d'avance| par avance)?|thanks(?: again| in advance)?|thank you|many thanks|"
    r"cheers|danke|vielen dank|grazie|gracias|bedankt|tak)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
_DASH_NAME = re.compile(r"^-[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}\s*$")
_RULE = re.compile(r"^\s*(?:_{10,}|-{10,}|={10,})\s*$")
_MAX_BLOCK = 8
_MAX_FOOTER = 12
_SHORT = 80
_TITLES = {"mr", "mrs", "ms", "dr", "me", "mme", "m", "sig", "phd", "ph", "d"}


def is_device_line(line: str) -> bool:
    """``Envoyé de mon iPhone``, ``Sent from my Galaxy``… (not a sentence that starts alike)."""
    stripped = line.strip().lstrip("> ").strip()
    if not _DEVICE.match(stripped) or _DEVICE_SENTENCE.search(stripped):
        return False
    return len(_URL.sub(" ", stripped).split()) <= _MAX_DEVICE_WORDS


def _footer_after(lines: Sequence[str], content: list[int], position: int) -> bool:
    """Is ``content[position]`` a rule followed by a short footer (a few short lines) to the end?"""
    remaining = len(content) - position - 1
    if not 0 < remaining <= _MAX_FOOTER:
        return False
    return all(len(lines[other]) < 2 * _SHORT for other in content[position + 1 :])


def starts_signature(lines: Sequence[str]) -> bool:
    """Does the first non-blank line of ``lines`` open a signature (delimiter, device line, footer)?"""
    content = [index for index, line in enumerate(lines) if line.strip()][: _MAX_FOOTER + 2]
    if not content:
        return False
    first = lines[content[0]]
    if _DELIMITER.match(first) or is_device_line(first):
        return True
    return bool(_RULE.match(first)) and len(content) <= _MAX_FOOTER + 1 and _footer_after(lines, content, 0)


def signature_start(lines: Sequence[str], *, closings: bool = True, sender_name: str = "") -> int | None:
    """Index of the first signature line in ``lines`` (the new text of a reply), or None."""
    content = [index for index, line in enumerate(lines) if line.strip()]
    if not content:
        return None
    start: int | None = None
    for position, index in enumerate(content):
        line = lines[index]
        if _DELIMITER.match(line) or is_device_line(line):
            start = index
            break
        if _RULE.match(line) and _footer_after(lines, content, position):
            start = index
            break
    before = content if start is None else [index for index in content if index < start]
    if len(before) > 1 and _DASH_NAME.match(lines[before[-1]].strip()):
        return before[-1]
    # The sender's name and closing formulas open a block at the end: only the last lines count.
    tail = before[-(_MAX_FOOTER + 1) :]
    offset = len(before) - len(tail)
    found = [
        index
        for finder in (_sender_block, _closing_block if closings else None)
        if finder is not None and tail
        for index in (finder(lines, tail, sender_name, offset == 0),)
        if index is not None
    ]
    return min(found) if found else start


def _closing_block(
    lines: Sequence[str], content: list[int], _sender_name: str, from_start: bool
) -> int | None:
    for position, index in enumerate(content):
        line = lines[index].strip()
        if position == 0 and from_start:
            continue
        formal = bool(_FORMAL_CLOSINGS.match(line))
        if not formal and not _THANKS.match(line):
            continue
        after = content[position + 1 :]
        if len(after) < (0 if formal else 2) or len(after) > _MAX_BLOCK:
            continue
        if all(len(lines[other].strip()) < _SHORT for other in after):
            return index
    return None


def _sender_block(lines: Sequence[str], content: list[int], sender_name: str, from_start: bool) -> int | None:
    """A trailing block of short lines that opens with the sender's name ("Gina Xxx\\ngina@…")."""
    name_words = {word for word in words_of(sender_name.split("<")[0].split("@")[0]) if len(word) > 1}
    if not name_words:
        return None
    for position, index in enumerate(content):
        if position == 0 and from_start:
            continue
        line_words = [word for word in words_of(lines[index]) if word not in _TITLES]
        if (
            not line_words
            or len(line_words) > 6
            or len(set(line_words) & name_words) < min(2, len(name_words))
        ):
            continue
        if all(len(lines[other].strip()) < _SHORT for other in content[position:]):
            return index
    return None
