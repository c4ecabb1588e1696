"""The supervisors' dashboard: key figures and charts for a period, from one read of the
daily roll-ups (plus the open tickets for the backlog). Every bar and figure links to the
tickets it counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from comptoir.reports import charts, history, measures, query, stats
from comptoir.reports.charts import Bar, Series
from comptoir.reports.measures import DURATION_LABELS, OUTCOMES, drill
from comptoir.reports.query import Scope
from comptoir.sla.models import Metric

KINDS = (
    history.RECEIVED,
    history.RESOLVED,
    history.REOPENED,
    history.CLOSED,
    *history.DURATIONS,
    history.SLA,
    history.SURVEY_SENT,
    history.SURVEY_ANSWERED,
)
Href = Callable[[dict[str, str]], str]


@dataclass
class Figure:
    key: str
    label: str
    text: str
    href: str = ""


@dataclass
class Chart:
    key: str
    title: str
    svg: str
    measure: str
    caption: str = ""


@dataclass
class Dashboard:
    scope: Scope
    period: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    source: str = ""


def period_for(scope: Scope) -> str:
    days = (scope.end - scope.start).days + 1
    if days <= 31:
        return stats.DAY
    if days <= 400:
        return stats.WEEK
    return stats.MONTH


def build(scope: Scope, *, at: datetime, href: Href) -> Dashboard:
    period = period_for(scope)
    result = query.tallies(scope, KINDS, period=period)
    total = result.total()
    per_bucket = result.by_bucket()
    board = Dashboard(scope=scope, period=period, source=result.source)
    link = lambda kind, detail=None, s=scope: href(drill(s, kind, detail))  # noqa: E731

    # Key figures.
    received, resolved = total.count(history.RECEIVED), total.count(history.RESOLVED)
    first = total.durations(history.FIRST_RESPONSE, business=scope.business)
    met = sum(n for (k, d), n in total.counts.items() if k == history.SLA and d.endswith(":met"))
    sla_all = sum(n for (k, _d), n in total.counts.items() if k == history.SLA)
    ratings = {r: total.count(history.SURVEY_ANSWERED, str(r)) for r in measures.RATINGS}
    answers = sum(ratings.values())
    average = stats.mean(sum(r * n for r, n in ratings.items()), answers)
    backlog = measures.backlog(scope, stats.TOTAL, at=at)
    open_now = sum(row.cells[-1].value or 0 for row in backlog.rows)  # type: ignore[misc]
    reopen_rate = stats.share(total.count(history.REOPENED), resolved)
    board.figures = [
        Figure(
            "received",
            pgettext("report", "Received"),
            str(received),
            link(history.RECEIVED) if received else "",
        ),
        Figure(
            "resolved",
            pgettext("report", "Resolved"),
            str(resolved),
            link(history.RESOLVED) if resolved else "",
        ),
        Figure(
            "open",
            _("Open now"),
            str(open_now),
            href({**scope.params(), "backlog": "open"}) if open_now else "",
        ),
        Figure(
            "first_response",
            _("First response (median)"),
            measures.format_duration(stats.percentile(first, 0.5)),
            link(history.FIRST_RESPONSE) if first else "",
        ),
        Figure("sla_met", _("SLA targets met"), measures.format_percent(stats.share(met, sla_all))),
        Figure("reopen", _("Reopen rate"), measures.format_percent(reopen_rate)),
        Figure(
            "satisfaction",
            _("Satisfaction (average of 5)"),
            measures.format_rating(average),
            link(history.SURVEY_ANSWERED) if answers else "",
        ),
        _deflections(scope, href),
    ]

    # Volume in and out over time.
    buckets = stats.buckets(scope.start, scope.end, period)
    names = [measures.short_bucket_label(b, period) for b in buckets]
    series = []
    for kind, name, colour in (
        (history.RECEIVED, pgettext("report", "Received"), charts.PALETTE[0]),
        (history.RESOLVED, pgettext("report", "Resolved"), charts.PALETTE[1]),
    ):
        bars = []
        for b in buckets:
            n = per_bucket[b].count(kind) if b in per_bucket else 0
            narrowed = scope.within(b, stats.bucket_end(b, period))
            bars.append(
                Bar(n, str(n), link(kind, None, narrowed) if n else "", f"volume-{kind}-{b.isoformat()}")
            )
        series.append(Series(name, colour, tuple(bars)))
    label = {stats.DAY: _("per day"), stats.WEEK: _("per week"), stats.MONTH: _("per month")}[period]
    board.charts.append(
        Chart(
            "volume",
            f"{_('Volume in and out')} ({label})",
            charts.columns(_("Volume in and out"), names, series),
            measures.VOLUME,
        )
    )

    # Response times: median and 90th percentile.
    kinds = list(history.DURATIONS)
    medians, p90s = [], []
    for kind in kinds:
        values = total.durations(kind, business=scope.business)
        m, p = stats.percentile(values, 0.5), stats.percentile(values, 0.9)
        target = link(kind) if values else ""
        medians.append(Bar((m or 0) / 3600, measures.format_duration(m), target, f"time-{kind}-median"))
        p90s.append(Bar((p or 0) / 3600, measures.format_duration(p), target, f"time-{kind}-p90"))
    caption = _("business hours") if scope.business else _("elapsed hours")
    board.charts.append(
        Chart(
            "response_times",
            f"{_('Response times')} ({caption})",
            charts.hbars(
                _("Response times"),
                [str(DURATION_LABELS[k]) for k in kinds],
                [
                    Series(_("Median"), charts.PALETTE[0], tuple(medians)),
                    Series(_("90th percentile"), charts.PALETTE[3], tuple(p90s)),
                ],
            ),
            measures.RESPONSE_TIMES,
        )
    )

    # SLA compliance per target.
    metrics = measures.sla_metrics(result)
    if metrics:
        colours = {"met": charts.PALETTE[6], "breached": charts.PALETTE[2], "handed_over": charts.PALETTE[3]}
        sla_series = []
        for outcome, outcome_label in OUTCOMES:
            bars = []
            for metric in metrics:
                n = total.count(history.SLA, f"{metric}:{outcome}")
                all_n = sum(total.count(history.SLA, f"{metric}:{o}") for o, _l in OUTCOMES)
                pct = measures.format_percent(stats.share(n, all_n))
                bars.append(
                    Bar(
                        n,
                        f"{n} ({pct})",
                        link(history.SLA, f"{metric}:{outcome}") if n else "",
                        f"sla-{metric}-{outcome}",
                    )
                )
            sla_series.append(Series(str(outcome_label), colours[outcome], tuple(bars)))
        board.charts.append(
            Chart(
                "sla",
                _("SLA compliance per target"),
                charts.stacked(
                    _("SLA compliance per target"), [str(Metric(m).label) for m in metrics], sla_series
                ),
                measures.SLA,
            )
        )

    # Backlog now, by status and age.
    age_series = []
    for index, (age, _low, _high) in enumerate(stats.AGE_BUCKETS):
        bars = []
        for row in backlog.rows:
            cell = row.cells[index]
            n = int(cell.value or 0)
            bars.append(
                Bar(n, str(n), href(cell.drill) if n and cell.drill else "", f"backlog-{row.key}-{age}")
            )
        age_series.append(Series(_("%(age)s days") % {"age": age}, charts.PALETTE[index % 8], tuple(bars)))
    board.charts.append(
        Chart(
            "backlog",
            _("Backlog now, by age"),
            charts.stacked(
                _("Backlog now, by age"), [row.label for row in backlog.rows], age_series, share=False
            ),
            measures.BACKLOG,
        )
    )

    # Satisfaction: the ratings given.
    rating_bars = tuple(
        Bar(
            ratings[r],
            str(ratings[r]),
            link(history.SURVEY_ANSWERED, str(r)) if ratings[r] else "",
            f"rating-{r}",
        )
        for r in measures.RATINGS
    )
    sent = total.count(history.SURVEY_SENT)
    rate = measures.format_percent(stats.share(total.count(history.SURVEY_SENT, "answered"), sent))
    board.charts.append(
        Chart(
            "satisfaction",
            _("Satisfaction: ratings given"),
            charts.hbars(
                _("Satisfaction: ratings given"),
                ["★" * r for r in measures.RATINGS],
                [Series(_("Answers"), charts.PALETTE[4], rating_bars)],
            ),
            measures.SATISFACTION,
            _("Response rate: %(rate)s of %(n)d invitations.") % {"rate": rate, "n": sent},
        )
    )
    return board


def _deflections(scope: Scope, href: Href) -> Figure:
    from comptoir.reports import deflections

    if not deflections.applies(scope, stats.TOTAL):
        return Figure("deflections", _("Requests avoided by the guide"), _("no data"))
    n = deflections.rows(scope).count()
    target = href({**scope.params(), "kind": deflections.KIND}) if n else ""
    return Figure("deflections", _("Requests avoided by the guide"), str(n), target)
