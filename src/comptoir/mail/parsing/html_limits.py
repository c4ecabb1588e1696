"""Bounded work on a mail's HTML: a mail nested thousands of levels deep (a hostile one, or
a broken generator) costs the tree builders and the sanitiser time that grows with the square
of the depth — 100,000 nested ``<div>`` held intake for over a minute. Before any of them
runs, one linear scan measures the depth; past ``MAX_DEPTH`` the HTML is not parsed at all
and the mail is read as text (the raw mail keeps the original).

Written by hand: the point is to look at the markup *without* building a tree, which is
what every HTML library does.
"""

from __future__ import annotations

import html
import re

MAX_DEPTH = 400  # real mails (Outlook's tables included) stay under about 60
MAX_BYTES = 2_000_000  # HTML parts beyond this are read as text too

# Attributes stop at the next "<" as well as at ">": each character is looked at a bounded
# number of times, however the markup is broken.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*?(/?)>")
_VOID = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link"),
        *("meta", "param", "source", "track", "wbr", "basefont", "frame", "keygen"),
    }
)
_HIDDEN = re.compile(r"<(script|style|head|title)\b", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]*>")
_BLOCK_END = re.compile(r"</?(?:p|div|br|tr|li|h[1-6]|table|blockquote)\b[^>]*>", re.IGNORECASE)
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n\s*\n+")


def too_complex(markup: str) -> bool:
    """Whether ``markup`` is too large or nests deeper than ``MAX_DEPTH`` (stops at the
    first element past it)."""
    if len(markup) > MAX_BYTES:
        return True
    depth = 0
    for match in _TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        if name.lower() in _VOID or self_closing:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > MAX_DEPTH:
                return True
    return False


def as_text(markup: str) -> str:
    """The words of ``markup`` without any tag, in linear time."""
    text = _without_hidden(markup)
    text = _BLOCK_END.sub("\n", text)
    text = html.unescape(_ANY_TAG.sub(" ", text))
    lines = (_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
    return _LINES.sub("\n\n", "\n".join(lines)).strip()


def _without_hidden(markup: str) -> str:
    """``markup`` without the content of script, style, head and title elements; one pass
    forward (an element never closed keeps the rest as it is)."""
    kept: list[str] = []
    position = 0
    lowered = markup.lower()
    while (match := _HIDDEN.search(markup, position)) is not None:
        end = lowered.find(f"</{match.group(1).lower()}", match.end())
        if end < 0:
            break
        kept.append(markup[position : match.start()])
        position = end
    kept.append(markup[position:])
    return " ".join(kept)
