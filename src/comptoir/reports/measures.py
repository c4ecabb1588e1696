"""The measures supervisors read, as tables: one row per period (day, week, month) or per
value of a dimension, each figure with the drill-down that lists the facts it counts.

Measures: response times (acknowledgement, pick-up, first response, resolution: count,
median, 90th percentile), SLA compliance per target, volume in and out, reopen rate,
satisfaction, backlog (open now, by status and age), quota use per organisation, urgency
flags and downgrades per requester, deflections (no data without the knowledge base).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from comptoir.accounts.models import Organisation, User
from comptoir.reports import history, query, stats
from comptoir.reports.dimensions import DIMENSIONS, NONE, labels
from comptoir.reports.query import Result, Scope
from comptoir.reports.stats import Tally
from comptoir.sla.models import Metric
from comptoir.tickets.models import Ticket
from comptoir.tickets.vocabulary import Status

RESPONSE_TIMES = "response_times"
SLA = "sla"
VOLUME = "volume"
REOPEN = "reopen"
SATISFACTION = "satisfaction"
BACKLOG = "backlog"
QUOTA = "quota"
URGENCY = "urgency"
DEFLECTIONS = "deflections"

TITLES: dict[str, Promise] = {
    RESPONSE_TIMES: gettext_lazy("Response times"),
    SLA: gettext_lazy("SLA compliance"),
    VOLUME: gettext_lazy("Volume in and out"),
    REOPEN: gettext_lazy("Reopen rate"),
    SATISFACTION: gettext_lazy("Satisfaction"),
    BACKLOG: gettext_lazy("Backlog"),
    QUOTA: gettext_lazy("Quota use"),
    URGENCY: gettext_lazy("Urgent flags and downgrades"),
    DEFLECTIONS: gettext_lazy("Deflections"),
}
MEASURES = tuple(TITLES)
# Measures an organisation admin reads about their own organisation.
ORGANISATION_MEASURES = (RESPONSE_TIMES, SLA, VOLUME, SATISFACTION, QUOTA)

DURATION_LABELS: dict[str, Promise] = {
    history.ACKNOWLEDGED: gettext_lazy("Acknowledgement"),
    history.PICKED_UP: gettext_lazy("Pick-up"),
    history.FIRST_RESPONSE: gettext_lazy("First response"),
    history.RESOLVED: gettext_lazy("Resolution"),
}
OUTCOMES: tuple[tuple[str, Promise], ...] = (
    ("met", pgettext_lazy("SLA outcome", "Met")),
    ("breached", pgettext_lazy("SLA outcome", "Breached")),
    ("handed_over", pgettext_lazy("SLA outcome", "Handed over")),
)
RATINGS = (1, 2, 3, 4, 5)


@dataclass
class Cell:
    value: float | int | str | None
    text: str
    drill: dict[str, str] | None = None
    href: str = ""


@dataclass
class Column:
    key: str
    label: str
    unit: str = "count"  # count, hours, percent, rating, text


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]
    bucket: date | None = None


@dataclass
class Table:
    measure: str
    title: str
    group_label: str
    columns: list[Column]
    rows: list[Row]
    scope: Scope
    group: str
    note: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def link(self, href_for: Callable[[dict[str, str]], str]) -> Table:
        """Give every drillable figure its address."""
        for row in self.rows:
            for cell in row.cells:
                if cell.drill is not None:
                    cell.href = href_for(cell.drill)
        return self


# -- formatting -------------------------------------------------------------------------


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def format_duration(seconds: float | None) -> str:
    """3 h 05, 45 min; business or elapsed hours (no days: a business day is not 24 h)."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    return _("%(h)d h %(m)02d") % {"h": minutes // 60, "m": minutes % 60}


def format_percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def format_rating(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _count(n: int, drill: dict[str, str] | None) -> Cell:
    return Cell(n, str(n), drill if n else None)


# -- grouping ---------------------------------------------------------------------------


GROUPS = (*stats.PERIODS, *DIMENSIONS)


def group_label(group: str) -> str:
    return {
        stats.DAY: _("Day"),
        stats.WEEK: _("Week"),
        stats.MONTH: _("Month"),
        stats.TOTAL: _("Period"),
    }.get(group) or str(DIMENSIONS[group].label)


def bucket_label(start: date, period: str, scope: Scope) -> str:
    if period == stats.DAY:
        return date_format(start, "SHORT_DATE_FORMAT")
    if period == stats.WEEK:
        iso = start.isocalendar()
        return _("Week %(week)d of %(year)d") % {"week": iso.week, "year": iso.year}
    if period == stats.MONTH:
        return date_format(start, "YEAR_MONTH_FORMAT")
    return _("%(start)s to %(end)s") % {
        "start": date_format(scope.start, "SHORT_DATE_FORMAT"),
        "end": date_format(scope.end, "SHORT_DATE_FORMAT"),
    }


def short_bucket_label(start: date, period: str) -> str:
    """For a chart's axis: 20 Apr, Apr 2026."""
    if period == stats.MONTH:
        return date_format(start, "M Y")
    return date_format(start, "j M")


@dataclass
class Group:
    key: str
    label: str
    tally: Tally
    scope: Scope  # the scope of this row's figures (for drill-downs)
    bucket: date | None = None


def grouped(scope: Scope, kinds: tuple[str, ...], group: str) -> tuple[list[Group], Result]:
    """The rows of a table: every period bucket of the scope (empty ones too), or every
    value of the dimension that has facts (and the filtered value)."""
    if group in DIMENSIONS:
        result = query.tallies(scope, kinds, dim=group)
        per = result.by_value()
        wanted = scope.filter_map.get(group)
        if wanted is not None:
            per.setdefault("" if wanted == NONE else wanted, Tally())
        names = labels(DIMENSIONS[group], per)
        rows = [
            Group(value, names.get(value, value), tally, scope.with_filter(group, value))
            for value, tally in per.items()
        ]
        return sorted(rows, key=lambda g: (g.key == "", g.label.casefold())), result
    period = group if group in stats.PERIODS else stats.TOTAL
    result = query.tallies(scope, kinds, period=period)
    per_bucket = result.by_bucket()
    rows = []
    for start in stats.buckets(scope.start, scope.end, period):
        narrowed = scope if period == stats.TOTAL else scope.within(start, stats.bucket_end(start, period))
        label = bucket_label(start, period, scope)
        rows.append(Group(start.isoformat(), label, per_bucket.get(start) or Tally(), narrowed, start))
    return rows, result


def drill(scope: Scope, kind: str, detail: str | None = None) -> dict[str, str]:
    made = {**scope.params(), "kind": kind}
    if detail is not None:
        made["detail"] = detail
    return made


# -- the measures -----------------------------------------------------------------------


def response_times(scope: Scope, group: str) -> Table:
    groups, result = grouped(scope, history.DURATIONS, group)
    columns = []
    for kind in history.DURATIONS:
        name = DURATION_LABELS[kind]
        columns += [
            Column(f"{kind}_n", _("%(measure)s: count") % {"measure": name}),
            Column(f"{kind}_median", _("%(measure)s: median (hours)") % {"measure": name}, "hours"),
            Column(f"{kind}_p90", _("%(measure)s: 90th percentile (hours)") % {"measure": name}, "hours"),
        ]
    rows = []
    for g in groups:
        cells = []
        for kind in history.DURATIONS:
            values = g.tally.durations(kind, business=scope.business)
            link = drill(g.scope, kind) if values else None
            median, p90 = stats.percentile(values, 0.5), stats.percentile(values, 0.9)
            cells += [
                Cell(len(values), str(len(values)), link),
                Cell(hours(median), format_duration(median), link),
                Cell(hours(p90), format_duration(p90), link),
            ]
        rows.append(Row(g.key, g.label, cells, g.bucket))
    note = (
        _("Business hours on each organisation's calendar (plain hours without one), from reception.")
        if scope.business
        else _("Elapsed hours, from reception.")
    )
    return _table(RESPONSE_TIMES, scope, group, columns, rows, note, result)


def sla_metrics(result: Result) -> list[str]:
    """The SLA targets that have outcomes in the result, in the usual order."""
    found = {detail.split(":")[0] for (kind, detail) in result.total().counts if kind == history.SLA}
    return [m for m in Metric.values if m in found]


def sla(scope: Scope, group: str) -> Table:
    groups, result = grouped(scope, (history.SLA,), group)
    metrics = sla_metrics(result)
    columns = []
    for metric in metrics:
        name = Metric(metric).label
        for outcome, outcome_label in OUTCOMES:
            columns.append(Column(f"{metric}_{outcome}", f"{name}: {outcome_label}"))
        columns.append(Column(f"{metric}_met_share", _("%(target)s: met (%%)") % {"target": name}, "percent"))
    rows = []
    for g in groups:
        cells = []
        for metric in metrics:
            counts = {o: g.tally.count(history.SLA, f"{metric}:{o}") for o, _l in OUTCOMES}
            for outcome, _l in OUTCOMES:
                cells.append(_count(counts[outcome], drill(g.scope, history.SLA, f"{metric}:{outcome}")))
            met = stats.share(counts["met"], sum(counts.values()))
            cells.append(Cell(None if met is None else round(met, 1), format_percent(met)))
        rows.append(Row(g.key, g.label, cells, g.bucket))
    note = _("Each SLA clock counts once, on the day it was met or handed over, or fell due when breached.")
    return _table(SLA, scope, group, columns, rows, note, result)


def volume(scope: Scope, group: str) -> Table:
    kinds = (history.RECEIVED, history.RESOLVED, history.CLOSED)
    groups, result = grouped(scope, kinds, group)
    columns = [
        Column("received", pgettext("report", "Received")),
        Column("resolved", pgettext("report", "Resolved")),
        Column("closed", pgettext("report", "Closed")),
    ]
    rows = [
        Row(
            g.key,
            g.label,
            [_count(g.tally.count(kind), drill(g.scope, kind)) for kind in kinds],
            g.bucket,
        )
        for g in groups
    ]
    note = _("A ticket resolved twice (reopened in between) counts twice in the resolutions.")
    return _table(VOLUME, scope, group, columns, rows, note, result)


def reopen(scope: Scope, group: str) -> Table:
    groups, result = grouped(scope, (history.RESOLVED, history.REOPENED), group)
    columns = [
        Column("resolved", _("Resolutions")),
        Column("reopened", _("Reopened")),
        Column("rate", _("Reopen rate (%)"), "percent"),
    ]
    rows = []
    for g in groups:
        resolved, reopened = g.tally.count(history.RESOLVED), g.tally.count(history.REOPENED)
        rate = stats.share(reopened, resolved)
        rows.append(
            Row(
                g.key,
                g.label,
                [
                    _count(resolved, drill(g.scope, history.RESOLVED)),
                    _count(reopened, drill(g.scope, history.REOPENED)),
                    Cell(None if rate is None else round(rate, 1), format_percent(rate)),
                ],
                g.bucket,
            )
        )
    note = _("Reopenings in the period against resolutions in the period.")
    return _table(REOPEN, scope, group, columns, rows, note, result)


def satisfaction(scope: Scope, group: str) -> Table:
    groups, result = grouped(scope, (history.SURVEY_SENT, history.SURVEY_ANSWERED), group)
    columns = [
        Column("sent", _("Invitations sent")),
        Column("answered", _("Of which answered")),
        Column("response_rate", _("Response rate (%)"), "percent"),
        Column("answers", _("Answers received")),
        Column("average", _("Average rating"), "rating"),
        *(Column(f"rating_{r}", _("%(n)d stars") % {"n": r} if r > 1 else _("1 star")) for r in RATINGS),
    ]
    rows = []
    for g in groups:
        t = g.tally
        sent, answered = t.count(history.SURVEY_SENT), t.count(history.SURVEY_SENT, "answered")
        per_rating = {r: t.count(history.SURVEY_ANSWERED, str(r)) for r in RATINGS}
        answers = sum(per_rating.values())
        average = stats.mean(sum(r * n for r, n in per_rating.items()), answers)
        rate = stats.share(answered, sent)
        rows.append(
            Row(
                g.key,
                g.label,
                [
                    _count(sent, drill(g.scope, history.SURVEY_SENT)),
                    _count(answered, drill(g.scope, history.SURVEY_SENT, "answered")),
                    Cell(None if rate is None else round(rate, 1), format_percent(rate)),
                    _count(answers, drill(g.scope, history.SURVEY_ANSWERED)),
                    Cell(None if average is None else round(average, 2), format_rating(average)),
                    *(
                        _count(per_rating[r], drill(g.scope, history.SURVEY_ANSWERED, str(r)))
                        for r in RATINGS
                    ),
                ],
                g.bucket,
            )
        )
    note = _(
        "Response rate: invitations sent in the period that were answered. "
        "Ratings: answers received in the period."
    )
    return _table(SATISFACTION, scope, group, columns, rows, note, result)


def quota(scope: Scope, group: str) -> Table:
    """Requests counted in each organisation's monthly allowance (follow-ups of closed
    requests are not), month by month, against the allowance its contract gives now."""

    result = query.tallies(scope, (history.RECEIVED,), dim="organisation", period=stats.MONTH)
    months = stats.buckets(scope.start, scope.end, stats.MONTH)
    wanted = scope.filter_map.get("organisation")
    orgs = Organisation.objects.filter(monthly_ticket_quota__isnull=False)
    if wanted is not None and wanted != NONE:
        orgs = orgs.filter(pk=int(wanted))
    allowances = dict(orgs.values_list("pk", "monthly_ticket_quota"))
    names = dict(orgs.values_list("pk", "name"))
    columns = [Column("allowance", _("Monthly allowance"))]
    columns += [Column(m.isoformat(), bucket_label(m, stats.MONTH, scope)) for m in months]
    rows = []
    for pk, name in sorted(names.items(), key=lambda item: item[1].casefold()):
        cells = [Cell(allowances[pk], str(allowances[pk]))]
        for m in months:
            used = result.tally((m, str(pk))).count(history.RECEIVED, "quota")
            month_scope = scope.with_filter("organisation", str(pk)).within(
                m, stats.bucket_end(m, stats.MONTH)
            )
            cells.append(
                Cell(
                    used,
                    f"{used} / {allowances[pk]}",
                    drill(month_scope, history.RECEIVED, "quota") if used else None,
                )
            )
        rows.append(Row(str(pk), name, cells))
    note = _(
        "Organisations with a monthly allowance. Months are counted on the site's days; "
        "the allowance is the one their contract gives today."
    )
    table = _table(QUOTA, scope, "organisation", columns, rows, note, result)
    table.group_label = _("Organisation")
    return table


def urgency(scope: Scope, group: str, *, limit: int = 100) -> Table:
    """Procedure 001: requests marked URGENT and how many were downgraded, per requester
    (the most flagged first)."""

    facts = query.facts(scope).filter(kind__in=[history.URGENT_FLAG, history.URGENT_DOWNGRADE])
    per = list(
        facts.values("ticket__requester_id")
        .annotate(
            flags=Count("pk", filter=Q(kind=history.URGENT_FLAG)),
            downgrades=Count("pk", filter=Q(kind=history.URGENT_DOWNGRADE)),
        )
        .order_by("-flags", "-downgrades", "ticket__requester_id")[:limit]
    )
    people = {u.pk: u for u in User.objects.filter(pk__in=[r["ticket__requester_id"] for r in per])}
    columns = [
        Column("flags", _("Marked urgent")),
        Column("downgrades", _("Downgraded")),
        Column("share", _("Downgraded (%)"), "percent"),
    ]
    rows = []
    for r in per:
        pk = r["ticket__requester_id"]
        person_scope = Scope(scope.start, scope.end, scope.filters, scope.mode, scope.clock, requester=pk)
        rate = stats.share(r["downgrades"], r["flags"])
        person = people.get(pk)
        rows.append(
            Row(
                str(pk),
                person.display_name if person else str(pk),
                [
                    _count(r["flags"], drill(person_scope, history.URGENT_FLAG)),
                    _count(r["downgrades"], drill(person_scope, history.URGENT_DOWNGRADE)),
                    Cell(None if rate is None else round(rate, 1), format_percent(rate)),
                ],
            )
        )
    note = _("Requests marked urgent on reception, and urgencies removed by the team, per requester.")
    table = _table(URGENCY, scope, "requester", columns, rows, note, Result(source="facts"))
    table.group_label = _("Requester")
    return table


def backlog(scope: Scope, group: str, *, at: datetime) -> Table:
    """Open tickets now (new, open, waiting, on hold), by status and age since reception,
    filtered on their qualification as it is now."""
    qs = Ticket.objects.exclude(status__in=[Status.RESOLVED, Status.CLOSED])
    for key, value in scope.filters:
        qs = qs.filter(DIMENSIONS[key].condition(value, now=True))
    counts: dict[tuple[str, str], int] = {}
    for status, created in qs.values_list("status", "created_at").iterator(chunk_size=5000):
        age = stats.age_bucket((at - created).total_seconds() / 86400)
        counts[(status, age)] = counts.get((status, age), 0) + 1
    columns = [Column(label, _("%(age)s days") % {"age": label}) for label, _l, _h in stats.AGE_BUCKETS]
    columns.append(Column("total", _("Total")))
    rows = []
    for status in (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD):
        cells = []
        for label, _low, _high in stats.AGE_BUCKETS:
            n = counts.get((status, label), 0)
            cells.append(_count(n, {**scope.params(), "backlog": status, "age": label}))
        total = sum(counts.get((status, label), 0) for label, _l, _h in stats.AGE_BUCKETS)
        cells.append(_count(total, {**scope.params(), "backlog": status}))
        rows.append(Row(status, str(Status(status).label), cells))
    note = _("Open now, whatever the period; age in calendar days since reception.")
    table = _table(BACKLOG, scope, "status", columns, rows, note, Result(source="tickets"))
    table.group_label = _("Status")
    return table


def deflections(scope: Scope, group: str) -> Table:
    """Requests avoided by the guide, against the requests received (same rows)."""
    from comptoir.reports import deflections as kb

    if not kb.applies(scope, group):
        return _table(DEFLECTIONS, scope, group, [], [], kb.no_data_note(), Result(source="none"))
    found = kb.counts(scope, group)
    groups, result = grouped(scope, (history.RECEIVED,), group)
    if group in DIMENSIONS:
        known = {g.key for g in groups}
        names = labels(DIMENSIONS[group], found)
        groups += [
            Group(key, names.get(key, key), Tally(), scope.with_filter(group, key))
            for key in found
            if key not in known
        ]
    columns = [
        Column("deflections", _("Requests avoided")),
        Column("received", _("Requests received")),
        Column("share", _("Avoided (%)"), "percent"),
    ]
    rows = []
    for g in groups:
        n, received = found.get(g.key, 0), g.tally.count(history.RECEIVED)
        rate = stats.share(n, n + received)
        rows.append(
            Row(
                g.key,
                g.label,
                [
                    _count(n, {**g.scope.params(), "kind": kb.KIND}),
                    _count(received, drill(g.scope, history.RECEIVED)),
                    Cell(None if rate is None else round(rate, 1), format_percent(rate)),
                ],
                g.bucket,
            )
        )
    note = _("A request avoided: the requester said an article of the guide solved the problem.")
    return _table(DEFLECTIONS, scope, group, columns, rows, note, result)


def _table(
    measure: str,
    scope: Scope,
    group: str,
    columns: list[Column],
    rows: list[Row],
    note: str,
    result: Result,
) -> Table:
    return Table(
        measure=measure,
        title=str(TITLES[measure]),
        group_label=group_label(group) if group in GROUPS else group,
        columns=columns,
        rows=rows,
        scope=scope,
        group=group,
        note=note,
        source=result.source,
    )


def build(measure: str, scope: Scope, group: str, *, at: datetime) -> Table:
    """The table of one measure (``measure`` in ``MEASURES``)."""
    group = group if group in GROUPS else stats.MONTH
    if measure == BACKLOG:
        return backlog(scope, group, at=at)
    builders: dict[str, Callable[[Scope, str], Table]] = {
        RESPONSE_TIMES: response_times,
        SLA: sla,
        VOLUME: volume,
        REOPEN: reopen,
        SATISFACTION: satisfaction,
        QUOTA: quota,
        URGENCY: urgency,
        DEFLECTIONS: deflections,
    }
    return builders[measure](scope, group)


def backlog_age_limits(label: str, at: datetime) -> tuple[datetime | None, datetime | None]:
    """(created after, created at or before) for an age bucket."""
    for name, low, high in stats.AGE_BUCKETS:
        if name == label:
            return (at - timedelta(days=high) if high is not None else None, at - timedelta(days=low))
    return None, None
