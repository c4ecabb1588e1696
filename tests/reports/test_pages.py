"""The report pages, exports and API: supervisors read everything, an organisation admin
reads their own organisation only, anyone else gets "not found"; every figure's link
lands on exactly the tickets it counts."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html import unescape
from urllib.parse import urlencode

import pytest
from django.test import Client

from comptoir.reports import facts
from tests.reports.conftest import FILLED_AT, PERIOD, History, at, paris

QUERY = urlencode(PERIOD)


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def get(client: Client, url: str, status: int = 200):  # type: ignore[no-untyped-def]
    with at(FILLED_AT):
        response = client.get(url)
    assert response.status_code == status, url
    return response


def drill_numbers(client: Client, href: str) -> tuple[int, set[int]]:
    page = get(client, unescape(href)).content.decode()
    count = int(re.search(r'data-testid="drill-count">(\d+)<', page).group(1))
    return count, {int(n) for n in re.findall(r'data-testid="drill-ticket-(\d+)"', page)}


def test_supervisor_dashboard_shows_figures_and_charts_in_french(known_history: History):
    page = get(client_for(known_history.desk.supervisor), f"/reports/?{QUERY}").content.decode()
    assert 'data-testid="figure-received"' in page
    assert re.search(r'data-testid="figure-received"><a [^>]*>6</a>', page)
    for chart in ("volume", "response_times", "sla", "backlog", "satisfaction"):
        assert f'data-testid="chart-{chart}"' in page
    assert "<svg" in page
    assert '<html lang="fr">' in page


def test_a_chart_bar_lands_on_exactly_the_tickets_counted(known_history: History):
    """The week of 20 April: T1 (Monday) and T3 (Friday) received."""
    h = known_history
    supervisor = client_for(h.desk.supervisor)
    page = get(supervisor, f"/reports/?{QUERY}").content.decode()
    href = re.search(r'<a href="([^"]+)" data-testid="volume-received-2026-04-20">', page).group(1)
    assert drill_numbers(supervisor, href) == (2, h.numbers(h.t1, h.t3))
    breached = re.search(r'<a href="([^"]+)" data-testid="sla-acknowledgement-breached">', page).group(1)
    assert drill_numbers(supervisor, breached) == (1, h.numbers(h.t2))


def test_table_cells_link_to_their_tickets(known_history: History):
    h = known_history
    supervisor = client_for(h.desk.supervisor)
    page = get(supervisor, f"/reports/volume/?{QUERY}&by=product").content.decode()
    row = re.search(rf'<tr data-testid="row-{h.desk.product.pk}">(.*?)</tr>', page, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)">(\d+)</a>', row)
    received_href, received = links[0]
    assert received == "5"
    assert drill_numbers(supervisor, received_href) == (5, h.numbers(h.t1, h.t2, h.t3, h.t5, h.t6))


def test_tables_export_as_csv_and_xlsx(known_history: History):
    supervisor = client_for(known_history.desk.supervisor)
    response = get(supervisor, f"/reports/volume/export.csv?{QUERY}&by=month")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(lines[0]) == 4  # the month, received, resolved, closed
    assert [line[1:] for line in lines[1:]] == [["3", "3", "0"], ["3", "1", "0"]]
    xlsx = get(supervisor, f"/reports/response_times/export.xlsx?{QUERY}&by=total")
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    # Row 2: the period, then per duration: count, median, 90th percentile (hours).
    values = dict(re.findall(r'<c r="([A-Z]+)2"[^>]*><v>([^<]+)</v>', sheet))
    assert (values["H"], values["I"], values["J"]) == ("4", "1.25", "2.55")  # first response


@pytest.mark.parametrize("who", ["l1", "requester", "site_owner"])
def test_only_supervisors_read_the_dashboard(known_history: History, who: str):
    client = client_for(getattr(known_history.desk, who))
    get(client, "/reports/", 404)
    get(client, "/reports/volume/", 404)
    get(client, f"/reports/tickets/?{QUERY}&kind=received", 404)
    get(client, "/reports/volume/export.csv", 404)


def test_an_organisation_admin_sees_only_their_organisation(known_history: History):
    """Marie Dupont administers the parish: her page counts the parish's five requests,
    never the town hall's; asking for the town hall's figures still gives the parish's."""
    h = known_history
    marie = client_for(h.desk.site_owner)
    page = get(marie, f"/reports/organisation/?{QUERY}").content.decode()
    assert "Paroisse Saint-Seurin" in page
    assert "Mairie de Villeneuve" not in page
    other = f"/reports/organisation/tickets/?{QUERY}&kind=received&organisation={h.desk.customer.pk}"
    count, numbers = drill_numbers(marie, other)
    assert (count, numbers) == (5, h.numbers(h.t1, h.t2, h.t3, h.t5, h.t6))
    assert h.t4.number not in numbers
    assert f"/portal/tickets/{h.t1.number}/" in get(marie, other).content.decode()
    response = get(
        marie, f"/reports/organisation/volume/export.csv?{QUERY}&by=total&organisation={h.desk.customer.pk}"
    )
    assert [
        line[1:] for line in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    ][1] == [
        "5",
        "4",
        "0",
    ]
    get(marie, "/reports/organisation/urgency/export.csv", 404)
    # The town hall's admin reads one request: T4.
    anne = client_for(h.desk.other_admin)
    assert drill_numbers(anne, f"/reports/organisation/tickets/?{QUERY}&kind=received") == (1, {h.t4.number})
    # Requesters and agents have no such page.
    get(client_for(h.desk.requester), "/reports/organisation/", 404)
    get(client_for(h.desk.l1), "/reports/organisation/", 404)


def test_refresh_now_brings_new_tickets_in(known_history: History):
    h = known_history
    supervisor = client_for(h.desk.supervisor)
    with at(FILLED_AT):
        h.desk.open(subject="Nouvelle demande")
        response = supervisor.post("/reports/refresh/", {"next": f"/reports/?{QUERY}"})
    assert response.status_code == 302
    page = get(supervisor, f"/reports/?{QUERY}").content.decode()
    assert re.search(r'data-testid="figure-received"><a [^>]*>7</a>', page)


def test_api_serves_the_same_measures_with_the_same_filters(known_history: History):
    h = known_history
    supervisor = client_for(h.desk.supervisor)
    response = get(supervisor, f"/api/v1/reports/response_times?{QUERY}&by=total")
    body = response.json()
    cells = {c["key"]: cell for c, cell in zip(body["columns"], body["rows"][0]["cells"], strict=True)}
    assert cells["first_response_median"]["value"] == 1.25
    assert body["source"] == "daily"
    drill = cells["first_response_n"]["drill"]
    entries = get(supervisor, f"/api/v1/reports/entries?{urlencode(drill)}").json()
    assert entries["count"] == 4
    assert {e["number"] for e in entries["items"]} == h.numbers(h.t1, h.t2, h.t3, h.t4)
    filtered = get(
        supervisor, f"/api/v1/reports/volume?{QUERY}&by=total&priority=normal&organisation={h.desk.parish.pk}"
    )
    assert filtered.json()["source"] == "facts"
    # T6 arrived urgent and was downgraded the same day: normal at the end of its day.
    assert [c["value"] for c in filtered.json()["rows"][0]["cells"]] == [5, 4, 0]
    assert get(supervisor, "/api/v1/reports").json()[0]["key"] == "response_times"


def test_api_gives_an_organisation_admin_their_own_figures_only(known_history: History):
    h = known_history
    anne = client_for(h.desk.other_admin)
    body = get(anne, f"/api/v1/reports/volume?{QUERY}&by=total&organisation={h.desk.parish.pk}").json()
    assert [c["value"] for c in body["rows"][0]["cells"]] == [1, 0, 0]
    get(anne, f"/api/v1/reports/urgency?{QUERY}", 404)
    get(client_for(h.desk.requester), f"/api/v1/reports/volume?{QUERY}", 404)
    get(client_for(h.desk.l1), f"/api/v1/reports/volume?{QUERY}", 404)
    get(Client(), f"/api/v1/reports/volume?{QUERY}", 401)


# Session, user; then the page's own reads: the figures (one read of the roll-ups or the
# facts), the backlog and the deflections (dashboard), the names of the rows (agents),
# the filter form's choices (organisations, products, components, groups, agents), and
# when the figures were last brought up to date.
QUERIES = {
    f"/reports/?{QUERY}": 2 + 3 + 5 + 1,
    f"/reports/response_times/?{QUERY}&by=agent": 2 + 1 + 1 + 5 + 1,
    f"/reports/volume/?{QUERY}&by=week&priority=normal&product=1": 2 + 1 + 5 + 1,
    # the count, one page of facts with their tickets
    f"/reports/tickets/?{QUERY}&kind=received": 2 + 2 + 1,
    # five measures (the quota's: allowances, names), the organisation's name
    f"/reports/organisation/?{QUERY}": 2 + 5 + 2 + 1 + 1,
}


def count_queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get(client, url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return len(captured.captured_queries)


def test_pages_read_a_constant_number_of_queries(known_history: History):
    """The same number of queries with six tickets as with twenty more, of other
    organisations, products and agents."""
    h = known_history
    supervisor, marie = client_for(h.desk.supervisor), client_for(h.desk.site_owner)

    def measured() -> dict[str, int]:
        return {
            url: count_queries(
                marie if "organisation/" in url else supervisor,
                url.replace("product=1", f"product={h.desk.product.pk}"),
            )
            for url in QUERIES
        }

    assert measured() == QUERIES
    from comptoir.tickets import services
    from tests.factories import OrganisationFactory, UserFactory

    for i in range(20):
        other = OrganisationFactory(name=f"Association {i}")
        with at(paris(2026, 5, 4, 10, i)):
            ticket = h.desk.open(requester=UserFactory(organisation=other), product=h.desk.other_product)
            services.take(ticket, by=h.desk.stranger_agent)
            services.reply(ticket, by=h.desk.stranger_agent, body="Voici.")
    with at(FILLED_AT):
        facts.refresh()
    assert measured() == QUERIES
