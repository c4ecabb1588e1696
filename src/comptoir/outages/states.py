"""A service's state from its ongoing outages (pure: no Django).

A service shows the worst impact among the outages under way on it, and is operational again
when none is left. Planned maintenance is better than any unplanned impact: a service under
maintenance that also suffers a major outage shows the major outage.
"""

from __future__ import annotations

from collections.abc import Iterable

OPERATIONAL = "operational"
# From best to worst.
ORDER: tuple[str, ...] = (OPERATIONAL, "maintenance", "degraded", "partial", "major")


def rank(state: str) -> int:
    return ORDER.index(state)


def worst(impacts: Iterable[str]) -> str:
    """The worst of ``impacts``; ``operational`` when there is none."""
    return max(impacts, key=rank, default=OPERATIONAL)


def overall(states: Iterable[str]) -> str:
    """The status page's headline: the worst state among the services."""
    return worst(states)
