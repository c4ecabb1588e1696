"""The public status page, its Atom feed and its JSON document: no sign-in, French or
English, only the services it lists, the last 90 days, a constant number of queries."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest

from comptoir.outages import services
from comptoir.outages.models import Outage
from tests.outages.conftest import at, paris

START = paris(2026, 3, 12, 9, 40)
ATOM = "{http://www.w3.org/2005/Atom}"


def declare(desk, svc, title="Coffre-fort inaccessible", **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("services", [svc.sites])
    kwargs.setdefault("kind", Outage.Kind.HOSTING)
    return services.declare(by=desk.l1, title=title, message=f"{title} : nous cherchons.", **kwargs)


@pytest.fixture
def history(desk, svc):  # type: ignore[no-untyped-def]
    """An outage under way, one resolved last month, one resolved four months ago, and one
    of an internal service."""
    with at(START - timedelta(days=120)):
        old = declare(desk, svc, title="Panne ancienne")
        services.resolve(old, by=desk.l1, message="Fini.")
    with at(START - timedelta(days=30)):
        last_month = declare(desk, svc, title="Lenteurs GestPro", services=[svc.gestpro], impact="degraded")
    with at(START - timedelta(days=30) + timedelta(hours=1)):
        services.resolve(last_month, by=desk.l1, message="Rétabli.")
    with at(START - timedelta(minutes=5)):
        internal = declare(desk, svc, title="Sauvegardes en retard", services=[svc.internal])
    with at(START):
        now = declare(
            desk,
            svc,
            title="Coffre-fort inaccessible",
            services=[svc.sites, svc.internal],
            expected_end_at=START + timedelta(hours=2),
        )
    with at(START + timedelta(minutes=20)):
        services.update(now, by=desk.l2, message="L'hébergeur redémarre le serveur.")
    return {"old": old, "last_month": last_month, "internal": internal, "now": now}


def test_anyone_sees_the_state_of_each_service_and_the_outage_under_way(client, desk, svc, history):
    with at(START + timedelta(hours=1)):
        page = client.get("/status/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="overall" data-state="major"' in html
    assert html.count('data-testid="service"') == 2  # the internal service is not listed
    assert "Sauvegardes" not in html
    assert "Coffre-fort inaccessible" in html
    assert "L&#x27;hébergeur redémarre le serveur." in html
    assert "March 12, 2026, 11:40 a.m." in html  # expected end
    assert "Lenteurs GestPro" in html  # last month
    assert "Panne ancienne" not in html  # older than 90 days


def test_the_page_speaks_french_by_default(client, desk, svc, history):
    page = client.get("/status/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.content.decode()
    assert "12 mars 2026 09:40" in page.content.decode()


def test_all_operational_when_nothing_is_under_way(client, desk, svc):
    page = client.get("/status/")
    assert b'data-state="operational"' in page.content
    assert b'data-testid="no-outage"' in page.content


def test_the_json_document(client, desk, svc, history):
    with at(START + timedelta(hours=1)):
        response = client.get("/status/status.json")
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    doc = json.loads(response.content)
    assert doc["status"] == "major"
    assert [(s["name"], s["state"]) for s in doc["services"]] == [
        ("Sites associés WordPress", "major"),
        ("GestPro", "operational"),
    ]
    (ongoing,) = doc["ongoing"]
    assert ongoing["title"] == "Coffre-fort inaccessible"
    assert ongoing["services"] == ["Sites associés WordPress"]  # not the internal one
    assert (ongoing["kind"], ongoing["impact"], ongoing["resolved_at"]) == ("hosting", "major", None)
    assert ongoing["started_at"] == "2026-03-12T08:40:00Z"
    assert ongoing["expected_end_at"] == "2026-03-12T10:40:00Z"
    assert [u["kind"] for u in ongoing["updates"]] == ["update", "declared"]  # newest first
    assert ongoing["url"].endswith(f"/status/outages/{history['now'].pk}/")
    assert [o["title"] for o in doc["recent"]] == ["Lenteurs GestPro"]
    assert doc["recent"][0]["resolved_at"] == "2026-02-10T09:40:00Z"


def test_the_atom_feed_lists_the_public_updates(client, desk, svc, history):
    with at(START + timedelta(hours=1)):
        response = client.get("/status/feed.atom", headers={"Accept-Language": "en"})
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == [
        "Update: Coffre-fort inaccessible",
        "Outage: Coffre-fort inaccessible",
        "Resolved: Lenteurs GestPro",
        "Outage: Lenteurs GestPro",
    ]
    first = next(feed.iter(f"{ATOM}entry"))
    assert first.find(f"{ATOM}link").get("href").endswith(f"/status/outages/{history['now'].pk}/")


def test_an_outage_of_internal_services_only_is_not_found(client, desk, svc, history):
    assert client.get(f"/status/outages/{history['internal'].pk}/").status_code == 404
    assert client.get(f"/status/outages/{history['now'].pk}/").status_code == 200


def test_the_status_page_runs_the_same_queries_for_2_outages_as_for_20(
    client, desk, svc, django_assert_num_queries
):
    # services; outages under way, their services and updates; the last 90 days, theirs
    expected = 1 + 3 + 3
    with at(START - timedelta(days=1)):
        services.resolve(declare(desk, svc, title="Hier"), by=desk.l1, message="Fini.")
    with at(START):
        declare(desk, svc)
    later = START + timedelta(hours=1)
    with at(later):
        client.get("/status/")
    with at(later), django_assert_num_queries(expected):
        assert client.get("/status/").status_code == 200
    with at(START - timedelta(days=10)):
        for i in range(10):
            o = declare(desk, svc, title=f"Panne {i}", services=[svc.sites, svc.gestpro])
            services.update(o, by=desk.l1, message="En cours.")
            services.resolve(o, by=desk.l1, message="Fini.")
    with at(START):
        for i in range(9):
            declare(desk, svc, title=f"Autre {i}", services=[svc.gestpro])
    with at(later), django_assert_num_queries(expected):
        page = client.get("/status/")
    assert page.content.count(b'data-testid="outage"') == 10
    with at(later), django_assert_num_queries(expected):
        assert client.get("/status/status.json").status_code == 200
