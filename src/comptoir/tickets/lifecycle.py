"""The ticket state machine (pure: no Django model, no database).

new → open → pending (waiting on the requester) / on_hold (waiting on a third party)
→ resolved → closed; a resolved ticket can be reopened. A closed ticket stays closed:
procedure 002 says a new ticket can always be opened instead.
"""

from __future__ import annotations

from typing import Final

from comptoir.tickets.history import ACTIVE, CLOSED, DONE, NEW, ON_HOLD, OPEN, PENDING, RESOLVED, WAITING

# The statuses and their groups belong to the history's reader; the moves between them here.
__all__ = [
    "ACTIVE",
    "CLOSED",
    "DONE",
    "NEW",
    "ON_HOLD",
    "OPEN",
    "PENDING",
    "RESOLVED",
    "TRANSITIONS",
    "WAITING",
    "after_agent_reply",
    "after_requester_reply",
    "can_move",
]

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    NEW: frozenset({OPEN, PENDING, ON_HOLD, RESOLVED}),
    OPEN: frozenset({PENDING, ON_HOLD, RESOLVED}),
    PENDING: frozenset({OPEN, ON_HOLD, RESOLVED}),
    ON_HOLD: frozenset({OPEN, PENDING, RESOLVED}),
    RESOLVED: frozenset({OPEN, CLOSED}),
    CLOSED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def after_agent_reply(current: str) -> str:
    """An agent's public answer to a new ticket opens it; other states keep theirs."""
    return OPEN if current == NEW else current


def after_requester_reply(current: str) -> str:
    """The requester answered: a ticket waiting on them, or resolved, is open again."""
    return OPEN if current in {PENDING, RESOLVED} else current
