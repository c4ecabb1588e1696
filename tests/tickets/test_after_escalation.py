"""People who worked a ticket keep reading it (procedure 000: the L1 agent stays the
parish's contact once the request is escalated to L2), and are told what happens to it:
its resolution, and a further escalation.

"Worked it": its group and its assignee when it was escalated, and the agent who
escalated it. Nobody else gains sight of it.
"""

from __future__ import annotations

import pytest
from django.core import mail

from comptoir.accounts.models import User
from comptoir.core import outbox
from comptoir.tickets import selectors, services
from comptoir.tickets.models import Ticket
from comptoir.tickets.permissions import can_view
from tests.conftest import Desk, flush_mail
from tests.pages import flashes, queue_numbers

STAFF = ["l1", "l2", "l3", "stranger_agent", "supervisor", "admin"]


def sent() -> list:
    outbox.deliver_due()
    return list(mail.outbox)


def parish_request(desk: Desk) -> Ticket:
    ticket = desk.open(product=desk.product)
    assert ticket.group == desk.group_l1
    return ticket


def test_the_l1_agent_who_escalates_stays_on_the_ticket_page(desk, client):
    ticket = parish_request(desk)
    client.force_login(desk.l1)

    response = client.post(
        f"/desk/tickets/{ticket.number}/escalate/", {"reason": "Demande commerciale : niveau 2"}, follow=True
    )

    assert response.redirect_chain == [(f"/desk/tickets/{ticket.number}/", 302)]
    assert [level for level, _text in flashes(response.content)] == ["success"]
    ticket.refresh_from_db()
    assert ticket.group == desk.group_l2
    assert client.get(f"/desk/tickets/{ticket.number}/").status_code == 200
    assert queue_numbers(client.get("/desk/").content) == [ticket.number]


def test_l1_keeps_reading_the_ticket_through_l2_and_l3_and_it_is_listed_once(desk, client):
    ticket = parish_request(desk)
    services.take(ticket, by=desk.l1)
    ticket = services.escalate(ticket, by=desk.l1, reason="Demande commerciale : niveau 2")
    services.take(ticket, by=desk.l2)
    services.escalate(ticket, by=desk.l2, reason="Anomalie à corriger par l'équipe projet")
    client.force_login(desk.l1)

    assert client.get(f"/desk/tickets/{ticket.number}/").status_code == 200
    # Group, assignee and escalating agent all point to l1 and l2: one row each, no duplicates.
    for agent in (desk.l1, desk.l2):
        client.force_login(agent)
        assert queue_numbers(client.get("/desk/").content) == [ticket.number]
        assert selectors.visible_tickets(agent).filter(pk=ticket.pk).count() == 1


def test_the_previous_assignee_from_another_team_keeps_reading_it(desk):
    """The stranger agent helped the parish's L1 for a while and held the ticket."""
    ticket = parish_request(desk)
    desk.group_l1.members.add(desk.stranger_agent)
    services.assign(ticket, to=desk.stranger_agent, by=desk.supervisor)
    desk.group_l1.members.remove(desk.stranger_agent)
    stranger = User.objects.get(pk=desk.stranger_agent.pk)  # his groups, afresh

    services.escalate(ticket, by=desk.l1, reason="Demande commerciale : niveau 2")

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert selectors.ticket_for(stranger, ticket.number).pk == ticket.pk


def test_nobody_else_gains_sight_of_an_escalated_ticket(desk):
    ticket = parish_request(desk)
    services.escalate(ticket, by=desk.l1, reason="Demande commerciale : niveau 2")
    ticket.refresh_from_db()

    seen = {p for p in STAFF if selectors.visible_tickets(getattr(desk, p)).filter(pk=ticket.pk).exists()}

    assert seen == {"l1", "l2", "supervisor", "admin"}


@pytest.mark.parametrize("persona", [*STAFF, "requester", "site_owner", "neighbour", "other_admin"])
def test_the_list_and_the_single_ticket_agree_on_who_sees_what(desk, persona):
    own = parish_request(desk)
    services.take(own, by=desk.l1)
    own = services.escalate(own, by=desk.l1, reason="Pour le niveau 2")
    services.escalate(own, by=desk.l2, reason="Pour l'équipe projet")
    neighbour = desk.open(requester=desk.neighbour, product=desk.other_product)
    services.escalate(neighbour, by=desk.stranger_agent, reason="Pour le niveau 2")
    triage = desk.open(requester=desk.other_admin)
    services.escalate(triage, by=desk.l3, reason="Pour le niveau 2")
    untouched = desk.open(requester=desk.site_owner, product=desk.product)
    user = User.objects.get(pk=getattr(desk, persona).pk)

    for ticket in Ticket.objects.filter(pk__in=[own.pk, neighbour.pk, triage.pk, untouched.pk]):
        listed = selectors.visible_tickets(user).filter(pk=ticket.pk).exists()
        assert can_view(user, ticket) == listed, f"{persona} / {ticket.subject}"
    assert can_view(user, Ticket.objects.get(pk=own.pk)) == (
        persona in {"l1", "l2", "l3", "supervisor", "admin", "requester", "site_owner"}
    )


def test_l1_is_told_when_l2_resolves_the_request(desk):
    ticket = parish_request(desk)
    services.take(ticket, by=desk.l1)
    ticket = services.escalate(ticket, by=desk.l1, reason="Demande commerciale : niveau 2")
    flush_mail()

    services.reply(ticket, by=desk.l2, body="Le module est activé sur votre site.", set_status="resolved")

    mails = sent()
    to_l1 = [m for m in mails if m.to == [desk.l1.email]]
    assert len(to_l1) == 1
    assert to_l1[0].subject.startswith(f"[{ticket.reference}] ")
    assert "Résolu" in to_l1[0].subject
    assert "Le module est activé sur votre site." in to_l1[0].body
    assert f"/desk/tickets/{ticket.number}/" in to_l1[0].body
    # The requester gets the answer; the agent who resolved it gets nothing.
    assert sorted(m.to[0] for m in mails) == sorted([desk.requester.email, desk.l1.email])


def test_l1_is_told_when_l2_resolves_without_an_answer_too(desk):
    ticket = parish_request(desk)
    ticket = services.escalate(ticket, by=desk.l1, reason="Demande commerciale : niveau 2")
    flush_mail()

    services.change_status(ticket, to="resolved", by=desk.l2, reason="Traité par téléphone")

    to_l1 = [m for m in sent() if m.to == [desk.l1.email]]
    assert len(to_l1) == 1
    assert "Traité par téléphone" in to_l1[0].body


def test_a_ticket_never_escalated_tells_nobody_else_when_resolved(desk):
    ticket = parish_request(desk)
    flush_mail()

    services.change_status(ticket, to="resolved", by=desk.l1)

    assert [m.to for m in sent()] == [[desk.requester.email]]


def test_l1_is_told_when_l2_escalates_further(desk):
    ticket = parish_request(desk)
    ticket = services.escalate(ticket, by=desk.l1, reason="Demande commerciale : niveau 2")
    flush_mail()

    services.escalate(ticket, by=desk.l2, reason="Anomalie à corriger par l'équipe projet")

    mails = sent()
    assert sorted(m.to[0] for m in mails) == sorted([desk.l1.email, desk.l3.email])
    (to_l1,) = [m for m in mails if m.to == [desk.l1.email]]
    assert to_l1.subject.startswith(f"[{ticket.reference}] ")
    assert "Escaladé à nouveau" in to_l1.subject
    assert "Équipe projet" in to_l1.body
    assert "Anomalie à corriger par l'équipe projet" in to_l1.body
