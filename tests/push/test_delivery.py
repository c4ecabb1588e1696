"""The requester's app: each answer of the team and each status change mailed to the
requester reaches their phone too, as a real Web Push message (encrypted for the device,
RFC 8291; signed with the server's VAPID key, RFC 8292), through the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.models import OutboxMessage
from comptoir.dispatch import catalogue, presets
from comptoir.push import keys
from comptoir.push import services as push
from comptoir.push.models import PushSubscription
from comptoir.tickets import services
from comptoir.tickets.links import desk_url, ticket_url
from tests.conftest import flush_mail

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def phone(desk, push_service):  # type: ignore[no-untyped-def]
    """Pierre's phone, subscribed from the portal."""
    endpoint, browser = push_service.new_browser("pierre-phone")
    subscription = push.subscribe(
        user=desk.requester,
        endpoint=endpoint,
        p256dh=browser.p256dh,
        auth=browser.auth,
        label="Android · Chrome",
    )
    return subscription


def pushes() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="push").order_by("pk"))


def test_an_agents_answer_reaches_the_requesters_phone_encrypted_and_signed(
    desk, push_service, phone, django_capture_on_commit_callbacks
):
    ticket = desk.open(product=desk.product)
    flush_mail()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(
            ticket, by=desk.l1, body="Bonjour Pierre,\nL'import se fait depuis Mailpoet > Abonnés."
        )
    assert push_service.refused == []
    [pushed] = push_service.received
    [answer] = mail.outbox
    # The same text as the mail: its subject, the first lines of its body, the ticket's page.
    assert pushed.message["title"] == answer.subject
    assert pushed.message["title"].startswith(f"[{ticket.reference}]")
    assert pushed.message["body"].splitlines()[1:] == [
        "Bonjour Pierre,",
        "L'import se fait depuis Mailpoet > Abonnés.",
    ]
    assert "a répondu" in pushed.message["body"]
    assert pushed.message["url"] == ticket_url(ticket)
    assert "/follow/" not in pushed.message["body"]  # the mail's sign-in link stays in the mail
    # Signed with the installation's key, for the push service's origin.
    assert pushed.vapid_key == keys.key_pair().public_key
    assert pushed.claims["aud"] == push_service.origin
    assert pushed.headers["content-encoding"] == "aes128gcm"
    [row] = pushes()
    assert row.state == OutboxMessage.State.SENT
    phone.refresh_from_db()
    assert phone.last_used_at is not None


def test_the_push_speaks_the_requesters_language(desk, push_service, django_capture_on_commit_callbacks):
    endpoint, browser = push_service.new_browser("lucas")
    push.subscribe(user=desk.neighbour, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth)
    ticket = desk.open(requester=desk.neighbour, product=desk.product)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket, by=desk.l1, body="Hello Lucas, here is how.")
    [pushed] = push_service.received
    assert pushed.message["title"] == f"[{ticket.reference}] New answer: {ticket.subject}"
    assert "answered your request" in pushed.message["body"]


def test_resolution_and_closure_are_pushed_like_their_mails(
    desk, push_service, phone, django_capture_on_commit_callbacks
):
    ticket = desk.open(product=desk.product)
    flush_mail()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(ticket, to="resolved", by=desk.l1)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(ticket, to="closed", by=desk.l1)
    titles = [p.message["title"] for p in push_service.received]
    assert titles == [m.subject for m in mail.outbox]
    assert len(titles) == 2
    assert "résolue" in push_service.received[0].message["body"]


def test_every_device_of_the_requester_gets_it_and_nobody_else(
    desk, push_service, phone, django_capture_on_commit_callbacks
):
    endpoint, browser = push_service.new_browser("pierre-laptop")
    push.subscribe(user=desk.requester, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth)
    other, other_browser = push_service.new_browser("marie")
    push.subscribe(user=desk.site_owner, endpoint=other, p256dh=other_browser.p256dh, auth=other_browser.auth)
    ticket = desk.open(product=desk.product)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_note(ticket, by=desk.l1, body="Note interne : voir avec Marc.")
        services.reply(ticket, by=desk.l1, body="Voici la marche à suivre.")
    assert sorted(p.path for p in push_service.received) == ["/push/pierre-laptop", "/push/pierre-phone"]
    assert all("marche à suivre" in p.message["body"] for p in push_service.received)


def test_a_requesters_own_reply_pushes_nothing(desk, push_service, phone, django_capture_on_commit_callbacks):
    ticket = desk.open(product=desk.product)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket, by=desk.requester, body="Une précision : la liste est en CSV.")
    assert push_service.received == []
    assert pushes() == []


def test_a_gone_subscription_is_deleted(desk, push_service, phone, django_capture_on_commit_callbacks):
    """410 Gone: the person unsubscribed in the browser, or reset it; the row fails for good
    and the device is forgotten."""
    push_service.answers = [410]
    ticket = desk.open(product=desk.product)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket, by=desk.l1, body="Voici la marche à suivre.")
    [row] = pushes()
    assert row.state == OutboxMessage.State.FAILED
    assert "410" in row.last_error
    assert not PushSubscription.objects.filter(pk=phone.pk).exists()


def test_a_failing_push_service_is_retried_later(
    desk, push_service, phone, django_capture_on_commit_callbacks
):
    push_service.answers = [500]
    ticket = desk.open(product=desk.product)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket, by=desk.l1, body="Voici la marche à suivre.")
    [row] = pushes()
    assert row.state == OutboxMessage.State.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at > clock_now()
    assert push_service.received == []
    assert PushSubscription.objects.filter(pk=phone.pk).exists()
    # The service is back: the next sweep delivers the same message.
    assert outbox.deliver_due(at=row.next_attempt_at + timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.SENT
    [pushed] = push_service.received
    assert "marche à suivre" in pushed.message["body"]


def test_an_unreachable_push_service_is_retried(
    desk, push_service, phone, django_capture_on_commit_callbacks
):
    push_service.stop()
    ticket = desk.open(product=desk.product)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket, by=desk.l1, body="Voici la marche à suivre.")
    [row] = pushes()
    assert row.state == OutboxMessage.State.PENDING
    assert "unreachable" in row.last_error


def test_a_device_opted_out_before_delivery_gets_nothing(desk, push_service, phone):
    ticket = desk.open(product=desk.product)
    services.reply(ticket, by=desk.l1, body="Voici la marche à suivre.")
    assert push.unsubscribe(user=desk.requester, endpoint=phone.endpoint)
    outbox.deliver_due()
    assert push_service.received == []
    assert [r.state for r in pushes()] == [OutboxMessage.State.SENT]


def test_the_vapid_key_pair_is_made_once_and_kept(db, settings):
    from comptoir.core.cache import forget_all
    from comptoir.push.models import VapidKeys

    first = keys.key_pair()
    forget_all()  # another process
    assert keys.key_pair() == first
    assert VapidKeys.objects.count() == 1
    assert keys.public_key_of(first.private_key) == first.public_key
    settings.COMPTOIR_VAPID_PRIVATE_KEY = "zL2zVXhnYwb1qkAdjt7wWXqUT0Q3FCd7i4nmSXt6tiM"
    settings.COMPTOIR_VAPID_PUBLIC_KEY = ""
    forget_all()
    configured = keys.key_pair()
    assert configured.private_key == settings.COMPTOIR_VAPID_PRIVATE_KEY
    assert configured.public_key == keys.public_key_of(configured.private_key)
    assert configured != first


@pytest.fixture
def on_call(desk):  # type: ignore[no-untyped-def]
    """Procedure 003's rotas: in the week of 5 January 2026, Léa on duty, Marc on call."""
    presets.procedure_003([desk.l1, desk.l2, desk.l3])
    catalogue.reset()


def test_an_urgent_request_off_hours_reaches_the_on_call_agent(
    desk, on_call, push_service, django_capture_on_commit_callbacks
):
    marc, marc_browser = push_service.new_browser("marc")
    push.subscribe(
        user=desk.l2, endpoint=marc, p256dh=marc_browser.p256dh, auth=marc_browser.auth, emergencies=True
    )
    sophie, sophie_browser = push_service.new_browser("sophie")
    push.subscribe(
        user=desk.l3,
        endpoint=sophie,
        p256dh=sophie_browser.p256dh,
        auth=sophie_browser.auth,
        emergencies=True,
    )
    saturday = datetime(2026, 1, 10, 9, 30, tzinfo=PARIS)  # hotline closed, emergency line open
    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.open(subject="Serveur web en panne", is_urgent=True, at=saturday)
        desk.open(subject="Question sur les devis", at=saturday)
    [pushed] = push_service.received
    assert pushed.path == "/push/marc"
    assert pushed.message["title"] == f"Ligne d'urgence : {ticket.reference} Serveur web en panne"
    assert pushed.message["url"] == desk_url(ticket)


def test_no_emergency_push_in_business_hours_or_without_opting_in(
    desk, on_call, push_service, django_capture_on_commit_callbacks
):
    marc, marc_browser = push_service.new_browser("marc")
    push.subscribe(user=desk.l2, endpoint=marc, p256dh=marc_browser.p256dh, auth=marc_browser.auth)
    tuesday = datetime(2026, 1, 6, 10, 0, tzinfo=PARIS)
    saturday = datetime(2026, 1, 10, 9, 30, tzinfo=PARIS)
    with django_capture_on_commit_callbacks(execute=True):
        desk.open(subject="Serveur web en panne", is_urgent=True, at=saturday)  # Marc did not opt in
        PushSubscription.objects.update(emergencies=True)
        desk.open(subject="Serveur web lent", is_urgent=True, at=tuesday)  # the hotline answers
    assert push_service.received == []
