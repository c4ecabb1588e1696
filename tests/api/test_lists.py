"""Lists are bounded pages walked with a cursor, and cost the same queries for 3 tickets
as for 40 (as the desk's pages do: tests/desk/test_query_counts.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from comptoir.tickets import services
from tests.desk.test_query_counts import grow_conversation, open_busy_tickets

# Authentication (the token and its user, in one query), for an agent his groups, then
# the one page of tickets with their requester, organisation, group, assignee, product
# and component joined.
# The token (with its user), then the page (with its requester and assignee; the
# organisations, groups, products and components are named from memory); an agent's list
# also reads their groups.
PAGE = 1
QUERIES = {"supervisor": 1 + PAGE, "l1": 1 + 1 + PAGE, "requester": 1 + PAGE, "site_owner": 1 + PAGE}
# With the web session: the session and the user instead of the token.
SESSION_QUERIES = {"supervisor": 2 + PAGE, "l1": 2 + 1 + PAGE, "requester": 2 + PAGE}


def walk(api, **params):  # type: ignore[no-untyped-def]
    numbers, cursor, pages = [], None, 0
    while True:
        response = api.get("/api/v1/tickets", **params, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200
        data = response.json()
        numbers += [t["number"] for t in data["items"]]
        pages += 1
        cursor = data["next_cursor"]
        if cursor is None:
            return numbers, pages


def test_the_cursor_walks_every_ticket_once_in_order(desk, api_as):
    made = [desk.open(subject=f"Demande {i}") for i in range(7)]
    # Two tickets updated at the same instant still come once each (the cursor holds the id).
    services.take(made[2], by=desk.l1, at=made[6].updated_at)
    api = api_as(desk.supervisor)

    newest_first, pages = walk(api, limit=3)
    assert pages == 3
    assert sorted(newest_first) == sorted(t.number for t in made)
    assert len(set(newest_first)) == 7

    oldest_first, _ = walk(api, limit=2, order="updated")
    assert oldest_first == list(reversed(newest_first))


@pytest.mark.parametrize("limit", [0, 101, 1000000])
def test_a_page_is_at_most_100_rows(desk, api_as, limit):
    response = api_as(desk.supervisor).get("/api/v1/tickets", limit=limit)
    assert response.status_code == 422


def test_a_forged_cursor_is_refused(desk, api_as):
    api = api_as(desk.supervisor)
    for cursor in ("n'importe-quoi", "WzFd", "eyJhIjoxfQ"):
        response = api.get("/api/v1/tickets", cursor=cursor)
        assert response.status_code == 400
        assert response.json()["code"] == "bad_cursor"


def test_the_other_lists_are_bounded_too(desk, api_as):
    api = api_as(desk.supervisor)
    for path in ("/api/v1/users", "/api/v1/organisations", "/api/v1/products"):
        assert api.get(path, limit=101).status_code == 422
        first = api.get(path, limit=1).json()
        assert len(first["items"]) == 1
        assert first["next_cursor"]
        second = api.get(path, limit=1, cursor=first["next_cursor"]).json()
        assert second["items"][0]["id"] > first["items"][0]["id"]


def count(client_get, django_assert_num_queries, expected):  # type: ignore[no-untyped-def]
    client_get()  # warm the process-wide caches and record the token's use
    with django_assert_num_queries(expected):
        response = client_get()
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("persona", list(QUERIES))
def test_the_ticket_list_runs_the_same_queries_for_3_tickets_as_for_40(
    desk, api_as, django_assert_num_queries, persona
):
    api = api_as(getattr(desk, persona))
    open_busy_tickets(desk, 3)
    small = count(lambda: api.get("/api/v1/tickets"), django_assert_num_queries, QUERIES[persona])
    # Every third ticket is the site owner's: the requester sees the others.
    assert len(small["items"]) == (2 if persona == "requester" else 3)

    open_busy_tickets(desk, 37)
    large = count(lambda: api.get("/api/v1/tickets", limit=100), django_assert_num_queries, QUERIES[persona])
    assert len(large["items"]) == (26 if persona == "requester" else 40)


@pytest.mark.parametrize("persona", list(SESSION_QUERIES))
def test_the_ticket_list_with_the_web_session_is_constant_too(desk, django_assert_num_queries, persona):
    browser = Client()
    browser.force_login(getattr(desk, persona))
    open_busy_tickets(desk, 3)
    count(lambda: browser.get("/api/v1/tickets"), django_assert_num_queries, SESSION_QUERIES[persona])
    open_busy_tickets(desk, 37)
    count(lambda: browser.get("/api/v1/tickets"), django_assert_num_queries, SESSION_QUERIES[persona])


def test_a_ticket_read_is_constant_too(desk, api_as, django_assert_num_queries):
    ticket = desk.open(product=desk.product)
    api = api_as(desk.l1)
    # token, groups; ticket, messages, their files, events, SLA clocks
    expected = 1 + 1 + 5
    count(lambda: api.get(f"/api/v1/tickets/{ticket.number}"), django_assert_num_queries, expected)
    grow_conversation(desk, ticket)
    data = count(lambda: api.get(f"/api/v1/tickets/{ticket.number}"), django_assert_num_queries, expected)
    assert len(data["messages"]) == 15


def test_a_product_newer_than_the_names_in_memory_is_named_too(desk, api_as):
    """The small tables are kept in memory; a ticket about a product created since is named
    all the same (read at once), and a rename shows once the memory is refreshed."""
    from comptoir.catalog.models import Product
    from comptoir.core.cache import forget_all

    api = api_as(desk.supervisor)
    desk.open(subject="Avant", product=desk.product)
    api.get("/api/v1/tickets")  # the names are now in memory
    newer = Product.objects.create(name="Agenda paroissial", default_group=desk.group_l1)
    desk.open(subject="Après", product=newer)

    items = api.get("/api/v1/tickets").json()["items"]
    assert [(i["subject"], i["product"]["name"]) for i in items] == [
        ("Après", "Agenda paroissial"),
        ("Avant", desk.product.name),
    ]
    assert items[0]["group"]["tier"] == desk.group_l1.tier

    Product.objects.filter(pk=newer.pk).update(name="Agenda de la paroisse")
    forget_all()  # what the next load, at most 30 seconds later, reads
    assert api.get("/api/v1/tickets").json()["items"][0]["product"]["name"] == "Agenda de la paroisse"
