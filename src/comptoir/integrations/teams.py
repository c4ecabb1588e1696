"""Microsoft Teams incoming webhooks: a MessageCard (title, text, facts, a button).

Teams webhooks cannot notify a whole channel: with ``mention`` set, the card's text starts
with "@channel" so readers see it was meant for everyone, but nobody is notified by it."""

from __future__ import annotations

from typing import Any

from comptoir.integrations.base import Announcement, colour

MENTION = "@channel"


def body(announcement: Announcement) -> dict[str, Any]:
    text = announcement.message.replace("\n", "\n\n")  # Teams joins single line breaks
    if announcement.mention:
        text = f"{MENTION} {text}".rstrip()
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": announcement.headline,
        "themeColor": colour(announcement.event),
        "title": announcement.headline,
        "text": text,
        "sections": [{"facts": [{"name": label, "value": value} for label, value in announcement.facts]}],
    }
    if announcement.link:
        card["potentialAction"] = [
            {
                "@type": "OpenUri",
                "name": announcement.link_label,
                "targets": [{"os": "default", "uri": announcement.link}],
            }
        ]
    return card
