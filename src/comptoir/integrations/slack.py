"""Slack incoming webhooks: ``{"text": ...}`` in Slack's mrkdwn, ``<!channel>`` to notify the
channel (procedure 004: « en taguant tout le canal »)."""

from __future__ import annotations

from typing import Any

from comptoir.integrations.base import Announcement

MENTION = "<!channel>"


def escape(text: str) -> str:
    """Slack reads ``&``, ``<`` and ``>`` as markup (links, mentions): a title such as
    "<!everyone>" typed in a form must stay text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def body(announcement: Announcement) -> dict[str, Any]:
    first = f"*{escape(announcement.headline)}*"
    if announcement.mention:
        first = f"{MENTION} {first}"
    lines = [first]
    lines += [f"*{escape(label)}:* {escape(value)}" for label, value in announcement.facts]
    if announcement.message:
        lines += ["", escape(announcement.message)]
    if announcement.link:
        lines += ["", f"<{announcement.link}|{escape(announcement.link_label)}>"]
    return {"text": "\n".join(lines)}
