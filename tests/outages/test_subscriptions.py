"""E-mail subscriptions to the status page, through a real SMTP server: double opt-in,
updates in the subscriber's language, one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from comptoir.core import outbox
from comptoir.outages import services
from comptoir.outages.models import Outage, Subscriber
from tests.outages.conftest import at, paris

START = paris(2026, 3, 12, 9, 40)
BASE = "http://127.0.0.1:8000"


def link(text: str, kind: str) -> str:
    found = re.search(rf"{re.escape(BASE)}(/status/{kind}/\S+/)", text)
    assert found, text
    return found.group(1)


def subscribe(client: Client, email: str, language: str = "en") -> None:
    response = client.post("/status/subscribe/", {"email": email}, headers={"Accept-Language": language})
    assert response.status_code == 302


def declare(desk, svc, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("services", [svc.sites])
    return services.declare(
        by=desk.l1,
        title="Sites inaccessibles",
        kind=Outage.Kind.HOSTING,
        message="Les sites ne répondent plus.",
        **kwargs,
    )


def body(received) -> str:  # type: ignore[no-untyped-def]
    return received.message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def subscribed(db, client, smtp):  # type: ignore[no-untyped-def]
    """Marie subscribed in English and confirmed her address."""
    with at(START - timedelta(days=1)):
        subscribe(client, "Marie.Dupont@example.org")
        outbox.deliver_due()
        (confirmation,) = smtp.received
        assert client.get(link(body(confirmation), "confirm")).status_code == 200
    smtp.received.clear()
    return Subscriber.objects.get(email="marie.dupont@example.org")


def test_subscribing_sends_a_confirmation_link_and_nothing_else_until_confirmed(client, smtp, desk, svc):
    with at(START - timedelta(hours=2)):
        subscribe(client, "marie.dupont@example.org", "en")
        outbox.deliver_due()
    (confirmation,) = smtp.received
    assert confirmation.rcpt_tos == ["marie.dupont@example.org"]
    assert confirmation.message["Subject"] == "Confirm your subscription to the status updates"
    confirm_path = link(body(confirmation), "confirm")

    smtp.received.clear()
    with at(START):
        declare(desk, svc)
        outbox.deliver_due()
    assert smtp.received == []  # not confirmed: nothing

    with at(START + timedelta(minutes=5)):
        page = client.get(confirm_path)
    assert page.status_code == 200
    assert b'data-testid="subscription-confirmed"' in page.content
    assert Subscriber.objects.get().confirmed_at == START + timedelta(minutes=5)


def test_subscribers_receive_each_step_in_their_language_with_one_click_unsubscribe(
    client, smtp, desk, svc, subscribed
):
    Subscriber.objects.create(
        email="pierre@example.org",
        language="fr",
        created_at=START,
        confirmation_sent_at=START,
        confirmed_at=START,
    )
    with at(START):
        outage = declare(desk, svc, expected_end_at=START + timedelta(hours=2))
        outbox.deliver_due()
    by_address = {r.rcpt_tos[0]: r.message for r in smtp.received}
    assert set(by_address) == {"marie.dupont@example.org", "pierre@example.org"}
    english = by_address["marie.dupont@example.org"]
    assert english["Subject"] == "Outage: Sites inaccessibles"
    text = english.get_body(preferencelist=("plain",)).get_content()
    assert "Les sites ne répondent plus." in text
    assert "Sites associés WordPress" in text
    assert "Hosting" in text
    assert "March 12, 2026, 9:40 a.m." in text
    assert "March 12, 2026, 11:40 a.m." in text
    assert f"{BASE}/status/outages/{outage.pk}/" in text
    unsubscribe = link(text, "unsubscribe")
    assert english["List-Unsubscribe"] == f"<{BASE}{unsubscribe}>"
    assert english["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    french = by_address["pierre@example.org"]
    assert "12 mars 2026 09:40" in french.get_body(preferencelist=("plain",)).get_content()

    # The mail provider's one-click POST: no cookie, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    answer = provider.post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert not Subscriber.objects.filter(email="marie.dupont@example.org").exists()

    smtp.received.clear()
    with at(START + timedelta(hours=1)):
        services.resolve(outage, by=desk.l1, message="Rétabli.")
        outbox.deliver_due()
    assert [r.rcpt_tos for r in smtp.received] == [["pierre@example.org"]]
    assert "Rétabli." in body(smtp.received[0])
    # The link used again is not an error.
    assert provider.post(unsubscribe).status_code == 200


def test_the_unsubscribe_link_opened_in_a_browser_asks_first(client, smtp, desk, svc, subscribed):
    with at(START):
        declare(desk, svc)
        outbox.deliver_due()
    path = link(body(smtp.received[0]), "unsubscribe")
    page = client.get(path)
    assert page.status_code == 200
    assert b'data-testid="unsubscribe"' in page.content
    assert Subscriber.objects.filter(pk=subscribed.pk).exists()
    client.post(path)
    assert not Subscriber.objects.filter(pk=subscribed.pk).exists()


def test_asking_again_within_the_hour_sends_no_second_mail_and_the_page_says_the_same(db, client, smtp):
    with at(START):
        subscribe(client, "marie.dupont@example.org")
        first = client.get("/status/").content
    with at(START + timedelta(minutes=10)):
        subscribe(client, "marie.dupont@example.org")
    with at(START + timedelta(hours=2)):
        subscribe(client, "marie.dupont@example.org")
        outbox.deliver_due()
    assert len(smtp.received) == 2
    assert Subscriber.objects.count() == 1
    assert b"Check your mailbox" in first or "Vérifiez".encode() in first


def test_a_confirmed_address_gets_no_new_confirmation(client, smtp, subscribed):
    with at(START):
        subscribe(client, "marie.dupont@example.org")
        outbox.deliver_due()
    assert smtp.received == []


def test_an_expired_or_altered_link_is_refused(db, client, smtp):
    with at(START):
        subscribe(client, "marie.dupont@example.org")
        outbox.deliver_due()
    path = link(body(smtp.received[0]), "confirm")
    with at(START + timedelta(days=8)):
        assert client.get(path).status_code == 404
    assert client.get(path[:-3] + "xx/").status_code == 404
    assert client.get("/status/unsubscribe/forged/").status_code == 404
    assert Subscriber.objects.get().confirmed_at is None


def test_an_invalid_address_is_refused_on_the_page(db, client):
    response = client.post("/status/subscribe/", {"email": "pas-une-adresse"})
    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_outages_of_services_off_the_status_page_are_not_mailed(desk, svc, smtp, subscribed):
    with at(START):
        declare(desk, svc, services=[svc.internal])
        outbox.deliver_due()
    assert smtp.received == []
