"""Procedure 004 in a real browser (Debian's Chromium): an agent declares an outage in the
desk's one form; anyone, without signing in, sees it on the status page, in French and in
English. Screenshots land in test-artifacts/e2e/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

from comptoir.outages.models import Outage, Service

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from tests.conftest import Desk

LogIn = Callable[[Page, "User"], None]

# The live server reads committed rows (see test_ticket_journey.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Coffre-fort numérique inaccessible"
MESSAGE = "Le coffre-fort numérique ne répond plus depuis 9 h 40. L'hébergeur est prévenu."


def test_an_outage_declared_in_the_desk_shows_on_the_status_page(
    desk: Desk, new_context: Callable[..., Any], log_in: LogIn, artifacts: Path
) -> None:
    sites = Service.objects.create(name="Sites associés WordPress", product=desk.product, position=1)
    Service.objects.create(name="GestPro", product=desk.other_product, position=2)

    # An agent declares the outage in one form.
    agent = new_context().new_page()
    log_in(agent, desk.l1)
    agent.get_by_role("navigation").locator('a[href="/desk/outages/"]').click()
    agent.get_by_test_id("declare").click()
    form = agent.get_by_test_id("declare-form")
    form.locator("#id_title").fill(TITLE)
    form.get_by_label(sites.name).check()
    form.locator("#id_kind").select_option("hosting")
    form.locator("#id_impact").select_option("major")
    form.locator("#id_expected_end_at").fill("2031-03-12T12:00")
    form.locator("#id_message").fill(MESSAGE)
    with agent.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator("button[type=submit]").click()
    assert posted.value.status == 302
    outage = Outage.objects.get()
    expect(agent).to_have_url(re.compile(rf"/desk/outages/{outage.pk}/$"))
    expect(agent.get_by_test_id("outage-title")).to_contain_text(TITLE)
    agent.screenshot(path=artifacts / "outage-desk.png", full_page=True)

    # Anyone, signed out, in French.
    visitor = new_context().new_page()
    visitor.goto("/status/")
    expect(visitor.locator("html")).to_have_attribute("lang", "fr")
    expect(visitor.get_by_test_id("overall")).to_have_attribute("data-state", "major")
    services = visitor.get_by_test_id("service")
    expect(services).to_have_count(2)
    expect(services.first).to_have_attribute("data-state", "major")
    expect(services.last).to_have_attribute("data-state", "operational")
    shown = visitor.get_by_test_id("outage")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text(TITLE)
    expect(shown).to_contain_text(sites.name)
    expect(shown).to_contain_text("12 mars 2031 12:00")
    expect(shown.get_by_test_id("outage-update")).to_contain_text(MESSAGE)
    visitor.screenshot(path=artifacts / "status-page-fr.png", full_page=True)

    # The same page in English.
    english = new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"}).new_page()
    english.goto("/status/")
    expect(english.locator("html")).to_have_attribute("lang", "en")
    expect(english.get_by_test_id("outage")).to_contain_text("Hosting")
    expect(english.get_by_test_id("outage")).to_contain_text("March 12, 2031, noon")
    english.screenshot(path=artifacts / "status-page-en.png", full_page=True)
