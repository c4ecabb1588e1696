"""Procedure 003: the agent on duty triages the new requests no team took. When a customer,
or a product, has its own on-duty rota, its requests go to that rota's agent on duty, not
to whichever rota comes first by name: the organisation's rota first, then the product's,
then the rota that serves everyone."""

from __future__ import annotations

import pytest
from django.utils import translation

from comptoir.catalog.models import Product
from comptoir.dispatch import catalogue
from comptoir.dispatch.models import Rota
from tests.conftest import Desk
from tests.dispatch.conftest import at, make_rota, paris
from tests.factories import ProductFactory

# Wednesday 14 January 2026: Marc's week on the general rota ("Permanence support").
WEDNESDAY = paris(2026, 1, 14, 10, 0)


@pytest.fixture
def cartography() -> Product:
    """A product with no team of its own: its requests wait in triage."""
    return ProductFactory(name="Cartographie")


def scoped_rota(name: str, members, *, organisations=(), products=()) -> Rota:  # type: ignore[no-untyped-def]
    rota = make_rota(name, members)
    rota.organisations.set(organisations)
    rota.products.set(products)
    catalogue.reset()
    return rota


def triaged(desk: Desk, requester, product=None):  # type: ignore[no-untyped-def]
    with at(WEDNESDAY):
        ticket = desk.open(requester=requester, product=product, subject="Où envoyer ma demande ?")
    assert ticket.group is None
    return ticket


def test_a_triage_request_goes_to_the_rota_of_its_organisation(desk, rotas):
    # "Permanence mairie" comes before "Permanence support" by name.
    scoped_rota("Permanence mairie", [desk.stranger_agent], organisations=[desk.customer])

    parish = triaged(desk, desk.requester)
    mairie = triaged(desk, desk.neighbour)

    assert parish.assignee == desk.l2
    assert mairie.assignee == desk.stranger_agent


def test_the_organisations_rota_wins_over_the_products_which_wins_over_the_general(desk, rotas, cartography):
    scoped_rota("Permanence cartographie", [desk.l3], products=[cartography])
    scoped_rota("Permanence mairie", [desk.stranger_agent], organisations=[desk.customer])

    assert triaged(desk, desk.neighbour, cartography).assignee == desk.stranger_agent
    assert triaged(desk, desk.neighbour).assignee == desk.stranger_agent
    assert triaged(desk, desk.requester, cartography).assignee == desk.l3
    assert triaged(desk, desk.requester).assignee == desk.l2


def test_a_rota_for_an_organisation_and_a_product_serves_only_both(desk, rotas, cartography):
    scoped_rota(
        "Astreinte cartographie mairie",
        [desk.l1],
        organisations=[desk.customer],
        products=[cartography],
    )
    scoped_rota("Permanence mairie", [desk.stranger_agent], organisations=[desk.customer])

    assert triaged(desk, desk.neighbour, cartography).assignee == desk.l1
    assert triaged(desk, desk.neighbour).assignee == desk.stranger_agent
    assert triaged(desk, desk.requester, cartography).assignee == desk.l2


def test_among_rotas_as_specific_the_first_by_name(desk, rotas):
    scoped_rota("Permanence mairie (B)", [desk.l3], organisations=[desk.customer])
    scoped_rota("Permanence mairie (A)", [desk.stranger_agent], organisations=[desk.customer])

    assert triaged(desk, desk.neighbour).assignee == desk.stranger_agent


def test_without_a_general_rota_the_others_wait_in_triage_for_whoever_watches_it(desk, rotas):
    on_duty, _on_call = rotas
    on_duty.organisations.set([desk.parish])
    catalogue.reset()

    assert triaged(desk, desk.requester).assignee == desk.l2
    assert triaged(desk, desk.neighbour).assignee is None


def test_the_most_specific_rota_decides_even_when_it_only_watches(desk, rotas):
    mairie = scoped_rota("Permanence mairie", [desk.stranger_agent], organisations=[desk.customer])
    mairie.triage_action = Rota.TriageAction.NOTHING
    mairie.save(update_fields=["triage_action"])
    catalogue.reset()

    assert triaged(desk, desk.neighbour).assignee is None


def test_the_duty_page_says_whom_each_rota_serves(desk, rotas, client, cartography):
    scoped_rota(
        "Permanence mairie", [desk.stranger_agent], organisations=[desk.customer], products=[cartography]
    )
    client.force_login(desk.l1)

    with at(WEDNESDAY), translation.override("en"):
        html = client.get("/desk/duty/", headers={"Accept-Language": "en"}).content.decode()

    sections = html.split('data-testid="duty-on_duty"')[1:]
    mairie = next(s for s in sections if "Permanence mairie" in s.split("</section>")[0]).split("</section>")[
        0
    ]
    general = next(s for s in sections if "Permanence support" in s.split("</section>")[0]).split(
        "</section>"
    )[0]
    assert "Mairie de Villeneuve" in mairie
    assert "Cartographie" in mairie
    assert 'data-testid="duty-scope"' not in general
    assert desk.stranger_agent.display_name in mairie


def test_the_triage_page_names_the_general_rotas_agent_on_duty(desk, rotas, client):
    scoped_rota("Permanence mairie", [desk.stranger_agent], organisations=[desk.customer])
    client.force_login(desk.l1)

    with at(WEDNESDAY):
        html = client.get("/desk/triage/").content.decode()

    duty = html.split('data-testid="triage-duty"')[1].split("</p>")[0]
    assert desk.l2.display_name in duty
    assert desk.stranger_agent.display_name not in duty
