"""Procedure 001: "URGENT" in the subject marks urgency, only for real emergencies; abuse
is downgraded. Each requester has a monthly allowance of urgent mails; beyond it the mail
arrives flagged for an agent to review instead of jumping the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from comptoir.accounts.models import User
from comptoir.mail.models import Mailbox
from comptoir.mail.parsing.subject import is_urgent
from comptoir.tickets.models import Ticket


@dataclass(frozen=True)
class Urgency:
    urgent: bool
    review: bool


def month_start(at: datetime) -> datetime:
    return at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def decide(subject: str, *, requester: User, mailbox: Mailbox | None, at: datetime) -> Urgency:
    words = mailbox.urgent_word_list if mailbox else ("urgent",)
    if not is_urgent(subject, words):
        return Urgency(urgent=False, review=False)
    allowance = mailbox.urgent_monthly_allowance if mailbox else 3
    used = Ticket.objects.filter(requester=requester, is_urgent=True, created_at__gte=month_start(at)).count()
    if used < allowance:
        return Urgency(urgent=True, review=False)
    return Urgency(urgent=False, review=True)
