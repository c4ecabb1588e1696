"""Values read from the database on every request but rarely changed (SLA policies,
routing rules, eligibility, mail wording…), kept in this process for a short while.

A change made in the admin applies at once in the process that made it (its ``forget()``)
and within ``ttl`` seconds in the others. ``forget_all()`` drops every such value (tests).
Thread-safe: two threads may load at once, the last load wins, nothing is ever torn.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable

DEFAULT_TTL = 30.0
_every: weakref.WeakSet[ProcessCache[object]] = weakref.WeakSet()


class ProcessCache[T]:
    def __init__(self, load: Callable[[], T], *, ttl: float = DEFAULT_TTL) -> None:
        self._load = load
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: tuple[T, float] | None = None
        _every.add(self)

    def get(self) -> T:
        with self._lock:
            held = self._value
        if held is not None and time.monotonic() - held[1] < self.ttl:
            return held[0]
        value = self._load()
        with self._lock:
            self._value = (value, time.monotonic())
        return value

    def forget(self) -> None:
        with self._lock:
            self._value = None


def forget_all() -> None:
    for cache in list(_every):
        cache.forget()
