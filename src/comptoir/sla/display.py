"""What pages show of a ticket's clocks: state, due time and the business time left now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from comptoir.sla import policies
from comptoir.sla.models import SLAClock
from comptoir.tickets.models import Ticket


@dataclass(frozen=True)
class ClockView:
    metric: str
    metric_label: str
    state: str
    state_label: str
    policy_name: str
    started_at: datetime
    due_at: datetime | None
    ended_at: datetime | None
    remaining: timedelta | None
    show_to_requester: bool
    segment_is_current: bool

    @property
    def is_open(self) -> bool:
        return self.state in {SLAClock.State.RUNNING, SLAClock.State.PAUSED}


def clock_views(ticket: Ticket, *, now: datetime) -> list[ClockView]:
    """The ticket's clocks (prefetched with their policy), the current segment's first,
    with the business time left computed at ``now`` on the policy's calendar."""
    catalogue = policies.catalogue()
    by_id = {p.id: p for p in catalogue.policies}
    views = []
    rows = list(ticket.clocks.all())
    current = max((c.segment for c in rows), default=0)
    for c in sorted(rows, key=lambda c: (-c.segment, c.started_at, c.metric, c.cycle)):
        remaining: timedelta | None = None
        if c.state == SLAClock.State.RUNNING and c.due_at is not None:
            policy = by_id.get(c.policy_id)
            if policy is not None:
                clock = catalogue.clock_for(policy, ticket.organisation_id, c.metric)
                remaining = clock.between(now, c.due_at) if c.due_at > now else timedelta(0)
            else:
                remaining = c.remaining
        elif c.state == SLAClock.State.PAUSED:
            remaining = c.remaining
        views.append(
            ClockView(
                metric=c.metric,
                metric_label=str(c.get_metric_display()),
                state=c.state,
                state_label=str(c.get_state_display()),
                policy_name=c.policy.name,
                started_at=c.started_at,
                due_at=c.due_at,
                ended_at=c.ended_at,
                remaining=remaining,
                show_to_requester=c.policy.show_to_requester,
                segment_is_current=c.segment == current,
            )
        )
    return views
