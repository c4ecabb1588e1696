"""The French dashboard in a real browser (Debian's Chromium, driven by Playwright): a
supervisor reads April and May 2026, clicks the bar of the week of 20 April and lands on
exactly the two tickets it counts. Screenshots in test-artifacts/e2e/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.reports.conftest import History, known_history  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_supervisor_reads_the_french_dashboard_and_drills_into_a_bar(
    known_history: History,  # noqa: F811 (the fixture imported above)
    new_context: Callable[..., Any],
    log_in: Callable[[Page, Any], None],
    artifacts: Path,
) -> None:
    h = known_history
    page = new_context().new_page()
    log_in(page, h.desk.supervisor)
    page.goto("/reports/?from=2026-04-01&to=2026-05-31")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_test_id("figure-received")).to_have_text("6")
    expect(page.get_by_test_id("chart-volume").locator("svg")).to_be_visible()
    page.screenshot(path=artifacts / "reports-dashboard-fr.png", full_page=True)

    page.locator('[data-testid="volume-received-2026-04-20"] rect').click()
    expect(page).to_have_url(re.compile(r"/reports/tickets/\?"))
    expect(page.get_by_test_id("drill-count")).to_have_text("2")
    rows = page.get_by_test_id("drill-rows").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id(f"drill-ticket-{h.t1.number}")).to_be_visible()
    expect(page.get_by_test_id(f"drill-ticket-{h.t3.number}")).to_be_visible()
    page.screenshot(path=artifacts / "reports-drill-down-fr.png", full_page=True)

    # Printable: the filters and the menu are left out, the charts stay.
    page.goto("/reports/?from=2026-04-01&to=2026-05-31")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("report-filters")).to_be_hidden()
    expect(page.get_by_test_id("chart-sla").locator("svg")).to_be_visible()
