"""Normaliser run before quote detection, for what French mail clients write.

mail-parser-reply knows "Le … a écrit :" and "De : / Envoyé : / À : / Objet :", but French
clients write them in ways its patterns miss (DESIGN §3, research notes):

* a non-breaking space (U+00A0, U+202F) before ``:`` — French typography;
* the attribution ``Le lun. 23 nov. 2026 à 10:12, Marie Dupont <marie@…> a écrit :`` wrapped
  over two or three lines (Gmail and Apple Mail wrap at 72 columns), or prefixed by ``- ``
  (Zimbra, Free.fr);
* Outlook headers with other labels: ``Envoyé le :``, ``A :``, ``Sujet :``, ``Copie à :``,
  ``Date :``, ``Message du :``.

Lines are normalised for detection only: each normalised line remembers which original
lines it came from, so the visible reply is always cut from the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_ODD_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u3000"), " ")
# The verb of an attribution line, per language ("a écrit :", "wrote:", "schrieb am …:").
_WROTE = re.compile(
    r"(?:\ba\s+[ée]crit|\bwrote|\bschrieb|\bescribió|\bescrit|\bha\s+scritto|\bschreef|\bgeschreven|"
    r"\bnapisał(?:\(a\))?|\bpisze|\bskrev|\bkirjoitti|\bнаписал(?:\(а\))?|\bнаписав|\byazdı|\bescreveu|"
    r"\bnapsal(?:\(a\))?|写道|寫道|のメッセージ|작성)",
    re.IGNORECASE,
)
# "… <marie@example.fr>:" — Gmail in several languages writes the date, the name and the
# address, and no verb ("2014-03-20 8:48 GMT+01:00 Rémi Dolan <r@d.com>:").
_ADDRESS_END = re.compile(r"@[^\s<>]+>?\s*[:：]\s*$")
_MAX_ATTRIBUTION = 300
_ANGLE_CONTINUATION = re.compile(r"^>\s*(?:\w+\s*)?[:：]\s*$")
_ZIMBRA_DASH = re.compile(r"^((?:>\s*)*)-\s+(?=Le\s)")
# Outlook header labels as French clients write them -> the labels mail-parser-reply knows.
_FRENCH_LABELS = re.compile(
    r"^(?P<lead>(?:>\s?)*[*\s]*)"
    r"(?P<label>De|Envoyé\s+le|Envoyé|Envoye|A|À|Pour|Objet|Sujet|Cc|Cci|Copie\s+à|Date|Message\s+du|Répondre\s+à)"
    r"\s*(?P<star>\**)\s*:",
)
_CANONICAL = {
    "de": "De :",
    "envoyé le": "Envoyé :",
    "envoyé": "Envoyé :",
    "envoye": "Envoyé :",
    "message du": "Envoyé :",
    "a": "À :",
    "à": "À :",
    "pour": "À :",
    "objet": "Objet :",
    "sujet": "Objet :",
    "cc": "Cc :",
    "cci": "Cc :",
    "copie à": "Cc :",
    "date": "Date:",
    "répondre à": "Cc :",
}


@dataclass(frozen=True)
class NormalisedLine:
    """A line as the detectors read it, and the original lines ``first..last`` it stands for."""

    text: str
    first: int
    last: int


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` whatever the line endings (CRLF, LF, CR)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _clean(line: str) -> str:
    line = line.translate(_INVISIBLE).translate(_ODD_SPACES).rstrip()
    line = _ZIMBRA_DASH.sub(r"\1", line)
    labelled = _FRENCH_LABELS.match(line)
    if labelled and (labelled.group("label") != "A" or line[labelled.end("label")] == " "):
        label = re.sub(r"\s+", " ", labelled.group("label")).lower()
        rest = line[labelled.end() :]
        star = labelled.group("star")
        line = f"{labelled.group('lead').lstrip()}{_CANONICAL[label]}{star}{rest}"
    return line.strip()


def _has_date(line: str) -> bool:
    return sum(ch.isdigit() for ch in line.split("@")[0]) >= 2


def _may_start_attribution(line: str) -> bool:
    """A first line an attribution could start with: not a quote header already, short."""
    return bool(line) and len(line) <= 200 and not line.rstrip().endswith((":", "："))


def normalise(lines: list[str]) -> list[NormalisedLine]:
    """The lines as detectors read them: odd spaces and invisible characters gone, French
    Outlook labels made canonical, an attribution wrapped over up to three lines joined."""
    cleaned = [_clean(line) for line in lines]
    result: list[NormalisedLine] = []
    index = 0
    while index < len(cleaned):
        line = cleaned[index]
        joined = _join_wrapped_attribution(cleaned, index)
        if joined is not None and index + 1 < len(cleaned):
            # The attribution may start on the next line ("… in 2 weeks.\nOp 16 aug. 2014 …").
            following = cleaned[index + 1]
            later = _join_wrapped_attribution(cleaned, index + 1)
            if (later is not None or is_attribution(following)) and _has_date(following):
                joined = None
        if joined is not None:
            text, last = joined
            result.append(NormalisedLine(text, index, last))
            index = last + 1
            continue
        result.append(NormalisedLine(line, index, index))
        index += 1
    return result


def _strip_quote_marks(line: str) -> tuple[str, str]:
    marks = re.match(r"^(?:>\s?)*", line)
    prefix = marks.group(0) if marks else ""
    return prefix, line[len(prefix) :]


def _join_wrapped_attribution(cleaned: list[str], index: int) -> tuple[str, int] | None:
    first = cleaned[index]
    if not _may_start_attribution(first) or not (any(ch.isdigit() for ch in first) or _WROTE.search(first)):
        return None
    prefix, _ = _strip_quote_marks(first)
    parts = [first]
    for last in range(index + 1, min(index + 3, len(cleaned))):
        following = cleaned[last]
        if _ANGLE_CONTINUATION.match(following) and not prefix:
            following = following[1:]  # "<marie@example.fr\n>:" the ">" closes the address
        next_prefix, body = _strip_quote_marks(following)
        if not body.strip() or next_prefix.replace(" ", "") != prefix.replace(" ", ""):
            return None
        parts.append(body.strip())
        candidate = " ".join(parts)
        if candidate.rstrip().endswith((":", "：")):
            return (candidate, last) if is_attribution(candidate) else None
        if len(candidate) > _MAX_ATTRIBUTION:
            return None
    return None


def is_attribution(text: str) -> bool:
    """Does this (joined) line read like "Le …, X a écrit :" / "On …, X wrote:" / "… <x@y.z>:"?

    It ends with a colon, is short, and either has the verb "wrote" in some language or ends
    with an e-mail address after a date (Gmail's verbless form).
    """
    stripped = text.strip().lstrip("> ").strip()
    if not stripped.endswith((":", "：")) or len(stripped) > _MAX_ATTRIBUTION:
        return False
    if _WROTE.search(stripped):
        return True
    return bool(_ADDRESS_END.search(stripped)) and sum(ch.isdigit() for ch in stripped) >= 4
