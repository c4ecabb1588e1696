"""Whatever the team does to a ticket, in whatever order and at whatever time, its history
tells one story: the stored SLA clocks are those the events alone imply, the reports'
milestones are the SLA's, and every field the desk shows follows from the events.

Random sequences of service calls (open or phone call, take, assign, automatic assignment,
reply, note, waiting on the requester, reopen, escalate, requalify, resolve, close) at
random times on procedure 000's and 003's calendars."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.catalog.models import Group
from comptoir.core.errors import ComptoirError
from comptoir.reports import facts
from comptoir.reports.models import Fact
from comptoir.sla import services as sla
from comptoir.sla.models import SLAClock
from comptoir.tickets import history, services
from comptoir.tickets.events import as_change
from comptoir.tickets.models import Ticket, TicketEvent
from tests.sla.test_procedures import at, paris

pytestmark = pytest.mark.django_db

ACTIONS = (
    "take",
    "assign_l1",
    "assign_supervisor",
    "unassign",
    "reply_team",
    "reply_requester",
    "note",
    "pending",
    "on_hold",
    "open",
    "resolve",
    "close",
    "escalate",
    "requalify",
)


@dataclass(frozen=True)
class Opening:
    phone: bool
    automatic: bool
    minutes: int  # after Monday 23 November 2026, 00:00


steps = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(min_value=0, max_value=3 * 24 * 60)), max_size=10
)
openings = st.builds(
    Opening,
    phone=st.booleans(),
    automatic=st.booleans(),
    minutes=st.integers(min_value=0, max_value=7 * 24 * 60),
)


def act(desk, ticket: Ticket, action: str, requester) -> None:  # type: ignore[no-untyped-def]
    l1, l2 = desk.l1, desk.l2
    worker = l2 if ticket.group_id == desk.group_l2.pk else l1
    match action:
        case "take":
            services.take(ticket, by=worker)
        case "assign_l1":
            services.assign(ticket, to=worker, by=desk.supervisor)
        case "assign_supervisor":
            services.assign(ticket, to=worker, by=worker)
        case "unassign":
            services.assign(ticket, to=None, by=desk.supervisor)
        case "reply_team":
            services.reply(ticket, by=worker, body="Voici la marche à suivre.")
        case "reply_requester":
            services.reply(ticket, by=requester, body="Merci, cela ne marche toujours pas.")
        case "note":
            services.add_note(ticket, by=worker, body="Je regarde.")
        case "pending" | "on_hold" | "open" | "resolve" | "close":
            to = {"resolve": "resolved", "close": "closed"}.get(action, action)
            services.change_status(ticket, to=to, by=worker)
        case "escalate":
            services.escalate(ticket, by=worker, reason="Relève du niveau 2", to_group=desk.group_l2)
        case "requalify":
            services.requalify(ticket, by=worker, reason="Requalifiée", priority="high", type="incident")


def run(desk, requester, opening: Opening, sequence) -> tuple[Ticket, datetime]:  # type: ignore[no-untyped-def]
    Group.objects.filter(pk=desk.group_l1.pk).update(
        assignment=Group.Assignment.ROUND_ROBIN if opening.automatic else Group.Assignment.MANUAL
    )
    desk.group_l1.refresh_from_db()
    when = paris(2026, 11, 23) + timedelta(minutes=opening.minutes)
    with at(when):
        if opening.phone:
            ticket = services.log_phone_call(
                by=desk.l1,
                requester=requester,
                subject="Page blanche",
                body="Appel : le site affiche une page blanche.",
                product=desk.product,
            )
        else:
            ticket = desk.open(requester=requester, product=desk.product)
    for action, minutes in sequence:
        when += timedelta(minutes=minutes)
        # A move the ticket's state refuses records nothing.
        with at(when), contextlib.suppress(ComptoirError):
            act(desk, Ticket.objects.get(pk=ticket.pk), action, requester)
    return Ticket.objects.select_related("group").get(pk=ticket.pk), when


def check_one_story(ticket: Ticket, now: datetime) -> None:
    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "pk"))
    story = history.read(map(as_change, events), requester_id=ticket.requester_id)

    # The stored clocks are the ones the events alone imply (as of the last change).
    last = max(e.at for e in events)
    planned = sla.plan_for(ticket, events, at=last)
    expected = {(seg, s.metric, s.cycle): (s.state, s.due_at, s.ended_at) for seg, _p, s in planned}
    kept = {
        (c.segment, c.metric, c.cycle): (c.state, c.due_at, c.ended_at)
        for c in SLAClock.objects.filter(ticket=ticket)
    }
    assert kept == expected

    # What the desk shows follows from the events.
    derived = history.derived(story)
    assert ticket.status == story.status
    assert ticket.status_since == derived.status_since
    assert (ticket.taken_at, ticket.first_response_at) == (derived.taken_at, derived.first_response_at)
    assert (ticket.resolved_at, ticket.closed_at) == (derived.resolved_at, derived.closed_at)
    assert ticket.assignee_id == story.assignee_id
    running = [s.due_at for _seg, _p, s in planned if s.state == "running" and s.due_at]
    assert ticket.sla_due_at == min(running, default=None)
    assert ticket.sla_breached == any(s.state == "breached" for _seg, _p, s in planned)

    # The reports' milestones are the SLA's.
    facts.rebuild_tickets([ticket.pk])
    marks = dict(Fact.objects.filter(ticket=ticket, seq=0).exclude(kind="sla").values_list("kind", "at"))
    assert marks.get("acknowledgement") == story.acknowledged
    assert marks.get("pick_up") == story.picked_up
    assert marks.get("first_response") == story.first_response
    if story.escalations:
        return
    done = story.resolutions[0] if story.resolutions else None
    for metric, milestone in (
        ("acknowledgement", story.acknowledged),
        ("pick_up", story.picked_up),
        ("first_response", story.first_response),
    ):
        clock = next((s for seg, _p, s in planned if seg == 0 and s.metric == metric), None)
        if clock is None or milestone is None or (done is not None and done < milestone):
            continue
        if milestone >= clock.started_at:
            assert clock.ended_at == milestone, metric


PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(opening=openings, sequence=steps)
def test_procedure_000_any_sequence_tells_one_story(procedure_000, opening, sequence):
    desk = procedure_000
    ticket, now = run(desk, desk.requester, opening, sequence)
    check_one_story(ticket, now)


@PROPERTY
@given(opening=openings, sequence=steps)
def test_procedure_003_any_sequence_tells_one_story(procedure_003, opening, sequence):
    desk = procedure_003
    ticket, now = run(desk, desk.neighbour, opening, sequence)
    check_one_story(ticket, now)
