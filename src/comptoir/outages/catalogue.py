"""The outages under way, cached per process.

The desk's ticket page (is this ticket linked, should it be?) and the portal's new-request
page (is the product down?) read them on every visit: they are kept in memory
(``comptoir.core.cache``). The outage services call ``reset()`` when they change an outage (at once and again
after commit), so this process sees a change at once and the others within 30 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from comptoir.core.cache import ProcessCache
from comptoir.core.clock import now as clock_now


@dataclass(frozen=True)
class OngoingOutage:
    id: int
    title: str
    kind: str
    impact: str
    started_at: datetime
    expected_end_at: datetime | None
    services: tuple[str, ...]
    public_services: tuple[str, ...]
    product_ids: frozenset[int]
    ticket_ids: frozenset[int]

    @property
    def is_public(self) -> bool:
        return bool(self.public_services)

    @property
    def kind_label(self) -> str:
        # Translated when shown, not when cached: the cache serves every language.
        from comptoir.outages.models import Outage

        return str(Outage.Kind(self.kind).label)


@dataclass(frozen=True)
class Ongoing:
    outages: tuple[OngoingOutage, ...]

    def linked_to(self, ticket_id: int) -> list[OngoingOutage]:
        return [o for o in self.outages if ticket_id in o.ticket_ids]

    def started(self) -> list[OngoingOutage]:
        """Under way now: a planned maintenance declared ahead counts from its start."""
        at = clock_now()
        return [o for o in self.outages if o.started_at <= at]

    def affecting(self, product_id: int | None) -> list[OngoingOutage]:
        if product_id is None:
            return []
        return [o for o in self.started() if product_id in o.product_ids]

    def public(self) -> list[OngoingOutage]:
        return [o for o in self.started() if o.is_public]


def reset() -> None:
    _cached.forget()


def ongoing() -> Ongoing:
    return _cached.get()


def _load() -> Ongoing:
    from comptoir.outages.models import Outage

    rows = list(
        Outage.objects.filter(resolved_at__isnull=True)
        .prefetch_related("services")
        .order_by("started_at", "pk")
    )
    tickets: dict[int, set[int]] = {}
    for outage_id, ticket_id in Outage.tickets.through.objects.filter(
        outage__resolved_at__isnull=True
    ).values_list("outage_id", "ticket_id"):
        tickets.setdefault(outage_id, set()).add(ticket_id)
    return Ongoing(
        tuple(
            OngoingOutage(
                id=o.pk,
                title=o.title,
                kind=o.kind,
                impact=o.impact,
                started_at=o.started_at,
                expected_end_at=o.expected_end_at,
                services=tuple(s.name for s in o.services.all()),
                public_services=tuple(s.name for s in o.services.all() if s.is_public),
                product_ids=frozenset(s.product_id for s in o.services.all()),
                ticket_ids=frozenset(tickets.get(o.pk, ())),
            )
            for o in rows
        )
    )


_cached: ProcessCache[Ongoing] = ProcessCache(_load)
