"""Who is on duty (pure): the rotation of a rota's members, and its overrides.

Members take turns in order, ``period_days`` each, the first turn starting on ``starts_on``
at ``handover`` (wall-clock time in the rota's zone: the hand-over stays at 9:00 across
daylight-saving changes). Overrides change that for a while:

- an absence: if the absent member would be on duty, the next member in order who is not
  absent covers (nobody when everyone is away);
- a replacement: this agent is on duty instead, whoever's turn it is (a swap of turns is
  two replacements). The latest-starting replacement wins where two overlap.

``on_duty`` says who is on duty at an instant, since when and until when (the next change
of hands: a hand-over or the edge of an override), and ``next_on_duty`` who takes over then.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ABSENCE = "absence"
REPLACEMENT = "replacement"
TINY = timedelta(microseconds=1)


@dataclass(frozen=True)
class Override:
    kind: str  # ABSENCE or REPLACEMENT
    user_id: int
    starts_at: datetime
    ends_at: datetime

    def covers(self, instant: datetime) -> bool:
        return self.starts_at <= instant < self.ends_at


@dataclass(frozen=True)
class Rotation:
    members: tuple[int, ...]
    starts_on: date
    handover: time = time(9, 0)
    timezone: str = "Europe/Paris"
    period_days: int = 7
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        if self.period_days < 1:
            raise ValueError("a turn lasts at least one day")
        for o in self.overrides:
            if o.starts_at.tzinfo is None or o.ends_at.tzinfo is None:
                raise ValueError("override times must be aware")


@dataclass(frozen=True)
class Duty:
    """``user_id`` is on duty from ``since`` until ``until`` (None: as far as the
    rotation's data goes, e.g. a single member, or nobody ever)."""

    user_id: int | None
    since: datetime | None
    until: datetime | None


def _zone(rotation: Rotation) -> ZoneInfo:
    return ZoneInfo(rotation.timezone)


def handover_at(rotation: Rotation, turn: int) -> datetime:
    """The instant turn number ``turn`` starts (turn 0 on ``starts_on``; negative turns
    came before)."""
    day = rotation.starts_on + timedelta(days=turn * rotation.period_days)
    return datetime.combine(day, rotation.handover, tzinfo=_zone(rotation))


def turn_at(rotation: Rotation, instant: datetime) -> int:
    if instant.tzinfo is None:
        raise ValueError("instant must be aware")
    local = instant.astimezone(_zone(rotation))
    day = local.date()
    if local.time().replace(tzinfo=None) < rotation.handover:
        day -= timedelta(days=1)
    turn = (day - rotation.starts_on).days // rotation.period_days
    # A hand-over in a daylight-saving gap or fold: trust the instants.
    while handover_at(rotation, turn) > instant:
        turn -= 1
    while handover_at(rotation, turn + 1) <= instant:
        turn += 1
    return turn


def scheduled(rotation: Rotation, instant: datetime) -> int | None:
    """Whose turn it is, overrides aside."""
    if not rotation.members:
        return None
    return rotation.members[turn_at(rotation, instant) % len(rotation.members)]


def who(rotation: Rotation, instant: datetime) -> int | None:
    """Who is on duty at ``instant``, overrides applied."""
    replacements = [o for o in rotation.overrides if o.kind == REPLACEMENT and o.covers(instant)]
    if replacements:
        return max(replacements, key=lambda o: o.starts_at).user_id
    if not rotation.members:
        return None
    absent = {o.user_id for o in rotation.overrides if o.kind == ABSENCE and o.covers(instant)}
    start = turn_at(rotation, instant) % len(rotation.members)
    count = len(rotation.members)
    for step in range(count):
        member = rotation.members[(start + step) % count]
        if member not in absent:
            return member
    return None


def _edges_after(rotation: Rotation, instant: datetime) -> Iterator[datetime]:
    """Instants after ``instant`` where the person on duty may change, in order, far
    enough to see every member's turn and every override end."""
    last_edge = max((o.ends_at for o in rotation.overrides), default=instant)
    turn = turn_at(rotation, instant)
    edges = {o.starts_at for o in rotation.overrides} | {o.ends_at for o in rotation.overrides}
    horizon = max(len(rotation.members), 1) + 1
    stop = turn + horizon
    while handover_at(rotation, stop) <= last_edge:
        stop += 1
    edges |= {handover_at(rotation, t) for t in range(turn + 1, stop + 1)}
    yield from sorted(e for e in edges if e > instant)


def _edges_before(rotation: Rotation, instant: datetime) -> Iterator[datetime]:
    """Instants at or before ``instant`` where the person on duty may have changed,
    latest first."""
    first_edge = min((o.starts_at for o in rotation.overrides), default=instant)
    turn = turn_at(rotation, instant)
    edges = {o.starts_at for o in rotation.overrides} | {o.ends_at for o in rotation.overrides}
    horizon = max(len(rotation.members), 1) + 1
    stop = turn - horizon
    while handover_at(rotation, stop) >= first_edge:
        stop -= 1
    edges |= {handover_at(rotation, t) for t in range(stop, turn + 1)}
    yield from sorted((e for e in edges if e <= instant), reverse=True)


def on_duty(rotation: Rotation, instant: datetime) -> Duty:
    """Who is on duty at ``instant``, since when and until the next change of hands."""
    current = who(rotation, instant)
    since = next((e for e in _edges_before(rotation, instant) if who(rotation, e - TINY) != current), None)
    until = next((e for e in _edges_after(rotation, instant) if who(rotation, e) != current), None)
    return Duty(current, since, until)


def next_on_duty(rotation: Rotation, instant: datetime) -> Duty | None:
    """Who takes over at the next change of hands after ``instant``, and until when."""
    until = on_duty(rotation, instant).until
    if until is None:
        return None
    following = on_duty(rotation, until)
    return Duty(following.user_id, until, following.until)
