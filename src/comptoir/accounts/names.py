"""People's names as a greeting writes them: "Bonjour Ben Ali," rather than "Bonjour BEN ALI,"
when the name came from an upper-case column (a directory export, a spreadsheet).

Written by hand: the libraries that case names (nameparser's ``capitalize``) are for English
names and would turn a name typed with care ("McDonald", "de la Tour") into their own guess.
Here a name with any lower-case letter is kept exactly as written; only a name written wholly
in capitals is re-cased, word by word and around hyphens and apostrophes.
"""

from __future__ import annotations

import re

# French particles written in lower case inside a name ("Charles de Gaulle", "Jean de la
# Fontaine"), never as its first word ("De Gaulle" alone).
_PARTICLES = frozenset({"de", "du", "des", "d'", "d’"})
_PIECES = re.compile(r"([\s\-'’]+)")


def _word(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def readable_name(name: str) -> str:
    """``name`` in a readable case: "BEN ALI" → "Ben Ali", "DUPONT-MARTIN" → "Dupont-Martin",
    "O'BRIEN" → "O'Brien", "JEAN DE LA TOUR" → "Jean de la Tour", "ÉLODIE" → "Élodie".
    Mixed or lower case ("McDonald", "de la Tour", "van der Berg") is kept as given, and so
    is a single capital ("J.")."""
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 2 or not all(ch.isupper() for ch in letters):
        return name
    pieces = _PIECES.split(name.strip())
    out: list[str] = []
    after_particle = False
    for index, piece in enumerate(pieces):
        if index % 2:  # a separator
            out.append(piece)
            continue
        lowered = piece.lower()
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        is_elided = following[:1] in ("'", "’") and lowered == "d"
        if index > 0 and (lowered in _PARTICLES or is_elided or (after_particle and lowered == "la")):
            out.append(lowered)
            after_particle = lowered in {"de"}
            continue
        out.append(_word(piece))
        after_particle = False
    return "".join(out)
