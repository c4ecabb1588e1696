"""The ticket state machine (pure: no Django model, no database).

new → open → pending (waiting on the requester) / on_hold (waiting on a third party)
→ resolved → closed; a resolved ticket can be reopened. A closed ticket stays closed:
procedure 002 says a new ticket can always be opened instead.
"""

from __future__ import annotations

from typing import Final

NEW, OPEN, PENDING, ON_HOLD, RESOLVED, CLOSED = (
    "new",
    "open",
    "pending",
    "on_hold",
    "resolved",
    "closed",
)

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    NEW: frozenset({OPEN, PENDING, ON_HOLD, RESOLVED}),
    OPEN: frozenset({PENDING, ON_HOLD, RESOLVED}),
    PENDING: frozenset({OPEN, ON_HOLD, RESOLVED}),
    ON_HOLD: frozenset({OPEN, PENDING, RESOLVED}),
    RESOLVED: frozenset({OPEN, CLOSED}),
    CLOSED: frozenset(),
}

ACTIVE: Final = frozenset({NEW, OPEN, PENDING, ON_HOLD})


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def after_agent_reply(current: str) -> str:
    """An agent's public answer to a new ticket opens it; other states keep theirs."""
    return OPEN if current == NEW else current


def after_requester_reply(current: str) -> str:
    """The requester answered: a ticket waiting on them, or resolved, is open again."""
    return OPEN if current in {PENDING, RESOLVED} else current


def next_tier(tier: str) -> str | None:
    return {"L1": "L2", "L2": "L3"}.get(tier)
