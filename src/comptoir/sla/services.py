"""Keeping a ticket's SLA clocks in step with its history.

``refresh_clocks`` is called by the ticket services inside their transaction, after they
wrote their TicketEvents. It rebuilds the clocks from the whole history (never a running
counter), so a requalification, a policy change or a late event always gives the answer the
history implies, and it writes only the rows that changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from comptoir.sla import clocks, policies
from comptoir.sla.clocks import ClockState, Fact, Segment
from comptoir.sla.matching import Policy, TicketAttributes, first_match
from comptoir.sla.models import SLAClock
from comptoir.tickets import history
from comptoir.tickets.events import as_change
from comptoir.tickets.models import Ticket, TicketEvent

_FIELDS = (
    "policy_id",
    "target",
    "started_at",
    "due_at",
    "warn_at",
    "paused",
    "remaining",
    "state",
    "ended_at",
)


def facts_of(story: history.Story) -> list[Fact]:
    """What the clocks need to know, as the ticket's history says it (one reader:
    ``comptoir.tickets.history``)."""
    facts = [Fact(at, clocks.STATUS, status) for at, status in story.statuses]
    facts += [Fact(at, clocks.AGENT_REPLY) for at in story.team_replies]
    facts += [Fact(at, clocks.REQUESTER_REPLY) for at in story.requester_replies]
    facts += [Fact(at, clocks.TAKEN) for at in story.pickups]
    facts += [Fact(at, clocks.ACKNOWLEDGED) for at in story.acknowledgements]
    facts += [Fact(at, clocks.ESCALATED, tier) for at, _old, tier in story.escalations]
    return sorted(facts, key=lambda f: f.at)


def facts_from_events(ticket: Ticket, events: Iterable[TicketEvent]) -> list[Fact]:
    return facts_of(history.read(map(as_change, events), requester_id=ticket.requester_id))


def _attributes(ticket: Ticket, tier: str) -> TicketAttributes:
    return TicketAttributes(
        organisation_id=ticket.organisation_id,
        type=ticket.type,
        severity=ticket.severity,
        priority=ticket.priority,
        product_id=ticket.product_id,
        channel=ticket.channel,
        group_id=ticket.group_id,
        tier=tier,
    )


def plan(
    ticket: Ticket, facts: Sequence[Fact], *, initial_tier: str, now: datetime
) -> list[tuple[int, Policy, ClockState]]:
    """Every clock the history implies: (segment, policy, state). A new segment starts at
    each escalation that leaves the tiers the current policy covers."""
    cat = policies.catalogue()
    segments: list[tuple[datetime, str]] = [(ticket.created_at, initial_tier)]
    current = first_match(cat.policies, _attributes(ticket, initial_tier))
    for fact in facts:
        if fact.kind != clocks.ESCALATED:
            continue
        if current is None or not current.covers_tier(fact.value):
            segments.append((fact.at, fact.value))
            current = first_match(cat.policies, _attributes(ticket, fact.value))
    planned: list[tuple[int, Policy, ClockState]] = []
    for index, (start, tier) in enumerate(segments):
        policy = first_match(cat.policies, _attributes(ticket, tier))
        if policy is None:
            continue
        end = segments[index + 1][0] if index + 1 < len(segments) else None
        segment = Segment(start=start, end=end, facts=tuple(facts))
        for target in policy.targets:
            clock = cat.clock_for(policy, ticket.organisation_id, target.metric)
            states = clocks.derive(
                segment, [target], clock=clock, pause_on_hold=policy.pause_on_hold, now=now
            )
            planned.extend((index, policy, state) for state in states)
    return planned


def initial_tier(ticket: Ticket, story: history.Story) -> str:
    """The tier the ticket was received at: before its first escalation, else its group's.
    An unrouted ticket is with the first line (L1), who triage it."""
    if story.escalations:
        return story.escalations[0][1] or "L1"
    return ticket.group.tier if ticket.group_id and ticket.group else "L1"


Planned = list[tuple[int, Policy, ClockState]]


def plan_story(ticket: Ticket, story: history.Story, *, at: datetime) -> Planned:
    """Every clock the ticket's story implies at ``at``."""
    return plan(ticket, facts_of(story), initial_tier=initial_tier(ticket, story), now=at)


def plan_for(ticket: Ticket, events: Sequence[TicketEvent], *, at: datetime) -> Planned:
    story = history.read(map(as_change, events), requester_id=ticket.requester_id)
    return plan_story(ticket, story, at=at)


def write_clocks(ticket: Ticket, planned: Planned, *, new: bool = False) -> None:
    """Store the planned clocks, touching only rows that changed. ``new``: the ticket was
    just opened and has no clock yet (no read needed)."""
    existing = (
        {} if new else {(c.segment, c.metric, c.cycle): c for c in SLAClock.objects.filter(ticket=ticket)}
    )
    creates, updates = [], []
    for segment, policy, state in planned:
        values = {
            "policy_id": policy.id,
            "target": next(t.duration for t in policy.targets if t.metric == state.metric),
            "started_at": state.started_at,
            "due_at": state.due_at,
            "warn_at": state.warn_at,
            "paused": state.paused,
            "remaining": state.remaining,
            "state": state.state,
            "ended_at": state.ended_at,
        }
        row = existing.pop((segment, state.metric, state.cycle), None)
        if row is None:
            creates.append(
                SLAClock(ticket=ticket, segment=segment, metric=state.metric, cycle=state.cycle, **values)
            )
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            updates.append(row)
    if creates:
        SLAClock.objects.bulk_create(creates)
    if updates:
        SLAClock.objects.bulk_update(updates, list(_FIELDS))
    if existing:
        SLAClock.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()


def refresh_clocks(ticket: Ticket, *, at: datetime, story: history.Story | None = None) -> bool:
    """Rewrite the ticket's clocks from its whole history (``story``, else read from the
    stored events) and update its ``sla_due_at`` / ``sla_breached`` summary in memory;
    returns whether the summary changed (the caller saves the ticket)."""
    if story is None:
        events = TicketEvent.objects.filter(ticket=ticket).order_by("at", "pk")
        story = history.read(map(as_change, events), requester_id=ticket.requester_id)
    planned = plan_story(ticket, story, at=at)
    write_clocks(ticket, planned)
    return summarise(ticket, [s for _seg, _p, s in planned])


def policy_name(planned: Planned) -> str | None:
    """The policy of the current (last) segment, for the history of a requalification."""
    return planned[-1][1].name if planned else None


def summarise(ticket: Ticket, states: Iterable[ClockState]) -> bool:
    states = list(states)
    due = min((s.due_at for s in states if s.state == clocks.RUNNING and s.due_at), default=None)
    breached = any(s.state == clocks.BREACHED for s in states)
    changed = (ticket.sla_due_at, ticket.sla_breached) != (due, breached)
    ticket.sla_due_at, ticket.sla_breached = due, breached
    return changed
