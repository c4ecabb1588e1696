"""Placeholders in a macro's text: ``{requester_first_name}``, ``{number}``… (pure).

Unknown or malformed placeholders are left as written, never an error: an agent sees them
in the preview and in the sent text rather than losing the reply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

NAMES = (
    "requester_name",
    "requester_first_name",
    "organisation",
    "number",
    "subject",
    "product",
    "agent_name",
    "agent_first_name",
)

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def render(text: str, values: Mapping[str, str]) -> str:
    """Replace each ``{name}`` whose name is known; leave everything else untouched."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in NAMES and name in values:
            return values[name]
        return match.group(0)

    return _PLACEHOLDER.sub(substitute, text)


def unknown(text: str) -> list[str]:
    """Placeholders a macro's text uses that do not exist (shown when it is saved)."""
    return sorted({m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1) not in NAMES})
