"""The small tables a page of tickets names (organisations, groups, products, components),
kept per process (``comptoir.core.cache``).

A page of tickets over a large history used to join them: PostgreSQL then spent longer
planning the six-table query than running it, and fetching them apart cost a query each.
They change seldom: a rename shows in the API's lists within 30 seconds; a row newer than
the cache is read at once, with one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from comptoir.accounts.models import Organisation
from comptoir.catalog.models import Component, Group, Product
from comptoir.core.cache import ProcessCache
from comptoir.tickets.models import Ticket

# The ticket's field, its model and the columns a ticket's summary shows.
TABLES: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "organisation": (Organisation, ("pk", "name")),
    "group": (Group, ("pk", "name", "tier")),
    "product": (Product, ("pk", "name")),
    "component": (Component, ("pk", "name")),
}


def _rows(model: type[Model], columns: tuple[str, ...], pks: Iterable[int] | None = None) -> dict[int, Any]:
    qs = model._default_manager.only(*columns).order_by()
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return {row.pk: row for row in qs}


def _load() -> dict[str, dict[int, Any]]:
    return {field: _rows(model, columns) for field, (model, columns) in TABLES.items()}


_cached: ProcessCache[dict[str, dict[int, Any]]] = ProcessCache(_load)


def attach(tickets: list[Ticket]) -> None:
    """Give each ticket its organisation, group, product and component from memory."""
    known = _cached.get()
    for field, (model, columns) in TABLES.items():
        attname = f"{field}_id"
        rows = known[field]
        missing = {getattr(t, attname) for t in tickets} - rows.keys() - {None}
        if missing:  # newer than the cache: read them, without reloading everything
            rows = {**rows, **_rows(model, columns, missing)}
        for ticket in tickets:
            pk = getattr(ticket, attname)
            if pk is not None:
                setattr(ticket, field, rows[pk])
