"""The contract every chat target follows.

A target module exposes ``body(announcement) -> dict``: the JSON document its incoming
webhook accepts, carrying everything in the announcement (headline, facts, message, link)
and, when ``mention`` is set, the mention that notifies everyone in the channel where the
target supports it. ``body`` is pure and deterministic (the same announcement gives the same
document), takes text already translated and formatted, and escapes what the target would
otherwise read as markup.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Announcement:
    """What happened, ready to show: ``event`` is declare, update or resolve; ``facts`` are
    (label, value) pairs such as ("Services", "Coffre-fort numérique")."""

    event: str
    headline: str
    facts: tuple[tuple[str, str], ...]
    message: str
    link: str
    link_label: str
    mention: bool


COLOURS = {"declare": "D93025", "update": "F9AB00", "resolve": "1E8E3E"}


def colour(event: str) -> str:
    return COLOURS.get(event, "5F6368")
