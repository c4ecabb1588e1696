"""What a ticket's history says (pure: no Django, no database).

The one reader of the ticket's history. It owns the event kinds, the status groups and the
milestones; the ticket's derived fields (``taken_at``, ``first_response_at``,
``resolved_at``, ``closed_at``, ``status_since``, ``reminders_sent``), the SLA clocks, the
reports, the desk and the API all ask it, so they tell one story.

The milestones, one definition each (the README says them in French and English):

- **acknowledged** — a person of the team answered publicly, took the ticket (or began
  working it, see *picked up*), or logged it for the requester (a phone call: the call is
  the acknowledgement, at the time of the call);
- **picked up** — a named agent took responsibility: they took the ticket, or assigned it to
  themselves, or — once it was handed to them by an assignment (Comptoir's automatic one or
  a person's) — made their first action on it (reply, note, status change,
  requalification, escalation…). An assignment alone hands the ticket over; it is not a
  pick-up;
- **first response** — the team's first public answer;
- **resolved** — the status became resolved; a reopening starts a new resolution span;
- **closed** — the status became closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

# -- event kinds (TicketEvent.kind) ------------------------------------------------------

CREATED: Final = "created"
REPLIED: Final = "replied"
NOTE_ADDED: Final = "note_added"
ASSIGNED: Final = "assigned"
TAKEN: Final = "taken"
STATUS_CHANGED: Final = "status_changed"
REQUALIFIED: Final = "requalified"
ESCALATED: Final = "escalated"
REMINDER_SENT: Final = "reminder_sent"
URGENCY_DOWNGRADED: Final = "urgency_downgraded"
URGENCY_CONFIRMED: Final = "urgency_confirmed"
SLA_WARNING: Final = "sla_warning"
SLA_BREACHED: Final = "sla_breached"
ROUTED: Final = "routed"
FORWARDED: Final = "forwarded"
LINKED: Final = "linked"
SURVEY_SENT: Final = "survey_sent"
SURVEY_ANSWERED: Final = "survey_answered"
DETAILS_REQUESTED: Final = "details_requested"
OUTAGE_LINKED: Final = "outage_linked"
OUTAGE_UNLINKED: Final = "outage_unlinked"
FOLLOWERS_ADDED: Final = "followers_added"

EVENT_KINDS: Final = (
    CREATED,
    REPLIED,
    NOTE_ADDED,
    ASSIGNED,
    TAKEN,
    STATUS_CHANGED,
    REQUALIFIED,
    ESCALATED,
    REMINDER_SENT,
    URGENCY_DOWNGRADED,
    URGENCY_CONFIRMED,
    SLA_WARNING,
    SLA_BREACHED,
    ROUTED,
    FORWARDED,
    LINKED,
    SURVEY_SENT,
    SURVEY_ANSWERED,
    DETAILS_REQUESTED,
    OUTAGE_LINKED,
    OUTAGE_UNLINKED,
    FOLLOWERS_ADDED,
)

# Who wrote a public reply (``changes["by"]`` of a ``replied`` event).
BY_TEAM: Final = "team"
BY_REQUESTER: Final = "requester"

# -- statuses and their groups ------------------------------------------------------------

NEW, OPEN, PENDING, ON_HOLD, RESOLVED, CLOSED = "new", "open", "pending", "on_hold", "resolved", "closed"
STATUSES: Final = (NEW, OPEN, PENDING, ON_HOLD, RESOLVED, CLOSED)
# Still to be worked: the queue, the periodic review, an agent's load.
ACTIVE: Final = frozenset({NEW, OPEN, PENDING, ON_HOLD})
# Waiting on someone outside the team: the requester (pending) or a third party (on hold).
WAITING: Final = frozenset({PENDING, ON_HOLD})
# Finished: resolved (the requester may still reopen it) or closed.
DONE: Final = frozenset({RESOLVED, CLOSED})

# Actions by which the ticket's assignee picks it up (their first one after a hand-over).
_WORK: Final = frozenset(
    {
        REPLIED,
        NOTE_ADDED,
        STATUS_CHANGED,
        REQUALIFIED,
        ESCALATED,
        FORWARDED,
        LINKED,
        URGENCY_DOWNGRADED,
        URGENCY_CONFIRMED,
        OUTAGE_LINKED,
    }
)


@dataclass(frozen=True)
class Change:
    """One TicketEvent as the reader needs it. ``seq`` orders events of one instant (the
    event's id; 0 for one not stored yet, which comes after the stored ones)."""

    at: datetime
    kind: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    actor_id: int | None = None
    seq: int = 0


def _ref_id(value: Any) -> int | None:
    if isinstance(value, dict):
        ref = value.get("id")
        return int(ref) if ref is not None else None
    return None


def _order(history: Iterable[Change]) -> list[Change]:
    return sorted(history, key=lambda c: (c.at, c.seq or float("inf")))


@dataclass(frozen=True)
class Story:
    """Everything the history says, at every instant it says it (in order)."""

    statuses: tuple[tuple[datetime, str], ...]  # each status the ticket entered
    acknowledgements: tuple[datetime, ...]
    pickups: tuple[datetime, ...]
    team_replies: tuple[datetime, ...]
    requester_replies: tuple[datetime, ...]
    escalations: tuple[tuple[datetime, str | None, str], ...]  # (at, from tier, to tier)
    assignee_id: int | None
    reminders: tuple[datetime, ...]

    @property
    def status(self) -> str:
        return self.statuses[-1][1] if self.statuses else NEW

    @property
    def status_since(self) -> datetime | None:
        return self.statuses[-1][0] if self.statuses else None

    @property
    def acknowledged(self) -> datetime | None:
        return self.acknowledgements[0] if self.acknowledgements else None

    @property
    def picked_up(self) -> datetime | None:
        return self.pickups[0] if self.pickups else None

    @property
    def first_response(self) -> datetime | None:
        return self.team_replies[0] if self.team_replies else None

    def _crossings(self, *, into_done: bool) -> tuple[datetime, ...]:
        """Each instant the ticket crossed into done (``into_done``) or back out of it."""
        found, before = [], NEW
        for at, status in self.statuses:
            if (status in DONE) is into_done and (before in DONE) is not into_done:
                found.append(at)
            before = status
        return tuple(found)

    @property
    def resolutions(self) -> tuple[datetime, ...]:
        """Each time the ticket became done (resolved, or closed) from an active status."""
        return self._crossings(into_done=True)

    @property
    def reopenings(self) -> tuple[datetime, ...]:
        return self._crossings(into_done=False)

    @property
    def resolved_at(self) -> datetime | None:
        """The current resolution: when the ticket last became resolved, while it is done."""
        if self.status not in DONE:
            return None
        return next((at for at, status in reversed(self.statuses) if status == RESOLVED), None) or (
            self.resolutions[-1] if self.resolutions else None
        )

    @property
    def closed_at(self) -> datetime | None:
        if self.status != CLOSED:
            return None
        return next(at for at, status in reversed(self.statuses) if status == CLOSED)

    @property
    def reminders_sent(self) -> int:
        """Reminders sent since the ticket entered its current status."""
        since = self.status_since
        return sum(1 for at in self.reminders if since is None or at >= since)


def read(history: Iterable[Change], *, requester_id: int | None) -> Story:
    """The story of one ticket's history. ``requester_id``: its requester (a ticket opened
    by someone else was logged by the team: only the team may open one for someone)."""
    statuses: list[tuple[datetime, str]] = []
    acks: list[datetime] = []
    pickups: list[datetime] = []
    team: list[datetime] = []
    requester: list[datetime] = []
    escalations: list[tuple[datetime, str | None, str]] = []
    reminders: list[datetime] = []
    assignee: int | None = None
    picked = False  # the current assignee has picked the ticket up

    def pick_up(at: datetime) -> None:
        nonlocal picked
        picked = True
        pickups.append(at)
        acks.append(at)

    for c in _order(history):
        ch = c.changes or {}
        kind = c.kind
        if kind in {CREATED, STATUS_CHANGED} and "status" in ch:
            statuses.append((c.at, str(ch["status"][1])))
        if kind == CREATED and c.actor_id is not None and c.actor_id != requester_id:
            acks.append(c.at)
        elif kind == REPLIED:
            (team if ch.get("by") == BY_TEAM else requester).append(c.at)
            if ch.get("by") == BY_TEAM:
                acks.append(c.at)
        elif kind == REMINDER_SENT:
            reminders.append(c.at)
        elif kind == ESCALATED:
            tiers = ch.get("tier") or [None, None]
            escalations.append((c.at, tiers[0], str(tiers[1])))
        # Who holds the ticket, and whether they picked it up. The escalating agent's
        # action counts for them before the ticket leaves them.
        if kind == TAKEN:
            assignee = c.actor_id
            pick_up(c.at)
            continue
        mine = c.actor_id is not None and c.actor_id == assignee
        if kind in _WORK and mine and not picked and (kind != REPLIED or ch.get("by") == BY_TEAM):
            pick_up(c.at)
        if kind in {ASSIGNED, FORWARDED} and "assignee" in ch:
            new = _ref_id(ch["assignee"][1])
            if new != assignee:
                assignee, picked = new, False
                if new is not None and new == c.actor_id:
                    pick_up(c.at)  # assigned to themselves: taken
        elif kind == ESCALATED:
            assignee, picked = None, False  # the ticket leaves its assignee
    return Story(
        statuses=tuple(statuses),
        acknowledgements=tuple(sorted(set(acks))),
        pickups=tuple(pickups),
        team_replies=tuple(team),
        requester_replies=tuple(requester),
        escalations=tuple(escalations),
        assignee_id=assignee,
        reminders=tuple(reminders),
    )


@dataclass(frozen=True)
class Derived:
    """The ticket fields that are only a summary of its history."""

    status: str
    status_since: datetime | None
    taken_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    reminders_sent: int


def derived(story: Story) -> Derived:
    return Derived(
        status=story.status,
        status_since=story.status_since,
        taken_at=story.picked_up,
        first_response_at=story.first_response,
        resolved_at=story.resolved_at,
        closed_at=story.closed_at,
        reminders_sent=story.reminders_sent,
    )


def first_at_or_after(instants: Sequence[datetime], start: datetime) -> datetime | None:
    return next((at for at in instants if at >= start), None)
