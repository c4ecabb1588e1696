"""A known customer's mail titled "Delivery report for order 4512" is a ticket on the desk,
marked "Possible automatic reply" for the agent to check, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from comptoir.mail.inbound.pipeline import receive
from comptoir.mail.models import InboundMail, Mailbox
from tests.mailflow.test_pipeline import compose

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from tests.conftest import Desk

LogIn = Callable[[Page, "User"], None]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_agent_sees_the_possible_automatic_reply_badge(
    desk: Desk, page: Page, log_in: LogIn, artifacts: Path
) -> None:
    mailbox = Mailbox.objects.create(name="Support", address="support@paroisse.example", product=desk.product)
    outcome = receive(
        compose(sender=desk.requester.email, subject="Delivery report for order 4512"),
        source=InboundMail.Source.PIPE,
        mailbox=mailbox,
    )
    assert outcome.status == "new_ticket"
    log_in(page, desk.supervisor)
    page.goto(f"/desk/tickets/{outcome.ticket_number}/")
    badge = page.get_by_test_id("possibly-automatic")
    expect(badge).to_have_text("Réponse automatique possible")
    expect(badge).to_have_attribute(
        "title", re.compile(r"vient d'un client connu : vérifiez qu'une personne")
    )
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=artifacts / f"possible-automatic-reply-{width}.png")
