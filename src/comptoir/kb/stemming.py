"""Light stemming for the SQLite search back-end, whose FTS5 tokenizer (``unicode61
remove_diacritics 2``) folds case and accents but knows no language: words are reduced here,
the same way in the index and in the query, so "imprimantes" finds "imprimante" and
"importer" finds "importez".

Deliberately light (plural and a few verb and participle endings): a wrong merge costs more
to a reader than a missed variant. PostgreSQL uses its own Snowball stemmers instead.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
MAX_QUERY_TERMS = 16

# Words too common to tell articles apart, as folded by ``fold``.
_FRENCH_STOP = """
a ai au aux avec avoir c ce ces cet cette comment d dans de des du elle en est et ete etre
faire fait il ils j je l la le les leur lui m ma mais me mes moi mon n ne nos notre nous on
ou par pas peut plus pour puis qu que quel quelle qui s sa se ses son sont suis sur t ta te
tes ton tu un une vos votre vous y
"""
_ENGLISH_STOP = """
a an and are as at be by can do does for from how i in is it its me my no not of on or our
so that the their them then there this to was we what when where which who why will with
you your
"""
STOP_WORDS = {"fr": frozenset(_FRENCH_STOP.split()), "en": frozenset(_ENGLISH_STOP.split())}


def fold(text: str) -> str:
    """Lower case without accents: ``Écran`` → ``ecran``."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def stem(word: str, language: str) -> str:
    """``word`` (already folded) reduced to its light stem in ``language`` (``fr``/``en``)."""
    if language == "en":
        if len(word) > 4 and word.endswith("ies"):
            return word[:-3] + "y"
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
        return word
    if len(word) > 3 and word.endswith(("s", "x")) and not word.endswith("ss"):
        word = word[:-1]
    for _ in range(2):  # importée → importe → import; short words keep their "e"
        if len(word) > 4 and word.endswith("e"):
            word = word[:-1]
    if len(word) > 5 and word.endswith(("er", "ez")):
        word = word[:-2]
    return word


def index_text(text: str, language: str) -> str:
    """``text`` as the index stores it: each word stemmed, in order."""
    return " ".join(stem(w, language) for w in words(text))


def query_terms(text: str, language: str) -> list[str]:
    """The stems to look for: stop words left out, each stem once, at most 16."""
    stop = STOP_WORDS.get(language, frozenset())
    terms: list[str] = []
    for word in words(text):
        if word in stop:
            continue
        term = stem(word, language)
        if term not in terms:
            terms.append(term)
    return terms[:MAX_QUERY_TERMS]
