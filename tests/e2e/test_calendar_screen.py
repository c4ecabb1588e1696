"""An administrator builds procedure 003's hotline calendar (9:00-12:00 and 14:00-17:30,
Monday to Friday, France's public holidays) through the calendar screen only, reads the
preview's due time, then closes on 24 December and sees the due time move. Screenshots at
1280x800 and 390x844 in test-artifacts/e2e/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect

from comptoir.calendars import BusinessCalendar
from comptoir.calendars import services as calendar_services
from comptoir.calendars.models import Calendar
from comptoir.desk import calendar_views
from comptoir.dispatch.presets import HOTLINE_HOURS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WEDNESDAY_5PM = datetime(2026, 12, 23, 16, 0, tzinfo=UTC)  # 17:00 in Paris, the hotline closes at 17:30


def test_the_hotline_calendar_built_on_the_screen_and_a_closure_moves_the_due_time(
    desk, live_server, monkeypatch, new_context: Callable[..., Any], log_in: Any, artifacts: Path
) -> None:
    # The screen's "now" only: signing in and the rest of the site keep the real time.
    frozen = SimpleNamespace(now=lambda: WEDNESDAY_5PM)
    monkeypatch.setattr(calendar_services, "clock", frozen)
    monkeypatch.setattr(calendar_views, "clock", frozen)
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(page, desk.admin)
    page.goto("/desk/settings/calendars/")
    page.get_by_test_id("calendar-new").click()
    page.get_by_label("Nom").fill("Hotline — 9h-12h / 14h-17h30")
    expect(page.get_by_label("Fuseau horaire")).to_have_value("Europe/Paris")
    for day, label in (
        ("mon", "lundi"),
        ("tue", "mardi"),
        ("wed", "mercredi"),
        ("thu", "jeudi"),
        ("fri", "vendredi"),
    ):
        page.locator(f"#id_week-{day}-0-start").fill("09:00")
        page.locator(f"#id_week-{day}-0-end").fill("12:00")
        page.get_by_label(f"{label.capitalize()}, plage 2 : ouvre à").fill("14:00")
        page.get_by_label(f"{label.capitalize()}, plage 2 : ferme à").fill("17:30")
    page.get_by_label("Pays").select_option(label="France")
    expect(page.get_by_test_id("holiday-list")).to_contain_text("Noël", use_inner_text=False)
    due = page.get_by_test_id("preview-due-at")
    expect(due.first).to_have_text("jeudi 24 décembre 2026, 09:30")
    page.screenshot(path=artifacts / "calendar-new-1280.png", full_page=True)
    page.get_by_test_id("calendar-save").click()
    expect(page.locator(".alert-success")).to_be_visible()

    calendar = Calendar.objects.get()
    assert calendar.spec == BusinessCalendar.from_spec(HOTLINE_HOURS).to_spec()

    page.locator("#id_closure-0").fill("2026-12-24")
    expect(due.first).to_have_text("lundi 28 décembre 2026, 09:30")  # 25 December is Christmas
    page.get_by_test_id("calendar-save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    calendar.refresh_from_db()
    assert calendar.spec["closures"] == ["2026-12-24"]
    expect(due.first).to_have_text("lundi 28 décembre 2026, 09:30")
    page.screenshot(path=artifacts / "calendar-edit-1280.png", full_page=True)

    # More rows than the page offers, with their own labels (progressive enhancement).
    page.get_by_test_id("add-span-week-sat").click()
    page.get_by_label("Samedi, plage 4 : ouvre à").fill("10:00")
    page.get_by_label("Samedi, plage 4 : ferme à").fill("11:00")
    page.get_by_test_id("add-closure").click()
    page.get_by_label("Fermeture 5").fill("2026-12-31")
    page.get_by_test_id("calendar-save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    calendar.refresh_from_db()
    assert calendar.spec["week"]["sat"] == ["10:00-11:00"]
    assert calendar.spec["closures"] == ["2026-12-24", "2026-12-31"]

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts / "calendar-edit-390.png", full_page=True)
    page.goto("/desk/settings/calendars/")
    expect(page.get_by_test_id("calendar-row")).to_have_count(1)
    page.screenshot(path=artifacts / "calendars-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=artifacts / "calendars-1280.png", full_page=True)
