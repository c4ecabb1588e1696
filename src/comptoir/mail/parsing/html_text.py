"""HTML to plain text the way a reader sees it: paragraphs, line breaks, lists, quotes as ``>``.

Used for HTML-only mails (``ParsedMail.text``) and for the visible reply of HTML mails. Links
keep their text only; images, scripts, styles and the document head give no text.
"""

from __future__ import annotations

import re

from comptoir.mail.parsing.html_tree import Element, parse_html

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "xml"})
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "pre", "address"})
_LINE = frozenset(
    {
        "div",
        "tr",
        "li",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "center",
        "form",
        "hr",
        "caption",
        "figure",
        "figcaption",
        "tbody",
        "thead",
        "tfoot",
    }
)
_CELL = frozenset({"td", "th"})
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending_newlines = 0
        self.at_line_start = True

    def newline(self, count: int = 1) -> None:
        if self.parts:
            self.pending_newlines = max(self.pending_newlines, count)

    def write(self, text: str, *, preformatted: bool = False) -> None:
        if not preformatted:
            text = _WHITESPACE.sub(" ", text)
            if self.at_line_start or self.pending_newlines:
                text = text.lstrip(" ")
        if not text:
            return
        if self.pending_newlines:
            self.parts.append("\n" * self.pending_newlines)
            self.pending_newlines = 0
        self.parts.append(text)
        self.at_line_start = text.endswith("\n")

    def value(self) -> str:
        return "".join(self.parts)


def _render(node: Element, writer: _Writer, preformatted: bool) -> None:
    for child in node.children:
        if isinstance(child, str):
            writer.write(child.replace("\xa0", " "), preformatted=preformatted)
            continue
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == "br":
            if writer.pending_newlines:
                writer.pending_newlines += 1
            else:
                writer.parts.append("\n")
                writer.at_line_start = True
            continue
        if tag == "blockquote":
            inner = _Writer()
            _render(child, inner, preformatted)
            quoted = _tidy(inner.value())
            if quoted:
                writer.newline(1)
                writer.write(
                    "\n".join(("> " + line).rstrip() for line in quoted.split("\n")), preformatted=True
                )
                writer.newline(1)
            continue
        if tag in _PARAGRAPH:
            writer.newline(2)
        elif tag in _LINE:
            writer.newline(1)
        elif tag in _CELL and not writer.at_line_start and not writer.pending_newlines:
            writer.write(" ", preformatted=True)
        if tag == "li":
            writer.write("- ", preformatted=True)
        _render(child, writer, preformatted or tag in ("pre", "textarea", "plaintext"))
        if tag in _PARAGRAPH:
            writer.newline(2)
        elif tag in _LINE:
            writer.newline(1)


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def tree_to_text(root: Element) -> str:
    """The text of an already parsed tree."""
    writer = _Writer()
    _render(root, writer, False)
    return _tidy(writer.value())


def html_to_text(html: str) -> str:
    """The readable text of ``html`` (never raises)."""
    return tree_to_text(parse_html(html))
