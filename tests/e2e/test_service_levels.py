"""Procedure 003's four priority targets set through the service levels screen only, in a
real browser, typed as people say them; the simulator then gives the due time of an
Urgent request. Screenshots in test-artifacts/e2e/ at 1280×800 and 390×844."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from comptoir.calendars.models import Calendar
from comptoir.sla.models import SLAPolicy
from tests.sla.test_procedures import spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Procedure 003 says "Elevée"; the priority is labelled "Haute" in Comptoir.
PRIORITIES = [
    ("Urgente", "4 h ouvrées"),
    ("Haute", "16 h ouvrées"),
    ("Normale", "40 h ouvrées"),
    ("Basse", "64 h ouvrées"),
]


def test_an_administrator_sets_procedure_003_targets_and_simulates_an_urgent_request(
    desk, new_context: Callable[..., Any], log_in: Callable[..., None], artifacts: Path
) -> None:
    # The customer's contract counts business hours on the publisher's calendar.
    desk.customer.calendar = Calendar.objects.create(name="Éditeur", spec=spec("09:00-12:00", "14:00-17:30"))
    desk.customer.save()
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(page, desk.admin)
    page.goto("/desk/settings/")
    page.get_by_role("link", name="Niveaux de service").click()
    for label, target in PRIORITIES:
        page.get_by_test_id("new-policy").click()
        page.locator("#id_name").fill(f"Procédure 003 — priorité {label.lower()}")
        page.get_by_test_id("condition-priorities").get_by_label(label, exact=True).check()
        field = page.get_by_test_id("target_resolution")
        field.fill("0 h")
        expect(page.locator("#check-target_resolution")).to_contain_text("zéro")
        field.fill(target)
        expect(page.locator("#check-target_resolution")).to_contain_text(f"Compris : {target}")
        if label == "Urgente":
            page.screenshot(path=artifacts / "service-level-edit-1280.png", full_page=True)
        page.get_by_test_id("save-policy").click()
        expect(page.locator("body")).to_contain_text("enregistré")
    assert [p.priorities for p in SLAPolicy.objects.order_by("position")] == [
        ["urgent"],
        ["high"],
        ["normal"],
        ["low"],
    ]
    expect(page.get_by_test_id("policy")).to_have_count(4)
    expect(page.get_by_test_id("policies")).to_contain_text("64 h ouvrées")

    simulator = page.get_by_test_id("simulator")
    simulator.locator("#id_type").select_option(label="Incident")
    simulator.locator("#id_priority").select_option(label="Urgente")
    simulator.locator("#id_organisation").select_option(label="Mairie de Villeneuve")
    # Monday 7 December 2026, 16:00: 1 h 30 that afternoon, 2 h 30 the next morning.
    simulator.locator("#id_arrival").fill("2026-12-07T16:00")
    page.get_by_test_id("simulate").click()
    simulation = page.get_by_test_id("simulation")
    expect(simulation).to_contain_text("Procédure 003 — priorité urgente")
    expect(page.get_by_test_id("due-resolution")).to_contain_text("4 h ouvrées")
    expect(page.get_by_test_id("due-resolution")).to_contain_text("mardi 8 décembre 2026 11:30")
    page.screenshot(path=artifacts / "service-levels-1280.png", full_page=True)

    page.goto("/desk/settings/")
    expect(page.get_by_test_id("config-changes")).to_contain_text("Procédure 003 — priorité basse")
    page.screenshot(path=artifacts / "settings-1280.png", full_page=True)

    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(phone, desk.admin)
    for path, name in [
        ("/desk/settings/", "settings-390.png"),
        (
            "/desk/settings/service-levels/?type=incident&priority=urgent&severity=normal&arrival=2026-12-07T16:00"
            f"&organisation={desk.customer.pk}",
            "service-levels-390.png",
        ),
        (
            f"/desk/settings/service-levels/{SLAPolicy.objects.order_by('position').first().pk}/",
            "service-level-edit-390.png",
        ),
    ]:
        phone.goto(path)
        phone.screenshot(path=artifacts / name, full_page=True)
