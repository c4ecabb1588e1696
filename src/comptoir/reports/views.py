"""Report pages: parse the scope, call the measures, render. Supervisors and
administrators read every organisation; an organisation admin reads their own on the
portal page; anyone else gets "not found"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comptoir.core.clock import now as clock_now
from comptoir.core.errors import NotFound
from comptoir.reports import access, dashboard, exports, facts, measures, stats
from comptoir.reports.dimensions import DIMENSIONS, choices_for_filters, labels
from comptoir.reports.drilldown import PAGE_SIZE, Drill, drill_down
from comptoir.reports.query import Scope

View = Callable[..., HttpResponse]


def _supervisor(request: HttpRequest) -> None:
    try:
        access.check_can_read_all(request.user)  # type: ignore[arg-type]
    except NotFound:
        raise Http404(_("No such report.")) from None


def _organisation(request: HttpRequest) -> int:
    try:
        return access.organisation_of(request.user)  # type: ignore[arg-type]
    except NotFound:
        raise Http404(_("No such report.")) from None


def _today() -> date:
    return timezone.localdate(clock_now())


def _scope(request: HttpRequest, organisation: int | None = None) -> Scope:
    return Scope.from_params(request.GET, today=_today(), organisation=organisation)


def _href(name: str) -> Callable[[dict[str, str]], str]:
    base = reverse(name)
    return lambda params: f"{base}?{urlencode(params)}"


def _filter_fields(scope: Scope) -> list[tuple[str, str, list[tuple[str, str]], str]]:
    """(key, label, choices, selected) for each dimension of the filter form."""
    chosen = scope.filter_map
    return [
        (key, str(DIMENSIONS[key].label), values, chosen.get(key, ""))
        for key, values in choices_for_filters().items()
    ]


def _context(request: HttpRequest, scope: Scope, **extra: Any) -> dict[str, Any]:
    return {
        "scope": scope,
        "params": scope.params(),
        "query": urlencode(scope.params()),
        "filters": scope.filter_map,
        "dimensions": [(key, dim.label) for key, dim in DIMENSIONS.items()],
        "measures": [(m, measures.TITLES[m]) for m in measures.MEASURES],
        "refreshed_at": facts.refreshed_at(),
        **extra,
    }


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    _supervisor(request)
    scope = _scope(request)
    board = dashboard.build(scope, at=clock_now(), href=_href("reports:tickets"))
    return render(
        request,
        "reports/dashboard.html",
        _context(request, scope, board=board, filter_fields=_filter_fields(scope)),
    )


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """On demand: the facts of the tickets changed since the last run."""
    _supervisor(request)
    n = facts.refresh()
    messages.success(
        request,
        ngettext(
            "Figures brought up to date (%(n)d ticket).", "Figures brought up to date (%(n)d tickets).", n
        )
        % {"n": n},
    )
    return redirect(request.POST.get("next") or reverse("reports:dashboard"))


def _measure_or_404(measure: str, allowed: tuple[str, ...] = measures.MEASURES) -> str:
    if measure not in allowed:
        raise Http404(_("No such report."))
    return measure


def _group(request: HttpRequest, measure: str) -> str:
    group = request.GET.get("by", "")
    if group not in measures.GROUPS:
        group = stats.MONTH
    return group


@login_required
def table_page(request: HttpRequest, measure: str) -> HttpResponse:
    _supervisor(request)
    measure = _measure_or_404(measure)
    scope = _scope(request)
    group = _group(request, measure)
    table = measures.build(measure, scope, group, at=clock_now()).link(_href("reports:tickets"))
    export = urlencode({**scope.params(), "by": group})
    return render(
        request,
        "reports/table.html",
        _context(
            request,
            scope,
            table=table,
            group=group,
            groups=[(g, measures.group_label(g)) for g in measures.GROUPS],
            filter_fields=_filter_fields(scope),
            export_query=export,
            export_name="reports:export",
        ),
    )


def _export(request: HttpRequest, measure: str, fmt: str, scope: Scope) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    table = measures.build(measure, scope, _group(request, measure), at=clock_now())
    body = exports.to_csv(table) if fmt == exports.CSV else exports.to_xlsx(table)
    response = HttpResponse(body, content_type=exports.FORMATS[fmt])
    name = f"comptoir-{measure}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export(request: HttpRequest, measure: str, fmt: str) -> HttpResponse:
    _supervisor(request)
    return _export(request, _measure_or_404(measure), fmt, _scope(request))


def _drill_page(request: HttpRequest, scope: Scope, *, ticket_url: str, back: str) -> HttpResponse:
    page_arg = request.GET.get("page", "1")
    try:
        found: Drill = drill_down(
            scope,
            request.GET,
            at=clock_now(),
            page=int(page_arg) if page_arg.isdigit() else 1,
        )
    except NotFound:
        raise Http404(_("No such report.")) from None
    params = {k: v for k, v in request.GET.items() if k != "page"}
    return render(
        request,
        "reports/tickets.html",
        _context(
            request,
            scope,
            drill=found,
            ticket_url=ticket_url,
            back=back,
            page_query=urlencode(params),
            page_size=PAGE_SIZE,
            filter_labels=[
                (DIMENSIONS[key].label, labels(DIMENSIONS[key], [value]).get(value, value))
                for key, value in scope.filters
            ],
        ),
    )


@login_required
def tickets_page(request: HttpRequest) -> HttpResponse:
    """The tickets behind a figure: exactly the facts it counts."""
    _supervisor(request)
    return _drill_page(request, _scope(request), ticket_url="desk:ticket", back=reverse("reports:dashboard"))


# -- an organisation admin's own figures ----------------------------------------------------


@login_required
def organisation_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    params = request.GET.copy()
    if "from" not in params:
        # A year by default, month by month.
        params["from"] = stats.month_start(_today()).replace(year=_today().year - 1).isoformat()
    scope = Scope.from_params(params, today=_today(), organisation=organisation)
    scope = Scope(scope.start, scope.end, scope.filters)  # recorded, business time: the contract's terms
    href = _href("reports:organisation_tickets")
    tables = [
        measures.build(m, scope, stats.MONTH, at=clock_now()).link(href)
        for m in measures.ORGANISATION_MEASURES
    ]
    return render(
        request,
        "reports/organisation.html",
        _context(request, scope, tables=tables, organisation=request.user.organisation),  # type: ignore[attr-defined]
    )


@login_required
def organisation_tickets(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    scope = _scope(request, organisation)
    scope = Scope(scope.start, scope.end, scope.filters)
    return _drill_page(request, scope, ticket_url="portal:ticket", back=reverse("reports:organisation"))


@login_required
def organisation_export(request: HttpRequest, measure: str, fmt: str) -> HttpResponse:
    organisation = _organisation(request)
    measure = _measure_or_404(measure, measures.ORGANISATION_MEASURES)
    scope = _scope(request, organisation)
    return _export(request, measure, fmt, Scope(scope.start, scope.end, scope.filters))
