"""Who is on duty now and next, for agents (a page), for programs (the API) and for
requesters (the hotline's and the emergency line's hours on the portal)."""

from __future__ import annotations

import pytest
from django.utils import translation

from comptoir.dispatch import catalogue
from comptoir.dispatch.models import RotaOverride
from tests.dispatch.conftest import at, paris


def test_agents_see_who_is_on_duty_and_on_call_now_and_next(desk, rotas, client):
    client.force_login(desk.l1)
    with at(paris(2026, 1, 14, 10, 0)), translation.override("en"):
        page = client.get("/desk/duty/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.content.decode()
    on_duty = html.split('data-testid="duty-on_duty"')[1].split("</section>")[0]
    emergency = html.split('data-testid="duty-emergency"')[1].split("</section>")[0]
    # Marc's week on duty, Sophie's next; on call: Sophie this week, Léa next.
    assert desk.l2.display_name in on_duty.split('data-testid="duty-next"')[0]
    assert desk.l3.display_name in on_duty.split('data-testid="duty-next"')[1]
    assert desk.l3.display_name in emergency.split('data-testid="duty-next"')[0]
    assert desk.l1.display_name in emergency.split('data-testid="duty-next"')[1]
    assert "01 99 00 83 39" in on_duty
    assert "06 39 98 02 76" in emergency


def test_the_duty_page_is_for_the_team_only(desk, rotas, client):
    client.force_login(desk.requester)
    assert client.get("/desk/duty/").status_code == 403
    assert client.get("/desk/triage/").status_code == 403


def test_the_duty_page_runs_a_constant_number_of_queries(desk, rotas, client, django_assert_num_queries):
    client.force_login(desk.supervisor)
    client.get("/desk/duty/")  # warm the per-process catalogues
    # session, user; the agents on duty now and next
    with django_assert_num_queries(2 + 1):
        assert client.get("/desk/duty/").status_code == 200


def test_the_triage_view_lists_ungrouped_requests_newest_first(desk, rotas, client):
    with at(paris(2026, 1, 14, 9, 0)):
        older = desk.open(subject="Première demande sans équipe")
    with at(paris(2026, 1, 14, 10, 0)):
        newer = desk.open(subject="Seconde demande sans équipe")
        grouped = desk.open(subject="Demande du produit", product=desk.product)
    client.force_login(desk.l2)  # on duty this week
    with at(paris(2026, 1, 14, 11, 0)):
        page = client.get("/desk/triage/")
    html = page.content.decode()
    assert html.index(newer.subject) < html.index(older.subject)
    assert f'href="/desk/tickets/{newer.number}/"' in html
    assert grouped.subject not in html
    assert 'data-testid="triage-duty"' in html


def test_the_desk_navigation_links_to_triage_and_duty(desk, client):
    client.force_login(desk.l1)
    html = client.get("/desk/").content.decode()
    assert 'href="/desk/triage/"' in html
    assert 'href="/desk/duty/"' in html


# API -----------------------------------------------------------------------------------


def test_the_api_answers_who_is_on_duty_now_and_next(desk, rotas, client):
    on_duty, _ = rotas
    # Marc is away on Wednesday afternoon: Sophie covers until 18:00.
    RotaOverride.objects.create(
        rota=on_duty, user=desk.l2, starts_at=paris(2026, 1, 14, 12, 0), ends_at=paris(2026, 1, 14, 18, 0)
    )
    catalogue.reset()
    client.force_login(desk.l1)
    with at(paris(2026, 1, 14, 10, 0)):
        response = client.get("/api/v1/duty")
    assert response.status_code == 200
    by_kind = {r["kind"]: r for r in response.json()}
    duty = by_kind["on_duty"]
    assert duty["name"] == "Permanence support"
    assert duty["now"]["user"]["id"] == desk.l2.pk
    assert duty["now"]["since"] == "2026-01-12T09:00:00+01:00"
    assert duty["now"]["until"] == "2026-01-14T12:00:00+01:00"
    assert duty["next"]["user"]["id"] == desk.l3.pk
    assert duty["next"]["from"] == "2026-01-14T12:00:00+01:00"
    assert by_kind["emergency"]["now"]["user"]["id"] == desk.l3.pk
    assert by_kind["emergency"]["line_open"] is True
    assert by_kind["emergency"]["phone"] == "06 39 98 02 76"


@pytest.mark.parametrize("persona", ["requester", "site_owner", None])
def test_the_api_is_for_the_team_only(desk, rotas, client, persona):
    if persona:
        client.force_login(getattr(desk, persona))
    assert client.get("/api/v1/duty").status_code == 401


def test_the_openapi_schema_describes_the_duty_endpoint(desk, client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/duty" in schema["paths"]


# Portal --------------------------------------------------------------------------------


def test_requesters_see_the_hotline_and_the_emergency_hours(desk, rotas, client):
    client.force_login(desk.requester)
    for url in ("/portal/", "/portal/new/"):
        html = client.get(url, headers={"Accept-Language": "en"}).content.decode()
        assert 'data-testid="support-line-on_duty"' in html
        assert 'data-testid="support-line-emergency"' in html
        assert "01 99 00 83 39" in html
        assert "06 39 98 02 76" in html


def test_the_portal_shows_no_lines_without_rotas(desk, client):
    client.force_login(desk.requester)
    assert 'data-testid="support-lines"' not in client.get("/portal/").content.decode()


@pytest.mark.parametrize(("persona", "expected"), [("supervisor", 2 + 2), ("l2", 2 + 1 + 2)])
def test_the_triage_view_runs_the_same_queries_for_3_tickets_as_for_30(
    desk, rotas, client, django_assert_num_queries, persona, expected
):
    """Session, user; for an agent, his groups; the tickets; the agents on duty now and next."""
    client.force_login(getattr(desk, persona))
    for i in range(3):
        desk.open(subject=f"Demande {i}")
    client.get("/desk/triage/")  # warm the per-process catalogues
    with django_assert_num_queries(expected):
        small = client.get("/desk/triage/")
    for i in range(27):
        desk.open(subject=f"Autre demande {i}", requester=desk.neighbour if i % 2 else desk.requester)
    with django_assert_num_queries(expected):
        large = client.get("/desk/triage/")
    assert small.content.count(b'data-testid="queue-row"') == 3
    assert large.content.count(b'data-testid="queue-row"') == 25  # one bounded page
