"""The outage page's notice buttons (procedure 004) and the campaigns already sent for it."""

from __future__ import annotations

from typing import Any

from django import template

from comptoir.campaigns.models import Campaign, NoticeTemplate

register = template.Library()


@register.inclusion_tag("campaigns/_outage_notices.html")
def outage_notices(outage: Any) -> dict[str, Any]:
    campaigns = list(Campaign.objects.filter(outage=outage).order_by("created_at", "pk"))
    started = [c for c in campaigns if c.state in {Campaign.State.SENDING, Campaign.State.DONE}]
    return {
        "outage": outage,
        "campaigns": campaigns,
        "notice_sent": any(c.kind == NoticeTemplate.Kind.UNAVAILABILITY for c in started),
        "end_sent": any(
            c.kind == NoticeTemplate.Kind.END and c.state != Campaign.State.CANCELLED for c in campaigns
        ),
    }
