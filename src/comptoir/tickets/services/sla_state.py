"""What the SLA scan records on tickets: the clocks found due, re-derived from each ticket's
history read again under lock (a clock is marked breached only if the history still says
so), and breach and warning alerts (history and mail), in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Min, OuterRef, Subquery

from comptoir.accounts.models import User
from comptoir.core import outbox
from comptoir.sla import services as sla
from comptoir.sla.models import SLAClock
from comptoir.tickets import events, history, notifications
from comptoir.tickets.events import as_change
from comptoir.tickets.models import Ticket, TicketEvent
from comptoir.webhooks import services as webhooks

if TYPE_CHECKING:
    from comptoir.sla.models import SLAClock


def rederive_due(ticket_ids: Sequence[int], *, at: datetime) -> list[int]:
    """The SLA scan found running clocks of these tickets past their due time: re-read each
    ticket's history under its row lock and re-derive its clocks at ``at`` (an answer
    recorded meanwhile wins over the breach). Tickets another transaction holds are skipped
    (SKIP LOCKED: that change re-derives them itself; the next scan sees what it left).
    Returns the tickets re-derived. Locks tickets in primary-key order."""

    tickets = list(
        Ticket.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("group")
        .filter(pk__in=ticket_ids)
        .order_by("pk")
    )
    if not tickets:
        return []
    past: dict[int, list[TicketEvent]] = defaultdict(list)
    for event in TicketEvent.objects.filter(ticket__in=tickets).order_by("ticket_id", "at", "pk"):
        past[event.ticket_id].append(event)
    for ticket in tickets:
        story = history.read(map(as_change, past[ticket.pk]), requester_id=ticket.requester_id)
        if sla.refresh_clocks(ticket, at=at, story=story):
            ticket.save(update_fields=["sla_due_at", "sla_breached"])
    return [t.pk for t in tickets]


def refresh_summaries(ticket_ids: Sequence[int]) -> None:
    """Recompute ``sla_due_at`` / ``sla_breached`` of these tickets from their clocks."""

    running = (
        SLAClock.objects.filter(ticket=OuterRef("pk"), state=SLAClock.State.RUNNING)
        .values("ticket")
        .annotate(due=Min("due_at"))
        .values("due")
    )
    Ticket.objects.filter(pk__in=ticket_ids).update(sla_due_at=Subquery(running))
    Ticket.objects.filter(pk__in=ticket_ids, clocks__state=SLAClock.State.BREACHED).update(sla_breached=True)


def record_alerts(clocks: Sequence[SLAClock], *, level: str, at: datetime) -> None:
    """One history line per clock and level, and one mail per set of recipients listing
    their tickets (a burst of breaches makes one digest, not thousands of mails): to the
    assignee, else the group's members, with the supervisors in copy. ``clocks`` come with
    their ticket, its assignee and group loaded."""
    if not clocks:
        return
    supervisors = list(
        User.objects.filter(role=User.Role.SUPERVISOR, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    group_ids = {c.ticket.group_id for c in clocks if c.ticket.assignee_id is None and c.ticket.group_id}
    members: dict[int, list[str]] = defaultdict(list)
    rows = (
        User.objects.filter(support_groups__in=group_ids, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("support_groups", "email")
    )
    for group_id, email in rows:
        members[group_id].append(email)
    history: list[TicketEvent] = []
    by_recipients: dict[tuple[str, ...], list[SLAClock]] = defaultdict(list)
    for clock in clocks:
        ticket = clock.ticket
        history.append(events.sla_alert(ticket, level=level, metric=clock.metric, due_at=clock.due_at, at=at))
        if ticket.assignee_id and ticket.assignee and ticket.assignee.email:
            to: tuple[str, ...] = (ticket.assignee.email,)
        else:
            to = tuple(members.get(ticket.group_id or 0, []))
        by_recipients[to].append(clock)
    TicketEvent.objects.bulk_create(history, batch_size=2000)
    webhooks.publish(history)
    mails = [
        notifications.sla_alert(group, level=level, to=list(to), cc=supervisors, at=at)
        for to, group in by_recipients.items()
    ]
    outbox.enqueue([m for m in mails if m is not None])
