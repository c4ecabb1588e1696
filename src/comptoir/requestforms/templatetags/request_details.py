from __future__ import annotations

from django import template

from comptoir.requestforms import services
from comptoir.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def request_details(ticket: Ticket) -> list[tuple[str, str]]:
    """``{% request_details ticket as rows %}``: the facts the request form asked for."""
    if not ticket.details:
        return []
    return services.labelled(ticket.details, product_id=ticket.product_id, type=ticket.type)
