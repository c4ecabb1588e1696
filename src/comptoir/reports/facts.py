"""Filling the reports' tables from the tickets' histories, and how they stay exact.

Two tables, both rebuilt from the source of truth and never counted up incrementally:

- ``Fact``: one row per thing a ticket's history counts (``history.entries``): received,
  each duration reached (acknowledgement, pick-up, first response, each resolution) in
  business seconds on the organisation's calendar and in elapsed seconds, reopened,
  closed, urgency flags and downgrades, surveys sent and answered, and one row per SLA
  clock outcome. Each row carries the ticket's qualification as recorded at the end of
  its local day, reconstructed from the events (a later requalification does not move
  it). A ticket's rows are rewritten from its whole history each time it has a new event,
  except its SLA outcomes: an outcome is recorded once, when the clock first reaches it,
  and kept (a requalification recomputes the live clocks with the new targets; the report
  "as of now" reads those).
- ``DailyFact``: each day's facts added up, for everything and per value of each
  dimension. It is a pure function of that day's facts: every day whose facts changed is
  re-aggregated from them (delete and insert in one transaction), so the roll-ups always
  equal what the facts add up to. Duration kinds keep the list of the day's per-ticket
  durations, so medians and 90th percentiles over any period are computed from the
  individual durations, never from averaged aggregates.

``refresh`` is the periodic job (and the dashboard's "refresh now"): it reads the events
written since the last run (plus a look-back of ``LOOKBACK`` events, for transactions that
committed late), rebuilds those tickets' facts and re-aggregates the days they touched.
One filler runs at a time (a row lock on ``FillState``); a rerun is harmless (same input,
same rows). ``rebuild`` does it for every ticket.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from comptoir.accounts.contracts import organisation_calendar
from comptoir.catalog.models import Component, Group, Product
from comptoir.core.clock import now as clock_now
from comptoir.reports import history
from comptoir.reports.dimensions import DIMENSIONS, value_of
from comptoir.reports.history import Catalogue, Change, Clock, Current, Entry
from comptoir.reports.models import DailyFact, Fact, FillState
from comptoir.sla.models import SLAClock
from comptoir.tickets.models import Ticket, TicketEvent

BATCH = 1000  # tickets rebuilt per transaction
EVENTS_PER_RUN = 20_000
LOOKBACK = 500
DAYS_PER_QUERY = 31
STAFF_ROLES = frozenset({"agent", "supervisor", "admin"})
_DIM_COLUMNS = tuple((key, dim.column) for key, dim in DIMENSIONS.items())


def zone() -> ZoneInfo:
    """Days are the site's days."""
    return ZoneInfo(settings.TIME_ZONE)


def detail_of(entry: Entry) -> str:
    if entry.kind == history.SLA:
        return f"{entry.metric}:{entry.outcome}"
    if entry.kind == history.SURVEY_SENT:
        return "answered" if entry.rating else ""
    if entry.kind == history.SURVEY_ANSWERED:
        return str(entry.rating or "")
    if entry.kind == history.RECEIVED:
        return "quota" if entry.counted else ""
    return ""


def catalogue() -> Catalogue:
    products = dict(Product.objects.values_list("name", "pk"))
    components = {
        f"{p} / {c}": pk for pk, p, c in Component.objects.values_list("pk", "product__name", "name")
    }
    return Catalogue(
        products=products, components=components, tiers=dict(Group.objects.values_list("pk", "tier"))
    )


def _fact(ticket_id: int, entry: Entry) -> Fact:
    q = entry.qualification
    return Fact(
        ticket_id=ticket_id,
        kind=entry.kind,
        seq=entry.seq,
        at=entry.at,
        day=entry.day,
        detail=detail_of(entry),
        business=entry.business,
        plain=entry.plain,
        organisation_id=q.organisation_id,
        product_id=q.product_id,
        component_id=q.component_id,
        group_id=q.group_id,
        assignee_id=q.assignee_id,
        type=q.type,
        severity=q.severity,
        priority=q.priority,
        channel=q.channel,
        tier=q.tier,
    )


_TICKET_FIELDS = (
    "pk",
    "created_at",
    "organisation_id",
    "channel",
    "type",
    "severity",
    "priority",
    "product_id",
    "component_id",
    "group_id",
    "assignee_id",
    "is_urgent",
    "urgent_review",
    "linked_to_id",
    "requester_id",
)


def _histories(ticket_ids: Sequence[int]) -> dict[int, list[Change]]:
    changes: dict[int, list[Change]] = defaultdict(list)
    rows = (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids)
        .order_by("ticket_id", "at", "pk")
        .values_list("ticket_id", "at", "kind", "changes", "actor_id", "pk")
    )
    for ticket_id, at, kind, ch, actor_id, pk in rows.iterator(chunk_size=5000):
        changes[ticket_id].append(Change(at=at, kind=kind, changes=ch or {}, actor_id=actor_id, seq=pk))
    return changes


def _clocks(ticket_ids: Sequence[int]) -> dict[int, list[Clock]]:
    found: dict[int, list[Clock]] = defaultdict(list)
    rows = SLAClock.objects.filter(
        ticket_id__in=ticket_ids, state__in=["met", "breached", "handed_over"]
    ).values_list("ticket_id", "segment", "metric", "cycle", "state", "due_at", "ended_at")
    for ticket_id, segment, metric, cycle, state, due_at, ended_at in rows:
        found[ticket_id].append(Clock(segment, metric, cycle, state, due_at, ended_at))
    return found


def rebuild_tickets(ticket_ids: Iterable[int], *, cat: Catalogue | None = None) -> set[date]:
    """Rewrite the facts of these tickets from their histories (in the caller's
    transaction); returns the days whose roll-ups must be redone."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return set()
    cat = cat or catalogue()
    here = zone()
    tickets = Ticket.objects.filter(pk__in=ids).values_list(*_TICKET_FIELDS)
    changes = _histories(ids)
    clocks = _clocks(ids)
    kept_sla = set(Fact.objects.filter(ticket_id__in=ids, kind=history.SLA).values_list("ticket_id", "seq"))
    days = set(
        Fact.objects.filter(ticket_id__in=ids)
        .exclude(kind=history.SLA)
        .values_list("day", flat=True)
        .distinct()
    )
    made: list[Fact] = []
    for row in tickets:
        values = dict(zip(_TICKET_FIELDS, row, strict=True))
        current = Current(
            id=values["pk"],
            created_at=values["created_at"],
            organisation_id=values["organisation_id"],
            channel=values["channel"],
            type=values["type"],
            severity=values["severity"],
            priority=values["priority"],
            product_id=values["product_id"],
            component_id=values["component_id"],
            group_id=values["group_id"],
            assignee_id=values["assignee_id"],
            is_urgent=values["is_urgent"],
            urgent_review=values["urgent_review"],
            follow_up=values["linked_to_id"] is not None,
            requester_id=values["requester_id"],
        )
        past = changes.get(current.id, [])
        calendar = organisation_calendar(current.organisation_id)
        made += [
            _fact(current.id, entry)
            for entry in history.entries(current, past, catalogue=cat, calendar=calendar, zone=here)
        ]
        outcomes = history.clock_entries(current, past, clocks.get(current.id, []), catalogue=cat, zone=here)
        made += [_fact(current.id, e) for e in outcomes if (current.id, e.seq) not in kept_sla]
    Fact.objects.filter(ticket_id__in=ids).exclude(kind=history.SLA).delete()
    Fact.objects.bulk_create(made, batch_size=2000, ignore_conflicts=True)
    days.update(f.day for f in made)
    return days


# -- daily roll-ups ---------------------------------------------------------------------

_KEEP_DURATIONS = frozenset(history.DURATIONS)


def rollup(days: Iterable[date]) -> int:
    """Re-aggregate these days from their facts (in the caller's transaction); returns
    the number of roll-up rows written. On PostgreSQL the database adds up (one
    INSERT … SELECT per chunk of days); elsewhere Python does, with the same result."""
    ordered = sorted(set(days))
    written = 0
    for i in range(0, len(ordered), DAYS_PER_QUERY):
        chunk = ordered[i : i + DAYS_PER_QUERY]
        DailyFact.objects.filter(day__in=chunk).delete()
        written += _rollup_sql(chunk) if connection.vendor == "postgresql" else _rollup_python(chunk)
    return written


def _rollup_python(chunk: list[date]) -> int:
    sums: dict[tuple[date, str, str, str, str], list[Any]] = {}
    rows = Fact.objects.filter(day__in=chunk).values_list(
        "day", "kind", "detail", "business", "plain", *(column for _key, column in _DIM_COLUMNS)
    )
    for row in rows.iterator(chunk_size=10_000):
        day, kind, detail, business, plain = row[:5]
        keep = kind in _KEEP_DURATIONS
        values = zip(_DIM_COLUMNS, row[5:], strict=True)
        for dim, value in (("", ""), *((key, value_of(v)) for (key, _c), v in values)):
            cell = sums.get((day, dim, value, kind, detail))
            if cell is None:
                cell = sums[(day, dim, value, kind, detail)] = [0, [], []]
            cell[0] += 1
            if keep:
                if business is not None:
                    cell[1].append(business)
                if plain is not None:
                    cell[2].append(plain)
    DailyFact.objects.bulk_create(
        (
            DailyFact(day=day, dim=dim, value=value, kind=kind, detail=detail, count=n, business=b, plain=p)
            for (day, dim, value, kind, detail), (n, b, p) in sums.items()
        ),
        batch_size=2000,
    )
    return len(sums)


def _rollup_sql(chunk: list[date]) -> int:
    """The same sums as ``_rollup_python``, added up by PostgreSQL."""
    pairs = ", ".join(
        ["('', '')"]
        + [
            f"('{key}', coalesce(f.{column}::text, ''))"
            for key, column in _DIM_COLUMNS  # fixed identifiers from DIMENSIONS, never input
        ]
    )
    sql = f"""
        INSERT INTO {DailyFact._meta.db_table} (day, dim, value, kind, detail, count, business, plain)
        SELECT f.day, d.dim, d.value, f.kind, f.detail, count(*),
               coalesce(
                   jsonb_agg(f.business) FILTER (WHERE f.kind = ANY(%(kinds)s) AND f.business IS NOT NULL),
                   '[]'::jsonb
               ),
               coalesce(jsonb_agg(f.plain) FILTER (WHERE f.kind = ANY(%(kinds)s) AND f.plain IS NOT NULL),
                        '[]'::jsonb)
        FROM {Fact._meta.db_table} f CROSS JOIN LATERAL (VALUES {pairs}) AS d(dim, value)
        WHERE f.day = ANY(%(days)s)
        GROUP BY f.day, d.dim, d.value, f.kind, f.detail
    """  # noqa: S608 - table and column names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, {"kinds": sorted(_KEEP_DURATIONS), "days": chunk})
        return cursor.rowcount


# -- the jobs ---------------------------------------------------------------------------


def refresh(*, at: datetime | None = None, events_per_run: int = EVENTS_PER_RUN) -> int:
    """The periodic job: facts of the tickets with new events, and their days' roll-ups.
    Returns the number of tickets rebuilt."""
    at = at or clock_now()
    rebuilt = 0
    first = True
    while True:
        with transaction.atomic():
            FillState.objects.get_or_create(pk=1)
            # One filler at a time: a second one waits here, then finds nothing new.
            state = FillState.objects.select_for_update().get(pk=1)
            since = max(state.last_event_id - (LOOKBACK if first else 0), 0)
            rows = list(
                TicketEvent.objects.filter(pk__gt=since)
                .order_by("pk")
                .values_list("pk", "ticket_id")[:events_per_run]
            )
            if rows:
                ids = sorted({t for _pk, t in rows})
                cat = catalogue()
                days: set[date] = set()
                for i in range(0, len(ids), BATCH):
                    days |= rebuild_tickets(ids[i : i + BATCH], cat=cat)
                rollup(days)
                rebuilt += len(ids)
                state.last_event_id = max(state.last_event_id, rows[-1][0])
            state.refreshed_at = at
            state.save(update_fields=["last_event_id", "refreshed_at"])
        first = False
        if len(rows) < events_per_run:
            return rebuilt


def rebuild(*, at: datetime | None = None, batch: int = BATCH) -> int:
    """Every ticket's facts and every day's roll-ups again, from scratch (after an
    upgrade that changes what is counted). SLA outcomes already recorded are kept. The
    facts are rewritten a batch of tickets per transaction, then each day is rolled up
    once."""
    at = at or clock_now()
    done, last = 0, 0
    cat = catalogue()
    days: set[date] = set()
    while True:
        ids = list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            break
        with transaction.atomic():
            days |= rebuild_tickets(ids, cat=cat)
        done += len(ids)
        last = ids[-1]
    with transaction.atomic():
        days |= set(DailyFact.objects.values_list("day", flat=True).distinct())
        rollup(days)
        top = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        FillState.objects.update_or_create(pk=1, defaults={"last_event_id": top, "refreshed_at": at})
    return done


def refreshed_at() -> datetime | None:
    return FillState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
