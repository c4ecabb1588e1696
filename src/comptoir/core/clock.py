"""The one ``now()`` seam. Read it once per operation and pass the instant down, so a whole
operation agrees on the time and tests pin it with time-machine."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(tz=UTC)
