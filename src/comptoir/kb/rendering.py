"""Guide articles are written in Markdown: turned into HTML by markdown-it (CommonMark, raw
HTML escaped, never passed through), then sanitised by nh3 with an allow-list, like the mails
agents read. Also plain text, for the search index and for excerpts."""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

_TAGS = frozenset(nh3.ALLOWED_TAGS)
_ATTRIBUTES: dict[str, set[str]] = {name: set(values) for name, values in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES.setdefault("a", set()).update({"href", "title"})
_ATTRIBUTES.setdefault("img", set()).update({"src", "alt", "title"})
_ATTRIBUTES.setdefault("code", set()).update({"class"})

# Links to other pages of Comptoir are relative; remote links and images are allowed (an
# article is written by the support team, not by a stranger), scripts never are.
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    url_schemes=frozenset({"http", "https", "mailto", "tel"}),
    link_rel="noopener noreferrer",
)

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|tr|pre|blockquote)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def to_html(source: str) -> str:
    """Safe HTML for ``source`` (Markdown)."""
    if not source.strip():
        return ""
    return _CLEANER.clean(_MARKDOWN.render(source)).strip()


def to_text(source: str) -> str:
    """The words of ``source`` (Markdown) without markup, on one line."""
    rendered = _BLOCK_END.sub(" ", _MARKDOWN.render(source))
    return _SPACES.sub(" ", html.unescape(_TAG.sub("", rendered))).strip()


def excerpt(source: str, length: int = 180) -> str:
    """The beginning of the text, cut at a word boundary, with an ellipsis when cut."""
    text = to_text(source)
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"
