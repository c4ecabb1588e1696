"""What an outage's declaration, update and resolution send, as outbox rows (built here,
stored by ``outages.services`` in their transaction).

Procedure 004: « prévenir l'équipe sur Slack, en taguant tout le canal » — one HTTP row per
active team chat channel that wants the event; and the status page's e-mail subscribers
hear of it in their language, each mail with its one-click unsubscribe link and headers.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from comptoir import integrations
from comptoir.core import outbox
from comptoir.core.models import OutboxMessage
from comptoir.outages.models import ChatChannel, Outage, OutageUpdate, State, Subscriber

if TYPE_CHECKING:
    from collections.abc import Sequence

# OutageUpdate kinds -> the events chat channels choose.
EVENTS = {
    OutageUpdate.Kind.DECLARED: "declare",
    OutageUpdate.Kind.UPDATE: "update",
    OutageUpdate.Kind.RESOLVED: "resolve",
}


def absolute(path: str) -> str:
    return settings.COMPTOIR_BASE_URL.rstrip("/") + path


def when(value: datetime | None) -> str:
    """A date and time as the reader reads it, in the site's time zone."""
    if value is None:
        return _("not known yet")
    return date_format(timezone.localtime(value, timezone.get_default_timezone()), "DATETIME_FORMAT")


def _headline(event: str, outage: Outage) -> str:
    if event == "declare":
        return _("Outage declared: %(title)s") % {"title": outage.title}
    if event == "resolve":
        return _("Outage resolved: %(title)s") % {"title": outage.title}
    return _("Outage update: %(title)s") % {"title": outage.title}


def _facts(outage: Outage, services: Sequence[str], *, internal: bool) -> list[tuple[str, str]]:
    facts = [
        (_("Services"), get_text_list(list(services), _("and"))),
        (_("Type"), str(outage.get_kind_display())),
        (_("Impact"), str(State(outage.impact).label)),
        (_("Start"), when(outage.started_at)),
    ]
    if outage.resolved_at is not None:
        facts.append((_("Resolved"), when(outage.resolved_at)))
    else:
        facts.append((_("Expected end"), when(outage.expected_end_at)))
    if outage.cause:
        facts.append((_("Cause"), outage.cause))
    if internal and outage.host:
        facts.append((_("Host"), outage.host))
    return facts


def chat_rows(outage: Outage, update: OutageUpdate, *, at: datetime) -> list[OutboxMessage]:
    """One POST per active channel that wants this event, in the channel's language."""
    event = EVENTS[OutageUpdate.Kind(update.kind)]
    services = [s.name for s in outage.services.all()]
    rows = []
    for channel in ChatChannel.objects.filter(is_active=True).order_by("pk"):
        if not channel.wants(event):
            continue
        with translation.override(channel.language):
            announcement = integrations.Announcement(
                event=event,
                headline=_headline(event, outage),
                facts=tuple(_facts(outage, services, internal=True)),
                message=update.body,
                link=absolute(reverse("desk:outage", args=[outage.pk])),
                link_label=_("Open the outage in Comptoir"),
                mention=channel.mention_channel,
            )
        rows.append(
            outbox.build("http", integrations.request(channel.kind, channel.url, announcement), at=at)
        )
    return rows


UNSUBSCRIBE_SLOT = "\x00unsubscribe\x00"


def subscriber_rows(outage: Outage, update: OutageUpdate, *, at: datetime) -> list[OutboxMessage]:
    """One mail per confirmed subscriber, in their language, when the outage shows on the
    status page (a public service is affected). Each language's mail is rendered once."""
    from comptoir.outages import subscriptions

    public = [s.name for s in outage.services.all() if s.is_public]
    if not public:
        return []
    rendered: dict[str, tuple[str, str]] = {}
    rows = []
    subscribers = Subscriber.objects.filter(confirmed_at__isnull=False).order_by("pk")
    for subscriber in subscribers.iterator(chunk_size=2000):
        language = subscriber.language or settings.LANGUAGE_CODE
        if language not in rendered:
            rendered[language] = _render_notice(outage, update, public, language)
        subject, body = rendered[language]
        unsubscribe = absolute(
            reverse("status:unsubscribe", args=[subscriptions.unsubscribe_token(subscriber)])
        )
        payload = {
            "to": [subscriber.email],
            "subject": subject,
            "body": body.replace(UNSUBSCRIBE_SLOT, unsubscribe),
            "headers": {
                "Auto-Submitted": "auto-generated",
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-Comptoir-Outage": str(outage.pk),
            },
        }
        rows.append(outbox.build("mail", payload, at=at))
    return rows


def _render_notice(
    outage: Outage, update: OutageUpdate, services: list[str], language: str
) -> tuple[str, str]:
    with translation.override(language):
        ctx = {
            "outage": outage,
            "update": update,
            "facts": _facts(outage, services, internal=False),
            "status_url": absolute(reverse("status:outage", args=[outage.pk])),
            "unsubscribe_url": UNSUBSCRIBE_SLOT,
        }
        name = str(update.kind)
        subject = render_to_string(f"outages/mail/{name}_subject.txt", ctx).strip()
        body = render_to_string(f"outages/mail/{name}_body.txt", ctx)
    return subject, body


def confirmation(subscriber: Subscriber, *, token: str, at: datetime) -> OutboxMessage:
    """The double opt-in: a link to confirm the address, valid a few days."""
    from comptoir.outages import subscriptions

    with translation.override(subscriber.language or settings.LANGUAGE_CODE):
        ctx = {
            "confirm_url": absolute(reverse("status:confirm", args=[token])),
            "status_url": absolute(reverse("status:page")),
            "days": subscriptions.CONFIRMATION_DAYS,
        }
        subject = render_to_string("outages/mail/confirm_subject.txt", ctx).strip()
        body = render_to_string("outages/mail/confirm_body.txt", ctx)
    payload = {
        "to": [subscriber.email],
        "subject": subject,
        "body": body,
        "headers": {"Auto-Submitted": "auto-generated"},
    }
    return outbox.build("mail", payload, at=at)
