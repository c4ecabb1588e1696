"""Outages in the desk: declare in one form, publish updates, resolve (answering the linked
tickets if the agent chooses), link a ticket from its page; and the requester opening a
request while a product is down is told about it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.core import outbox
from comptoir.outages import services
from comptoir.outages.models import Outage
from tests.desk.test_query_counts import QUERIES
from tests.outages.conftest import at, paris

START = paris(2026, 3, 12, 9, 40)


def declare(desk, svc, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("services", [svc.sites])
    kwargs.setdefault("title", "Sites inaccessibles")
    return services.declare(by=desk.l1, kind="hosting", message="Les sites ne répondent plus.", **kwargs)


def test_an_agent_declares_an_outage_in_one_form(client, desk, svc, slack, http_receiver):
    client.force_login(desk.l1)
    assert b"/desk/outages/" in client.get("/desk/").content  # the menu
    form = client.get("/desk/outages/new/")
    assert form.status_code == 200
    with at(START):
        response = client.post(
            "/desk/outages/new/",
            {
                "title": "Coffre-fort inaccessible",
                "services": [svc.sites.pk],
                "kind": "hosting",
                "impact": "major",
                "started_at": "2026-03-12T09:30",
                "expected_end_at": "2026-03-12T12:00",
                "message": "Le coffre-fort numérique est inaccessible.",
                "cause": "",
                "host": "OVH",
                "internal_notes": "Ticket OVH 4242",
            },
        )
        outbox.deliver_due()
    outage = Outage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/outages/{outage.pk}/"
    assert outage.started_at == paris(2026, 3, 12, 9, 30)  # typed in Paris time
    assert outage.expected_end_at == paris(2026, 3, 12, 12, 0)
    assert (outage.host, outage.internal_notes, outage.declared_by) == ("OVH", "Ticket OVH 4242", desk.l1)
    text = json.loads(http_receiver.received[0].body)["text"]
    assert text.startswith("<!channel>")
    assert "12 mars 2026 12:00" in text

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ticket OVH 4242" in html
    assert 'data-testid="update-form"' in html
    assert 'data-testid="resolve-form"' in html


def test_a_declaration_without_service_shows_the_form_again(client, desk, svc):
    client.force_login(desk.l1)
    response = client.post(
        "/desk/outages/new/", {"title": "Panne", "kind": "hosting", "impact": "major", "message": "Panne."}
    )
    assert response.status_code == 400
    assert not Outage.objects.exists()


def test_requesters_do_not_reach_the_desk_outage_pages(client, desk, svc):
    with at(START):
        outage = declare(desk, svc)
    client.force_login(desk.requester)
    assert client.get("/desk/outages/").status_code == 403
    assert client.post(f"/desk/outages/{outage.pk}/resolve/", {"message": "x"}).status_code == 403
    assert Outage.objects.get().is_ongoing


def test_the_list_shows_the_outages_under_way_first(client, desk, svc):
    with at(START - timedelta(days=2)):
        old = declare(desk, svc, title="Ancienne")
    with at(START - timedelta(days=1)):
        services.resolve(old, by=desk.l1, message="Fini.")
        recent = declare(desk, svc, title="En cours depuis hier")
    with at(START):
        declare(desk, svc, title="Toute neuve")
    client.force_login(desk.l2)
    html = client.get("/desk/outages/").content.decode()
    assert html.index("Toute neuve") < html.index("En cours depuis hier") < html.index("Ancienne")
    assert recent.is_ongoing


def test_an_update_from_the_outage_page(client, desk, svc):
    with at(START):
        outage = declare(desk, svc, expected_end_at=START + timedelta(hours=1))
    client.force_login(desk.l2)
    with at(START + timedelta(minutes=30)):
        response = client.post(
            f"/desk/outages/{outage.pk}/update/",
            {
                "message": "Encore une heure.",
                "expected_end_at": "2026-03-12T11:40",
                "impact": "partial",
                "cause": "Disque",
            },
        )
    assert response.status_code == 302
    outage.refresh_from_db()
    assert (outage.impact, outage.expected_end_at, outage.cause) == (
        "partial",
        START + timedelta(hours=2),
        "Disque",
    )
    svc.sites.refresh_from_db()
    assert svc.sites.state == "partial"


def test_resolving_from_the_outage_page_answers_the_linked_tickets(client, desk, svc, mailoutbox):
    with at(START):
        outage = declare(desk, svc)
        ticket = desk.open(subject="Site en panne", product=desk.product)
        services.link_ticket(outage, ticket=ticket, by=desk.l1)
    client.force_login(desk.l1)
    page = client.get(f"/desk/outages/{outage.pk}/").content.decode()
    assert 'data-testid="linked-ticket"' in page
    assert ticket.reference in page
    assert 'name="answer_tickets" checked' in page or "checked" in page.split('name="answer_tickets"')[1][:80]
    with at(START + timedelta(hours=1)):
        response = client.post(
            f"/desk/outages/{outage.pk}/resolve/",
            {"message": "Vos sites sont de nouveau accessibles.", "answer_tickets": "on"},
        )
        outbox.deliver_due()
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert any(
        "Vos sites sont de nouveau accessibles." in m.body and m.to == [desk.requester.email]
        for m in mailoutbox
    )
    assert svc.sites.__class__.objects.get(pk=svc.sites.pk).state == "operational"


def test_the_outage_page_keeps_a_place_for_the_notices(client, desk, svc, settings):
    with at(START):
        outage = declare(desk, svc)
    client.force_login(desk.l1)
    response = client.get(f"/desk/outages/{outage.pk}/")
    assert "outages/_notices_slot.html" in [t.name for t in response.templates]


def test_the_ticket_page_suggests_the_outage_of_its_product_and_links_it(client, desk, svc):
    with at(START):
        outage = declare(desk, svc)
        other = declare(desk, svc, title="GestPro lent", services=[svc.gestpro])
        ticket = desk.open(subject="Mon site ne s'affiche plus", product=desk.product)
    client.force_login(desk.l1)
    html = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="suggested-outage"' in html
    assert "Sites inaccessibles" in html
    assert f'<option value="{other.pk}">GestPro lent</option>' in html

    response = client.post(f"/desk/outages/tickets/{ticket.number}/link/", {"outage": outage.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    assert list(outage.tickets.all()) == [ticket]
    html = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="linked-outage"' in html
    assert 'data-testid="suggested-outage"' not in html

    client.post(f"/desk/outages/tickets/{ticket.number}/unlink/{outage.pk}/")
    assert not outage.tickets.exists()


def test_an_agent_cannot_link_a_ticket_they_do_not_see(client, desk, svc):
    with at(START):
        outage = declare(desk, svc)
        theirs = desk.open(requester=desk.neighbour, product=desk.other_product)
    client.force_login(desk.l1)
    assert (
        client.post(f"/desk/outages/tickets/{theirs.number}/link/", {"outage": outage.pk}).status_code == 404
    )
    assert not outage.tickets.exists()


@pytest.mark.parametrize("persona", ["supervisor", "l1"])
def test_the_desk_ticket_page_costs_no_query_more_during_an_outage(
    client, desk, svc, django_assert_num_queries, persona
):
    with at(START):
        outage = declare(desk, svc)
        ticket = desk.open(product=desk.product)
        services.link_ticket(outage, ticket=ticket, by=desk.l1)
    client.force_login(getattr(desk, persona))
    url = f"/desk/tickets/{ticket.number}/"
    client.get(url)  # warm the process-wide caches
    with django_assert_num_queries(QUERIES["desk ticket", persona]):
        response = client.get(url)
    assert b'data-testid="linked-outage"' in response.content


def test_a_requester_opening_a_request_during_an_outage_is_told(client, desk, svc, django_assert_num_queries):
    client.force_login(desk.requester)
    client.get("/portal/new/")
    with CaptureQueriesContext(connection) as quiet:
        client.get("/portal/new/")
    without_outage = len(quiet.captured_queries)  # now: the next request empties the log
    with at(START):
        declare(desk, svc, expected_end_at=START + timedelta(hours=2))
        declare(desk, svc, title="Sauvegardes en retard", services=[svc.internal])
    client.get("/portal/new/")
    with django_assert_num_queries(without_outage):
        page = client.get("/portal/new/")
    html = page.content.decode()
    assert html.count('data-testid="known-outage"') == 1  # not the internal service's
    assert "Sites associés WordPress" in html
    assert "12 mars 2026 09:40" in html
    assert "/status/outages/" in html
