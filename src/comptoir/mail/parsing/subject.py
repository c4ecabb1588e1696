"""Subject rules: our ticket reference, reply prefixes, the URGENT word and the product named.

Procedure 002: every contact gets a unique number that must be in mail subjects, so a reply
is found by ``[#123456]`` however clients mangle it. Procedure 001: the subject names the
program concerned, and the word « URGENT » marks urgency.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from comptoir.mail.parsing.folding import fold, words_of

# Reply/forward prefixes of the common clients, in the languages we meet: RE/Re/AW/SV/VS/Antw
# (reply), TR/Fwd/FW/WG/RV/Enc/Doorst (forward), Réf (French "reference"). Counters such as
# "RE[2]:" or "Re(3):" and the French space before the colon ("RE :") are tolerated.
_PREFIX_WORDS = (
    "re",
    "r",
    "aw",
    "sv",
    "vs",
    "antw",
    "antwort",
    "odp",
    "ynt",
    "rif",
    "res",
    "ref",
    "réf",
    "tr",
    "trans",
    "fw",
    "fwd",
    "wg",
    "rv",
    "enc",
    "doorst",
    "forward",
)
_PREFIX = re.compile(
    r"^\s*(?:(?:"
    + "|".join(_PREFIX_WORDS)
    + r")\.?\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|回复\s*[:：]|转发\s*[:：])\s*",
    re.IGNORECASE,
)
_NUMBER = r"(\d{5,12})(?!\d)"
# "[#123456]", "[ #123456 ]", "(#123456)", "[Ticket #123456]", "[Ticket#123456]", "{#123456}".
_BRACKETED = re.compile(r"[\[({<]\s*(?:ticket\s*)?(?:n[°o]\s*)?#\s*" + _NUMBER + r"\s*[\])}>]", re.IGNORECASE)
# "#123456" alone, allowed only at the start of the subject once reply prefixes are gone.
_LEADING = re.compile(r"^\s*(?:ticket\s*)?#\s*" + _NUMBER + r"(?:\s*[\])}>])?", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t-–—:|·"


def _narrow(subject: str) -> str:
    """Fullwidth brackets and digits (``［＃１２３４５６］``) read as ASCII; everything else unchanged."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if unicodedata.east_asian_width(ch) == "F" else ch for ch in subject
    )


def _strip_prefixes(subject: str) -> str:
    previous = None
    while previous != subject:
        previous = subject
        subject = _PREFIX.sub("", subject, count=1)
    return subject


def ticket_reference(subject: str) -> int | None:
    """Our ticket number in ``subject`` (procedure 002: the number must be in mail subjects).

    Found in brackets anywhere (``[#123456]``, ``[ #123456 ]``, ``(#123456)``, fullwidth
    brackets, ``[Ticket #123456]``), or as ``#123456`` opening the subject once reply and
    forward prefixes (``RE:``, ``TR :``, ``Fwd:``, ``AW:``, ``Réf.``…) are removed. Numbers have
    at least 5 digits; a number without ``#`` is never a reference (it may be an invoice).
    """
    narrowed = _narrow(subject)
    bracketed = _BRACKETED.search(narrowed)
    if bracketed:
        return int(bracketed.group(1))
    remainder = narrowed
    while True:
        remainder = _strip_prefixes(remainder)
        leading = _LEADING.match(remainder)
        if leading:
            return int(leading.group(1))
        # "[EXT] RE: #123456" or "RE: [urgent] #123456": skip one bracketed tag and retry.
        tag = re.match(r"^\s*\[[^\]]{1,20}\]\s*", remainder)
        if not tag:
            return None
        remainder = remainder[tag.end() :]


# The labels Comptoir's own mails put before the customer's subject (French and English, as
# in the tickets' mail subject templates): answering "Demande clôturée : Imprimante" must open
# "Imprimante", not a ticket named after our label. Matched accent- and case-insensitively,
# and only in an answer (a reply prefix or our reference was there): a new request's own
# subject is kept as written.
OUR_LABELS = (
    "Request received",
    "Demande reçue",
    "Request closed",
    "Demande clôturée",
    "Request resolved",
    "Demande résolue",
    "New answer",
    "Nouvelle réponse",
    "We are waiting for your answer",
    "Nous attendons votre réponse",
    "Urgency removed",
    "Urgence retirée",
)
_LABEL = re.compile(
    r"^\s*(?:" + "|".join(re.escape(fold(label)) for label in OUR_LABELS) + r")\s*[:：]\s*", re.IGNORECASE
)

_LABEL_RAW = re.compile(
    r"^\s*(?:" + "|".join(re.escape(label) for label in OUR_LABELS) + r")\s*[:：]\s*", re.IGNORECASE
)


def _strip_label(text: str) -> str:
    """``text`` without one of our labels at its start (compared folded, cut in the original)."""
    folded = fold(text)
    found = _LABEL.match(folded)
    if found is None or len(folded) != len(text):
        return text if found is None else _LABEL_RAW.sub("", text, count=1)
    return text[found.end() :]


def clean_subject(subject: str) -> str:
    """``subject`` without reply/forward prefixes (repeated, ``RE :`` French style), our
    reference and, in an answer, the labels of our own mails ("Demande clôturée :",
    "Request closed:"…)."""
    text = _narrow(subject)
    answer = False
    previous = None
    while previous != text:
        previous = text
        text = _strip_prefixes(text)
        text = _BRACKETED.sub(" ", text)
        text = _LEADING.sub(" ", text, count=1)
        answer = answer or text != previous
        if answer:
            text = _strip_label(text)
        text = text.strip(_EDGE_PUNCTUATION)
    return _SPACES.sub(" ", text).strip()


_NEGATIONS = frozenset({"non", "pas", "not", "no", "peu", "nicht", "kein"})


def is_urgent(subject: str, words: Sequence[str] = ("urgent",)) -> bool:
    """Procedure 001: the word « URGENT » in the subject marks urgency.

    A word of ``words`` counts as a whole word, accent- and case-insensitive ("URGENT",
    "Urgent !", "[urgent]", "TRÈS URGENT"). Derived words do not count ("urgently",
    "urgence"): the procedure asks for the word itself. A negated word does not count
    ("non urgent", "non-urgent", "pas urgent", "not urgent").
    """
    tokens = words_of(subject)
    for wanted in words:
        target = words_of(wanted)
        if not target:
            continue
        size = len(target)
        for start in range(len(tokens) - size + 1):
            if tokens[start : start + size] == target and (start == 0 or tokens[start - 1] not in _NEGATIONS):
                return True
    return False


def match_product(text: str, products: Sequence[tuple[int, Sequence[str]]]) -> int | None:
    """Procedure 001: the subject names the program. Which product does ``text`` name?

    A product is named when its name or one of its aliases appears as whole words, accent- and
    case-insensitive. The longest name found wins ("Sage Paie" over "Sage"); on a tie, the one
    found first in ``text``, then the first product listed.
    """
    haystack = fold(text)
    best: tuple[int, int, int, int] | None = None  # (-length, position, order, product id)
    for order, (product_id, names) in enumerate(products):
        for name in names:
            needle = fold(name).strip()
            if not needle:
                continue
            pattern = r"(?<!\w)" + r"\s+".join(re.escape(part) for part in needle.split()) + r"(?!\w)"
            found = re.search(pattern, haystack)
            if found is None:
                continue
            candidate = (-len(needle), found.start(), order, product_id)
            if best is None or candidate < best:
                best = candidate
    return None if best is None else best[3]
