"""The "notifications on this device" box, for the portal (a requester's answers and
status changes) and the on-call page (the emergency line)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from comptoir.push import keys

register = template.Library()


@register.inclusion_tag("push/device.html", takes_context=True)
def push_device(context: template.Context, *, emergencies: bool = False) -> dict[str, object]:
    return {
        "public_key": keys.key_pair().public_key,
        "subscribe_url": reverse("portal:push_subscribe"),
        "unsubscribe_url": reverse("portal:push_unsubscribe"),
        "emergencies": emergencies,
        "csrf_token": context.get("csrf_token"),
    }
