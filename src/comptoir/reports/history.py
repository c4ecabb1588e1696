"""What a ticket's history says, as the reports count it (pure: no Django, no database).

From the ticket's current row and its append-only events, this module derives:

- its **qualification at any instant** (type, severity, priority, product, component,
  group, tier, assignee): the value a field had before its first recorded change, then
  each change replayed in order. Later changes never alter an earlier instant, so a
  report "as recorded at the time" does not move when a ticket is requalified today;
- its **milestones**: acknowledgement (the first thing a member of the team did on it),
  pick-up (taken by, or assigned to, an agent), first response (the team's first public
  reply), each resolution, reopening and closure;
- its **entries**: one per counted thing (received, a duration reached, resolved,
  reopened, closed, an urgency flag or downgrade, a survey sent or answered), each with
  its instant and the qualification recorded at the end of that instant's local day
  (the triage done that day counts). SLA outcomes come from the clocks (``clock_entries``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from comptoir.tickets import history as story_of
from comptoir.tickets.history import Change

__all__ = ["Change"]

# Entry kinds (stored as they are in ``reports.Fact.kind``).
RECEIVED = "received"
ACKNOWLEDGED = "acknowledgement"
PICKED_UP = "pick_up"
FIRST_RESPONSE = "first_response"
RESOLVED = "resolution"
REOPENED = "reopened"
CLOSED = "closed"
SLA = "sla"
URGENT_FLAG = "urgent_flag"
URGENT_DOWNGRADE = "urgent_downgrade"
SURVEY_SENT = "survey_sent"
SURVEY_ANSWERED = "survey_answered"

# The durations measured from reception, in this order on every page.
DURATIONS = (ACKNOWLEDGED, PICKED_UP, FIRST_RESPONSE, RESOLVED)

DONE = story_of.DONE
# Fields of the qualification, as stored on tickets and facts.
FIELDS = ("type", "severity", "priority", "product_id", "component_id", "group_id", "assignee_id")
_UNKNOWN: Any = object()


class Clockwork(Protocol):
    """What durations need of a calendar (a BusinessCalendar, or plain time)."""

    def between(self, start: datetime, end: datetime) -> timedelta: ...


class PlainTime:
    def between(self, start: datetime, end: datetime) -> timedelta:
        return end - start


PLAIN = PlainTime()


@dataclass(frozen=True)
class Current:
    """The ticket's row as it is now."""

    id: int
    created_at: datetime
    organisation_id: int | None
    channel: str
    type: str
    severity: str
    priority: str
    product_id: int | None
    component_id: int | None
    group_id: int | None
    assignee_id: int | None
    is_urgent: bool = False
    urgent_review: bool = False
    follow_up: bool = False  # opened as the follow-up of a closed ticket: not in the quota
    requester_id: int | None = None


@dataclass(frozen=True)
class Qualification:
    organisation_id: int | None
    channel: str
    type: str
    severity: str
    priority: str
    product_id: int | None
    component_id: int | None
    group_id: int | None
    tier: str
    assignee_id: int | None


@dataclass(frozen=True)
class Catalogue:
    """Names to ids (requalification events name products and components as people read
    them) and each group's tier."""

    products: Mapping[str, int] = field(default_factory=dict)
    components: Mapping[str, int] = field(default_factory=dict)  # "Product / Component"
    tiers: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    kind: str
    seq: int
    at: datetime
    day: date
    qualification: Qualification
    business: int | None = None  # seconds
    plain: int | None = None  # seconds
    metric: str = ""
    outcome: str = ""
    rating: int | None = None
    counted: bool = False  # received: counts in the organisation's monthly allowance


@dataclass(frozen=True)
class Clock:
    """One SLA clock row, as the reports read it."""

    segment: int
    metric: str
    cycle: int
    state: str
    due_at: datetime | None
    ended_at: datetime | None


# -- the qualification at an instant ------------------------------------------------------


def _ref_id(value: Any) -> int | None:
    if isinstance(value, dict):
        ref = value.get("id")
        return int(ref) if ref is not None else None
    return None


def _named_id(value: Any, by_name: Mapping[str, int]) -> int | None:
    """A reference: ``{"id", "name"}``; events recorded before references were stored
    named the product or component only (looked up by that name)."""
    if isinstance(value, dict):
        return _ref_id(value)
    return by_name.get(value) if value else None


def _field_changes(change: Change, catalogue: Catalogue) -> dict[str, tuple[Any, Any]]:
    """(old, new) per field this event changed; old may be unknown (``_UNKNOWN``)."""
    ch = change.changes or {}
    found: dict[str, tuple[Any, Any]] = {}
    if change.kind == story_of.REQUALIFIED:
        for name in ("type", "severity", "priority"):
            if name in ch:
                found[name] = (ch[name][0], ch[name][1])
        for name, by_name in (("product", catalogue.products), ("component", catalogue.components)):
            if name in ch:
                old, new = ch[name]
                found[f"{name}_id"] = (_named_id(old, by_name), _named_id(new, by_name))
    elif change.kind in {story_of.URGENCY_DOWNGRADED, story_of.URGENCY_CONFIRMED} and "priority" in ch:
        found["priority"] = (ch["priority"][0], ch["priority"][1])
    if change.kind in {story_of.ESCALATED, story_of.FORWARDED, story_of.ROUTED} and "group" in ch:
        found["group_id"] = (_ref_id(ch["group"][0]), _ref_id(ch["group"][1]))
    if change.kind in {story_of.ASSIGNED, story_of.FORWARDED} and "assignee" in ch:
        found["assignee_id"] = (_ref_id(ch["assignee"][0]), _ref_id(ch["assignee"][1]))
    elif change.kind == story_of.TAKEN:
        found["assignee_id"] = (_UNKNOWN, change.actor_id)
    elif change.kind == story_of.ESCALATED:
        found["assignee_id"] = (_UNKNOWN, None)  # the ticket leaves its assignee
    return found


@dataclass(frozen=True)
class Timeline:
    """The ticket's qualification over time."""

    initial: Qualification
    steps: tuple[tuple[datetime, str, Any], ...]  # (at, field, new value), in order
    tiers: Mapping[int, str]

    def at(self, instant: datetime) -> Qualification:
        """The qualification after every change made before ``instant``."""
        values: dict[str, Any] = {}
        for at, name, value in self.steps:
            if at >= instant:
                break
            values[name] = value
        if not values:
            return self.initial
        q = replace(self.initial, **values)
        return replace(q, tier=tier_of(q.group_id, self.tiers))


def tier_of(group_id: int | None, tiers: Mapping[int, str]) -> str:
    """A ticket outside any group is with the first line, who triage it."""
    return tiers.get(group_id, "L1") if group_id is not None else "L1"


def timeline(current: Current, history: Sequence[Change], catalogue: Catalogue) -> Timeline:
    ordered = sorted(history, key=lambda c: c.at)
    initial: dict[str, Any] = {name: getattr(current, name) for name in FIELDS}
    settled: set[str] = set()
    steps: list[tuple[datetime, str, Any]] = []
    for change in ordered:
        for name, (old, new) in _field_changes(change, catalogue).items():
            if name not in settled and old is not _UNKNOWN:
                initial[name] = old
            settled.add(name)
            steps.append((change.at, name, new))
    # A field first changed by an event that does not say what it was (taking a ticket):
    # it had no value before (nobody had taken it).
    for name in settled:
        first = next(
            (old for c in ordered for n, (old, _new) in _field_changes(c, catalogue).items() if n == name),
            None,
        )
        if first is _UNKNOWN:
            initial[name] = None
    start = Qualification(
        organisation_id=current.organisation_id,
        channel=current.channel,
        tier=tier_of(initial["group_id"], catalogue.tiers),
        **initial,
    )
    return Timeline(start, tuple(steps), catalogue.tiers)


# -- milestones -------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestones:
    acknowledged: datetime | None
    picked_up: datetime | None
    first_response: datetime | None
    resolutions: tuple[datetime, ...]
    reopenings: tuple[datetime, ...]
    closed: datetime | None
    urgent_flag: bool
    downgrades: tuple[datetime, ...]
    surveys_sent: tuple[tuple[int, datetime], ...]  # (survey id, at)
    surveys_answered: tuple[tuple[int, datetime, int], ...]  # (survey id, at, rating)


def milestones(current: Current, history: Sequence[Change]) -> Milestones:
    """The milestones as the ticket's history defines them (``comptoir.tickets.history``:
    the same reader as the SLA clocks), and what the reports count besides."""
    ordered = sorted(history, key=lambda c: c.at)
    story = story_of.read(ordered, requester_id=current.requester_id)
    urgency = [c for c in ordered if c.kind in {story_of.URGENCY_DOWNGRADED, story_of.URGENCY_CONFIRMED}]
    first_urgent = bool(urgency[0].changes["is_urgent"][0]) if urgency else current.is_urgent
    flagged = first_urgent or current.urgent_review or bool(urgency)
    sent = tuple((int(c.changes.get("survey") or 0), c.at) for c in ordered if c.kind == story_of.SURVEY_SENT)
    answered = tuple(
        (int(c.changes.get("survey") or 0), c.at, int(c.changes["rating"]))
        for c in ordered
        if c.kind == story_of.SURVEY_ANSWERED and c.changes.get("rating") is not None
    )
    return Milestones(
        acknowledged=story.acknowledged,
        picked_up=story.picked_up,
        first_response=story.first_response,
        resolutions=story.resolutions,
        reopenings=story.reopenings,
        closed=story.closed_at,
        urgent_flag=flagged,
        downgrades=tuple(c.at for c in ordered if c.kind == story_of.URGENCY_DOWNGRADED),
        surveys_sent=sent,
        surveys_answered=answered,
    )


# -- entries ----------------------------------------------------------------------------


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of the next local day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def seconds(delta: timedelta) -> int:
    """Durations are kept to the second (rounded down)."""
    return max(int(delta.total_seconds()), 0)


def entries(
    current: Current,
    history: Sequence[Change],
    *,
    catalogue: Catalogue,
    calendar: Clockwork | None,
    zone: ZoneInfo,
) -> list[Entry]:
    """Everything the ticket's history counts in the reports, but the SLA outcomes."""
    line = timeline(current, history, catalogue)
    marks = milestones(current, history)
    business = calendar or PLAIN
    start = current.created_at
    made: list[Entry] = []
    cache: dict[date, Qualification] = {}

    def add(kind: str, at: datetime, seq: int = 0, *, measured: bool = False, **extra: Any) -> None:
        day = local_day(at, zone)
        if day not in cache:
            cache[day] = line.at(end_of_day(day, zone))
        if measured:
            extra["business"] = seconds(business.between(start, at))
            extra["plain"] = seconds(at - start)
        made.append(Entry(kind=kind, seq=seq, at=at, day=day, qualification=cache[day], **extra))

    add(RECEIVED, start, counted=not current.follow_up)
    if marks.urgent_flag:
        add(URGENT_FLAG, start)
    for kind, at in (
        (ACKNOWLEDGED, marks.acknowledged),
        (PICKED_UP, marks.picked_up),
        (FIRST_RESPONSE, marks.first_response),
    ):
        if at is not None:
            add(kind, at, measured=True)
    for i, at in enumerate(marks.resolutions):
        add(RESOLVED, at, i, measured=True)
    for i, at in enumerate(marks.reopenings):
        add(REOPENED, at, i)
    if marks.closed is not None:
        add(CLOSED, marks.closed)
    for i, at in enumerate(marks.downgrades):
        add(URGENT_DOWNGRADE, at, i)
    ratings = {survey: rating for survey, _at, rating in marks.surveys_answered}
    for survey, at in marks.surveys_sent:
        add(SURVEY_SENT, at, survey, rating=ratings.get(survey))
    for survey, at, rating in marks.surveys_answered:
        add(SURVEY_ANSWERED, at, survey, rating=rating)
    return made


def clock_entries(
    current: Current,
    history: Sequence[Change],
    clocks: Iterable[Clock],
    *,
    catalogue: Catalogue,
    zone: ZoneInfo,
) -> list[Entry]:
    """One entry per SLA clock that reached its outcome: met or handed over when it
    ended, breached when it fell due."""
    line: Timeline | None = None
    made = []
    for clock in clocks:
        if clock.state not in {"met", "breached", "handed_over"}:
            continue
        at = clock.due_at if clock.state == "breached" and clock.due_at else clock.ended_at
        if at is None:
            continue
        line = line or timeline(current, history, catalogue)
        day = local_day(at, zone)
        made.append(
            Entry(
                kind=SLA,
                seq=sla_seq(clock.segment, clock.metric, clock.cycle),
                at=at,
                day=day,
                qualification=line.at(end_of_day(day, zone)),
                metric=clock.metric,
                outcome=clock.state,
            )
        )
    return made


_METRIC_INDEX = {
    "acknowledgement": 0,
    "pick_up": 1,
    "first_response": 2,
    "next_response": 3,
    "qualification": 4,
    "resolution": 5,
}


def sla_seq(segment: int, metric: str, cycle: int) -> int:
    """One number per clock of a ticket (its identity among the ticket's SLA entries)."""
    return (segment * 10 + _METRIC_INDEX.get(metric, 9)) * 10_000 + cycle


Resolver = Callable[[int | None], Clockwork | None]
