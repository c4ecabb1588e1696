"""Outgoing webhooks: a subscriber receives each chosen event once, signed, retried with
back-off through the outbox when it is down; administrators read the delivery log."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from comptoir.core import outbox
from comptoir.core.models import OutboxMessage
from comptoir.sla import scan
from comptoir.sla.models import SLAClock
from comptoir.tickets import services
from comptoir.webhooks import services as webhooks
from comptoir.webhooks import subscriptions
from comptoir.webhooks.models import Delivery, Subscription

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
SECRET = "s3cr3t-partagé"
ALL = [
    "ticket.created",
    "ticket.updated",
    "ticket.replied",
    "ticket.resolved",
    "sla.warning",
    "sla.breached",
]


@pytest.fixture
def subscribe(db):  # type: ignore[no-untyped-def]
    def make(url: str, events: list[str] = ALL, **fields: object) -> Subscription:
        sub = Subscription.objects.create(name="Intégration", url=url, events=events, secret=SECRET, **fields)
        subscriptions.reset()
        return sub

    return make


def verify(request) -> dict:  # type: ignore[no-untyped-def]
    """What a receiver does: recompute the signature over the raw body, then read it."""
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["X-Comptoir-Signature"], expected)
    return json.loads(request.body)


def test_a_new_ticket_is_posted_signed_to_the_subscriber(
    desk, http_receiver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(f"{http_receiver.url}/hooks/comptoir")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.open(product=desk.product)
    [request] = http_receiver.received
    assert request.path == "/hooks/comptoir"
    assert request.headers["X-Comptoir-Event"] == "ticket.created"
    assert request.headers["Content-Type"] == "application/json"
    body = verify(request)
    delivery = Delivery.objects.get()
    assert request.headers["X-Comptoir-Delivery"] == str(delivery.id) == body["delivery"]
    assert body["event"] == "ticket.created"
    assert body["ticket"]["number"] == ticket.number
    assert body["ticket"]["subject"] == ticket.subject
    assert body["ticket"]["requester"]["email"] == desk.requester.email
    assert body["ticket"]["group"]["name"] == desk.group_l1.name
    assert body["ticket"]["url"].endswith(f"/desk/tickets/{ticket.number}/")
    assert datetime.fromisoformat(body["at"]) == ticket.created_at
    assert delivery.outbox.kind == "http"
    assert delivery.outbox.state == "sent"


def test_a_forged_body_does_not_match_the_signature(
    desk, http_receiver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(http_receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        desk.open()
    [request] = http_receiver.received
    forged = request.body.replace(b"ticket.created", b"ticket.resolved")
    assert webhooks.sign(forged, SECRET) != request.headers["X-Comptoir-Signature"]
    assert webhooks.sign(request.body, SECRET) == request.headers["X-Comptoir-Signature"]


def test_a_subscriber_down_gets_the_delivery_later_with_the_same_bytes(
    desk, http_receiver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(http_receiver.url)
    http_receiver.answers.extend([503])
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        desk.open()
    assert http_receiver.received == []
    row = Delivery.objects.get().outbox
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 1)
    assert "503" in row.last_error
    payload_before = row.payload

    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        assert outbox.deliver_due() == 0  # backing off
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert outbox.deliver_due() == 1
    [request] = http_receiver.received
    verify(request)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.payload) == ("sent", 2, payload_before)


def test_each_event_is_sent_once_to_the_subscribers_who_chose_it(
    desk, http_receiver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(http_receiver.url, events=["ticket.updated", "ticket.replied", "ticket.resolved"])
    subscribe(http_receiver.url + "/creations", events=["ticket.created"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.open(product=desk.product)
        services.reply(ticket, by=desk.l1, body="Voici la solution.")
        # An escalation stores two events (escalated, and its internal note): one update.
        services.escalate(ticket, by=desk.l1, reason="Bug de l'extension")
        ticket.refresh_from_db()
        services.change_status(ticket, to="resolved", by=desk.l2)
        outbox.deliver_due()  # nothing left: each delivery went once
    sent = [(r.path, r.headers["X-Comptoir-Event"]) for r in http_receiver.received]
    assert sorted(sent) == sorted(
        [
            ("/creations", "ticket.created"),
            ("/", "ticket.replied"),
            ("/", "ticket.updated"),  # the reply opened the ticket (new -> open)
            ("/", "ticket.updated"),  # escalated
            ("/", "ticket.updated"),  # resolved is an update...
            ("/", "ticket.resolved"),  # ...and a resolution
        ]
    )
    assert len({r.headers["X-Comptoir-Delivery"] for r in http_receiver.received}) == 6
    resolved = next(r for r in http_receiver.received if r.headers["X-Comptoir-Event"] == "ticket.resolved")
    assert verify(resolved)["ticket"]["status"] == "resolved"


def test_inactive_subscriptions_receive_nothing(
    desk, http_receiver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(http_receiver.url, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        desk.open()
    assert http_receiver.received == []
    assert not Delivery.objects.exists()


def test_publishing_costs_no_query_when_nobody_subscribes(desk, django_assert_num_queries):
    ticket = desk.open()  # loads the (empty) list of listeners
    event = ticket.events.get()
    with django_assert_num_queries(0):
        assert webhooks.publish([event]) == []


def test_sla_warnings_and_breaches_are_published(
    desk, http_receiver, subscribe, django_capture_on_commit_callbacks
):
    from comptoir.calendars.models import Calendar
    from comptoir.sla import policies, presets

    calendar = Calendar.objects.create(
        name="Spyrit",
        spec={
            "timezone": "Europe/Paris",
            "week": {d: ["09:30-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
            | {"sat": [], "sun": []},
            "holidays": {"country": "FR", "subdivision": None},
            "holiday_hours": [],
            "closures": [],
            "openings": {},
        },
    )
    presets.procedure_000(calendar, [desk.parish])
    policies.forget()
    subscribe(http_receiver.url, events=["sla.warning", "sla.breached"])
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 in Paris
    with time_machine.travel(start, tick=False):
        ticket = desk.open(product=desk.product)
    first = SLAClock.objects.filter(ticket=ticket, state="running").order_by("due_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        scan.send_warnings(at=first.warn_at)
        scan.mark_breaches(at=first.due_at)
    events = [verify(r) for r in http_receiver.received]
    kinds = [e["event"] for e in events]
    assert "sla.warning" in kinds
    assert "sla.breached" in kinds
    breach = next(e for e in events if e["event"] == "sla.breached")
    assert breach["ticket"]["number"] == ticket.number
    assert breach["changes"]["metric"] == first.metric


def test_the_delivery_log_is_for_administrators_and_supervisors(
    desk, client, http_receiver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(http_receiver.url)
    http_receiver.answers.extend([503])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.open()
    row = Delivery.objects.get().outbox
    client.force_login(desk.admin)
    html = client.get("/desk/webhooks/").content.decode()
    assert html.count('data-testid="delivery-row"') == 1
    assert 'data-state="pending"' in html
    assert f'href="/desk/mail/outbox/{row.pk}/"' in html
    assert f"#{ticket.number}" in html
    assert "HTTP 503" in html
    detail = client.get(f"/desk/mail/outbox/{row.pk}/").content.decode()
    assert "X-Comptoir-Signature" in detail
    client.force_login(desk.supervisor)
    assert client.get("/desk/webhooks/").status_code == 200
    client.force_login(desk.l1)
    assert client.get("/desk/webhooks/").status_code == 403


def test_administrators_manage_subscriptions_in_the_admin(desk, client, http_receiver):
    client.force_login(desk.admin)
    response = client.post(
        "/admin/webhooks/subscription/add/",
        {
            "name": "Tableau de bord",
            "url": http_receiver.url,
            "events": ["ticket.created", "sla.breached"],
            "secret": SECRET,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    sub = Subscription.objects.get()
    assert sub.events == ["ticket.created", "sla.breached"]
    assert [listener.id for listener in subscriptions.active()] == [sub.pk]


def test_the_outbox_rows_are_written_with_the_change(desk, subscribe):
    subscribe("http://127.0.0.1:9/")
    ticket = desk.open()
    assert OutboxMessage.objects.filter(kind="http", ticket_id=ticket.pk).count() == 1
