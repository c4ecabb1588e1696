"""Safe HTML for showing a mail to an agent (nh3, an allow-list sanitiser).

Rules: only formatting, table, list and link tags; no scripts, styles, forms, frames or event
handlers; remote images are blocked (their ``src`` is dropped: a tracking pixel must not tell
the sender when an agent opens the ticket); inline images stay (``cid:`` sources, resolved by
whoever displays the mail, and ``data:image/…``); links keep ``http``, ``https``, ``mailto``
and ``tel`` targets with ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import re

import nh3

_TAGS = frozenset(nh3.ALLOWED_TAGS) | {"font"}
_ATTRIBUTES: dict[str, set[str]] = {name: set(values) for name, values in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES.setdefault("a", set()).update({"href", "title"})
_ATTRIBUTES.setdefault("img", set()).update({"src", "alt", "width", "height", "title"})
_ATTRIBUTES.setdefault("font", set()).update({"color"})
_ATTRIBUTES.setdefault("*", set()).update({"dir", "lang", "title"})
_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "cid", "data"})
_INLINE_IMAGE = re.compile(r"^\s*(?:cid:|data:image/(?:png|jpeg|jpg|gif|webp);)", re.IGNORECASE)


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _INLINE_IMAGE.match(value) else None
    if attribute in ("href", "src") and value.strip().lower().startswith(("data:", "cid:")):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "head", "title", "template", "noscript", "textarea", "select"},
    attributes=_ATTRIBUTES,
    attribute_filter=_filter,
    url_schemes=_URL_SCHEMES,
    url_relative="deny",
    link_rel="noopener noreferrer",
)


def sanitise_html(html: str) -> str:
    """``html`` reduced to what is safe to show (an empty string stays empty)."""
    if not html.strip():
        return ""
    return _CLEANER.clean(html).strip()
