"""The open time of a calendar within one fixed stretch of UTC time (a "chunk" of 28 days).

A chunk holds the open intervals as sorted, disjoint UTC microsecond pairs and the prefix
sums of their lengths, so that "open time elapsed since the chunk start" and its inverse
are one bisection each.

Which instants are open: an instant is open when the local wall clock, at that instant,
shows a date and a time inside that date's open hours. Business time is therefore real
elapsed time within open local intervals: on the night clocks go forward an interval
01:00-04:00 lasts two real hours; on the night they go back it lasts four (the repeated
hour is open twice); a boundary that falls in the skipped hour takes effect when the clock
jumps past it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from comptoir.calendars.engine.day_rules import US_PER_DAY, DayRules
from comptoir.calendars.engine.utc_offsets import EPOCH, ONE_US, offset_segments

SPAN_US = 28 * US_PER_DAY
"""Chunk length. Chunk ``k`` covers UTC ``[k * SPAN_US, (k + 1) * SPAN_US)``."""

_LOW_US = (datetime(1, 1, 3, tzinfo=UTC) - EPOCH) // ONE_US
_HIGH_US = (datetime(9999, 12, 29, tzinfo=UTC) - EPOCH) // ONE_US
"""Outside these instants every calendar is closed (datetime cannot represent the rest)."""


class OpenChunk:
    """Open intervals of one chunk, UTC microseconds, sorted and disjoint (merged if touching).

    ``before[i]`` is the open time of the chunk before interval ``i`` starts, ``through[i]``
    the open time up to its end, ``total`` the open time of the whole chunk.
    """

    __slots__ = ("before", "ends", "starts", "through", "total")

    def __init__(self, intervals: list[tuple[int, int]]) -> None:
        self.starts = [start for start, _ in intervals]
        self.ends = [end for _, end in intervals]
        self.before: list[int] = []
        self.through: list[int] = []
        elapsed = 0
        for start, end in intervals:
            self.before.append(elapsed)
            elapsed += end - start
            self.through.append(elapsed)
        self.total = elapsed

    def elapsed_at(self, instant: int) -> int:
        """Open time from the chunk start up to ``instant`` (an instant of this chunk)."""
        index = bisect_right(self.starts, instant) - 1
        if index < 0:
            return 0
        return self.before[index] + min(instant, self.ends[index]) - self.starts[index]

    def instant_at(self, elapsed: int) -> int:
        """The earliest instant at which ``elapsed`` open time has passed in this chunk.

        Requires ``0 < elapsed <= total``. When ``elapsed`` is reached exactly at a closing
        time, that closing time is the answer (not the next opening).
        """
        index = bisect_left(self.through, elapsed)
        return self.starts[index] + elapsed - self.before[index]

    def is_open(self, instant: int) -> bool:
        """Whether ``instant`` lies in an open interval (open at the start, closed at the end)."""
        index = bisect_right(self.starts, instant) - 1
        return index >= 0 and instant < self.ends[index]

    def next_open(self, instant: int) -> int | None:
        """The earliest open instant ``>= instant`` in this chunk, or None."""
        index = bisect_right(self.starts, instant) - 1
        if index >= 0 and instant < self.ends[index]:
            return instant
        if index + 1 < len(self.starts):
            return self.starts[index + 1]
        return None


def build_chunk(index: int, zone: ZoneInfo, rules: DayRules) -> OpenChunk:
    """Compute the open intervals of chunk ``index`` from the calendar's rules.

    For each stretch of constant UTC offset, every local date it shows contributes its
    open hours, mapped to UTC with that offset and clipped to the stretch.
    """
    start = max(index * SPAN_US, _LOW_US)
    end = min((index + 1) * SPAN_US, _HIGH_US)
    pieces: list[tuple[int, int]] = []
    if start < end:
        for segment_start, segment_end, offset in offset_segments(zone, start, end):
            first_day = (segment_start + offset) // US_PER_DAY
            last_day = (segment_end - 1 + offset) // US_PER_DAY
            for day in range(first_day, last_day + 1):
                midnight = day * US_PER_DAY - offset
                for open_from, open_until in rules.spans_on_number(day):
                    piece_start = max(midnight + open_from, segment_start)
                    piece_end = min(midnight + open_until, segment_end)
                    if piece_start < piece_end:
                        pieces.append((piece_start, piece_end))
    pieces.sort()
    merged: list[tuple[int, int]] = []
    for piece_start, piece_end in pieces:
        if merged and piece_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], piece_end))
        else:
            merged.append((piece_start, piece_end))
    return OpenChunk(merged)
