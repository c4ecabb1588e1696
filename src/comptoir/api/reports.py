"""The reports' measures, as on the pages: the same scope (period, filters, "as recorded"
or "as of now", business or elapsed time), the same tables, and the facts behind a figure.
Supervisors and administrators read every organisation; an organisation admin reads their
own organisation's figures; anyone else gets 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from comptoir.api.schemas import READ_ERRORS
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import NotFound
from comptoir.reports import access, measures, stats
from comptoir.reports.dimensions import DIMENSIONS, NONE
from comptoir.reports.drilldown import drill_down
from comptoir.reports.query import Scope

router = Router(tags=["reports"])


class ScopeIn(Schema):
    from_: date | None = Field(None, alias="from", description="First day (default: a year before `to`).")
    to: date | None = Field(None, description="Last day, included (default: today).")
    mode: Literal["recorded", "now"] = Field(
        "recorded", description="`recorded` (as recorded at the time) or `now` (as of now)."
    )
    clock: Literal["business", "plain"] = Field(
        "business", description="`business` hours or `plain` elapsed time."
    )
    organisation: str = ""
    product: str = ""
    component: str = ""
    type: str = ""
    severity: str = ""
    priority: str = ""
    channel: str = ""
    group: str = Field("", description="A support group's id (a filter, like the others).")
    tier: str = ""
    agent: str = ""

    @field_validator(*DIMENSIONS, mode="after")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:
        """A filter the reports would ignore (``Dimension.parse``) is refused, with what it
        takes, rather than answering unfiltered figures."""
        dimension = DIMENSIONS[info.field_name or ""]
        if value.strip() and dimension.parse(value) is None:
            codes = ["1, 2, 3…"] if dimension.numeric else [code for code, _label in dimension.choices]
            raise PydanticCustomError(
                "unknown_choice",
                "'{value}' is not one of {accepted}",
                {"value": value, "accepted": ", ".join([*codes, NONE])},
            )
        return value

    def params(self) -> dict[str, str]:
        made = {k: v for k, v in self.model_dump(by_alias=True).items() if v not in (None, "")}
        return {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in made.items()}


class ColumnOut(Schema):
    key: str
    label: str
    unit: str


class CellOut(Schema):
    value: float | int | str | None
    text: str
    drill: dict[str, str] | None = Field(
        None, description="Parameters of /v1/reports/entries for this figure."
    )


class RowOut(Schema):
    key: str
    label: str
    cells: list[CellOut]


class TableOut(Schema):
    measure: str
    title: str
    from_: date = Field(alias="from")
    to: date
    mode: str
    clock: str
    by: str
    group_label: str
    source: str
    note: str
    columns: list[ColumnOut]
    rows: list[RowOut]


class MeasureOut(Schema):
    key: str
    title: str


class EntryOut(Schema):
    number: int | None
    subject: str
    organisation: str
    at: datetime | None
    figure: str


class EntriesOut(Schema):
    title: str
    count: int
    page: int
    has_next: bool
    items: list[EntryOut]


def _scope(request: HttpRequest, params: dict[str, str]) -> Scope:
    """The caller's scope: every organisation for supervisors, their own for an
    organisation admin."""
    user = request.auth  # type: ignore[attr-defined]
    organisation = None
    try:
        access.check_can_read_all(user)
    except NotFound:
        organisation = access.organisation_of(user)
    today = timezone.localdate(clock_now())
    scope = Scope.from_params(params, today=today, organisation=organisation)
    if organisation is not None:
        scope = Scope(scope.start, scope.end, scope.filters, scope.mode, scope.clock)
    return scope


@router.get("", response={200: list[MeasureOut], **READ_ERRORS}, summary="The measures")
def measure_list(request: HttpRequest) -> list[dict[str, str]]:
    _scope(request, {})
    return [{"key": m, "title": str(measures.TITLES[m])} for m in measures.MEASURES]


@router.get("/entries", response={200: EntriesOut, **READ_ERRORS}, summary="The tickets behind a figure")
def entries(
    request: HttpRequest,
    scope_in: Query[ScopeIn],
    kind: str = "",
    detail: str | None = None,
    backlog: str = "",
    age: str = "",
    requester: str = "",
    page: int = 1,
) -> dict[str, Any]:
    """Exactly the facts a figure counts (pass a cell's `drill` parameters), 50 a page."""
    params = scope_in.params() | {"kind": kind, "backlog": backlog, "age": age, "requester": requester}
    if detail is not None:
        params["detail"] = detail
    found = drill_down(_scope(request, params), params, at=clock_now(), page=page)
    return {
        "title": found.title,
        "count": found.count,
        "page": found.page,
        "has_next": found.has_next,
        "items": [
            {
                "number": line.ticket.number if line.ticket else None,
                "subject": line.ticket.subject if line.ticket else line.label,
                "organisation": line.organisation,
                "at": line.at,
                "figure": line.text,
            }
            for line in found.lines
        ],
    }


@router.get(
    "/{measure}", response={200: TableOut, **READ_ERRORS}, by_alias=True, summary="One measure's table"
)
def table(
    request: HttpRequest,
    measure: str,
    scope_in: Query[ScopeIn],
    by: Literal[measures.GROUPS] = stats.MONTH,  # type: ignore[valid-type]
) -> dict[str, Any]:
    """Rows per `by` (`day`, `week`, `month`, `total` or a dimension: `organisation`,
    `product`, `component`, `type`, `severity`, `priority`, `channel`, `group`, `tier`,
    `agent`); durations in hours; each figure's `drill` lists the facts it counts."""
    if measure not in measures.MEASURES:
        raise NotFound(_("No such report."))
    scope = _scope(request, scope_in.params())
    if (
        scope.filter_map.get("organisation")
        and not _reads_all(request)
        and measure not in measures.ORGANISATION_MEASURES
    ):
        raise NotFound(_("No such report."))
    built = measures.build(measure, scope, by, at=clock_now())
    return {
        "measure": built.measure,
        "title": built.title,
        "from": scope.start,
        "to": scope.end,
        "mode": scope.mode,
        "clock": scope.clock,
        "by": built.group,
        "group_label": built.group_label,
        "source": built.source,
        "note": built.note,
        "columns": [{"key": c.key, "label": c.label, "unit": c.unit} for c in built.columns],
        "rows": [
            {
                "key": r.key,
                "label": r.label,
                "cells": [{"value": c.value, "text": c.text, "drill": c.drill} for c in r.cells],
            }
            for r in built.rows
        ],
    }


def _reads_all(request: HttpRequest) -> bool:
    try:
        access.check_can_read_all(request.auth)  # type: ignore[attr-defined]
    except NotFound:
        return False
    return True
