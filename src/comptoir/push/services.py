"""Opting devices in and out of push notifications, and the pushes that follow a ticket's
answers, status changes and emergencies, as outbox rows (built here, stored by the ticket
services in their transaction)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.accounts.contracts import organisation_calendar, organisation_language
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import PermissionDenied, ValidationError
from comptoir.core.models import OutboxMessage
from comptoir.dispatch.models import Rota
from comptoir.dispatch.services import duty_board
from comptoir.push import payloads
from comptoir.push.models import PushSubscription
from comptoir.tickets.links import desk_url, ticket_url
from comptoir.tickets.vocabulary import Priority

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.tickets.models import Ticket

KIND = "push"


def _key(value: str, *, size: int, name: str) -> str:
    value = (value or "").strip()
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise ValidationError(_("This device's subscription is not valid (%(name)s).") % {"name": name})
    return value


def check_endpoint(endpoint: str) -> str:
    """The address Comptoir will POST to for this device: a push service on the Internet.
    In production it must be HTTPS and may not name this machine or a private network
    (otherwise anyone signed in could make the server call inside its own network); HTTP
    and local addresses serve development and the tests' local push service."""
    endpoint = (endpoint or "").strip()
    parts = urlsplit(endpoint)
    allowed = {"https"} if settings.PRODUCTION else {"https", "http"}
    valid = parts.scheme in allowed and bool(parts.hostname) and len(endpoint) <= 1000
    if valid and settings.PRODUCTION:
        host = parts.hostname or ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            valid = host != "localhost" and not host.endswith((".localhost", ".local", ".internal"))
        else:
            valid = address.is_global
    if not valid:
        raise ValidationError(_("This device's subscription is not valid (%(name)s).") % {"name": "endpoint"})
    return endpoint


def subscribe(
    *,
    user: User,
    endpoint: str,
    p256dh: str,
    auth: str,
    label: str = "",
    emergencies: bool = False,
    at: datetime | None = None,
) -> PushSubscription:
    """A person opts a device in: its browser's subscription (the push service's endpoint,
    the device's P-256 public key and its 16-byte authentication secret, RFC 8291) is kept,
    one row per endpoint. A device that was another person's (a shared computer) becomes
    this person's. Only the support team may ask for the emergency line's pushes."""
    at = at or clock_now()
    endpoint = check_endpoint(endpoint)
    p256dh = _key(p256dh, size=65, name="p256dh")
    auth = _key(auth, size=16, name="auth")
    if emergencies and not user.is_staff_member:
        raise PermissionDenied(_("Only the support team receives the emergency line's notifications."))
    fields = {
        "user": user,
        "p256dh": p256dh,
        "auth": auth,
        "label": label.strip()[:120],
        "emergencies": emergencies,
    }
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults=fields, create_defaults=fields | {"created_at": at}
    )
    return subscription


def unsubscribe(*, user: User, endpoint: str) -> bool:
    """A person stops the notifications on a device (only their own)."""
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=(endpoint or "").strip()).delete()
    return bool(deleted)


def _rows(
    subscriptions: list[PushSubscription], note: payloads.Notification, *, ticket: Ticket, at: datetime
) -> list[OutboxMessage]:
    return [
        outbox.build(KIND, {"subscription": s.pk, "notification": dict(note)}, at=at, ticket_id=ticket.pk)
        for s in subscriptions
    ]


def for_requester(ticket: Ticket, mail: OutboxMessage | None, *, at: datetime) -> list[OutboxMessage]:
    """Procedure 003 (the mobile app): each answer of the team and each status change that
    is mailed to the requester is pushed to each of their devices too, with the mail's text
    (so in the same language): its subject as the title, the first lines of its body, and
    the ticket's page to open."""
    if mail is None or mail.kind != "mail":
        return []
    subscriptions = list(PushSubscription.objects.filter(user_id=ticket.requester_id).order_by("pk"))
    if not subscriptions:
        return []
    note = payloads.notification(
        title=mail.payload["subject"],
        body=mail.payload["body"],
        url=ticket_url(ticket),
        tag=f"ticket-{ticket.number}",
    )
    return _rows(subscriptions, note, ticket=ticket, at=at)


def _off_hours(ticket: Ticket, at: datetime) -> bool:
    """Outside the customer's business hours (its contract's calendar), else outside the
    hours of every on-duty line (the hotline); never when no hours are known."""
    calendar = organisation_calendar(ticket.organisation_id)
    if calendar is not None:
        return not calendar.is_open(at)
    lines = [d for d in duty_board(at=at) if d.rota.kind == Rota.Kind.ON_DUTY and d.line_open is not None]
    return bool(lines) and not any(d.line_open for d in lines)


def for_emergency(ticket: Ticket, *, at: datetime) -> list[OutboxMessage]:
    """Procedure 003: outside opening hours, blocking incidents reach the emergency line's
    on-call agent. An urgent request that arrives off-hours is pushed to the devices that
    the emergency line's agent on call now opted in for it, while the line is open."""
    if ticket.priority != Priority.URGENT or not _off_hours(ticket, at):
        return []
    on_call = {
        d.now_user.pk
        for d in duty_board(at=at)
        if d.rota.kind == Rota.Kind.EMERGENCY and d.line_open is not False and d.now_user is not None
    }
    if not on_call:
        return []
    subscriptions = list(
        PushSubscription.objects.filter(user_id__in=on_call, emergencies=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    rows: list[OutboxMessage] = []
    for s in subscriptions:
        language = s.user.language or organisation_language(s.user.organisation_id) or settings.LANGUAGE_CODE
        with translation.override(language):
            title = _("Emergency line: %(ref)s %(subject)s") % {
                "ref": ticket.reference,
                "subject": ticket.subject,
            }
            body = _("Urgent request from %(name)s, outside business hours.") % {
                "name": ticket.requester.display_name
            }
        note = payloads.notification(
            title=title, body=body, url=desk_url(ticket), tag=f"emergency-{ticket.number}"
        )
        rows += _rows([s], note, ticket=ticket, at=at)
    return rows
