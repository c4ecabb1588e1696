"""Procedure 004 from start to end, with every real part: an outage is declared on a
product; the team chat gets the message with @channel (a local HTTP server); the product's
most recent user list gets the "Unavailability" notice, each address exactly once (a real
SMTP server); the status page shows the outage (Chromium); at the end the linked tickets
are answered and resolved, and the "End of unavailability" notice goes to the same
addresses."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comptoir.campaigns import imports
from comptoir.campaigns.models import Campaign, NoticeTemplate
from comptoir.core import outbox
from comptoir.outages import services as outages
from comptoir.outages.models import ChatChannel, Service
from tests.campaigns.conftest import addresses, csv_of, import_csv

# The live server reads committed rows (see test_ticket_journey.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Reconnect Pro inaccessible"


def default_templates() -> None:
    """The notice templates the migration installs (a transactional test before this one
    may have emptied the tables)."""
    from django.apps import apps

    migration = importlib.import_module("comptoir.campaigns.migrations.0002_default_templates")
    migration.forwards(apps, None)


def received(smtp) -> Counter[str]:
    outbox.deliver_due()
    return Counter(rcpt for r in smtp.received for rcpt in r.rcpt_tos)


def test_procedure_004_from_the_declaration_to_the_end_notice(
    desk, client, smtp, http_receiver, settings, new_context: Callable[..., Any], artifacts: Path
) -> None:
    settings.COMPTOIR_CAMPAIGN_RATE = 0
    default_templates()
    service = Service.objects.create(name="Reconnect Pro", product=desk.product)
    ChatChannel.objects.create(
        name="Équipe support", kind="slack", url=f"{http_receiver.url}/hooks/support", mention_channel=True
    )
    users = imports.create_list(by=desk.supervisor, name="Utilisateurs Reconnect Pro", product=desk.product)
    import_csv(desk.supervisor, users, csv_of(addresses(5, domain="ancienne-liste.example")))
    emails = addresses(40)
    latest = import_csv(desk.supervisor, users, csv_of(emails))
    ticket = desk.open(subject="Reconnect Pro ne répond plus", product=desk.product)
    received(smtp)
    smtp.received.clear()

    # 1. Declared: the team chat hears it, with @channel.
    outage = outages.declare(
        by=desk.supervisor,
        title=TITLE,
        kind="hosting",
        services=[service],
        message="Reconnect Pro est inaccessible. Nos équipes sont mobilisées.",
        cause="Panne du réseau chez l'hébergeur",
        host="OVHcloud",
    )
    outages.link_ticket(outage, ticket=ticket, by=desk.l1)
    outbox.deliver_due()
    (post,) = http_receiver.received
    assert post.path == "/hooks/support"
    chat = json.loads(post.body)["text"]
    assert "<!channel>" in chat
    assert "Reconnect Pro" in chat

    # 2. The notice to the product's most recent list, from the desk, each address once.
    client.force_login(desk.l1)
    template = NoticeTemplate.objects.get(kind="unavailability", is_default=True)
    client.post(
        reverse("desk:campaign_new"),
        {
            "outage": outage.pk,
            "kind": "unavailability",
            "template": template.pk,
            "language": "fr",
            "versions": [latest.pk],
        },
    )
    notice = Campaign.objects.get(outage=outage)
    client.post(reverse("desk:campaign_action", args=[notice.pk, "send"]))
    assert received(smtp) == Counter(emails)
    assert {m["Subject"] for m in smtp.messages} == {"Indisponibilité temporaire de Reconnect Pro"}
    smtp.received.clear()

    # 3. Anyone sees it on the status page.
    visitor = new_context().new_page()
    visitor.goto("/status/")
    expect(visitor.get_by_test_id("overall")).to_have_attribute("data-state", "major")
    expect(visitor.get_by_text(TITLE).first).to_be_visible()
    visitor.screenshot(path=artifacts / "outage-journey-status.png", full_page=True)

    # 4. Resolved: the linked ticket is answered and resolved, the chat hears the end, and
    # the end notice goes to the same addresses.
    outages.resolve(outage, by=desk.supervisor, message="Le service est rétabli.", answer_tickets=True)
    client.post(reverse("desk:campaign_end_notice", args=[outage.pk]))
    after = received(smtp)
    assert {e: after[e] for e in emails} == dict.fromkeys(emails, 1)
    assert after[desk.requester.email] == 1
    assert set(after) == {*emails, desk.requester.email}
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert ticket.messages.filter(kind="public", body_text="Le service est rétabli.").exists()
    assert len(http_receiver.received) == 2
    expect_end = Campaign.objects.get(outage=outage, kind=NoticeTemplate.Kind.END)
    assert (expect_end.state, expect_end.total) == (Campaign.State.DONE, 40)
