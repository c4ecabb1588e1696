"""UTC offsets of a time zone over a stretch of time, split where the offset changes.

``zoneinfo`` does not publish its transition table, so the stretch is sampled every six
hours and each change is located to the microsecond by bisection. This finds every change
unless two changes that cancel each other fall within six hours; in tzdata the shortest gap
between two transitions of a zone from 1900 to 2100 is about four days.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
SAMPLE_US = 6 * 3600 * 1_000_000

Segment = tuple[int, int, int]
"""``(start, end, offset)``: over UTC ``[start, end)`` (microseconds since the Unix epoch)
local wall-clock time is UTC + ``offset`` (microseconds)."""


def offset_at(zone: ZoneInfo, instant: int) -> int:
    """The UTC offset of ``zone`` at ``instant`` (microseconds since the epoch), exactly."""
    offset = (EPOCH + timedelta(microseconds=instant)).astimezone(zone).utcoffset()
    if offset is None:  # pragma: no cover - a ZoneInfo always answers for aware datetimes
        raise ValueError(f"{zone.key} has no UTC offset at {instant}")
    return offset // ONE_US


def _first_change(zone: ZoneInfo, low: int, high: int, low_offset: int) -> int:
    """The first instant in ``(low, high]`` whose offset differs from ``low_offset``.

    Requires ``offset_at(high) != low_offset``.
    """
    while high - low > 1:
        middle = (low + high) // 2
        if offset_at(zone, middle) == low_offset:
            low = middle
        else:
            high = middle
    return high


def offset_segments(zone: ZoneInfo, start: int, end: int) -> list[Segment]:
    """Split UTC ``[start, end)`` into segments of constant UTC offset, in order."""
    segments: list[Segment] = []
    segment_start = probe = start
    current = offset_at(zone, start)
    last = end - 1  # the last instant of the stretch
    while probe < last:
        next_probe = min(probe + SAMPLE_US, last)
        probe_offset = offset_at(zone, next_probe)
        while probe_offset != current:  # at least one change in (probe, next_probe]
            change = _first_change(zone, probe, next_probe, current)
            segments.append((segment_start, change, current))
            segment_start = probe = change
            current = offset_at(zone, change)
        probe = next_probe
    segments.append((segment_start, end, current))
    return segments
