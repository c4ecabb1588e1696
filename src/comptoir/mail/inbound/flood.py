"""Flood control for new requests by mail: a sender (or a whole domain) that opens more than
its share of requests within an hour is a loop, a script or an attack, not a customer — 2,000
mails from one address once made 2,000 tickets and as many notifications to the team.

Beyond ``COMPTOIR_FLOOD_LIMITS`` (``10/h/sender,100/h/domain`` by default), a new request by
mail is not opened: the mail is kept in the quarantine with the reason (nothing is lost; an
administrator's Retry opens it), the sender gets nothing more, and the team is told once per
sender and hour. Replies to existing requests are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from comptoir.accounts.models import User
from comptoir.core import outbox
from comptoir.mail.models import InboundMail

WINDOW = timedelta(hours=1)
# Outcomes that opened (or would have opened) a request.
OPENED = ("new_ticket", "follow_up", "held", "flood")
FLOOD = "flood"
_RULE = re.compile(r"^\s*(\d+)\s*/\s*h\s*/\s*(sender|domain)\s*$")


@dataclass(frozen=True)
class Limits:
    per_sender: int
    per_domain: int


def limits(setting: str | None = None) -> Limits:
    """``10/h/sender,100/h/domain`` read; a part left out keeps its default, 0 turns it off."""
    found = {"sender": 10, "domain": 100}
    for part in (setting if setting is not None else settings.COMPTOIR_FLOOD_LIMITS).split(","):
        match = _RULE.match(part)
        if match:
            found[match.group(2)] = int(match.group(1))
    return Limits(per_sender=found["sender"], per_domain=found["domain"])


def over_limit(address: str, *, at: datetime, exclude: int | None = None) -> bool:
    """Whether a new request from ``address`` now would go beyond the hour's limits."""
    rule = limits()
    recent = InboundMail.objects.filter(received_at__gte=at - WINDOW, outcome__in=OPENED)
    if exclude is not None:
        recent = recent.exclude(pk=exclude)
    address = address.lower()
    if rule.per_sender and recent.filter(sender_address__iexact=address).count() >= rule.per_sender:
        return True
    domain = address.rpartition("@")[2]
    return bool(
        rule.per_domain
        and domain
        and recent.filter(sender_address__iendswith="@" + domain).count() >= rule.per_domain
    )


def tell_the_team(address: str, *, at: datetime, exclude: int) -> None:
    """Once per sender and hour: the supervisors learn that a flood is held."""
    already = InboundMail.objects.filter(
        received_at__gte=at - WINDOW, outcome=FLOOD, sender_address__iexact=address
    ).exclude(pk=exclude)
    if already.exists():
        return
    people = User.objects.filter(role__in=[User.Role.SUPERVISOR, User.Role.ADMIN], is_active=True).exclude(
        email=""
    )
    by_language: dict[str, list[str]] = {}
    for person in people.order_by("email"):
        by_language.setdefault(person.language or settings.LANGUAGE_CODE, []).append(person.email)
    rule = limits()
    messages = []
    for language, emails in by_language.items():
        with translation.override(language):
            quarantine = settings.COMPTOIR_BASE_URL.rstrip("/") + reverse("desk:quarantine")
            ctx = {"address": address, "rule": rule, "quarantine_url": quarantine}
            subject = render_to_string("mail/flood_subject.txt", ctx).strip()
            body = render_to_string("mail/flood_body.txt", ctx)
        payload = {
            "to": emails,
            "subject": subject,
            "body": body,
            "headers": {"Auto-Submitted": "auto-generated"},
        }
        messages.append(outbox.build("mail", payload, at=at))
    outbox.enqueue(messages)
