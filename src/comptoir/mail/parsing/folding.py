"""Accent-, case- and width-insensitive text for word matching (``écran`` = ``ECRAN``)."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """``text`` compatibility-decomposed (fullwidth ``［`` becomes ``[``), without accents, case-folded.

    The length may differ from ``text``; use it for comparisons, never for slicing ``text``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def words_of(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return _WORD.findall(fold(text))
