"""Huey configuration from ``COMPTOIR_TASKS_URL``.

- ``sqlite:///path/tasks.sqlite3`` (embedded default): SqliteHuey, its own file in ./var/.
- ``redis://host:6379/0``: RedisHuey, for several web processes and consumers.
- ``memory://``: an in-process queue (tests, one-process runs).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured


def huey_settings_from_url(url: str, *, immediate: bool = False) -> dict[str, Any]:
    parsed = urlparse(url)
    base: dict[str, Any] = {
        "name": "comptoir",
        "immediate": immediate,
        "utc": True,
        "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
    }
    if parsed.scheme == "sqlite":
        return base | {"huey_class": "huey.SqliteHuey", "filename": parsed.path}
    if parsed.scheme in {"redis", "rediss"}:
        return base | {"huey_class": "huey.RedisHuey", "url": url}
    if parsed.scheme == "memory":
        return base | {"huey_class": "huey.MemoryHuey"}
    raise ImproperlyConfigured(
        f"COMPTOIR_TASKS_URL: unsupported scheme {parsed.scheme!r} (use sqlite://, redis:// or memory://)."
    )
