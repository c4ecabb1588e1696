"""What a push notification says: pure functions over text (no Django).

A notification carries the mail's subject as its title and the first lines of the mail's
body, never a link written in the body (those are for the mail: the notification opens
``url`` itself)."""

from __future__ import annotations

from typing import TypedDict

BODY_LINES = 3
BODY_CHARS = 240


class Notification(TypedDict):
    title: str
    body: str
    url: str
    tag: str


def first_lines(text: str, *, lines: int = BODY_LINES, chars: int = BODY_CHARS) -> str:
    """The first ``lines`` non-empty lines of a mail body, up to its signature ("--"),
    without the lines that are only an address; cut at ``chars`` with an ellipsis."""
    kept: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line == "--":
            break
        if not line or line.startswith(("http://", "https://")):
            continue
        kept.append(line)
        if len(kept) == lines:
            break
    joined = "\n".join(kept)
    if len(joined) > chars:
        joined = joined[: chars - 1].rstrip() + "…"
    return joined


def notification(*, title: str, body: str, url: str, tag: str) -> Notification:
    return {"title": title.strip(), "body": first_lines(body), "url": url, "tag": tag}
