"""The active subscriptions, cached per process.

Every ticket change asks who listens: the answer is kept in memory (``comptoir.core.cache``: a
change made in the admin applies at once in that process, within 30 s elsewhere), so
publishing costs no query when nobody subscribes. ``reset()`` drops the cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.core.cache import ProcessCache


@dataclass(frozen=True)
class Listener:
    id: int
    url: str
    events: frozenset[str]
    secret: str


def reset() -> None:
    _cached.forget()


def active() -> tuple[Listener, ...]:
    return _cached.get()


def _load() -> tuple[Listener, ...]:
    from comptoir.webhooks.models import Subscription

    rows = Subscription.objects.filter(is_active=True).order_by("pk")
    return tuple(
        Listener(id=s.pk, url=s.url, events=frozenset(s.events or ()), secret=s.secret)
        for s in rows
        if s.events
    )


_cached: ProcessCache[tuple[Listener, ...]] = ProcessCache(_load)
