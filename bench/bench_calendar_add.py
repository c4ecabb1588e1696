"""Benchmark: BusinessCalendar.add() calls per second, targets up to 64 business hours.

Random starts over one year (2026, microsecond resolution, any hour of any day) and random
targets in [0, 64 h] (procedure 003's longest target, "Low"). The first pass over the data
builds the calendar's caches (chunks of 28 days); the figures are for the passes after it,
and the cold pass is printed too. Prints figures, never passes or fails.

Run: .venv/bin/python bench/bench_calendar_add.py [--calls N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from comptoir.calendars import BusinessCalendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
ALL_DAYS = (*WEEKDAYS, "sat", "sun")
CALENDARS: dict[str, dict[str, Any]] = {
    "site support 09:30-17:00, FR": {
        "timezone": "Europe/Paris",
        "week": {day: ["09:30-17:00"] for day in WEEKDAYS},
        "holidays": {"country": "FR", "subdivision": None},
    },
    "phone 09-12 + 14-17:30, FR-57": {
        "timezone": "Europe/Paris",
        "week": {day: ["09:00-12:00", "14:00-17:30"] for day in WEEKDAYS},
        "holidays": {"country": "FR", "subdivision": "57"},
        "closures": ["2026-12-24", "2026-12-31"],
        "openings": {"2026-05-25": ["09:00-17:00"]},
    },
    "Saturday mornings 09-12, BE": {
        "timezone": "Europe/Brussels",
        "week": {**{day: ["08:00-18:00"] for day in WEEKDAYS}, "sat": ["09:00-12:00"]},
        "holidays": {"country": "BE"},
    },
    "emergency line 24/7, New York": {
        "timezone": "America/New_York",
        "week": {day: ["00:00-24:00"] for day in ALL_DAYS},
        "holidays": {"country": "US"},
        "holiday_hours": ["00:00-24:00"],
    },
}


def machine() -> str:
    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}) on "
        f"{platform.platform()}; {os.cpu_count()} CPUs; processor "
        f"{platform.processor() or platform.machine()}"
    )


def workload(calls: int, seed: int) -> list[tuple[datetime, timedelta]]:
    rng = random.Random(seed)
    year_start = datetime(2026, 1, 1, tzinfo=UTC)
    year_us = 365 * 24 * 3600 * 1_000_000
    max_target_us = 64 * 3600 * 1_000_000
    return [
        (
            year_start + timedelta(microseconds=rng.randrange(year_us)),
            timedelta(microseconds=rng.randrange(max_target_us + 1)),
        )
        for _ in range(calls)
    ]


def calls_per_second(calendar: BusinessCalendar, work: list[tuple[datetime, timedelta]]) -> float:
    add = calendar.add
    began = time.perf_counter()
    for start, target in work:
        add(start, target)
    return len(work) / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000, help="add() calls per pass")
    parser.add_argument("--repeat", type=int, default=5, help="warm passes (best is kept)")
    options = parser.parse_args()

    print(machine())
    print(f"{options.calls} add() calls per pass, random starts over 2026, targets 0..64 h")
    work = workload(options.calls, seed=2026)
    for name, spec in CALENDARS.items():
        began = time.perf_counter()
        calendar = BusinessCalendar.from_spec(spec)
        built = time.perf_counter() - began
        cold = calls_per_second(calendar, work)  # builds the caches on the way
        warm = [calls_per_second(calendar, work) for _ in range(options.repeat)]
        print(
            f"  {name:32} warm best {max(warm):>9,.0f}/s  median "
            f"{sorted(warm)[len(warm) // 2]:>9,.0f}/s  cold pass {cold:>9,.0f}/s  "
            f"(from_spec {built * 1000:.1f} ms)"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
