"""Outages under way where people write to the support team: the portal's new-request page
tells requesters about them, the desk's ticket page suggests linking the ticket. From the
per-process cache (``comptoir.outages.catalogue``): no query once it is loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from comptoir.outages.catalogue import OngoingOutage, ongoing

register = template.Library()


@dataclass(frozen=True)
class TicketOutages:
    linked: list[OngoingOutage]
    suggested: list[OngoingOutage]
    others: list[OngoingOutage]

    @property
    def any(self) -> bool:
        return bool(self.linked or self.suggested or self.others)


@register.simple_tag
def outages_for_ticket(ticket: Any) -> TicketOutages:
    """The outages under way this ticket is linked to, those affecting its product (to
    suggest), and the others (to choose from)."""
    found = ongoing()
    linked = found.linked_to(ticket.pk)
    taken = {o.id for o in linked}
    suggested = [o for o in found.affecting(ticket.product_id) if o.id not in taken]
    taken |= {o.id for o in suggested}
    return TicketOutages(linked, suggested, [o for o in found.outages if o.id not in taken])


@register.simple_tag
def known_outages() -> list[OngoingOutage]:
    """The outages under way that the status page shows."""
    return ongoing().public()
