"""One ticket history: one writer, one reader. The SLA clocks, the reports, the ticket's own
fields and the desk all tell the story its events tell (procedures 000 and 003)."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

import pytest

from comptoir.catalog.models import Group
from comptoir.reports import facts
from comptoir.reports.models import Fact
from comptoir.sla import services as sla
from comptoir.sla.models import SLAClock
from comptoir.tickets import history, services
from comptoir.tickets.models import Ticket, TicketEvent
from tests.sla.test_procedures import at, clocks_of, paris

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "comptoir"


def stored(ticket: Ticket) -> dict[tuple[int, str, int], tuple[str, datetime | None, datetime | None]]:
    return {
        (c.segment, c.metric, c.cycle): (c.state, c.due_at, c.ended_at)
        for c in SLAClock.objects.filter(ticket=ticket)
    }


def recomputed(
    ticket: Ticket, now: datetime
) -> dict[tuple[int, str, int], tuple[str, datetime | None, datetime | None]]:
    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "pk"))
    ticket = Ticket.objects.select_related("group").get(pk=ticket.pk)
    return {
        (segment, state.metric, state.cycle): (state.state, state.due_at, state.ended_at)
        for segment, _policy, state in sla.plan_for(ticket, events, at=now)
    }


def report_facts(ticket: Ticket) -> dict[str, datetime]:
    facts.rebuild_tickets([ticket.pk])
    return dict(Fact.objects.filter(ticket=ticket).exclude(kind="sla").values_list("kind", "at"))


# -- finding 1: the clocks are derived from the complete history --------------------------


def test_a_ticket_given_by_round_robin_keeps_the_clocks_its_history_implies(procedure_000):
    desk = procedure_000
    desk.group_l1.assignment = Group.Assignment.ROUND_ROBIN
    desk.group_l1.save(update_fields=["assignment"])
    with at(paris(2026, 11, 24, 9, 30)):
        ticket = desk.open(product=desk.product)
    ticket.refresh_from_db()
    assert ticket.assignee == desk.l1
    assert stored(ticket) == recomputed(ticket, paris(2026, 11, 24, 9, 30))
    # Handed over, not picked up: the pick-up clock runs until Léa acts on the ticket.
    assert clocks_of(ticket)["pick_up"].state == "running"
    with at(paris(2026, 11, 24, 10, 0)):
        services.add_note(ticket, by=desk.l1, body="Je regarde les réglages de Mailpoet.")
    pick_up = clocks_of(ticket)["pick_up"]
    assert (pick_up.state, pick_up.ended_at) == ("met", paris(2026, 11, 24, 10, 0))
    ticket.refresh_from_db()
    assert ticket.taken_at == paris(2026, 11, 24, 10, 0)
    assert stored(ticket) == recomputed(ticket, paris(2026, 11, 24, 10, 0))


# -- finding 2: one meaning of acknowledged and picked up ----------------------------------


def test_a_ticket_taken_at_0930_without_an_answer_is_acknowledged_at_0930_in_the_sla_and_the_reports(
    procedure_000,
):
    desk = procedure_000
    with at(paris(2026, 11, 24, 9, 0)):
        ticket = desk.open(product=desk.product)
    with at(paris(2026, 11, 24, 9, 30)):
        services.take(ticket, by=desk.l1)
    ack = clocks_of(ticket)["acknowledgement"]
    assert (ack.state, ack.ended_at) == ("met", paris(2026, 11, 24, 9, 30))
    marks = report_facts(ticket)
    assert marks["acknowledgement"] == paris(2026, 11, 24, 9, 30)
    assert marks["pick_up"] == paris(2026, 11, 24, 9, 30)
    assert "first_response" not in marks
    ticket.refresh_from_db()
    assert (ticket.taken_at, ticket.first_response_at) == (paris(2026, 11, 24, 9, 30), None)


def test_an_automatic_assignment_is_not_a_pick_up_in_the_reports_either(procedure_000):
    desk = procedure_000
    desk.group_l1.assignment = Group.Assignment.ROUND_ROBIN
    desk.group_l1.save(update_fields=["assignment"])
    with at(paris(2026, 11, 24, 10, 0)):
        ticket = desk.open(product=desk.product)
    assert "pick_up" not in report_facts(ticket)
    with at(paris(2026, 11, 24, 11, 0)):
        services.reply(ticket, by=desk.l1, body="Bonjour, voici comment importer vos contacts.")
    marks = report_facts(ticket)
    assert (
        marks["pick_up"] == marks["acknowledgement"] == marks["first_response"] == paris(2026, 11, 24, 11, 0)
    )
    pick_up = clocks_of(ticket)["pick_up"]
    assert (pick_up.state, pick_up.ended_at) == ("met", paris(2026, 11, 24, 11, 0))


def test_a_phone_call_logged_by_an_agent_is_acknowledged_at_the_call(procedure_000):
    desk = procedure_000
    with at(paris(2026, 11, 24, 11, 30)):
        ticket = services.log_phone_call(
            by=desk.l1,
            requester=desk.requester,
            subject="Le site ne s'affiche plus",
            body="Appel de Pierre : page blanche depuis ce matin.",
            called_at=paris(2026, 11, 24, 10, 0),
            product=desk.product,
        )
    ack = clocks_of(ticket)["acknowledgement"]
    assert (ack.state, ack.ended_at) == ("met", paris(2026, 11, 24, 10, 0))
    assert report_facts(ticket)["acknowledgement"] == paris(2026, 11, 24, 10, 0)


# -- finding 3: one writer ------------------------------------------------------------------

WRITES = {
    "save",
    "update",
    "bulk_create",
    "bulk_update",
    "create",
    "delete",
    "get_or_create",
    "update_or_create",
}


def _writes_tickets(path: Path) -> list[str]:
    """Calls that write Ticket or TicketEvent rows: ``Ticket.objects…update()``,
    ``TicketEvent.objects.bulk_create()``, ``ticket.save()``, ``events.x(…).save()``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        receiver = ast.unparse(node.func.value)
        if (
            receiver.startswith(("Ticket.objects", "TicketEvent.objects"))
            or (node.func.attr == "save" and receiver in {"ticket", "event", "self.ticket"})
            or (node.func.attr == "save" and receiver.startswith("events."))
        ):
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_module_outside_the_ticket_services_writes_tickets_or_their_events():
    allowed = SRC / "tickets" / "services"
    offenders = [
        line
        for path in sorted(SRC.rglob("*.py"))
        if allowed not in path.parents and "migrations" not in path.parts
        for line in _writes_tickets(path)
    ]
    assert offenders == []


def test_the_writer_check_finds_a_write_around_the_services(tmp_path):
    sample = SRC / "workflow" / "_probe_for_the_test.py"
    sample.write_text("def f(ticket, pk):\n    Ticket.objects.filter(pk=pk).update(status='closed')\n")
    try:
        assert len(_writes_tickets(sample)) == 1
    finally:
        sample.unlink()


def test_people_in_copy_of_a_reply_follow_the_ticket_with_a_line_in_its_history(desk):
    ticket = desk.open()
    services.add_followers(ticket, [desk.site_owner, desk.requester])
    assert list(ticket.followers.all()) == [desk.site_owner]
    event = ticket.events.get(kind=history.FOLLOWERS_ADDED)
    assert event.changes == {"followers": [{"id": desk.site_owner.pk, "name": desk.site_owner.display_name}]}
    assert event.is_public is False
    assert services.add_followers(ticket, [desk.site_owner]) == []
    assert ticket.events.filter(kind=history.FOLLOWERS_ADDED).count() == 1


# -- finding 5: references that survive a rename -------------------------------------------


def test_a_requalification_stores_the_product_by_reference_and_the_reports_survive_a_rename(desk):
    with at(paris(2026, 11, 24, 10, 0)):
        ticket = desk.open(product=desk.product)
    with at(paris(2026, 11, 24, 11, 0)):
        services.requalify(
            ticket, by=desk.l1, reason="C'est le logiciel de gestion", product=desk.other_product
        )
    event = ticket.events.get(kind=history.REQUALIFIED)
    assert event.changes["product"] == [
        {"id": desk.product.pk, "name": "Sites associés WordPress"},
        {"id": desk.other_product.pk, "name": "GestPro"},
    ]
    desk.other_product.name = "GestPro Cloud"
    desk.other_product.save(update_fields=["name"])
    facts.rebuild_tickets([ticket.pk])
    received = Fact.objects.get(ticket=ticket, kind="received")
    assert received.product_id == desk.other_product.pk


def test_the_reports_reader_spells_no_event_kind_or_status_of_its_own():
    source = (SRC / "reports" / "history.py").read_text()
    for kind in history.EVENT_KINDS:
        if kind in {"survey_sent", "survey_answered"}:  # also the names of report entries
            continue
        assert f'"{kind}"' not in source, kind
    for status in ("resolved", "pending", "on_hold"):
        assert f'"{status}"' not in source


# -- the scan re-derives before it breaches ------------------------------------------------


def test_the_scan_breaches_a_clock_only_if_the_history_read_again_still_says_so(procedure_000):
    from comptoir.sla import scan

    desk = procedure_000
    with at(paris(2026, 11, 24, 9, 30)):
        ticket = desk.open(product=desk.product)
    with at(paris(2026, 11, 24, 10, 0)):
        services.take(ticket, by=desk.l1)
    # A clock row left behind (as a crash between two writes, or an older version, would):
    # still running although the history says it was met at 10:00.
    SLAClock.objects.filter(ticket=ticket, metric="acknowledgement").update(
        state="running", ended_at=None, due_at=paris(2026, 11, 24, 10, 30)
    )
    with at(paris(2026, 11, 24, 11, 0)):
        assert scan.mark_breaches() == 0
    ack = clocks_of(ticket)["acknowledgement"]
    assert (ack.state, ack.ended_at) == ("met", paris(2026, 11, 24, 10, 0))
    assert not ticket.events.filter(kind=history.SLA_BREACHED).exists()
    with at(paris(2026, 11, 25, 9, 31)):  # resolution still open, pick-up met: nothing due
        assert scan.mark_breaches() == 0


# -- the writer stays as cheap as it was ------------------------------------------------------


def test_opening_a_ticket_is_one_transaction_of_six_statements(procedure_000):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk = procedure_000
    with at(paris(2026, 11, 24, 10, 0)):
        desk.open(product=desk.product)  # the per-process caches (policies, calendars) filled
        with CaptureQueriesContext(connection) as seen:
            desk.open(product=desk.product, subject="Le formulaire de contact a disparu")
    sql = [q["sql"] for q in seen.captured_queries]
    opened = [i for i, s in enumerate(sql) if s.startswith(("SAVEPOINT", "BEGIN"))]
    closed = [i for i, s in enumerate(sql) if s.startswith(("RELEASE SAVEPOINT", "COMMIT"))]
    assert len(opened) == len(closed) == 1
    inside = sql[opened[0] + 1 : closed[0]]
    # The number, the ticket, its events, its clocks, its first message, the acknowledgement.
    assert len(inside) <= 6, inside
