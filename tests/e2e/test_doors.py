"""Two doors in, in a real browser (Debian's Chromium): someone without an account writes
through the public contact form and confirms with the link mailed to them (read from a real
SMTP server), then sees the number; an agent logs a phone call for a caller found by
e-mail. Screenshots in test-artifacts/e2e/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from comptoir.core import outbox
from comptoir.tickets.models import Ticket

# The live server reads committed rows (see test_ticket_journey.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_visitor_writes_through_the_contact_form_and_confirms_by_mail(
    desk, smtp, new_context: Callable[..., Any], artifacts: Path
) -> None:
    page = new_context().new_page()
    page.goto("/accounts/login/")
    page.get_by_test_id("contact-link").click()
    form = page.get_by_test_id("contact-form")
    form.locator("#id_name").fill("Hélène Lefèvre")
    form.locator("#id_email").fill("helene@paroisse.example")
    form.locator("#id_subject").fill("Le formulaire d'inscription a disparu")
    form.locator("#id_body").fill("Sur la page Inscriptions, le formulaire ne s'affiche plus depuis hier.")
    page.wait_for_timeout(3200)  # a person takes a few seconds; the spam guard counts them
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("contact-sent")).to_contain_text("helene@paroisse.example")
    assert not Ticket.objects.exists()

    outbox.deliver_due()
    (mail,) = [r.message for r in smtp.received if "helene@paroisse.example" in r.rcpt_tos]
    link = re.search(r"https?://\S+(/contact/confirm/\S+/)", mail.get_content())
    assert link is not None
    page.goto(link.group(1))
    ticket = Ticket.objects.get()
    expect(page.get_by_test_id("contact-number")).to_have_text(f"#{ticket.number}")
    page.screenshot(path=artifacts / "contact-confirmed.png", full_page=True)
    assert ticket.channel == "form"
    assert ticket.requester.email == "helene@paroisse.example"


def test_an_agent_logs_a_phone_call_for_a_caller_found_by_email(
    desk, new_context: Callable[..., Any], log_in: Callable[[Page, Any], None], artifacts: Path
) -> None:
    page = new_context().new_page()
    log_in(page, desk.l1)
    page.goto("/desk/phone/")
    page.locator("#id_q").fill(desk.requester.email)
    caller = page.locator(f'input[name="requester"][value="{desk.requester.pk}"]')
    expect(caller).to_be_visible()
    caller.check()
    page.locator("#id_subject").fill("Site paroissial inaccessible")
    page.locator("#id_body").fill("Le curé appelle : page blanche depuis ce matin.")
    page.locator("#id_notes").fill("Vérifié : le serveur répond.")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("main form[method=post] button[type=submit]").click()
    assert posted.value.status == 302
    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/desk/tickets/{ticket.number}/$"))
    page.screenshot(path=artifacts / "phone-call-logged.png", full_page=True)
    assert (ticket.requester, ticket.channel) == (desk.requester, "phone")
    assert ticket.messages.filter(kind="internal", body_text="Vérifié : le serveur répond.").exists()
