"""Procedure 000 in a real browser (Debian's Chromium): « une fois connecté au back office de
votre site, cliquez sur le point d'interrogation ». The parish's WordPress back office is a
page of another origin than Comptoir (a small HTTP server on 127.0.0.1; Comptoir's live
server is on localhost), with the script tag and the identity its server signed. The
requester clicks "?", checks the guide, writes her request in the panel and sees its number;
the ticket is hers, of her organisation, channel "widget", with the back office page it came
from. The same tag pasted on a site that is not allowed shows no panel.

Screenshots in test-artifacts/e2e/.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import expect

from comptoir.core.clock import now
from comptoir.kb import services as kb
from comptoir.kb.models import Article, Category
from comptoir.requestforms import services as requestforms
from comptoir.requestforms.models import RequestField, RequestForm
from comptoir.tickets.models import Ticket
from comptoir.widget.identity import sign
from comptoir.widget.models import Site
from tests.servers import free_port

# The live server reads committed rows (see test_ticket_journey.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BACK_OFFICE = "/wp-admin/post.php?post=12&action=edit"
BUTTON_LABEL = "Help: search the guide or contact the support team"


class HostSite:
    """A customer's site: serves one HTML page at any address, on its own origin."""

    def __init__(self) -> None:
        self.page = "<!doctype html><p>Empty</p>"
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = host.page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def back_office(self, script_src: str, identity: str) -> None:
        self.page = (
            '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Tableau de bord</title>'
            "<style>button { font-size: 40px; color: red; }</style></head>"
            "<body><h1>Tableau de bord · Paroisse Saint-Seurin</h1><p>Modifier l'article</p>"
            f'<script src="{html.escape(script_src)}" data-identity="{html.escape(identity)}" async></script>'
            "</body></html>"
        )


@pytest.fixture
def host_sites() -> Iterator[Callable[[], HostSite]]:
    started: list[HostSite] = []

    def make() -> HostSite:
        site = HostSite()
        site.thread.start()
        started.append(site)
        return site

    yield make
    for site in started:
        site.server.shutdown()
        site.server.server_close()


def identity_for(site: Site, email: str, name: str) -> str:
    return sign(
        {"email": email, "name": name, "exp": int((now() + timedelta(hours=1)).timestamp())}, site.secret
    )


def test_the_requester_opens_a_ticket_from_the_question_mark_of_her_back_office(
    desk, live_server, host_sites, new_context: Callable[..., Any], artifacts: Path, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    category = Category.objects.create(slug="mailpoet", name_fr="Lettre d'information (Mailpoet)")
    kb.save_article(
        Article(
            slug="importer-contacts",
            category=category,
            status=Article.Status.PUBLISHED,
            visibility=Article.Visibility.PUBLIC,
            title_fr="Importer ses contacts dans Mailpoet",
            body_fr="Menu Mailpoet, puis Abonnés, puis Importer : choisissez le fichier CSV.",
        )
    )
    # The incident form of the WordPress sites asks for the page concerned (procedure 002).
    incident_form = RequestForm.objects.create(product=desk.product, type="incident")
    RequestField.objects.create(
        form=incident_form, key="page_url", kind="url", label_fr="Adresse de la page", required=True
    )
    requestforms.reset()
    parish_site = host_sites()
    assert not live_server.url.startswith(parish_site.origin)  # two origins: cross-site for the browser
    site = Site.objects.create(
        name="Site de la paroisse",
        organisation=desk.parish,
        product=desk.product,
        allowed_origins=parish_site.origin,
    )
    parish_site.back_office(
        f"{live_server.url}/widget/{site.key}.js",
        identity_for(site, desk.requester.email, desk.requester.get_full_name()),
    )

    page = new_context().new_page()
    page.goto(parish_site.origin + BACK_OFFICE)
    button = page.locator("[data-comptoir-widget] button.button")
    with translation.override("fr"):
        expect(button).to_have_attribute("aria-label", translation.gettext(BUTTON_LABEL))
    expect(button).to_have_attribute("aria-expanded", "false")
    page.screenshot(path=artifacts / "widget-button.png")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")

    panel = page.frame_locator("[data-comptoir-widget] iframe")
    expect(panel.get_by_test_id("widget-signed-as")).to_contain_text(desk.requester.email)
    # The guide first (procedure 000).
    panel.get_by_test_id("widget-search").fill("importer contacts")
    expect(panel.get_by_test_id("widget-hit")).to_have_attribute("data-article", "importer-contacts")

    form = panel.get_by_test_id("widget-ticket-form")
    expect(form.locator("#id_product")).to_have_value(str(desk.product.pk))
    form.locator("#id_type").select_option("incident")
    # Asked for by the form, given already: the back office page the "?" was clicked on.
    expect(form.locator("#id_detail_page_url")).to_have_value(parish_site.origin + BACK_OFFICE)
    form.locator("#id_subject").fill("Le formulaire d'inscription a disparu")
    form.locator("#id_body").fill("Sur la page Inscriptions, le formulaire ne s'affiche plus depuis hier.")
    page.screenshot(path=artifacts / "widget-panel.png")
    form.locator("button[type=submit]").click()

    registered = panel.get_by_test_id("widget-registered")
    expect(registered).to_be_visible()
    ticket = Ticket.objects.get()
    expect(registered).to_contain_text(f"#{ticket.number}")
    page.screenshot(path=artifacts / "widget-registered.png")
    assert (ticket.channel, ticket.type) == ("widget", "incident")
    assert ticket.requester == desk.requester
    assert ticket.organisation == desk.parish
    assert ticket.details["page_url"] == parish_site.origin + BACK_OFFICE
    assert "Chrome" in ticket.details["browser"]

    # Escape closes the panel and gives the focus back to the button.
    panel.locator("body").press("Escape")
    expect(page.locator("[data-comptoir-widget] .panel")).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")


def test_the_same_tag_on_a_site_that_is_not_allowed_shows_no_panel(
    desk, live_server, host_sites, new_context: Callable[..., Any], artifacts: Path
) -> None:
    parish_site, elsewhere = host_sites(), host_sites()
    site = Site.objects.create(
        name="Site de la paroisse", organisation=desk.parish, allowed_origins=parish_site.origin
    )
    elsewhere.back_office(
        f"{live_server.url}/widget/{site.key}.js",
        identity_for(site, desk.requester.email, desk.requester.get_full_name()),
    )

    page = new_context().new_page()
    started: list[str] = []
    page.on("request", lambda r: started.append(r.url) if "/start/" in r.url else None)
    page.goto(elsewhere.origin + BACK_OFFICE)
    with page.expect_response(lambda r: "/panel/" in r.url) as panel_response:
        page.locator("[data-comptoir-widget] button.button").click()
    policy = panel_response.value.headers["content-security-policy"]
    assert f"frame-ancestors {parish_site.origin};" in policy
    page.wait_for_timeout(1500)  # what the panel would need to start, were it allowed
    page.screenshot(path=artifacts / "widget-refused.png")
    expect(page.frame_locator("[data-comptoir-widget] iframe").get_by_test_id("widget-panel")).to_have_count(
        0
    )
    assert started == []  # the identity never left the page
    assert not Ticket.objects.exists()
