"""Reads shared by pages and the API: querysets with their joins set, filtered by what the
viewer may see. Lists are bounded pages: one query fetches page_size + 1 rows to know
whether a next page exists (no COUNT over a million rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext as _

from comptoir.core.errors import NotFound
from comptoir.sla.models import SLAClock
from comptoir.tickets import history
from comptoir.tickets.models import Attachment, Message, Ticket, TicketEvent
from comptoir.tickets.permissions import visibility
from comptoir.tickets.vocabulary import priority_rank

if TYPE_CHECKING:
    from comptoir.accounts.models import User

PAGE_SIZE = 25
MAX_PAGE = 400

LIST_RELATED = ("requester", "organisation", "group", "assignee", "product", "component")

_priority_rank = priority_rank()

SORTS: dict[str, tuple[Any, ...]] = {
    "-updated": ("-updated_at", "-pk"),
    "updated": ("updated_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "priority": (_priority_rank.asc(), "-updated_at", "-pk"),
    "-number": ("-number",),
    "due": (F("sla_due_at").asc(nulls_last=True), "-pk"),
    "number": ("number",),
}

FILTERS = ("status", "type", "priority", "severity", "product", "component", "group", "tier", "assignee")


@dataclass(frozen=True)
class Page:
    rows: list[Ticket]
    number: int
    has_next: bool
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def visible_tickets(user: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(visibility(user))


def queue(user: User, *, filters: dict[str, str], sort: str = "-updated", page: int = 1) -> Page:
    """The desk queue: visible tickets, filtered, sorted, one bounded page."""
    qs = visible_tickets(user).select_related(*LIST_RELATED)
    applied: dict[str, str] = {}
    for key in FILTERS:
        value = (filters.get(key) or "").strip()
        if not value:
            continue
        applied[key] = value
        if key in {"status", "type", "priority", "severity"}:
            qs = qs.filter(**{f"{key}__in": value.split(",")})
        elif key == "tier":
            qs = qs.filter(group__tier=value)
        elif key == "assignee":
            if value == "me":
                qs = qs.filter(assignee_id=user.pk)
            elif value == "none":
                qs = qs.filter(assignee__isnull=True)
            elif value.isdigit():
                qs = qs.filter(assignee_id=int(value))
        elif key == "group" and value == "none":
            qs = qs.filter(group__isnull=True)
        elif value.isdigit():
            qs = qs.filter(**{f"{key}_id": int(value)})
    if filters.get("sla") == "breached":
        applied["sla"] = "breached"
        qs = qs.filter(sla_breached=True)
    search = (filters.get("q") or "").strip()
    if search:
        applied["q"] = search
        digits = search.lstrip("#")
        qs = qs.filter(number=int(digits)) if digits.isdigit() else qs.filter(subject__icontains=search)
    return _page(qs.order_by(*SORTS.get(sort, SORTS["-updated"])), page, applied)


def portal_tickets(user: User, *, status: str = "", page: int = 1) -> Page:
    """A requester's own tickets, or an organisation admin's organisation's, newest first."""
    qs = visible_tickets(user).select_related("requester", "assignee", "product")
    applied = {}
    if status == "active":
        qs = qs.exclude(status__in=history.DONE)
        applied["status"] = status
    elif status == "done":
        qs = qs.filter(status__in=history.DONE)
        applied["status"] = status
    return _page(qs.order_by("-created_at", "-pk"), page, applied)


def _page(qs: QuerySet[Ticket], page: int, filters: dict[str, str]) -> Page:
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return Page(rows=rows[:PAGE_SIZE], number=page, has_next=len(rows) > PAGE_SIZE, filters=filters)


def urgency_downgrades(requester_id: int) -> int:
    """How often this requester's URGENT was removed (procedure 001: abuse is downgraded;
    supervisors see who overuses it)."""
    return TicketEvent.objects.filter(
        ticket__requester_id=requester_id, kind=TicketEvent.Kind.URGENCY_DOWNGRADED
    ).count()


def ticket_for(user: User, number: int, *, with_conversation: bool = True) -> Ticket:
    """One ticket with its conversation and history, in a constant number of queries.
    A ticket the user may not see is "not found", like a number that does not exist: it
    is filtered out by the query itself, so it is never read (not even its conversation)
    and costs the same queries as a missing number."""
    qs = visible_tickets(user).select_related(*LIST_RELATED, "feature")
    if with_conversation:
        messages = Message.objects.select_related("author").order_by("created_at", "pk")
        if not user.is_staff_member:
            messages = messages.filter(kind=Message.Kind.PUBLIC)
        evts = TicketEvent.objects.select_related("actor").order_by("at", "pk")
        if not user.is_staff_member:
            evts = evts.filter(is_public=True)
        qs = qs.prefetch_related(
            Prefetch(
                "messages",
                queryset=messages.prefetch_related(
                    Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
                ),
            ),
            Prefetch("events", queryset=evts),
            Prefetch("clocks", queryset=SLAClock.objects.select_related("policy")),
        )
    try:
        ticket = qs.get(number=number)
    except Ticket.DoesNotExist:
        raise NotFound(_("No such ticket.")) from None
    return ticket


SUPPORTING_SHOWN = 50


def supporting_requests(user: User, feature: Ticket) -> list[Ticket]:
    """The requests linked to a feature request that the user may see, newest first (at
    most ``SUPPORTING_SHOWN``)."""
    return list(
        visible_tickets(user)
        .filter(feature_id=feature.pk)
        .select_related("requester", "organisation")
        .order_by("-created_at", "-pk")[:SUPPORTING_SHOWN]
    )


def triage(user: User, *, page: int = 1) -> Page:
    """The triage queue: unresolved tickets in no group (no routing rule, no product team
    took them), newest first: what the agent on duty sorts out (procedure 003). One bounded
    page, one query."""
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    qs = (
        visible_tickets(user)
        .filter(group__isnull=True)
        .exclude(status__in=history.DONE)
        .select_related(*LIST_RELATED)
        .order_by("-created_at", "-pk")
    )
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return Page(rows=rows[:PAGE_SIZE], number=page, has_next=len(rows) > PAGE_SIZE)
