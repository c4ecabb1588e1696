"""Reading our pages the way a user sees them, through their stable markers (``data-testid``
attributes, links, numbers), never through translated wording."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    links: list[str] = field(default_factory=list)
    inner_tags: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []
        self._open: list[tuple[Element, int]] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for element, _depth in self._open:
            element.inner_tags.append(tag)
            if tag == "a" and "href" in values:
                element.links.append(values["href"])
        if tag in VOID:
            return
        self._depth += 1
        if "data-testid" in values:
            element = Element(tag, values)
            self.found.append(element)
            self._open.append((element, self._depth))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self._open and self._open[-1][1] == self._depth:
            self._open.pop()
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        for element, _depth in self._open:
            element.text += data


def by_testid(html: str | bytes, testid: str) -> list[Element]:
    """Every element marked ``data-testid=testid``, with its text (whitespace collapsed)
    and the links inside it, in page order."""
    if isinstance(html, bytes):
        html = html.decode()
    collector = _Collector()
    collector.feed(html)
    collector.close()
    found = [e for e in collector.found if e.attrs["data-testid"] == testid]
    for element in found:
        element.text = " ".join(element.text.split())
    return found


def ticket_numbers(links: list[str]) -> list[int]:
    """Ticket numbers linked to, in order, each once (a queue row links its number and its
    subject to the same page)."""
    numbers: list[int] = []
    for href in links:
        match = re.fullmatch(r"/(?:desk|portal)/tickets/(\d+)/", href)
        if match and (not numbers or numbers[-1] != int(match[1])):
            numbers.append(int(match[1]))
    return numbers


def queue_numbers(html: str | bytes) -> list[int]:
    """The ticket numbers of the desk queue's rows, top to bottom."""
    return [ticket_numbers(row.links)[0] for row in by_testid(html, "queue-row")]


def portal_list_numbers(html: str | bytes) -> list[int]:
    """The ticket numbers of the portal's list, top to bottom."""
    lists = by_testid(html, "ticket-list")
    return ticket_numbers(lists[0].links) if lists else []


def flashes(html: str | bytes) -> list[tuple[str, str]]:
    """The messages shown at the top of the page, as (level, text): level is the
    Bootstrap alert colour (``success``, ``danger``, ``info``…)."""
    found = []
    for element in by_testid(html, "flash"):
        level = next((c.removeprefix("alert-") for c in element.classes if c.startswith("alert-")), "")
        found.append((level, element.text))
    return found


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.invalid: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in {"input", "select", "textarea"} and "is-invalid" in values.get("class", "").split():
            self.invalid.append(values.get("name", ""))


def invalid_fields(html: str | bytes) -> list[str]:
    """The names of the form fields marked invalid, in page order."""
    if isinstance(html, bytes):
        html = html.decode()
    parser = _Fields()
    parser.feed(html)
    parser.close()
    return parser.invalid


def followed_number(text: str) -> int | None:
    """The request that the follow link in a mail's text opens (None: no such link)."""
    from comptoir.accounts import follow_links

    found = re.search(r"/portal/follow/([^/\s]+)/", text)
    return follow_links.check(found.group(1)).number if found else None
