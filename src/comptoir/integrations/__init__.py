"""Team chat targets: one module per kind of incoming webhook (Slack, Mattermost, Microsoft
Teams), each turning an ``Announcement`` into the JSON that kind of webhook expects.

Pure modules (no Django): the outages app builds the announcement in the reader's language,
calls ``request()`` and stores the result as an outbox row of kind ``http``; the outbox's
HTTP transport POSTs it and retries it (5xx, 429, timeouts) with back-off.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from comptoir.integrations import mattermost, slack, teams
from comptoir.integrations.base import Announcement

__all__ = ["FORMATS", "Announcement", "request"]

FORMATS: dict[str, Callable[[Announcement], dict[str, Any]]] = {
    "slack": slack.body,
    "mattermost": mattermost.body,
    "teams": teams.body,
}


def request(kind: str, url: str, announcement: Announcement) -> dict[str, Any]:
    """The outbox payload (``{"url", "body", "headers"}``) posting ``announcement`` to a
    webhook of ``kind``. The body is serialised now: a retry sends the same bytes."""
    try:
        build = FORMATS[kind]
    except KeyError:
        raise ValueError(f"unknown chat kind {kind!r}") from None
    body = json.dumps(build(announcement), ensure_ascii=False)
    return {"url": url, "body": body, "headers": {"Content-Type": "application/json; charset=utf-8"}}
