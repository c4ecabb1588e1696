"""The periodic SLA jobs: mark breaches and send warnings.

Both find their work with one indexed query on running clocks (``due_at`` / ``warn_at``,
partial indexes), claim it with ``SELECT … FOR UPDATE SKIP LOCKED`` so two consumers never
alert twice, and act in batches. Alerts are sent once per clock and level.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from comptoir.core.clock import now as clock_now
from comptoir.sla.models import SLAClock
from comptoir.tickets.services import sla_state

BATCH = 2000
_RELATED = ("ticket", "ticket__assignee", "ticket__group")


def mark_breaches(*, at: datetime | None = None, batch: int = BATCH) -> int:
    """Running clocks whose due time has passed become breached and are notified; clocks
    found breached by a recomputation (an answer given late) are notified too, once."""
    at = at or clock_now()
    marked = 0
    while True:
        with transaction.atomic():
            ids = list(
                SLAClock.objects.select_for_update(skip_locked=True)
                .filter(state=SLAClock.State.RUNNING, due_at__lte=at)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if ids:
                SLAClock.objects.filter(pk__in=ids).update(
                    state=SLAClock.State.BREACHED, remaining=timedelta(0)
                )
                ticket_ids = list(
                    SLAClock.objects.filter(pk__in=ids).values_list("ticket_id", flat=True).distinct()
                )
                sla_state.refresh_summaries(ticket_ids)
        marked += len(ids)
        if len(ids) < batch:
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
