"""Pages run a constant number of SQL queries, however many tickets, messages, files and
events there are: each test measures a page on a small dataset, grows the data in place,
and measures again; both counts are this exact number.

Every measure follows one unmeasured visit of the same page, so process-wide caches (the
SLA policy catalogue) are warm and only the page's own work is counted.
"""

from __future__ import annotations

import base64

import pytest

from comptoir.tickets import services
from comptoir.tickets.attachments import IncomingFile
from comptoir.tickets.models import Attachment, Ticket
from tests.conftest import Desk
from tests.pages import portal_list_numbers

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

# Session, user; for an agent, his groups; then the page's own reads.
QUERIES = {
    # tickets, then the filters' choices: products, components, groups, agents
    ("queue", "supervisor"): 2 + 1 + 4,
    ("queue", "l1"): 2 + 1 + 1 + 4,
    # tickets only: the filters stay on the page
    ("queue rows", "supervisor"): 2 + 1,
    ("queue rows", "l1"): 2 + 1 + 1,
    # ticket, messages, their files, events, SLA clocks; the escalation path offered (the
    # group's paths, then its own or the next tier's group); the forms' choices: agents,
    # products, components, groups; for supervisors, how often the requester's URGENT
    # was removed; the parish's contract: requests used this month; the agent's macros
    ("desk ticket", "supervisor"): 2 + 5 + 2 + 4 + 1 + 1 + 1,
    ("desk ticket", "l1"): 2 + 1 + 5 + 2 + 4 + 1 + 1,
    # tickets; the parish's contract: requests used this month
    ("portal list", "requester"): 2 + 1 + 1,
    ("portal list", "site_owner"): 2 + 1 + 1,
    # ticket, messages, their files, events, SLA clocks
    ("portal ticket", "requester"): 2 + 5,
    ("portal ticket", "site_owner"): 2 + 5,
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def screenshot(name: str) -> list[IncomingFile]:
    return [IncomingFile(name, PNG)]


def open_busy_tickets(desk: Desk, count: int) -> list[Ticket]:
    """Tickets the L1 agent, the requester and the site owner all see, as different from
    one another as the queue's columns allow, each with a conversation (screenshots on
    both sides, a note) and a history (reply, status changes, pick-up)."""
    made = []
    for i in range(count):
        ticket = desk.open(
            requester=desk.site_owner if i % 3 == 0 else desk.requester,
            subject=f"Demande n°{i}",
            product=desk.product if i % 2 else None,  # else in the triage queue
            component=desk.component if i % 4 == 1 else None,
            attachments=screenshot(f"demande-{i}.png"),
        )
        services.reply(
            ticket,
            by=desk.l1,
            body="Pouvez-vous préciser ?",
            set_status="pending",
            attachments=screenshot("a.png"),
        )
        services.add_note(ticket, by=desk.l1, body="À suivre.")
        if i % 2:
            services.take(ticket, by=desk.l1)
        made.append(ticket)
    return made


def grow_conversation(desk: Desk, ticket: Ticket) -> None:
    """From one message to 15 (files on 12 of them, 2 internal notes) and from 1 event to 20."""
    for i in range(6):
        services.reply(ticket, by=desk.l1, body=f"Réponse {i}", attachments=screenshot(f"r{i}.png"))
        services.reply(ticket, by=desk.requester, body=f"Précision {i}", attachments=screenshot(f"p{i}.png"))
    services.add_note(ticket, by=desk.l1, body="Voir avec l'hébergeur.")
    services.add_note(ticket, by=desk.supervisor, body="Je regarde.")
    services.take(ticket, by=desk.l1)
    services.change_status(ticket, to="on_hold", by=desk.l1, reason="Hébergeur")
    services.requalify(ticket, by=desk.l1, reason="Panne confirmée", type="incident", priority="high")
    services.change_status(ticket, to="open", by=desk.l1)


def count_queries(client, url, django_assert_num_queries, expected, **extra):
    client.get(url, **extra)  # warm the process-wide caches
    with django_assert_num_queries(expected):
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("page", "persona"),
    [("queue", "supervisor"), ("queue", "l1"), ("queue rows", "supervisor"), ("queue rows", "l1")],
)
def test_the_queue_runs_the_same_queries_for_3_tickets_as_for_40(
    desk, client, django_assert_num_queries, page, persona
):
    client.force_login(getattr(desk, persona))
    extra = {"headers": {"HX-Request": "true"}} if page == "queue rows" else {}
    open_busy_tickets(desk, 3)

    small = count_queries(client, "/desk/", django_assert_num_queries, QUERIES[page, persona], **extra)
    assert small.content.count(b'data-testid="queue-row"') == 3

    open_busy_tickets(desk, 37)
    assert Attachment.objects.count() == 80

    large = count_queries(client, "/desk/", django_assert_num_queries, QUERIES[page, persona], **extra)
    assert large.content.count(b'data-testid="queue-row"') == 25


@pytest.mark.parametrize(
    ("edge", "persona"), [("desk", "supervisor"), ("desk", "l1"), ("portal", "requester")]
)
def test_the_ticket_page_runs_the_same_queries_for_1_message_as_for_15(
    desk, client, django_assert_num_queries, edge, persona
):
    ticket = desk.open(product=desk.product)
    url = f"/{edge}/tickets/{ticket.number}/"
    client.force_login(getattr(desk, persona))
    expected = QUERIES[f"{edge} ticket", persona]

    small = count_queries(client, url, django_assert_num_queries, expected)
    assert small.content.count(b'data-testid="message"') == 1

    grow_conversation(desk, ticket)
    assert (ticket.messages.count(), ticket.events.count(), ticket.attachments.count()) == (15, 20, 12)

    large = count_queries(client, url, django_assert_num_queries, expected)
    assert large.content.count(b'data-testid="message"') == (15 if edge == "desk" else 13)


@pytest.mark.parametrize("persona", ["requester", "site_owner"])
def test_the_portal_list_runs_the_same_queries_for_3_requests_as_for_40(
    desk, client, django_assert_num_queries, persona
):
    client.force_login(getattr(desk, persona))
    expected = QUERIES["portal list", persona]
    open_busy_tickets(desk, 3)

    count_queries(client, "/portal/", django_assert_num_queries, expected)

    open_busy_tickets(desk, 37)

    large = count_queries(client, "/portal/", django_assert_num_queries, expected)
    assert len(portal_list_numbers(large.content)) == 25


def test_the_portal_ticket_page_of_an_organisation_admin_is_constant_too(
    desk, client, django_assert_num_queries
):
    ticket = desk.open(product=desk.product)
    url = f"/portal/tickets/{ticket.number}/"
    client.force_login(desk.site_owner)
    expected = QUERIES["portal ticket", "site_owner"]

    count_queries(client, url, django_assert_num_queries, expected)
    grow_conversation(desk, ticket)
    count_queries(client, url, django_assert_num_queries, expected)
