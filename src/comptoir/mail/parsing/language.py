"""French or English? A word count is enough to pick the language of the answer templates."""

from __future__ import annotations

from comptoir.mail.parsing.folding import words_of

# Frequent short words, folded (no accents), that the other language rarely uses.
_FRENCH_WORDS = """
le la les des du une est et je vous nous pour pas que qui dans sur avec merci bonjour cordialement
ce cette mon ma mes votre vos il elle sont avez ai au aux ne plus tres bien madame monsieur objet
envoye depuis ou mais donc car fichier probleme demande
"""
_ENGLISH_WORDS = """
the and is are you we for not that which with thanks thank hello regards this my your it he she
have has be to of in on please dear sent from but or was were will would could should file issue
request problem
"""
_FRENCH = frozenset(_FRENCH_WORDS.split())
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
_MINIMUM = 2


def guess_language(text: str) -> str:
    """``"fr"``, ``"en"`` or ``""`` (too little text, or no clear majority)."""
    french = english = 0
    for word in words_of(text[:20000]):
        if word in _FRENCH:
            french += 1
        elif word in _ENGLISH:
            english += 1
    if max(french, english) < _MINIMUM or french == english:
        return ""
    return "fr" if french > english else "en"
