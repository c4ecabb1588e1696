"""The periodic automations over tickets waiting on their requester or resolved.

Each job scans an indexed column (status, status_since) for candidates — never all
tickets —, checks the exact business-day delay on the organisation's calendar, and acts
through the ticket services. A job run twice, or by two consumers at once, acts once: the
ticket services it calls re-read the ticket under a row lock and act only if it is still
as the job saw it (same status, same time in it, same number of reminders).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from comptoir.accounts.contracts import organisation_calendar
from comptoir.core.clock import now as clock_now
from comptoir.tickets import history
from comptoir.tickets.models import Ticket
from comptoir.tickets.services import automatic
from comptoir.workflow.delays import Delays, close_due, reminder_due, resolve_due
from comptoir.workflow.models import AutomationPolicy


def _delays() -> dict[int | None, Delays]:
    return {
        p.organisation_id: Delays(
            p.first_reminder_days, p.second_reminder_days, p.resolve_after_days, p.close_after_days
        )
        for p in AutomationPolicy.objects.all()
    }


def _delays_for(table: dict[int | None, Delays], organisation_id: int | None) -> Delays:
    return table.get(organisation_id) or table.get(None) or Delays()


def _candidates(
    status: str, min_days: int, at: datetime, *, fewer_reminders_than: int | None = None
) -> Iterator[tuple[int, int | None, datetime, int]]:
    # N business days are at least N calendar days: older than that is a superset, cheap
    # to find on the (status, status_since) index.
    found = Ticket.objects.filter(status=status, status_since__lte=at - timedelta(days=min_days))
    if fewer_reminders_than is not None:
        found = found.filter(reminders_sent__lt=fewer_reminders_than)
    yield from (
        found.order_by("pk")
        .values_list("pk", "organisation_id", "status_since", "reminders_sent")
        .iterator(chunk_size=2000)
    )


def remind_pending(*, at: datetime | None = None) -> int:
    """Procedure 002: "the requester does not answer repeated requests for information":
    remind after N business days, then after M."""
    at = at or clock_now()
    table = _delays()
    shortest = min((d.first_reminder for d in table.values() if d.first_reminder), default=2)
    # Tickets already reminded as often as any policy reminds are not read again.
    policies = [*table.values(), *([] if None in table else [Delays()])]
    steps = max((2 if d.second_reminder else 1) for d in policies)
    sent = 0
    for pk, org_id, since, count in _candidates(history.PENDING, shortest, at, fewer_reminders_than=steps):
        delays = _delays_for(table, org_id)
        if not reminder_due(since, count, delays, organisation_calendar(org_id), at):
            continue
        if automatic.remind(pk, since=since, sent=count, at=at):
            sent += 1
    return sent


def resolve_silent(*, at: datetime | None = None) -> int:
    """Still no answer after the reminders: the request is resolved, and the requester
    told (they can answer to reopen it until it closes)."""
    at = at or clock_now()
    table = _delays()
    shortest = min((d.resolve_after for d in table.values() if d.resolve_after), default=7)
    done = 0
    for pk, org_id, since, _count in _candidates(history.PENDING, shortest, at):
        if resolve_due(since, _delays_for(table, org_id), organisation_calendar(org_id), at) and _move(
            pk,
            history.PENDING,
            since,
            history.RESOLVED,
            _("No answer from the requester after the reminders."),
            at,
        ):
            done += 1
    return done


def close_resolved(*, at: datetime | None = None) -> int:
    """Procedure 002: a resolved request closes after 5 business days without reaction,
    counted on the organisation's calendar."""
    at = at or clock_now()
    table = _delays()
    shortest = min((d.close_after for d in table.values() if d.close_after), default=5)
    done = 0
    for pk, org_id, since, _count in _candidates(history.RESOLVED, shortest, at):
        if close_due(since, _delays_for(table, org_id), organisation_calendar(org_id), at) and _move(
            pk,
            history.RESOLVED,
            since,
            history.CLOSED,
            _("Closed after 5 business days without reaction."),
            at,
        ):
            done += 1
    return done


def _move(pk: int, expected: str, since: datetime, to: str, reason: str, at: datetime) -> bool:
    return automatic.settle(pk, status=expected, since=since, to=to, reason=reason, at=at)
