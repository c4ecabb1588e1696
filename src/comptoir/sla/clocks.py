"""SLA clocks derived from a ticket's history (pure: no Django, no database).

A clock measures one metric of one policy over one *segment* of the ticket's life: the
segment starts when the ticket is received (or handed to the tier the policy covers) and
ends when the ticket leaves that tier (escalation: the clock is then ``handed_over``,
neither met nor breached — procedure 000: escalation to L2 ends L1's commitments).

Business time is counted on the policy's calendar; while the ticket waits on the
requester (``pending``; ``on_hold`` too when the policy says so), or sits resolved before
being reopened, the clock is paused. The due time is the earliest instant at which the
counted time reaches the target.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from comptoir.tickets import history

ACKNOWLEDGEMENT = "acknowledgement"
PICK_UP = "pick_up"
FIRST_RESPONSE = "first_response"
NEXT_RESPONSE = "next_response"
QUALIFICATION = "qualification"
RESOLUTION = "resolution"
METRICS = (ACKNOWLEDGEMENT, PICK_UP, FIRST_RESPONSE, NEXT_RESPONSE, QUALIFICATION, RESOLUTION)

RUNNING, PAUSED, MET, BREACHED, HANDED_OVER = "running", "paused", "met", "breached", "handed_over"

# Fact kinds, built by the adapter from TicketEvents.
STATUS = "status"  # value: the new status
AGENT_REPLY = "agent_reply"  # a public answer from the support team
REQUESTER_REPLY = "requester_reply"
TAKEN = "taken"  # picked up (comptoir.tickets.history: taken, or the assignee's first action)
ACKNOWLEDGED = "acknowledged"  # acknowledged (a team answer, a pick-up, a logged call)
ESCALATED = "escalated"  # value: the new tier

PAUSING = frozenset({history.PENDING})
DONE = history.DONE


class Clockwork(Protocol):
    """What a clock needs of a calendar (BusinessCalendar, or WallClock for plain time)."""

    def add(self, start: datetime, duration: timedelta) -> datetime: ...

    def between(self, start: datetime, end: datetime) -> timedelta: ...


class WallClock:
    """Plain elapsed time, for targets not counted in business hours."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + duration

    def between(self, start: datetime, end: datetime) -> timedelta:
        return end - start if end > start else timedelta(0)


@dataclass(frozen=True)
class Fact:
    at: datetime
    kind: str
    value: str = ""


@dataclass(frozen=True)
class Target:
    metric: str
    duration: timedelta
    warn_share: float = 0.75


@dataclass(frozen=True)
class ClockState:
    metric: str
    cycle: int
    started_at: datetime
    due_at: datetime | None  # None while paused: the due time moves on with the pause
    warn_at: datetime | None
    paused: timedelta  # business time spent paused so far
    remaining: timedelta  # business time left at the evaluation instant (zero once due)
    state: str
    ended_at: datetime | None = None  # met, or handed over, at


@dataclass(frozen=True)
class Segment:
    """A stretch of the ticket's life under one policy: [start, end)."""

    start: datetime
    end: datetime | None
    facts: tuple[Fact, ...] = field(default=())


def pause_spans(
    facts: Iterable[Fact], *, start: datetime, pause_on_hold: bool, until: datetime
) -> tuple[list[tuple[datetime, datetime]], bool]:
    """Spans in [start, until) during which clocks stand still, and whether the ticket is
    still paused at ``until``."""
    pausing = PAUSING | {history.ON_HOLD} if pause_on_hold else PAUSING
    spans: list[tuple[datetime, datetime]] = []
    opened: datetime | None = None
    for fact in sorted((f for f in facts if f.kind == STATUS and f.at <= until), key=lambda f: f.at):
        paused = fact.value in pausing or fact.value in DONE
        if paused and opened is None:
            opened = max(fact.at, start)
        elif not paused and opened is not None:
            if fact.at > opened:
                spans.append((opened, fact.at))
            opened = None
    still = opened is not None
    if opened is not None and until > opened:
        spans.append((opened, until))
    return [(a, b) for a, b in spans if a < until], still


def _due(
    clock: Clockwork, start: datetime, target: timedelta, pauses: Sequence[tuple[datetime, datetime]]
) -> tuple[datetime | None, timedelta]:
    """Due time with pauses skipped; (None, remaining) when a pause is still open at its
    end (the last span ending at the evaluation instant counts as open)."""
    cursor, remaining = start, target
    for a, b in pauses:
        if b <= cursor:
            continue
        a = max(a, cursor)
        worked = clock.between(cursor, a)
        if worked >= remaining:
            return clock.add(cursor, remaining), timedelta(0)
        remaining -= worked
        cursor = b
    return clock.add(cursor, remaining), remaining


def _paused_time(clock: Clockwork, pauses: Sequence[tuple[datetime, datetime]], until: datetime) -> timedelta:
    return sum((clock.between(a, min(b, until)) for a, b in pauses if a < until), timedelta(0))


def _stop_time(metric: str, facts: Sequence[Fact], after: datetime) -> datetime | None:
    """When the metric was met (the first qualifying fact at or after ``after``)."""
    kinds = {
        ACKNOWLEDGEMENT: {AGENT_REPLY, ACKNOWLEDGED},
        FIRST_RESPONSE: {AGENT_REPLY},
        PICK_UP: {TAKEN},
        QUALIFICATION: {ESCALATED},
        NEXT_RESPONSE: {AGENT_REPLY},
    }.get(metric, set())
    for fact in facts:
        if fact.at < after:
            continue
        if fact.kind in kinds or (fact.kind == STATUS and fact.value in DONE and metric != RESOLUTION):
            return fact.at
    return None


def _resolution_time(facts: Sequence[Fact]) -> datetime | None:
    """The ticket counts as resolved when its latest status is resolved or closed: a
    reopened ticket's resolution clock runs again (its resolved span was a pause)."""
    last_done: datetime | None = None
    for fact in facts:
        if fact.kind != STATUS:
            continue
        done = fact.value in DONE
        last_done = (last_done or fact.at) if done else None
    return last_done


def _cycles(metric: str, facts: Sequence[Fact], start: datetime) -> list[datetime]:
    """Start instants of the metric's clocks in a segment. Next response: one clock per
    requester message that arrives while no answer is awaited, after a first answer."""
    if metric != NEXT_RESPONSE:
        return [start]
    starts: list[datetime] = []
    answered, waiting = False, False
    for fact in facts:
        if fact.at < start:
            continue
        if fact.kind == AGENT_REPLY:
            answered, waiting = True, False
        elif fact.kind == REQUESTER_REPLY and answered and not waiting:
            starts.append(fact.at)
            waiting = True
    return starts


def derive(
    segment: Segment,
    targets: Iterable[Target],
    *,
    clock: Clockwork,
    pause_on_hold: bool,
    now: datetime,
) -> list[ClockState]:
    """Every clock of one segment, as it stands at ``now``."""
    facts = tuple(sorted(segment.facts, key=lambda f: f.at))
    horizon = min(now, segment.end) if segment.end else now
    states: list[ClockState] = []
    for target in targets:
        for cycle, start in enumerate(_cycles(target.metric, facts, segment.start)):
            if start > horizon:
                continue
            stop = (
                _resolution_time(facts)
                if target.metric == RESOLUTION
                else _stop_time(target.metric, facts, start)
            )
            if stop is not None and stop > horizon:
                stop = None
            end = stop or horizon
            pauses, still_paused = pause_spans(facts, start=start, pause_on_hold=pause_on_hold, until=end)
            due, remaining = _due(clock, start, target.duration, pauses)
            warn, _ = _due(clock, start, target.duration * target.warn_share, pauses)
            paused = _paused_time(clock, pauses, end)
            open_pause = still_paused and stop is None
            if stop is not None:
                state = MET if due is not None and stop <= due else BREACHED
                ended: datetime | None = stop
            elif segment.end is not None and segment.end <= now:
                # Handed over to another tier: its commitments end here, unless already broken.
                late = due is not None and due <= segment.end
                state, ended = (BREACHED if late else HANDED_OVER), segment.end
            elif open_pause:
                state, ended = PAUSED, None
                due, warn = None, None
                remaining = target.duration - (clock.between(start, end) - paused)
            elif due is not None and due <= now:
                state, ended = BREACHED, None
            else:
                state, ended = RUNNING, None
            if state == RUNNING and due is not None:
                remaining = clock.between(now, due)
            elif state != PAUSED:
                remaining = timedelta(0) if state == BREACHED else remaining
            states.append(
                ClockState(
                    metric=target.metric,
                    cycle=cycle,
                    started_at=start,
                    due_at=due,
                    warn_at=warn,
                    paused=paused,
                    remaining=max(remaining, timedelta(0)),
                    state=state,
                    ended_at=ended,
                )
            )
    return states
