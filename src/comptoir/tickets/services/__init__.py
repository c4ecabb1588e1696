"""The one place that changes tickets. Every edge (portal, desk, API, mail, CLI) calls
these; each writes its TicketEvents and outbox rows in the same transaction."""

from comptoir.tickets.services.assignment import assign, take
from comptoir.tickets.services.conversation import add_note, reply
from comptoir.tickets.services.features import forward_to_product, link_to_feature, unlink_from_feature
from comptoir.tickets.services.follow import send_fresh_link
from comptoir.tickets.services.followers import add_followers
from comptoir.tickets.services.intake import log_phone_call, open_ticket
from comptoir.tickets.services.qualification import escalate, requalify, set_urgency
from comptoir.tickets.services.rating import answer_survey
from comptoir.tickets.services.status import change_status

__all__ = [
    "add_followers",
    "add_note",
    "answer_survey",
    "assign",
    "change_status",
    "escalate",
    "forward_to_product",
    "link_to_feature",
    "log_phone_call",
    "open_ticket",
    "reply",
    "requalify",
    "send_fresh_link",
    "set_urgency",
    "take",
    "unlink_from_feature",
]
