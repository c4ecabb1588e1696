"""Reads the status page and the desk's outage pages share, each in a constant number of
queries (services, outages, their services and updates prefetched)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, QuerySet

from comptoir.outages import states
from comptoir.outages.models import Outage, OutageUpdate, Service
from comptoir.tickets.selectors import Page, visible_tickets

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.tickets.models import Ticket

HISTORY_DAYS = 90
HISTORY_LIMIT = 200
FEED_ENTRIES = 50
DESK_PAGE = 25


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(is_public=True).select_related("product", "component")


def public_outages() -> QuerySet[Outage]:
    """Outages of at least one public service, with only their public services (the status
    page never names a service it does not list) and their updates."""
    return Outage.objects.filter(
        pk__in=Outage.services.through.objects.filter(service__is_public=True).values("outage_id")
    ).prefetch_related(
        Prefetch("services", queryset=Service.objects.filter(is_public=True)),
        Prefetch("updates", queryset=OutageUpdate.objects.order_by("-at", "-pk")),
    )


@dataclass(frozen=True)
class StatusPage:
    at: datetime
    services: list[Service]
    ongoing: list[Outage]
    history: list[Outage]
    planned: list[Outage]

    @property
    def overall(self) -> str:
        return states.overall(s.state for s in self.services)


def status_page(*, at: datetime) -> StatusPage:
    """Current state per service, the outages under way with their updates, the planned
    ones to come (soonest first), and those resolved in the last 90 days (most recent
    first)."""
    unresolved = list(public_outages().filter(resolved_at__isnull=True).order_by("-started_at", "-pk"))
    ongoing = [o for o in unresolved if o.started_at <= at]
    planned = [o for o in reversed(unresolved) if o.started_at > at]
    history = list(
        public_outages()
        .filter(resolved_at__isnull=False, resolved_at__gte=at - timedelta(days=HISTORY_DAYS))
        .order_by("-started_at", "-pk")[:HISTORY_LIMIT]
    )
    return StatusPage(
        at=at, services=list(public_services()), ongoing=ongoing, history=history, planned=planned
    )


def public_outage(pk: int) -> Outage | None:
    return public_outages().filter(pk=pk).first()


def feed_updates(*, at: datetime) -> list[OutageUpdate]:
    """The latest public updates (of the last 90 days) for the Atom feed."""
    return list(
        OutageUpdate.objects.filter(
            at__gte=at - timedelta(days=HISTORY_DAYS),
            outage__in=Outage.objects.filter(services__is_public=True),
        )
        .distinct()
        .select_related("outage")
        .order_by("-at", "-pk")[:FEED_ENTRIES]
    )


def desk_list(*, page: int = 1) -> Page:
    """Every outage, those under way first, then the most recent; one bounded page."""
    offset = (max(page, 1) - 1) * DESK_PAGE
    rows = list(
        Outage.objects.prefetch_related("services").order_by(
            F("resolved_at").desc(nulls_first=True), "-started_at", "-pk"
        )[offset : offset + DESK_PAGE + 1]
    )
    return Page(rows=rows[:DESK_PAGE], number=max(page, 1), has_next=len(rows) > DESK_PAGE)


def desk_outage(pk: int) -> Outage | None:
    return (
        Outage.objects.select_related("declared_by")
        .prefetch_related(
            "services",
            Prefetch("updates", queryset=OutageUpdate.objects.select_related("by").order_by("-at", "-pk")),
        )
        .filter(pk=pk)
        .first()
    )


def linked_tickets(user: User, outage: Outage) -> tuple[list[Ticket], int]:
    """The linked tickets the agent may see (the others are only counted)."""

    visible = list(
        visible_tickets(user)
        .filter(outages=outage)
        .select_related("requester", "organisation")
        .order_by("-created_at", "-pk")[:200]
    )
    return visible, outage.tickets.count()
