"""The sites allowed to embed a help button, as web origins (``scheme://host[:port]``,
the form browsers give in ``Origin`` headers and ``MessageEvent.origin``). Pure."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise(value: str) -> str | None:
    """``value`` as a browser writes an origin (lower case, no default port, no trailing
    slash), or None when it is not a plain http(s) origin (a path, a query, a wildcard…)."""
    value = value.strip()
    if value.endswith("/"):
        value = value[:-1]
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or parts.username is not None or parts.password is not None:
        return None
    if parts.path or parts.query or parts.fragment or "?" in value or "#" in value:
        return None
    if ":" in host:
        host = f"[{host}]"
    else:
        try:  # browsers write internationalised names in their ASCII (punycode) form
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if not _HOST.match(host):
        return None
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def parse(text: str) -> tuple[list[str], list[str]]:
    """The origins written one per line in ``text`` (normalised, duplicates dropped), and
    the lines that are not origins."""
    found: list[str] = []
    invalid: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        origin = normalise(line)
        if origin is None:
            invalid.append(line.strip())
        elif origin not in found:
            found.append(origin)
    return found, invalid


def of_url(url: str) -> str | None:
    """The origin of an http(s) address (``page_url``), or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return normalise(f"{parts.scheme}://{parts.netloc}") if parts.netloc else None
