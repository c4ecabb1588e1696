"""Which group a new ticket goes to (pure): the first active rule, in order, whose every set
condition the ticket meets. An empty condition matches anything.

Keywords are looked for in the subject and the text, capitals and accents ignored
(« écran » finds "ECRAN" and "Écrans"), from the beginning of a word ("congé" finds
"congés", not "reconge"). One keyword found is enough.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property


def fold(text: str) -> str:
    """Lower case without accents: the form keywords and texts are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    group_id: int
    products: frozenset[int] = frozenset()
    components: frozenset[int] = frozenset()
    types: frozenset[str] = frozenset()
    organisations: frozenset[int] = frozenset()
    channels: frozenset[str] = frozenset()
    mailboxes: frozenset[int] = frozenset()
    keywords: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(cls, *, keywords: Iterable[str] = (), **fields: object) -> Rule:
        """A rule with its keywords folded and compiled once (rules are cached per process)."""
        folded = tuple(dict.fromkeys(k for k in (fold(" ".join(w.split())) for w in keywords) if k))
        pattern = None
        if folded:
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in folded) + ")")
        return cls(keywords=folded, pattern=pattern, **fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class NewTicket:
    """What routing looks at in a new ticket."""

    product_id: int | None
    component_id: int | None
    type: str
    organisation_id: int | None
    channel: str
    mailbox_id: int | None
    subject: str
    body: str

    @cached_property
    def folded_text(self) -> str:
        return fold(" ".join(f"{self.subject}\n{self.body}".split()))


def matches(rule: Rule, ticket: NewTicket) -> bool:
    checks = (
        (rule.products, ticket.product_id),
        (rule.components, ticket.component_id),
        (rule.types, ticket.type),
        (rule.organisations, ticket.organisation_id),
        (rule.channels, ticket.channel),
        (rule.mailboxes, ticket.mailbox_id),
    )
    if not all(not wanted or value in wanted for wanted, value in checks):
        return False
    return rule.pattern is None or rule.pattern.search(ticket.folded_text) is not None


def first_match(rules: Sequence[Rule], ticket: NewTicket) -> Rule | None:
    return next((rule for rule in rules if matches(rule, ticket)), None)
