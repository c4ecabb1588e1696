"""The API follows the pages' rules: a token of one organisation never reads nor changes
another's tickets; a ticket one may not see is "not found", like a number that does not
exist; requesters never get internal notes."""

from __future__ import annotations

import pytest

from comptoir.tickets import services
from comptoir.tickets.models import Message

# Who sees which ticket: the parish requester's (L1 group), the parish site owner's (not
# routed: the triage queue), the customer's neighbour's (another team's product).
SEES = {
    "requester": {"parish"},
    "neighbour": {"customer"},
    "site_owner": {"parish", "owner"},
    "other_admin": {"customer"},
    "l1": {"parish", "owner"},
    "stranger_agent": {"customer", "owner"},
    "supervisor": {"parish", "owner", "customer"},
}


@pytest.fixture
def tickets(desk):
    parish = desk.open(product=desk.product, subject="Paroisse")
    owner = desk.open(requester=desk.site_owner, subject="Propriétaire")
    customer = desk.open(requester=desk.neighbour, product=desk.other_product, subject="Mairie")
    for ticket in (parish, owner, customer):
        services.add_note(ticket, by=desk.supervisor, body="Note interne")
    return {"parish": parish, "owner": owner, "customer": customer}


@pytest.mark.parametrize("persona", list(SEES))
def test_each_persona_reads_exactly_the_tickets_the_pages_show_him(desk, tickets, api_as, persona):
    api = api_as(getattr(desk, persona))
    listed = {t["number"] for t in api.get("/api/v1/tickets").json()["items"]}
    assert listed == {tickets[k].number for k in SEES[persona]}
    for key, ticket in tickets.items():
        expected = 200 if key in SEES[persona] else 404
        assert api.get(f"/api/v1/tickets/{ticket.number}").status_code == expected
        assert api.get(f"/api/v1/tickets/{ticket.number}/sla").status_code == expected
    assert api.get("/api/v1/tickets/99999999").status_code == 404


@pytest.mark.parametrize("persona", list(SEES))
def test_nobody_changes_a_ticket_he_may_not_see(desk, tickets, api_as, persona):
    api = api_as(getattr(desk, persona))
    for key, ticket in tickets.items():
        if key in SEES[persona]:
            continue
        base = f"/api/v1/tickets/{ticket.number}"
        for path, body in [
            ("replies", {"body": "Intrus"}),
            ("notes", {"body": "Intrus"}),
            ("status", {"status": "resolved"}),
            ("take", {}),
            ("assign", {"assignee": None}),
            ("requalify", {"reason": "Intrus", "priority": "urgent"}),
            ("escalate", {"reason": "Intrus"}),
        ]:
            response = api.post(f"{base}/{path}", body)
            assert response.status_code == 404, (path, response.content)
            assert response.json()["code"] == "not_found"
        ticket.refresh_from_db()
        assert ticket.status == "new"
        assert ticket.priority == "normal"
        assert not Message.objects.filter(ticket=ticket, body_text="Intrus").exists()


@pytest.mark.parametrize("persona", ["requester", "site_owner", "neighbour"])
def test_requesters_never_get_internal_notes(desk, tickets, api_as, persona):
    api = api_as(getattr(desk, persona))
    for item in api.get("/api/v1/tickets").json()["items"]:
        data = api.get(f"/api/v1/tickets/{item['number']}").json()
        assert {m["kind"] for m in data["messages"]} == {"public"}
        assert "Note interne" not in str(data)


def test_an_agent_sees_internal_notes(desk, tickets, api_as):
    data = api_as(desk.l1).get(f"/api/v1/tickets/{tickets['parish'].number}").json()
    assert "internal" in {m["kind"] for m in data["messages"]}


def test_a_ticket_outside_ones_sight_costs_the_same_answer_as_a_missing_number(desk, tickets, api_as):
    api = api_as(desk.requester)
    hidden = api.get(f"/api/v1/tickets/{tickets['customer'].number}")
    missing = api.get("/api/v1/tickets/99999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# Users and organisations --------------------------------------------------------------


def ids(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_a_requester_sees_himself_and_his_organisation_only(desk, api_as):
    api = api_as(desk.requester)
    assert ids(api.get("/api/v1/users")) == {desk.requester.pk}
    assert api.get("/api/v1/users/me").json()["organisation"]["id"] == desk.parish.pk
    assert api.get(f"/api/v1/users/{desk.site_owner.pk}").status_code == 404
    assert api.get(f"/api/v1/users/{desk.neighbour.pk}").status_code == 404
    assert ids(api.get("/api/v1/organisations")) == {desk.parish.pk}
    assert api.get(f"/api/v1/organisations/{desk.customer.pk}").status_code == 404


def test_an_organisation_admin_sees_his_organisation_and_its_people(desk, api_as):
    api = api_as(desk.site_owner)
    assert ids(api.get("/api/v1/users")) == {desk.requester.pk, desk.site_owner.pk}
    assert api.get(f"/api/v1/users/{desk.requester.pk}").status_code == 200
    assert api.get(f"/api/v1/users/{desk.neighbour.pk}").status_code == 404
    assert api.get(f"/api/v1/users/{desk.l1.pk}").status_code == 404
    assert ids(api.get("/api/v1/organisations")) == {desk.parish.pk}


def test_the_team_sees_everyone(desk, api_as):
    api = api_as(desk.l1)
    everyone = ids(api.get("/api/v1/users", limit=100))
    assert {desk.requester.pk, desk.neighbour.pk, desk.supervisor.pk} <= everyone
    assert ids(api.get("/api/v1/users", organisation=desk.customer.pk)) == {
        desk.neighbour.pk,
        desk.other_admin.pk,
    }
    assert ids(api.get("/api/v1/users", role="supervisor")) == {desk.supervisor.pk}
    assert ids(api.get("/api/v1/organisations")) == {desk.parish.pk, desk.customer.pk}


def test_products_and_their_components_for_everyone(desk, api_as):
    data = api_as(desk.requester).get("/api/v1/products").json()
    by_name = {p["name"]: p for p in data["items"]}
    assert by_name[desk.product.name]["components"] == [{"id": desk.component.pk, "name": "Mailpoet"}]
    assert by_name[desk.other_product.name]["components"] == []
    assert api_as(desk.requester).get("/api/v1/products/999999").status_code == 404


def test_who_is_on_duty_is_for_the_team(desk, api_as):
    assert api_as(desk.l1).get("/api/v1/duty").status_code == 200
    assert api_as(desk.requester).get("/api/v1/duty").status_code == 401
