"""SLA clocks walked through procedures 000 and 003 with the clock pinned (time-machine)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from comptoir.calendars.models import Calendar
from comptoir.core import outbox
from comptoir.sla import policies, presets, scan
from comptoir.sla.models import SLAClock
from comptoir.tickets import services
from tests.conftest import flush_mail

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def week(*intervals: str) -> dict[str, list[str]]:
    return {d: list(intervals) if d in WEEKDAYS else [] for d in (*WEEKDAYS, "sat", "sun")}


def spec(*intervals: str) -> dict[str, object]:
    return {
        "timezone": "Europe/Paris",
        "week": week(*intervals),
        "holidays": {"country": "FR", "subdivision": None},
        "holiday_hours": [],
        "closures": [],
        "openings": {},
    }


@pytest.fixture
def procedure_000(desk):
    calendar = Calendar.objects.create(name="Spyrit", spec=spec("09:30-17:00"))
    presets.procedure_000(calendar, [desk.parish])
    yield desk
    policies.forget()


@pytest.fixture
def procedure_003(desk):
    calendar = Calendar.objects.create(name="Éditeur", spec=spec("09:00-12:00", "14:00-17:30"))
    presets.procedure_003(calendar, [desk.customer])
    yield desk
    policies.forget()


def clocks_of(ticket):
    return {c.metric: c for c in SLAClock.objects.filter(ticket=ticket).order_by("segment")}


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


# Procedure 000 -------------------------------------------------------------------------


def test_ticket_sent_on_saturday_counts_from_monday_0930(procedure_000):
    desk = procedure_000
    with at(paris(2026, 11, 21, 10, 0)):
        ticket = desk.open(product=desk.product)
    clocks = clocks_of(ticket)
    assert {m: c.due_at for m, c in clocks.items()} == {
        "acknowledgement": paris(2026, 11, 23, 10, 30),
        "pick_up": paris(2026, 11, 23, 13, 30),
        "resolution": paris(2026, 11, 24, 17, 0),  # 2 business days of 7.5 h
    }
    assert all(c.state == "running" for c in clocks.values())
    ticket.refresh_from_db()
    assert ticket.sla_due_at == paris(2026, 11, 23, 10, 30)


def test_acknowledgement_and_pick_up_are_met_by_the_agent(procedure_000):
    desk = procedure_000
    with at(paris(2026, 11, 24, 15, 0)):
        ticket = desk.open(product=desk.product)
    with at(paris(2026, 11, 24, 15, 45)):
        services.reply(ticket, by=desk.l1, body="Bien reçu, nous regardons.")
    with at(paris(2026, 11, 25, 10, 0)):
        services.take(ticket, by=desk.l1)
    clocks = clocks_of(ticket)
    assert (clocks["acknowledgement"].state, clocks["acknowledgement"].ended_at) == (
        "met",
        paris(2026, 11, 24, 15, 45),
    )
    assert (clocks["pick_up"].state, clocks["pick_up"].ended_at) == ("met", paris(2026, 11, 25, 10, 0))
    assert clocks["resolution"].state == "running"


def test_escalation_to_l2_ends_l1_clocks(procedure_000):
    desk = procedure_000
    with at(paris(2026, 11, 24, 9, 30)):
        ticket = desk.open(product=desk.product)
    with at(paris(2026, 11, 24, 10, 0)):
        services.take(ticket, by=desk.l1)
        services.reply(ticket, by=desk.l1, body="Nous transmettons au service communication.")
    with at(paris(2026, 11, 24, 11, 0)):
        services.escalate(ticket, by=desk.l1, reason="Demande commerciale : niveau 2")
    clocks = clocks_of(ticket)
    assert clocks["resolution"].state == "handed_over"
    assert clocks["resolution"].ended_at == paris(2026, 11, 24, 11, 0)
    assert clocks["acknowledgement"].state == "met"
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None  # no L2 commitment in this procedure
    with at(paris(2026, 11, 30, 12, 0)):
        scan.mark_breaches()
    assert clocks_of(ticket)["resolution"].state == "handed_over"  # never breached afterwards


def test_an_anomaly_must_be_qualified_and_handed_over_within_5_hours(procedure_000):
    desk = procedure_000
    with at(paris(2026, 11, 24, 14, 0)):
        ticket = desk.open(product=desk.product, type="incident")
    clocks = clocks_of(ticket)
    assert set(clocks) == {"acknowledgement", "qualification"}
    assert clocks["qualification"].due_at == paris(2026, 11, 25, 11, 30)
    with at(paris(2026, 11, 25, 10, 0)):
        services.escalate(ticket, by=desk.l1, reason="Anomalie confirmée, transmise à l'équipe projet")
    assert clocks_of(ticket)["qualification"].state == "met"


def test_breach_is_marked_once_and_notified_to_the_team_and_supervisors(procedure_000):
    desk = procedure_000
    with at(paris(2026, 11, 24, 15, 0)):
        ticket = desk.open(product=desk.product)
        # Handed to the agent by the supervisor: neither acknowledged nor picked up yet.
        services.assign(ticket, to=desk.l1, by=desk.supervisor)
        flush_mail()
    with at(paris(2026, 11, 24, 16, 30)):
        assert scan.mark_breaches() == 1  # acknowledgement was due at 16:00
        outbox.deliver_due()
        assert scan.mark_breaches() == 0
        outbox.deliver_due()
    ack = clocks_of(ticket)["acknowledgement"]
    assert ack.state == "breached"
    ticket.refresh_from_db()
    assert ticket.sla_breached is True
    # Next due: the pick-up (the agent has not acted on the ticket yet).
    assert ticket.sla_due_at == clocks_of(ticket)["pick_up"].due_at
    assert [(m.to, m.cc) for m in mail.outbox] == [([desk.l1.email], [desk.supervisor.email])]
    assert mail.outbox[0].subject.startswith(f"[#{ticket.number}] ")
    assert ticket.events.filter(kind="sla_breached").count() == 1


def test_warning_at_75_percent_goes_to_the_group_when_nobody_holds_the_ticket(procedure_000):
    desk = procedure_000
    with at(paris(2026, 11, 24, 9, 30)):
        ticket = desk.open(product=desk.product)
        flush_mail()
    with at(paris(2026, 11, 24, 10, 16)):  # 75 % of the 1 h acknowledgement
        assert scan.send_warnings() == 1
        assert scan.send_warnings() == 0
        outbox.deliver_due()
    assert [m.to for m in mail.outbox] == [[desk.l1.email]]
    assert ticket.events.filter(kind="sla_warning").count() == 1


def test_a_late_answer_is_recorded_as_a_breach(procedure_000):
    desk = procedure_000
    with at(paris(2026, 11, 24, 9, 30)):
        ticket = desk.open(product=desk.product)
    with at(paris(2026, 11, 24, 11, 0)):
        services.reply(ticket, by=desk.l1, body="Désolé du délai.")
    ack = clocks_of(ticket)["acknowledgement"]
    assert (ack.state, ack.ended_at) == ("breached", paris(2026, 11, 24, 11, 0))


# Procedure 003 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "due"),
    [
        ("urgent", paris(2026, 11, 23, 16, 30)),  # 1.5 h before noon, 2.5 h from 14:00
        ("high", paris(2026, 11, 25, 15, 30)),
        ("normal", paris(2026, 12, 1, 11, 30)),
        ("low", paris(2026, 12, 7, 9, 30)),
    ],
)
def test_resolution_target_follows_the_priority_in_business_hours(procedure_003, priority, due):
    desk = procedure_003
    with at(paris(2026, 11, 23, 10, 30)):
        ticket = desk.open(requester=desk.neighbour, product=desk.other_product, priority=priority)
    assert clocks_of(ticket)["resolution"].due_at == due


def test_blocking_severity_gets_4_hours_whatever_the_priority(procedure_003):
    desk = procedure_003
    with at(paris(2026, 11, 23, 10, 30)):
        ticket = desk.open(requester=desk.neighbour, priority="low", severity="blocking")
    assert clocks_of(ticket)["resolution"].due_at == paris(2026, 11, 23, 16, 30)


def test_requalification_from_normal_to_urgent_recomputes_from_the_original_start(procedure_003):
    desk = procedure_003
    with at(paris(2026, 11, 23, 10, 30)):
        ticket = desk.open(requester=desk.neighbour, priority="normal")
    with at(paris(2026, 11, 23, 11, 0)):
        services.requalify(ticket, by=desk.supervisor, reason="La facturation est bloquée", priority="urgent")
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.due_at == paris(2026, 11, 23, 16, 30)
    assert resolution.started_at == paris(2026, 11, 23, 10, 30)
    event = ticket.events.get(kind="requalified")
    assert event.changes["sla_policy"] == [
        "Procédure 003 — priorité normale",
        "Procédure 003 — priorité urgente",
    ]
    assert event.reason == "La facturation est bloquée"


def test_a_pending_period_pauses_resolution(procedure_003):
    desk = procedure_003
    with at(paris(2026, 11, 23, 9, 0)):
        ticket = desk.open(requester=desk.neighbour, priority="urgent")  # due 14:00
    with at(paris(2026, 11, 23, 10, 0)):
        services.reply(ticket, by=desk.supervisor, body="Quelle facture ?", set_status="pending")
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.state, resolution.due_at, resolution.remaining) == ("paused", None, timedelta(hours=3))
    with at(paris(2026, 11, 24, 9, 0)):
        services.reply(ticket, by=desk.neighbour, body="La facture F-2026-118.")
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.state == "running"
    assert resolution.due_at == paris(2026, 11, 24, 12, 0)
    assert resolution.paused == timedelta(hours=5, minutes=30)  # Monday 10-12 and 14-17:30


# Pages ---------------------------------------------------------------------------------


def test_desk_shows_the_clocks_and_sorts_and_filters_by_sla(procedure_000, client):
    desk = procedure_000
    with at(paris(2026, 11, 24, 9, 30)):
        late = desk.open(product=desk.product, subject="En retard")
    with at(paris(2026, 11, 24, 15, 0)):
        soon = desk.open(product=desk.product, subject="Bientôt")
        desk.open(subject="Sans engagement")  # triage, L1: the policy applies too
    with at(paris(2026, 11, 24, 15, 5)):
        scan.mark_breaches()
        client.force_login(desk.supervisor)
        page = client.get(f"/desk/tickets/{late.number}/").content.decode()
        assert 'data-testid="sla-clock"' in page
        assert 'data-metric="acknowledgement" data-state="breached"' in page
        breached = client.get("/desk/?sla=breached").content.decode()
        assert "En retard" in breached
        assert "Bientôt" not in breached
        rows = client.get("/desk/?sort=due").context["page"].rows
        assert rows[0] == late or rows[0].sla_due_at <= soon.sla_due_at


def test_requester_sees_the_promised_times(procedure_000, client):
    desk = procedure_000
    with at(paris(2026, 11, 21, 10, 0)):
        ticket = desk.open(product=desk.product)
        client.force_login(desk.requester)
        page = client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="promised"' in page
    assert "2026-11-23T10:30:00+01:00" in page or "23/11/2026 10:30" in page
