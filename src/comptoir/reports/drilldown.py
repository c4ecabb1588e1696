"""The tickets behind a figure: the facts the figure counts (same period, same filters,
same kind and detail), one line each, or the open tickets behind a backlog figure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from comptoir.core.errors import NotFound
from comptoir.reports import deflections, history, measures, query, stats
from comptoir.reports.dimensions import DIMENSIONS
from comptoir.reports.query import Scope
from comptoir.sla.models import Metric
from comptoir.tickets.models import Ticket
from comptoir.tickets.vocabulary import Status

PAGE_SIZE = 50
MAX_PAGE = 400

KIND_LABELS = {
    history.RECEIVED: pgettext_lazy("report", "Received"),
    history.RESOLVED: pgettext_lazy("report", "Resolved"),
    history.REOPENED: pgettext_lazy("report", "Reopened"),
    history.CLOSED: pgettext_lazy("report", "Closed"),
    history.URGENT_FLAG: gettext_lazy("Marked urgent"),
    history.URGENT_DOWNGRADE: gettext_lazy("Urgency removed"),
    history.SURVEY_SENT: gettext_lazy("Satisfaction invitation sent"),
    history.SURVEY_ANSWERED: gettext_lazy("Satisfaction rated"),
    history.SLA: gettext_lazy("SLA target"),
}


@dataclass
class Line:
    ticket: Ticket | None
    at: datetime | None
    text: str
    label: str = ""  # what the line is about, when it is not a ticket (a deflection's article)
    organisation: str = ""


@dataclass
class Drill:
    title: str
    lines: list[Line]
    count: int
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def kind_label(kind: str, detail: str | None) -> str:
    if kind in measures.DURATION_LABELS:
        return str(measures.DURATION_LABELS[kind])
    if kind == history.SLA and detail and ":" in detail:
        metric, outcome = detail.split(":", 1)
        names = dict(measures.OUTCOMES)
        if metric in Metric.values and outcome in names:
            return f"{Metric(metric).label}: {names[outcome]}"
    if kind == history.SURVEY_ANSWERED and detail:
        return f"{KIND_LABELS[kind]}: {'★' * int(detail)}" if detail.isdigit() else str(KIND_LABELS[kind])
    if kind == history.RECEIVED and detail == "quota":
        return _("Received, counted in the allowance")
    if kind == history.SURVEY_SENT and detail == "answered":
        return _("Satisfaction invitation sent and answered")
    return str(KIND_LABELS.get(kind, kind))


KINDS = frozenset({*KIND_LABELS, *history.DURATIONS})


def drill_down(scope: Scope, params: Mapping[str, str], *, at: datetime, page: int = 1) -> Drill:
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    if params.get("backlog"):
        return _backlog(scope, params, at=at, page=page, start=start)
    kind = params.get("kind", "")
    if kind == deflections.KIND:
        return _deflections(scope, page=page, start=start)
    if kind not in KINDS:
        raise NotFound(_("No such report."))
    detail = params.get("detail")
    qs = query.entries(scope, kind, detail)
    count = qs.count()
    rows = list(
        qs.select_related("ticket", "ticket__organisation").order_by("at", "pk")[
            start : start + PAGE_SIZE + 1
        ]
    )
    lines = []
    for fact in rows[:PAGE_SIZE]:
        if kind in history.DURATIONS:
            seconds = fact.business if scope.business else fact.plain
            text = measures.format_duration(seconds)
        elif kind == history.SURVEY_SENT or kind == history.SURVEY_ANSWERED:
            text = "★" * int(fact.detail) if fact.detail.isdigit() else ""
        else:
            text = ""
        lines.append(Line(fact.ticket, fact.at, text, organisation=_organisation(fact.ticket)))
    return Drill(kind_label(kind, detail), lines, count, page, len(rows) > PAGE_SIZE)


def _backlog(scope: Scope, params: Mapping[str, str], *, at: datetime, page: int, start: int) -> Drill:
    status = params.get("backlog", "")
    qs = Ticket.objects.exclude(status__in=[Status.RESOLVED, Status.CLOSED])
    if status in {Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD}:
        qs = qs.filter(status=status)
        title = str(Status(status).label)
    elif status == "open":
        title = _("Open now")
    else:
        raise NotFound(_("No such report."))
    for key, value in scope.filters:
        qs = qs.filter(DIMENSIONS[key].condition(value, now=True))
    age = params.get("age", "")
    if age:
        if age not in {label for label, _l, _h in stats.AGE_BUCKETS}:
            raise NotFound(_("No such report."))
        after, until = measures.backlog_age_limits(age, at)
        if after is not None:
            qs = qs.filter(created_at__gt=after)
        if until is not None:
            qs = qs.filter(created_at__lte=until)
        title = f"{title} · " + _("%(age)s days") % {"age": age}
    count = qs.count()
    rows = list(qs.select_related("organisation").order_by("created_at", "pk")[start : start + PAGE_SIZE + 1])
    lines = [Line(t, t.created_at, "", organisation=_organisation(t)) for t in rows[:PAGE_SIZE]]
    return Drill(title, lines, count, page, len(rows) > PAGE_SIZE)


def _organisation(ticket: Ticket) -> str:
    return ticket.organisation.name if ticket.organisation_id and ticket.organisation else ""


def _deflections(scope: Scope, *, page: int, start: int) -> Drill:
    if not deflections.applies(scope, stats.TOTAL):
        raise NotFound(_("No such report."))
    qs = deflections.rows(scope)
    count = qs.count()
    rows = list(
        qs.select_related("article", "organisation").order_by("at", "pk")[start : start + PAGE_SIZE + 1]
    )
    lines = [
        Line(
            None,
            d.at,
            d.query,
            label=str(d.article),
            organisation=d.organisation.name if d.organisation_id and d.organisation else "",
        )
        for d in rows[:PAGE_SIZE]
    ]
    return Drill(_("Requests avoided"), lines, count, page, len(rows) > PAGE_SIZE)
