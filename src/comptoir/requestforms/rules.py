"""What a request form asks, and what a request already tells (pure).

Procedure 002: "the more complete your request, the better our answer". Administrators
describe, per product and type, the facts a new request must give (the page concerned,
the browser, the steps, a screenshot). The portal, the help button and the API ask for
them; a request that came by mail is read for them (a labelled line, an address, a
browser's name, an attached file), and what is still missing is asked by mail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from comptoir.mail.parsing.folding import fold

MAX_VALUE = 2000


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    URL = "url"
    BROWSER = "browser"
    FILE = "file"


@dataclass(frozen=True)
class Field:
    key: str
    kind: Kind
    labels: Mapping[str, str]
    helps: Mapping[str, str] = field(default_factory=dict)
    required: bool = False

    def label(self, language: str) -> str:
        return _in(self.labels, language) or self.key

    def help(self, language: str) -> str:
        return _in(self.helps, language)


@dataclass(frozen=True)
class Spec:
    """One request form: for a product (None: any) and a ticket type ("": any)."""

    product_id: int | None
    type: str
    fields: tuple[Field, ...]
    guidances: Mapping[str, str] = field(default_factory=dict)

    def guidance(self, language: str) -> str:
        return _in(self.guidances, language)

    @property
    def asks_anything(self) -> bool:
        return bool(self.fields) or any(self.guidances.values())


def _in(texts: Mapping[str, str], language: str) -> str:
    """The text in ``language``, else in French (the team's language), else any."""
    short = (language or "").split("-")[0].lower()
    return texts.get(short) or texts.get("fr") or next((t for t in texts.values() if t), "")


def choose(specs: Iterable[Spec], *, product_id: int | None, type: str) -> Spec | None:
    """The most specific form: this product and type, this product, this type, the
    default form (no product, no type)."""
    ranked: dict[tuple[bool, bool], Spec] = {}
    for spec in specs:
        if spec.product_id is not None and spec.product_id != product_id:
            continue
        if spec.type and spec.type != type:
            continue
        ranked.setdefault((spec.product_id is not None, bool(spec.type)), spec)
    for rank in ((True, True), (True, False), (False, True), (False, False)):
        if rank in ranked:
            return ranked[rank]
    return None


class InvalidValue(ValueError):
    """A value that cannot be right for its field (``code``: "url", "too_long")."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


_URL = re.compile(r"https?://[^\s<>\"'\])]+", re.IGNORECASE)
_HOST_FIRST = re.compile(r"^[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:[/?#]\S*)?$")
_URL_ONLY = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def clean(spec_field: Field, raw: str) -> str:
    """The value as it is kept: trimmed; an address must be a web address (http/https,
    which is added when only the host was typed)."""
    value = raw.strip() if spec_field.kind == Kind.LONG_TEXT else " ".join(raw.split())
    if len(value) > MAX_VALUE:
        raise InvalidValue("too_long")
    if spec_field.kind == Kind.URL and value:
        if "://" not in value and _HOST_FIRST.match(value):
            value = "https://" + value
        if not _URL_ONLY.match(value):
            raise InvalidValue("url")
    return value


def missing(spec: Spec, values: Mapping[str, str], *, files: int | None) -> list[Field]:
    """The required fields without a value. A file field is satisfied by any attached file;
    ``files=None`` when files come later (the API uploads them after creation)."""
    gaps = []
    for f in spec.fields:
        if not f.required or (values.get(f.key) or "").strip():
            continue
        if f.kind == Kind.FILE and (files is None or files > 0):
            continue
        gaps.append(f)
    return gaps


# Browsers by the names people write, most specific first (Edge says "Chrome" too).
_BROWSERS = (
    ("Edge", re.compile(r"\b(?:microsoft )?edge?\b|\bedg/", re.IGNORECASE)),
    ("Opera", re.compile(r"\bopera\b|\bopr/", re.IGNORECASE)),
    ("Brave", re.compile(r"\bbrave\b", re.IGNORECASE)),
    ("Samsung Internet", re.compile(r"\bsamsung ?internet\b|\bsamsungbrowser\b", re.IGNORECASE)),
    ("Firefox", re.compile(r"\bfirefox\b", re.IGNORECASE)),
    ("Chrome", re.compile(r"(?:\b|headless)chrom(?:e|ium)\b", re.IGNORECASE)),
    ("Safari", re.compile(r"\bsafari\b", re.IGNORECASE)),
    ("Internet Explorer", re.compile(r"\binternet explorer\b|\bmsie\b", re.IGNORECASE)),
)


def browser_name(text: str) -> str:
    """The browser a text names (a mail) or a User-Agent describes, else ""."""
    for name, pattern in _BROWSERS:
        if pattern.search(text):
            return name
    return ""


def _labelled_line(spec_field: Field, lines: list[tuple[str, str]]) -> str:
    """A line "Label: value" in the text, the label in any language or the key."""
    names = {fold(label).strip() for label in spec_field.labels.values() if label.strip()}
    names.add(fold(spec_field.key.replace("_", " ")))
    for folded, original in lines:
        head, sep, _rest = folded.partition(":")
        if sep and head.strip(" -*•\t") in names:
            return original.partition(":")[2].strip()
    return ""


def facts_from_text(spec: Spec, text: str) -> dict[str, str]:
    """What a free text (a mail) already tells for each field: a line "Label: value"
    first; else, for an address, the first web address; for a browser, the first browser
    named. Files are counted by the caller."""
    lines = [(fold(line), line) for line in text.splitlines() if ":" in line]
    found: dict[str, str] = {}
    for f in spec.fields:
        if f.kind == Kind.FILE:
            continue
        value = _labelled_line(f, lines)
        if not value and f.kind == Kind.URL:
            match = _URL.search(text)
            value = match.group(0).rstrip(".,;:!?") if match else ""
        if not value and f.kind == Kind.BROWSER:
            value = browser_name(text)
        if value:
            try:
                found[f.key] = clean(f, value)
            except InvalidValue:
                continue
    return found
