"""A small, forgiving HTML tree built with the standard library's ``html.parser``.

Mail HTML is rarely well formed (unclosed ``<p>``, stray end tags, Word's ``<o:p>``), so the
builder closes what the HTML rules imply and ignores end tags that close nothing. It is enough
to find the clients' quote markers and to turn a body into text; nh3 does the sanitising.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# Tags whose start closes an open <p> (HTML "closes a p element" rule, the part mail uses).
_CLOSES_P = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "div",
        "dl",
        "fieldset",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "ol",
        "p",
        "pre",
        "table",
        "ul",
    }
)
_MAX_DEPTH = 400


@dataclass(eq=False)
class Element:
    """One element: tag, attributes, children (elements or text), parent."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").lower().split())

    def iter(self) -> list[Element]:
        """This element and its descendants in document order."""
        found: list[Element] = []
        stack: list[Element] = [self]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(child for child in reversed(node.children) if isinstance(child, Element))
        return found

    def text(self, limit: int | None = None) -> str:
        """The text below this element, concatenated (its first ``limit`` characters at least)."""
        parts: list[str] = []
        size = 0
        stack: list[Element | str] = [self]
        while stack and (limit is None or size < limit):
            node = stack.pop()
            if isinstance(node, str):
                parts.append(node)
                size += len(node)
            elif node.tag not in ("script", "style", "head", "title"):
                stack.extend(reversed(node.children))
        return "".join(parts)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack: list[Element] = [self.root]

    def _open(self) -> list[str]:
        return [element.tag for element in self.stack]

    def _close_to(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        open_tags = self._open()
        if tag in _CLOSES_P and "p" in open_tags[-3:]:
            self._close_to("p")
        elif tag == "li" and "li" in open_tags[-3:]:
            self._close_to("li")
        elif tag in ("td", "th") and open_tags[-1] in ("td", "th"):
            self.stack.pop()
        elif tag == "tr" and "tr" in open_tags[-3:]:
            self._close_to("tr")
        parent = self.stack[-1]
        element = Element(tag, {name.lower(): value or "" for name, value in attrs}, parent=parent)
        parent.children.append(element)
        if tag not in VOID and len(self.stack) < _MAX_DEPTH:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # "</br>" is read as <br> by browsers
            self.handle_starttag("br", [])
            return
        self._close_to(tag)

    def handle_data(self, data: str) -> None:
        if data:
            self.stack[-1].children.append(data)


def parse_html(html: str) -> Element:
    """The tree of ``html`` under a ``#document`` root; never raises."""
    builder = _Builder()
    try:
        builder.feed(html)
        builder.close()
    except (AssertionError, ValueError, IndexError):  # pragma: no cover - html.parser is lenient
        pass
    return builder.root


def serialise(node: Element | str) -> str:
    """HTML for ``node`` (text escaped, attributes quoted); the ``#document`` root adds no tag."""
    out: list[str] = []
    _serialise(node, out)
    return "".join(out)


def _serialise(node: Element | str, out: list[str]) -> None:
    stack: list[Element | str | tuple[str]] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            out.append(item[0])
        elif isinstance(item, str):
            out.append(escape(item, quote=False))
        elif item.tag == "#document":
            stack.extend(reversed(item.children))
        else:
            attributes = "".join(f' {name}="{escape(value)}"' for name, value in item.attrs.items())
            out.append(f"<{item.tag}{attributes}>")
            if item.tag in VOID:
                continue
            stack.append((f"</{item.tag}>",))
            stack.extend(reversed(item.children))


def remove_from(element: Element) -> None:
    """Remove ``element`` and everything after it in document order (quoted history runs to the end)."""
    parent = element.parent
    if parent is None:
        return
    del parent.children[_index(parent, element) :]
    node = parent
    while node.parent is not None:
        del node.parent.children[_index(node.parent, node) + 1 :]
        node = node.parent


def _index(parent: Element, child: Element) -> int:
    return next(position for position, item in enumerate(parent.children) if item is child)


def detach(element: Element) -> None:
    """Remove ``element`` alone from its parent."""
    if element.parent is not None:
        element.parent.children = [child for child in element.parent.children if child is not element]
