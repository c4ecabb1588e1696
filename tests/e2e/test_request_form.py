"""The new-request form asks the right questions (procedure 002: « plus votre demande est
complète, meilleure sera notre réponse »), in a real browser.

A requester of the parish reports an incident on the WordPress sites: as soon as she
chooses the product and the type, the form shows its guidance and asks for the page and the
browser (already filled in); she cannot send it without the page; once given, the ticket
keeps both and shows them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from comptoir.requestforms import presets
from comptoir.tickets.models import Ticket

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from tests.conftest import Desk

LogIn = Callable[[Page, "User"], None]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_incident_on_a_site_asks_for_the_page_and_the_browser(desk: Desk, page: Page, log_in: LogIn):
    presets.procedure_002(desk.product)
    log_in(page, desk.requester)

    page.goto("/portal/new/")
    page.fill("#id_subject", "Le formulaire d'inscription a disparu")
    expect(page.locator("#id_detail_page_url")).to_have_count(0)
    page.select_option("#id_product", str(desk.product.pk))
    page.select_option("#id_type", "incident")

    details = page.get_by_test_id("request-details")
    expect(details.get_by_test_id("request-guidance")).to_contain_text("Un seul sujet par demande")
    expect(details.get_by_label(re.compile("Adresse de la page concernée"))).to_be_visible()
    # Headless Chromium says it is Chrome: the browser is filled in already.
    expect(page.locator("#id_detail_browser")).to_have_value("Chrome")
    page.fill("#id_body", "Il n'apparaît plus depuis ce matin sur la page d'accueil.")
    page.get_by_role("button", name="Envoyer ma demande").click()

    expect(page.locator("#id_detail_page_url")).to_have_class(re.compile("is-invalid"))
    assert not Ticket.objects.exists()

    page.fill("#id_detail_page_url", "www.paroisse-exemple.fr/inscription")
    page.get_by_role("button", name="Envoyer ma demande").click()

    expect(page.get_by_test_id("ticket-number")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.type == "incident"
    assert ticket.details == {"page_url": "https://www.paroisse-exemple.fr/inscription", "browser": "Chrome"}
    expect(page.get_by_test_id("detail").first).to_have_text("https://www.paroisse-exemple.fr/inscription")
