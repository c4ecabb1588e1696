"""The review of open requests (procedure 003: « régulièrement, un état des incidents en
cours est effectué afin qu'aucune demande ne reste sans réponse »), as bounded lists and
counts, for every group or for one.

Its sections look at requests neither resolved nor closed; one request may be in several:

- **unanswered**: no public reply from the team yet (``first_response_at`` empty);
- **breached**: an SLA target was missed (``sla_breached``);
- **due soon**: the next SLA target (``sla_due_at``) falls within N business hours, or has
  passed and the scan has not marked it yet;
- **blocking**: severity Blocking, whatever the type (procedure 003: « Bloquant (tous types
  de demandes) »);
- **no activity**: new, open or on hold, and unchanged (``updated_at``) since the same local
  time N business days ago. Requests waiting on the requester are left out: the reminders
  and the automatic resolution follow them (``workflow.automations``).

Business hours and days are counted on the organisation's calendar, else the schedule's
default calendar, else as plain hours and days (see ``digest_times``).

Every figure comes from one aggregate query (per group and assignee) and every list from
one bounded query per section: six queries whatever the backlog, and no more rows in
memory than the lists show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from comptoir.accounts import contracts
from comptoir.calendars import BusinessCalendar
from comptoir.tickets.models import Ticket
from comptoir.tickets.vocabulary import Severity, Status
from comptoir.workflow import digest_times

if TYPE_CHECKING:
    from comptoir.catalog.models import Group

UNANSWERED = "unanswered"
BREACHED = "breached"
DUE_SOON = "due_soon"
BLOCKING = "blocking"
INACTIVE = "inactive"
KEYS = (UNANSWERED, BREACHED, DUE_SOON, BLOCKING, INACTIVE)

LIST_LIMIT = 20
DONE = (Status.RESOLVED, Status.CLOSED)
IDLE_STATUSES = (Status.NEW, Status.OPEN, Status.ON_HOLD)
_RELATED = ("group", "assignee", "organisation")
# The most pressing first in each list.
_ORDER: dict[str, tuple[str, ...]] = {
    UNANSWERED: ("created_at", "pk"),
    BREACHED: ("created_at", "pk"),
    DUE_SOON: ("sla_due_at", "pk"),
    BLOCKING: ("created_at", "pk"),
    INACTIVE: ("updated_at", "pk"),
}


@dataclass(frozen=True)
class Window:
    """What the review looks at: its "no activity" and "due soon" spans, and the calendar
    for requests whose organisation has none."""

    inactive_days: int = 3
    due_soon_hours: int = 4
    calendar_id: int | None = None


def short_label(key: str) -> str:
    return {
        UNANSWERED: _("Unanswered"),
        BREACHED: _("SLA breached"),
        DUE_SOON: _("Due soon"),
        BLOCKING: pgettext("review column", "Blocking"),
        INACTIVE: _("No activity"),
    }[key]


@dataclass(frozen=True)
class Section:
    key: str
    count: int
    tickets: list[Ticket]
    window: Window

    @property
    def more(self) -> int:
        return max(self.count - len(self.tickets), 0)

    @property
    def label(self) -> str:
        return short_label(self.key)

    @property
    def title(self) -> str:
        """Read in the language active when the page or mail is rendered."""
        if self.key == UNANSWERED:
            return _("Unanswered: no reply from the team yet")
        if self.key == BREACHED:
            return _("SLA target breached")
        if self.key == DUE_SOON:
            n = self.window.due_soon_hours
            return ngettext(
                "SLA target due within %(n)d business hour",
                "SLA target due within %(n)d business hours",
                n,
            ) % {"n": n}
        if self.key == BLOCKING:
            return _("Blocking, still open")
        n = self.window.inactive_days
        return ngettext("No activity for %(n)d business day", "No activity for %(n)d business days", n) % {
            "n": n
        }


@dataclass(frozen=True)
class Tally:
    """One line of the "by group" or "by assignee" table: counts in ``KEYS`` order."""

    kind: str  # "group" or "assignee"
    pk: int | None
    name: str
    counts: tuple[int, ...]

    @property
    def figures(self) -> str:
        return " / ".join(map(str, self.counts))

    @property
    def label(self) -> str:
        if self.pk is not None:
            return self.name
        return _("Triage (no group)") if self.kind == "group" else _("Unassigned")


@dataclass(frozen=True)
class Digest:
    at: datetime
    group: Group | None
    window: Window
    sections: list[Section]
    by_group: list[Tally] = field(default_factory=list)
    by_assignee: list[Tally] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(s.count for s in self.sections)

    @property
    def reported(self) -> list[Section]:
        """The sections with something in them."""
        return [s for s in self.sections if s.count]

    @property
    def listed(self) -> int:
        """Lines over all sections (a request in two sections counts twice)."""
        return sum(s.count for s in self.sections)

    @property
    def tables(self) -> list[tuple[str, list[Tally]]]:
        """The per-group table (the whole review only) and the per-assignee one."""
        return [
            (_("By group"), [] if self.group is not None else self.by_group),
            (_("By assignee"), self.by_assignee),
        ]

    @property
    def labels(self) -> list[str]:
        return [short_label(k) for k in KEYS]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def _per_calendar(
    field_lookup: str, limit: Callable[[BusinessCalendar | None], datetime], window: Window
) -> Q:
    """``field_lookup`` against a limit computed once per business calendar in use: the
    organisation's, else the window's default one, else plain time."""
    condition = Q()
    for calendar_id in contracts.calendar_ids():
        condition |= Q(
            organisation__calendar=calendar_id, **{field_lookup: limit(contracts.calendar(calendar_id))}
        )
    default = contracts.calendar(window.calendar_id)
    return condition | Q(organisation__calendar__isnull=True, **{field_lookup: limit(default)})


def conditions(at: datetime, window: Window) -> dict[str, Q]:
    """Each section's condition over open requests, in ``KEYS`` order."""
    return {
        UNANSWERED: Q(first_response_at__isnull=True),
        BREACHED: Q(sla_breached=True),
        DUE_SOON: _per_calendar(
            "sla_due_at__lte",
            lambda cal: digest_times.due_soon_limit(at, window.due_soon_hours, cal),
            window,
        ),
        BLOCKING: Q(severity=Severity.BLOCKING),
        INACTIVE: Q(status__in=IDLE_STATUSES)
        & _per_calendar(
            "updated_at__lt", lambda cal: digest_times.idle_since(at, window.inactive_days, cal), window
        ),
    }


def open_requests(group: Group | None) -> QuerySet[Ticket]:
    qs = Ticket.objects.exclude(status__in=DONE)
    return qs.filter(group=group) if group is not None else qs


_GROUP = ("group_id", "group__name", "group__tier")
_ASSIGNEE = ("assignee_id", "assignee__first_name", "assignee__last_name", "assignee__username")


def _tallies(qs: QuerySet[Ticket], conds: dict[str, Q]) -> tuple[list[Tally], list[Tally]]:
    """Counts per (group, assignee) in one query — a few hundred rows at most — summed
    per group and per assignee."""
    counts = {key: Count("pk", filter=q) for key, q in conds.items()}
    rows: list[dict[str, Any]] = list(qs.values(*_GROUP, *_ASSIGNEE).annotate(**counts).order_by())
    groups: dict[int | None, tuple[str, list[int]]] = {}
    assignees: dict[int | None, tuple[str, list[int]]] = {}
    for row in rows:
        figures = [row[k] for k in KEYS]
        pk = row["group_id"]
        name = f"{row['group__name']} ({row['group__tier']})" if pk else ""
        _add(groups, pk, name, figures)
        pk = row["assignee_id"]
        full = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
        _add(assignees, pk, (full or row["assignee__username"]) if pk else "", figures)
    return _sorted("group", groups), _sorted("assignee", assignees)


def _add(
    into: dict[int | None, tuple[str, list[int]]], pk: int | None, name: str, figures: list[int]
) -> None:
    total = into.setdefault(pk, (name, [0] * len(KEYS)))[1]
    for i, n in enumerate(figures):
        total[i] += n


def _sorted(kind: str, tallies: dict[int | None, tuple[str, list[int]]]) -> list[Tally]:
    # The unnamed line (triage, unassigned) first: it is the one nobody else looks at.
    return sorted(
        (Tally(kind, pk, name, tuple(figures)) for pk, (name, figures) in tallies.items()),
        key=lambda t: (t.pk is not None, t.name.casefold()),
    )


def build(*, group: Group | None, at: datetime, window: Window, limit: int = LIST_LIMIT) -> Digest:
    """The review of ``group``'s open requests, or of every group's (None), at ``at``."""
    conds = conditions(at, window)
    flagged = open_requests(group).filter(reduce(or_, conds.values()))
    by_group, by_assignee = _tallies(flagged, conds)
    sections = []
    for index, key in enumerate(KEYS):
        count = sum(t.counts[index] for t in by_group)
        tickets = (
            list(
                open_requests(group)
                .filter(conds[key])
                .select_related(*_RELATED)
                .order_by(*_ORDER[key])[:limit]
            )
            if count
            else []
        )
        sections.append(Section(key, count, tickets, window))
    return Digest(
        at=at, group=group, window=window, sections=sections, by_group=by_group, by_assignee=by_assignee
    )
