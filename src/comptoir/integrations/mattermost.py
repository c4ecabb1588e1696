"""Mattermost incoming webhooks: ``{"text": ...}`` in Markdown, ``@channel`` to notify the
channel (Rocket.Chat and other Slack-compatible webhooks read the same document)."""

from __future__ import annotations

from typing import Any

from comptoir.integrations.base import Announcement

MENTION = "@channel"


def escape(text: str) -> str:
    """Markdown emphasis and links stay text; ``@`` is kept (names stay readable)."""
    for char in "\\*_`[]":
        text = text.replace(char, "\\" + char)
    return text


def body(announcement: Announcement) -> dict[str, Any]:
    first = f"**{escape(announcement.headline)}**"
    if announcement.mention:
        first = f"{MENTION} {first}"
    lines = [first]
    lines += [f"**{escape(label)}:** {escape(value)}" for label, value in announcement.facts]
    if announcement.message:
        lines += ["", escape(announcement.message)]
    if announcement.link:
        lines += ["", f"[{escape(announcement.link_label)}]({announcement.link})"]
    return {"text": "\n".join(lines)}
