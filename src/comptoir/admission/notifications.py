"""Mails to requesters about their held requests, as outbox rows (built here, stored by
``comptoir.admission.services``), each in the requester's language.

The mail that tells someone their request is kept answers their own mail (``In-Reply-To``,
``Auto-Submitted: auto-replied``, so auto-responders do not answer back); the approval
carries the new ticket's number in its subject like every ticket mail (procedure 002).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from comptoir.accounts import eligibility
from comptoir.accounts.contracts import organisation_language
from comptoir.core import outbox
from comptoir.core.models import OutboxMessage
from comptoir.tickets.links import message_id, ticket_url

if TYPE_CHECKING:
    from comptoir.admission.models import HeldRequest
    from comptoir.tickets.models import Ticket


def _language(held: HeldRequest) -> str:
    return held.requester.language or organisation_language(held.organisation_id) or settings.LANGUAGE_CODE


def _mail(
    template: str,
    held: HeldRequest,
    *,
    at: datetime,
    context: dict[str, object] | None = None,
    ticket: Ticket | None = None,
    automatic: bool = True,
) -> OutboxMessage | None:
    to = held.requester.email
    if not to:
        return None
    with translation.override(_language(held)):
        ctx = {"held": held, "recipient": held.requester, "ticket": ticket, **(context or {})}
        subject = render_to_string(f"admission/mail/{template}_subject.txt", ctx).strip()
        body = render_to_string(f"admission/mail/{template}_body.txt", ctx)
    headers: dict[str, str] = {}
    if automatic:
        headers["Auto-Submitted"] = "auto-replied"
    if held.mail_thread_id:
        headers["In-Reply-To"] = headers["References"] = f"<{held.mail_thread_id}>"
    if held.mailbox_id and held.mailbox:
        headers["Reply-To"] = held.mailbox.address
    if ticket is not None:
        headers["Message-ID"] = message_id(ticket)
        headers["X-Comptoir-Ticket"] = str(ticket.number)
        subject = f"[{ticket.reference}] {subject}"
    payload = {"to": [to], "subject": subject, "body": body, "headers": headers}
    return outbox.build("mail", payload, at=at, ticket_id=ticket.pk if ticket is not None else None)


def held(held: HeldRequest, *, allowance: int | None, contact: str, at: datetime) -> OutboxMessage | None:
    """The request is kept: why, and what happens next (a supervisor's decision for a
    request beyond the allowance; whom to contact for someone not served)."""
    explanation = ""
    if held.reason == held.Reason.NOT_ELIGIBLE:
        rule = eligibility.rule_for(held.organisation_id)
        if rule is not None:
            with translation.override(_language(held)):
                explanation = eligibility.explanation(rule)
    return _mail(
        f"held_{held.reason}",
        held,
        at=at,
        context={"allowance": allowance, "contact": contact, "explanation": explanation},
    )


def approved(held: HeldRequest, ticket: Ticket, *, at: datetime) -> OutboxMessage | None:
    """Procedure 002: every contact gets a unique number; the approval gives it."""
    return _mail("approved", held, at=at, ticket=ticket, context={"url": ticket_url(ticket)})


def refused(held: HeldRequest, *, at: datetime) -> OutboxMessage | None:
    """A person decided: the requester may answer, so no Auto-Submitted header."""
    return _mail("refused", held, at=at, automatic=False)
