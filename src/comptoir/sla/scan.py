"""The periodic SLA jobs: mark breaches and send warnings.

Both find their work with one indexed query on running clocks (``due_at`` / ``warn_at``,
partial indexes) and act in batches. Breaches are not written here: the tickets whose clocks
fell due are re-derived from their history under the ticket's lock (``SKIP LOCKED``: two
consumers never work one ticket at once). Alerts are claimed on the clock rows with
``SELECT … FOR UPDATE SKIP LOCKED``, so each is sent once per clock and level.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from comptoir.core.clock import now as clock_now
from comptoir.sla.models import SLAClock
from comptoir.tickets.services import sla_state

BATCH = 2000
_RELATED = ("ticket", "ticket__assignee", "ticket__group")


def mark_breaches(*, at: datetime | None = None, batch: int = BATCH) -> int:
    """Running clocks whose due time has passed: their tickets' clocks are re-derived from
    the history read again under the ticket's lock, so a clock is marked breached only if
    the history still says so (an answer recorded meanwhile stops it in time); then the
    clocks found breached are notified, once each. Returns how many clocks became breached."""
    at = at or clock_now()
    marked = 0
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            due = (
                SLAClock.objects.filter(state=SLAClock.State.RUNNING, due_at__lte=at)
                .exclude(ticket_id__in=seen)
                .order_by("ticket_id")
                .values_list("pk", "ticket_id")[:batch]
            )
            rows = list(due)
            ticket_ids = sorted({ticket_id for _pk, ticket_id in rows})
            seen.update(ticket_ids)
            if ticket_ids:
                sla_state.rederive_due(ticket_ids, at=at)
                marked += SLAClock.objects.filter(
                    pk__in=[pk for pk, _ticket in rows], state=SLAClock.State.BREACHED
                ).count()
        if len(rows) < batch:
            break
    _notify(level="breached", at=at, batch=batch)
    return marked


def send_warnings(*, at: datetime | None = None, batch: int = BATCH) -> int:
    """Warn once when a running clock has used its warning share (75 % by default)."""
    at = at or clock_now()
    return _claim_and_alert(
        SLAClock.objects.filter(state=SLAClock.State.RUNNING, warned_at__isnull=True, warn_at__lte=at),
        stamp="warned_at",
        level="warning",
        at=at,
        batch=batch,
    )


def _notify(*, level: str, at: datetime, batch: int) -> int:
    return _claim_and_alert(
        SLAClock.objects.filter(state=SLAClock.State.BREACHED, breach_notified_at__isnull=True),
        stamp="breach_notified_at",
        level=level,
        at=at,
        batch=batch,
    )


def _claim_and_alert(queryset, *, stamp: str, level: str, at: datetime, batch: int) -> int:  # type: ignore[no-untyped-def]
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                queryset.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if ids:
                SLAClock.objects.filter(pk__in=ids).update(**{stamp: at})
                clocks = list(SLAClock.objects.filter(pk__in=ids).select_related(*_RELATED).order_by("pk"))
                sla_state.record_alerts(clocks, level=level, at=at)
        done += len(ids)
        if len(ids) < batch:
            return done
