"""Business-time arithmetic on integer microseconds since the Unix epoch (UTC).

Let ``open(t)`` be the open time elapsed from a fixed origin to instant ``t``; it is
non-decreasing and flat while the calendar is closed. Then:

- ``between(a, b) = open(b) - open(a)`` (negative when ``b < a``);
- ``add(s, d)`` is the earliest ``t >= s`` with ``open(t) - open(s) = d``: ``s`` itself
  when ``d`` is zero, a closing time when ``d`` runs out exactly at one.

Chunks (see :mod:`open_chunk`) are built lazily and cached, so whole chunks of 28 days are
skipped with one subtraction; nothing steps minute by minute.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from comptoir.calendars.engine.day_rules import US_PER_DAY, DayRules
from comptoir.calendars.engine.errors import HorizonExceededError, NeverOpenError
from comptoir.calendars.engine.open_chunk import SPAN_US, OpenChunk, build_chunk

HORIZON_DAYS = 3653
"""How far (about ten years) a search for open time goes before giving up."""
HORIZON_US = HORIZON_DAYS * US_PER_DAY
_MAX_CACHED_CHUNKS = 2048  # ~157 years of chunks; beyond, the cache starts over


class Timeline:
    """The open time of one calendar, with per-chunk caches (safe to fill concurrently)."""

    __slots__ = ("_chunks", "rules", "zone")

    def __init__(self, zone: ZoneInfo, rules: DayRules) -> None:
        self.zone = zone
        self.rules = rules
        self._chunks: dict[int, OpenChunk] = {}

    def chunk(self, index: int) -> OpenChunk:
        """Chunk ``index``, built on first use."""
        found = self._chunks.get(index)
        if found is None:
            if len(self._chunks) >= _MAX_CACHED_CHUNKS:
                self._chunks.clear()
            found = self._chunks[index] = build_chunk(index, self.zone, self.rules)
        return found

    def ensure_may_open(self) -> None:
        if not self.rules.may_open:
            raise NeverOpenError(
                "the calendar has no open hours at all: every weekday is empty and there "
                "is no special opening"
            )

    def add(self, start: int, duration: int) -> int:
        """The earliest instant ``>= start`` after ``duration`` (>= 0) of open time."""
        if duration <= 0:
            if duration < 0:
                raise ValueError("duration must not be negative")
            return start
        self.ensure_may_open()
        index = start // SPAN_US
        chunk = self._chunks.get(index) or self.chunk(index)
        remaining = chunk.elapsed_at(start) + duration
        while remaining > chunk.total:
            remaining -= chunk.total
            index += 1
            if index * SPAN_US - start > HORIZON_US:
                raise self._horizon_error("open time to add")
            chunk = self._chunks.get(index) or self.chunk(index)
        due = chunk.instant_at(remaining)
        if due - start > HORIZON_US:
            raise self._horizon_error("open time to add")
        return due

    def between(self, first: int, second: int) -> int:
        """Open time in ``[first, second)``; minus that of ``[second, first)`` if reversed."""
        if second < first:
            return -self.between(second, first)
        first_index = first // SPAN_US
        second_index = second // SPAN_US
        first_chunk = self.chunk(first_index)
        if first_index == second_index:
            return first_chunk.elapsed_at(second) - first_chunk.elapsed_at(first)
        total = first_chunk.total - first_chunk.elapsed_at(first)
        for index in range(first_index + 1, second_index):
            total += self.chunk(index).total
        return total + self.chunk(second_index).elapsed_at(second)

    def is_open(self, instant: int) -> bool:
        """Whether the calendar is open at ``instant``."""
        return self.chunk(instant // SPAN_US).is_open(instant)

    def next_opening(self, instant: int) -> int:
        """The earliest open instant ``>= instant`` (``instant`` itself when open)."""
        self.ensure_may_open()
        index = instant // SPAN_US
        found = self.chunk(index).next_open(instant)
        while found is None:
            index += 1
            if index * SPAN_US - instant > HORIZON_US:
                raise self._horizon_error("an opening")
            found = self.chunk(index).next_open(index * SPAN_US)
        if found - instant > HORIZON_US:
            raise self._horizon_error("an opening")
        return found

    def _horizon_error(self, what: str) -> HorizonExceededError:
        return HorizonExceededError(
            f"no {what} within {HORIZON_DAYS} days (about ten years) in the calendar "
            f"({self.zone.key}): check its week, closures and openings"
        )
