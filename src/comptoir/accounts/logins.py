"""Logins and personal addresses (pure): procedure 000, "each user has a personal account;
the login follows the naming rule ``prenomnom``".

A login is built from the first and last name by the organisation's rule, accents folded
(``Hélène Lefèvre`` -> ``helenelefevre``), lower-case, only ``[a-z0-9.]``, and made unique
with a numeric suffix against the logins already taken (``helenelefevre2``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

FIRSTLAST = "firstlast"
FIRST_DOT_LAST = "first.last"
INITIAL_LAST = "flast"
RULES = (FIRSTLAST, FIRST_DOT_LAST, INITIAL_LAST)

MAX_LENGTH = 150  # Django's username length
FALLBACK = "user"

# Letters that NFKD does not decompose into a base letter and a mark.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "þ": "th"})
_NOT_ALLOWED = re.compile(r"[^a-z0-9]")

# The local parts of addresses that belong to a role or a team, not to a person.
GENERIC_LOCAL_PARTS = frozenset(
    {
        "accueil",
        "admin",
        "administration",
        "bonjour",
        "communication",
        "contact",
        "direction",
        "equipe",
        "hello",
        "help",
        "info",
        "infos",
        "information",
        "informations",
        "mairie",
        "no-reply",
        "noreply",
        "office",
        "postmaster",
        "secretariat",
        "service",
        "support",
        "team",
        "webmaster",
    }
)


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: accents, spaces, hyphens and apostrophes
    go (``Jean-Noël d'Aubigné`` -> ``jeannoeldaubigne``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALLOWED.sub("", ascii_only)


_GENERIC_FOLDED = frozenset(fold(g) for g in GENERIC_LOCAL_PARTS)


def base_login(first_name: str, last_name: str, rule: str) -> str:
    """The login the rule gives, before de-duplication."""
    first, last = fold(first_name), fold(last_name)
    if rule == FIRST_DOT_LAST:
        login = f"{first}.{last}" if first and last else first or last
    elif rule == INITIAL_LAST:
        login = f"{first[:1]}{last}" if last else first
    else:
        login = first + last
    return login[:MAX_LENGTH] or FALLBACK


def make_login(first_name: str, last_name: str, rule: str, taken: Collection[str]) -> str:
    """The rule's login, with the smallest suffix from 2 that makes it unique among
    ``taken`` (compared case-insensitively, as people type logins)."""
    base = base_login(first_name, last_name, rule)
    used = {t.casefold() for t in taken}
    if base not in used:
        return base
    n = 2
    while True:
        suffix = str(n)
        candidate = base[: MAX_LENGTH - len(suffix)] + suffix
        if candidate not in used:
            return candidate
        n += 1


def is_generic_address(address: str) -> bool:
    """``contact@``, ``info@``, ``support@``…: an address several people read. One account
    per person means one personal address per account."""
    local = address.strip().rsplit("@", 1)[0].casefold()
    local = local.split("+", 1)[0]
    return local in GENERIC_LOCAL_PARTS or fold(local) in _GENERIC_FOLDED
