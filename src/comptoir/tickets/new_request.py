"""A new request, as one value from the door to the record.

Each door (portal, help button, mail, API, phone call, contact form) builds a
``NewRequest``; admission (``comptoir.admission.services.submit``) and ``open_ticket``
accept it whole, and a request kept for a decision (``HeldRequest``) stores it whole, so
what was asked comes back unchanged when it is approved: nothing is copied field by field
on the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from comptoir.tickets.vocabulary import Priority, Severity, TicketType

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.catalog.models import Component, Group, Product
    from comptoir.mail.models import Mailbox
    from comptoir.tickets.attachments import IncomingFile
    from comptoir.tickets.models import Ticket


# What a requester chooses when opening their own request (the portal's form, the help
# button, the API): the rest, severity and priority above all, is the support team's to
# set, or follows from these (the urgent tick makes the priority Urgent).
REQUESTER_CHOICES = frozenset(
    {"subject", "body", "type", "product", "component", "is_urgent", "details", "attachments"}
)


@dataclass(frozen=True)
class NewRequest:
    """Who asks (``requester``; ``by`` the agent logging it for them), what (subject, text,
    type, severity, priority, product, component, the facts of the request form, files),
    where it came from (channel, mailbox and the mail's thread, the closed ticket it follows
    up), urgency, and who else follows it. ``group`` is a group chosen at the door (an
    agent's choice, a mailbox's default group); otherwise routing decides.

    ``acknowledge``: send the automatic acknowledgement (a sender who has had enough
    automatic answers for now gets none). ``ask_missing``: read the text for the facts the
    request form asks for and ask by mail for the missing ones (by default for mail)."""

    requester: User
    subject: str
    body: str
    channel: str
    by: User | None = None
    type: str = TicketType.QUESTION
    severity: str = Severity.NORMAL
    priority: str = Priority.NORMAL
    product: Product | None = None
    component: Component | None = None
    group: Group | None = None
    is_urgent: bool = False
    urgent_review: bool = False
    body_html: str = ""
    attachments: tuple[IncomingFile, ...] = ()
    mailbox: Mailbox | None = None
    mail_thread_id: str = ""
    linked_to: Ticket | None = None
    followers: tuple[User, ...] = ()
    details: Mapping[str, str] = field(default_factory=dict)
    acknowledge: bool = True
    ask_missing: bool | None = None

    def but(self, **changes: Any) -> NewRequest:
        """The same request with some of its parts changed."""
        return replace(self, **changes)

    @property
    def opener(self) -> User:
        """Who opens it: the agent logging it, else the requester."""
        return self.by or self.requester

    def record(self) -> dict[str, Any]:
        """What a kept request stores besides its columns (``HeldRequest.request``): the
        plain parts, and the people by id."""
        return {
            "by": self.by.pk if self.by else None,
            "severity": self.severity,
            "followers": [u.pk for u in self.followers],
            "linked_to": self.linked_to.pk if self.linked_to else None,
            "acknowledge": self.acknowledge,
            "ask_missing": self.ask_missing,
        }
