"""The arithmetic of the reports (pure: no Django, no database).

A ``Tally`` holds what a set of entries adds up to: counts per (kind, detail) and, for
the durations, every value itself, so that medians and 90th percentiles are computed from
the per-ticket durations (never from averages of averages). Tallies add up: a year's is
the sum of its days'.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

DAY, WEEK, MONTH, TOTAL = "day", "week", "month", "total"
PERIODS = (DAY, WEEK, MONTH, TOTAL)

# Backlog age buckets, in days since reception: [low, high).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-1", 0, 1),
    ("1-3", 1, 3),
    ("3-7", 3, 7),
    ("7-30", 7, 30),
    ("30+", 30, None),
)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0 ≤ q ≤ 1) with linear interpolation between the two nearest
    ranks, as PostgreSQL's ``percentile_cont`` and ``statistics.median``: the median of
    1, 2, 3, 10 is 2.5. ``values`` must be sorted; None when empty."""
    if not values:
        return None
    if not 0 <= q <= 1:
        raise ValueError("q must be between 0 and 1")
    position = (len(values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    fraction = position - low
    return values[low] + (values[high] - values[low]) * fraction


def share(part: int, whole: int) -> float | None:
    """A percentage, or None when there is nothing to divide."""
    return None if whole == 0 else 100.0 * part / whole


def mean(total: float, count: int) -> float | None:
    return None if count == 0 else total / count


@dataclass
class Tally:
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    business: dict[str, list[int]] = field(default_factory=dict)
    plain: dict[str, list[int]] = field(default_factory=dict)

    def add(
        self,
        kind: str,
        detail: str = "",
        count: int = 1,
        business: Iterable[int] = (),
        plain: Iterable[int] = (),
    ) -> None:
        self.counts[(kind, detail)] += count
        b, p = list(business), list(plain)
        if b:
            self.business.setdefault(kind, []).extend(b)
        if p:
            self.plain.setdefault(kind, []).extend(p)

    def merge(self, other: Tally) -> None:
        self.counts.update(other.counts)
        for kind, values in other.business.items():
            self.business.setdefault(kind, []).extend(values)
        for kind, values in other.plain.items():
            self.plain.setdefault(kind, []).extend(values)

    def count(self, kind: str, detail: str | None = None) -> int:
        """Entries of ``kind`` (with this ``detail``; every detail when None)."""
        if detail is not None:
            return self.counts.get((kind, detail), 0)
        return sum(n for (k, _d), n in self.counts.items() if k == kind)

    def durations(self, kind: str, *, business: bool = True) -> list[int]:
        return sorted((self.business if business else self.plain).get(kind, []))


def week_start(day: date) -> date:
    """The Monday of the ISO week."""
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def bucket(day: date, period: str) -> date:
    """The first day of the day's period (a day, its ISO week, its month); TOTAL: the
    epoch (everything in one bucket)."""
    if period == DAY:
        return day
    if period == WEEK:
        return week_start(day)
    if period == MONTH:
        return month_start(day)
    return date.min


def bucket_end(start: date, period: str) -> date:
    """The last day of the period starting on ``start``."""
    if period == DAY:
        return start
    if period == WEEK:
        return start + timedelta(days=6)
    if period == MONTH:
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    return date.max


def buckets(start: date, end: date, period: str) -> list[date]:
    """Every bucket from ``start`` to ``end`` (inclusive), empty ones too."""
    if period == TOTAL:
        return [date.min]
    found, day = [], bucket(start, period)
    while day <= end:
        found.append(day)
        day = bucket_end(day, period) + timedelta(days=1)
    return found


def age_bucket(days: float) -> str:
    for label, low, high in AGE_BUCKETS:
        if days >= low and (high is None or days < high):
            return label
    return AGE_BUCKETS[0][0]


def previous_month(day: date) -> tuple[date, date]:
    """The first and last days of the month before ``day``'s."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last
