"""Cut the quoted history out of an HTML reply at the mail clients' own markers.

HTML replies carry the previous message in an element each client marks its own way, which
is far more reliable than guessing from text: Gmail ``div.gmail_quote``; Outlook on the web
and new Outlook ``#divRplyFwdMsg`` and ``#appendonsend``; Outlook desktop a header block with
a top border (``De :`` / ``From:``) or ``div.OutlookMessageHeader``; Outlook for Mac
``#OLK_SRC_BODY_SECTION``; Thunderbird ``.moz-cite-prefix`` + ``blockquote[type=cite]``;
Apple Mail ``blockquote[type=cite]``; Yahoo ``div.yahoo_quoted``; Hotmail ``hr#stopSpelling``;
others an ``<hr>`` followed by a ``From:`` header. The marker and everything after it go
(top-posting); when that leaves nothing (a bottom-posted reply) only the quotes go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from comptoir.mail.parsing.html_text import tree_to_text
from comptoir.mail.parsing.html_tree import Element, detach, parse_html, remove_from, serialise

_QUOTE_CLASSES = frozenset(
    {
        "gmail_quote",
        "gmail_quote_container",
        "gmail_extra",
        "moz-cite-prefix",
        "yahoo_quoted",
        "ydp_yahoo_quoted",
        "outlookmessageheader",
        "zmail_extra",
        "protonmail_quote",
        "x_gmail_quote",
        "mailru-blockquote",
        "ms-outlook-mobile-reference-message",
    }
)
_QUOTE_IDS = frozenset(
    {
        "divrplyfwdmsg",
        "appendonsend",
        "olk_src_body_section",
        "stopspelling",
        "mail-editor-reference-message-container",
        "reply-intro",
        "x_divrplyfwdmsg",
        "x_appendonsend",
        "zwchr",
        "isforwardcontent",
        "isreplycontent",
    }
)
_HEADER_START = re.compile(
    r"^\s*(?:\*?\s*)(?:from|de|von|van|da|od|från|fra|от|發件人|发件人|寄件者|差出人)\s*[:：]",
    re.IGNORECASE,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:original message|message d'origine|message original|ursprüngliche nachricht|"
    r"mail original|forwarded message|message transféré|messaggio originale|mensaje original)",
    re.IGNORECASE,
)


_TEXT_PREFIX = 200  # characters of an element's text read to recognise a header


@dataclass(frozen=True)
class HtmlCut:
    """The HTML without its quoted history, the text of what was cut ("" when nothing), and
    the text of the whole and of the kept HTML (computed once, the HTML read once)."""

    html: str
    removed_text: str
    found: bool
    text: str = ""
    full_text: str = ""


def _text_prefixes(root: Element) -> dict[int, str]:
    """The first characters of every element's text, computed bottom-up in one pass."""
    prefixes: dict[int, str] = {}
    order = root.iter()
    for element in reversed(order):
        parts: list[str] = []
        size = 0
        for child in element.children:
            piece = child if isinstance(child, str) else prefixes.get(id(child), "")
            if isinstance(child, Element) and child.tag in ("script", "style", "head", "title"):
                continue
            parts.append(piece)
            size += len(piece)
            if size > _TEXT_PREFIX:
                break
        prefixes[id(element)] = "".join(parts)[: _TEXT_PREFIX + 1]
    return prefixes


def _is_marker(element: Element, prefixes: dict[int, str], positions: dict[int, dict[int, int]]) -> bool:
    tag = element.tag
    classes = element.classes()
    if classes & _QUOTE_CLASSES or any(name.startswith("yahoo_quoted") for name in classes):
        return True
    if element.attrs.get("id", "").lower() in _QUOTE_IDS:
        return True
    if tag == "blockquote" and (element.attrs.get("type", "").lower() == "cite" or "gmail_quote" in classes):
        return True
    if tag == "hr" and _next_text_starts_header(element, positions):
        return True
    if tag not in ("div", "p", "span"):
        return False
    start = prefixes.get(id(element), "")
    if tag == "div" and "border-top" in element.attrs.get("style", "").replace(" ", "").lower():
        return bool(_HEADER_START.match(start) or _ORIGINAL_MESSAGE.match(start))
    return bool(_ORIGINAL_MESSAGE.match(start)) and len(start.strip()) < _TEXT_PREFIX


def _next_text_starts_header(element: Element, positions: dict[int, dict[int, int]]) -> bool:
    """Is the first text after this ``<hr>`` a "From:" line (a forwarded/quoted header)?"""
    node: Element | None = element
    collected: list[str] = []
    while node is not None and node.parent is not None:
        parent = node.parent
        if id(parent) not in positions:
            positions[id(parent)] = {id(child): index for index, child in enumerate(parent.children)}
        start = positions[id(parent)][id(node)] + 1
        for sibling in parent.children[start : start + 50]:
            collected.append(sibling if isinstance(sibling, str) else sibling.text(limit=_TEXT_PREFIX))
            if "".join(collected).strip():
                return bool(_HEADER_START.match("".join(collected)))
        node = parent
    return False


def cut_quotes(html: str) -> HtmlCut:
    """``html`` with the quoted history removed at the first client marker found."""
    root = parse_html(html)
    markers = _markers(root)
    full_text = tree_to_text(root)
    if not markers:
        return HtmlCut(html=html, removed_text="", found=False, text=full_text, full_text=full_text)
    remove_from(markers[0])
    visible = tree_to_text(root)
    if visible.strip():
        removed = _difference(full_text, visible)
        return HtmlCut(
            html=serialise(root), removed_text=removed, found=True, text=visible, full_text=full_text
        )
    # Bottom-posted: the reply is after the quote. Keep it and drop only the quote blocks.
    root = parse_html(html)
    markers = _markers(root)
    outermost = [marker for marker in markers if not any(_is_ancestor(other, marker) for other in markers)]
    removed_parts = [tree_to_text(_wrap(marker)) for marker in outermost]
    for marker in outermost:
        detach(marker)
    return HtmlCut(
        html=serialise(root),
        removed_text="\n\n".join(part for part in removed_parts if part),
        found=True,
        text=tree_to_text(root),
        full_text=full_text,
    )


def _markers(root: Element) -> list[Element]:
    """The quote markers of a tree, in document order."""
    prefixes = _text_prefixes(root)
    positions: dict[int, dict[int, int]] = {}
    return [element for element in root.iter() if _is_marker(element, prefixes, positions)]


def _is_ancestor(candidate: Element, element: Element) -> bool:
    node = element.parent
    while node is not None:
        if node is candidate:
            return True
        node = node.parent
    return False


def _wrap(element: Element) -> Element:
    holder = Element("#document")
    holder.children.append(element)
    return holder


def _difference(full_text: str, visible: str) -> str:
    if full_text.startswith(visible):
        return full_text[len(visible) :].strip("\n")
    return full_text
