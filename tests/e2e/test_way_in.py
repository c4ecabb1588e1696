"""A way in for everyone, in a real browser (Debian's Chromium), with the mails read from a
real SMTP server: someone who writes by mail follows and answers their request from the
acknowledgement's link without ever having a password, then chooses one and signs in with
their e-mail address; and "Mot de passe oublié ?" end to end. Screenshots in
test-artifacts/e2e/."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from comptoir.core import outbox
from comptoir.mail.inbound.pipeline import receive
from comptoir.mail.models import InboundMail, Mailbox
from comptoir.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HELENE = "helene@paroisse.example"


def mail_text(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("plain",)).get_content()


def received_by(smtp, address: str) -> list[Any]:  # type: ignore[no-untyped-def]
    outbox.deliver_due()
    return [r.message for r in smtp.received if address in r.rcpt_tos]


def test_someone_who_writes_by_mail_follows_without_a_password_then_chooses_one(
    desk, smtp, live_server, settings, new_context: Callable[..., Any], artifacts: Path
) -> None:
    settings.COMPTOIR_BASE_URL = live_server.url
    mailbox = Mailbox.objects.create(name="Support", address="support@paroisse.example", product=desk.product)
    msg = EmailMessage()
    msg["From"] = f"Hélène Lefèvre <{HELENE}>"
    msg["To"] = mailbox.address
    msg["Subject"] = "Le formulaire d'inscription a disparu"
    msg["Message-ID"] = "<helene-1@paroisse.example>"
    msg.set_content("Bonjour,\n\nLe formulaire ne s'affiche plus sur la page Inscriptions.\n\nHélène")
    outcome = receive(msg.as_bytes(), source=InboundMail.Source.PIPE, mailbox=mailbox)
    ticket = Ticket.objects.get(number=outcome.ticket_number)

    (ack,) = received_by(smtp, HELENE)
    link = re.search(r"https?://\S+(/portal/follow/\S+/)", mail_text(ack))
    assert link is not None
    page = new_context().new_page()
    page.goto(link.group(1))
    page.get_by_test_id("follow-open").click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(f"#{ticket.number}")
    expect(page.get_by_test_id("choose-password")).to_be_visible()
    page.screenshot(path=artifacts / "follow-without-password.png", full_page=True)

    page.locator("textarea[name=body]").fill("Cela concerne aussi la page Dons, depuis hier soir.")
    page.locator("form[action$='/reply/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Cela concerne aussi la page Dons")
    assert ticket.messages.count() == 2

    page.get_by_test_id("choose-password").get_by_role("link").click()
    page.locator("#id_password1").fill("Paroisse-2026-inscriptions")
    page.locator("#id_password2").fill("Paroisse-2026-inscriptions")
    page.get_by_test_id("password-set").click()
    expect(page).to_have_url(re.compile(rf"/portal/tickets/{ticket.number}/"))
    expect(page.get_by_test_id("choose-password")).to_have_count(0)

    page.locator("nav form[action='/accounts/logout/'] button[type=submit]").click()
    page.goto("/accounts/login/")
    page.fill("#id_login", HELENE)
    page.fill("#id_password", "Paroisse-2026-inscriptions")
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"/portal/tickets/{ticket.number}/")
    expect(page.get_by_test_id("ticket-number")).to_have_text(f"#{ticket.number}")


def test_mot_de_passe_oublie_end_to_end(
    desk, smtp, live_server, settings, new_context: Callable[..., Any], artifacts: Path
) -> None:
    settings.COMPTOIR_BASE_URL = live_server.url
    page = new_context().new_page()
    page.goto("/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    page.locator("#id_email").fill(desk.requester.email)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()

    (message,) = received_by(smtp, desk.requester.email)
    assert message["Subject"] == "Comptoir : Choisissez un nouveau mot de passe"
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+/)", mail_text(message))
    assert link is not None
    page.goto(link.group(1))
    page.locator("#id_password1").fill("Nouveau-mot-2026")
    page.locator("#id_password2").fill("Nouveau-mot-2026")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("reset-done")).to_be_visible()
    page.screenshot(path=artifacts / "password-reset-done.png", full_page=True)

    page.goto("/accounts/login/")
    page.fill("#id_login", "pierremartin")
    page.fill("#id_password", "Nouveau-mot-2026")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portal/"))
