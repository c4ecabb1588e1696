"""Reading the facts: a report's scope (period, filters, "as recorded" or "as of now",
business or elapsed time) and the tallies per group.

A scope that filters or groups by at most one dimension, as recorded, is read from the
daily roll-ups (``DailyFact``: a year is a few thousand rows); any other is added up from
the facts themselves, with the same conditions, so both give the same figures. The tickets
behind a figure are the facts that the same conditions select (``entries``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce

from comptoir.reports import history, stats
from comptoir.reports.dimensions import DIMENSIONS, NONE, Dimension, value_of
from comptoir.reports.models import DailyFact, Fact
from comptoir.reports.stats import Tally

RECORDED, NOW = "recorded", "now"
BUSINESS, PLAIN = "business", "plain"
DEFAULT_DAYS = 365
MAX_DAYS = 3 * 366

Key = tuple[date, str]  # (period bucket, dimension value)


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    filters: tuple[tuple[str, str], ...] = ()
    mode: str = RECORDED
    clock: str = BUSINESS
    requester: int | None = None  # the urgency report's rows (not a dimension)

    @property
    def now(self) -> bool:
        return self.mode == NOW

    @property
    def business(self) -> bool:
        return self.clock == BUSINESS

    @property
    def filter_map(self) -> dict[str, str]:
        return dict(self.filters)

    def with_filter(self, dim: str, value: str) -> Scope:
        kept = {**self.filter_map, dim: value or NONE}
        return replace(self, filters=tuple(sorted(kept.items())))

    def within(self, first: date, last: date) -> Scope:
        return replace(self, start=max(self.start, first), end=min(self.end, last))

    def params(self) -> dict[str, str]:
        """As query parameters (links, exports, drill-downs)."""
        made = {"from": self.start.isoformat(), "to": self.end.isoformat(), **self.filter_map}
        if self.now:
            made["mode"] = NOW
        if not self.business:
            made["clock"] = PLAIN
        if self.requester is not None:
            made["requester"] = str(self.requester)
        return made

    @classmethod
    def from_params(cls, params: Mapping[str, str], *, today: date, organisation: int | None = None) -> Scope:
        """Parse a request's parameters; bad values fall back to defaults. An
        organisation admin's scope is always their organisation's (``organisation``)."""
        end = _date(params.get("to"), today)
        start = _date(params.get("from"), end - timedelta(days=DEFAULT_DAYS - 1))
        if start > end:
            start, end = end, start
        start = max(start, end - timedelta(days=MAX_DAYS))
        filters = {}
        for key, dim in DIMENSIONS.items():
            value = dim.parse(params.get(key, ""))
            if value is not None:
                filters[key] = value
        if organisation is not None:
            filters["organisation"] = str(organisation)
        requester = params.get("requester", "")
        return cls(
            start=start,
            end=end,
            filters=tuple(sorted(filters.items())),
            mode=NOW if params.get("mode") == NOW else RECORDED,
            clock=PLAIN if params.get("clock") == PLAIN else BUSINESS,
            requester=int(requester) if requester.isdigit() else None,
        )


def _date(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@dataclass
class Result:
    """Tallies per (bucket, value), and how they were read."""

    tallies: dict[Key, Tally] = field(default_factory=dict)
    source: str = ""

    def tally(self, key: Key) -> Tally:
        return self.tallies.get(key) or Tally()

    def total(self) -> Tally:
        made = Tally()
        for t in self.tallies.values():
            made.merge(t)
        return made

    def values(self) -> list[str]:
        return sorted({value for _b, value in self.tallies})

    def by_value(self) -> dict[str, Tally]:
        made: dict[str, Tally] = {}
        for (_b, value), t in self.tallies.items():
            made.setdefault(value, Tally()).merge(t)
        return made

    def by_bucket(self) -> dict[date, Tally]:
        made: dict[date, Tally] = {}
        for (b, _v), t in self.tallies.items():
            made.setdefault(b, Tally()).merge(t)
        return made


def uses_rollup(scope: Scope, dim: str | None) -> bool:
    used = {key for key, _v in scope.filters} | ({dim} if dim else set())
    return not scope.now and scope.requester is None and len(used) <= 1


def tallies(
    scope: Scope, kinds: Iterable[str], *, dim: str | None = None, period: str = stats.TOTAL
) -> Result:
    """What the scope's facts of these kinds add up to, per period bucket and (when
    ``dim``) per value of that dimension. One query."""
    kinds = sorted(set(kinds))
    keep = set(history.DURATIONS)
    result = Result()
    column = "business" if scope.business else "plain"
    if uses_rollup(scope, dim):
        result.source = "daily"
        used = dim or next((key for key, _v in scope.filters), "")
        qs = DailyFact.objects.filter(day__gte=scope.start, day__lte=scope.end, dim=used, kind__in=kinds)
        wanted = scope.filter_map.get(used) if used else None
        if wanted is not None:
            qs = qs.filter(value="" if wanted == NONE else wanted)
        for day, value, kind, detail, count, durations in qs.values_list(
            "day", "value", "kind", "detail", "count", column
        ).iterator(chunk_size=5000):
            key = (stats.bucket(day, period), value if dim else "")
            t = result.tallies.get(key)
            if t is None:
                t = result.tallies[key] = Tally()
            values = durations if kind in keep else ()
            t.add(kind, detail, count, *((values, ()) if scope.business else ((), values)))
        return result
    result.source = "facts"
    qs = facts(scope).filter(kind__in=kinds)
    group = _group_expression(DIMENSIONS[dim], scope) if dim else Value("")
    rows = qs.annotate(group_value=group).values_list("day", "group_value", "kind", "detail", column)
    for day, value, kind, detail, seconds in rows.iterator(chunk_size=10_000):
        key = (stats.bucket(day, period), value_of(value))
        t = result.tallies.get(key)
        if t is None:
            t = result.tallies[key] = Tally()
        values = (seconds,) if kind in keep and seconds is not None else ()
        t.add(kind, detail, 1, *((values, ()) if scope.business else ((), values)))
    return result


def _group_expression(dim: Dimension, scope: Scope):  # type: ignore[no-untyped-def]
    from django.db.models import F

    if not scope.now:
        return F(dim.column)
    if dim.key == "tier":
        return Coalesce(F("ticket__group__tier"), Value("L1"))
    return F(f"ticket__{dim.path}")


def facts(scope: Scope) -> QuerySet[Fact]:
    """The facts in the scope (every kind): its period, its filters on the qualification
    as recorded (or as of now, on the ticket)."""
    qs = Fact.objects.filter(day__gte=scope.start, day__lte=scope.end)
    condition = Q()
    for key, value in scope.filters:
        condition &= DIMENSIONS[key].condition(value, now=scope.now, prefix="ticket__")
    if scope.requester is not None:
        condition &= Q(ticket__requester_id=scope.requester)
    return qs.filter(condition)


def entries(scope: Scope, kind: str, detail: str | None = None) -> QuerySet[Fact]:
    """The facts behind one figure: exactly those it counts."""
    qs = facts(scope).filter(kind=kind)
    if detail is not None:
        qs = qs.filter(detail=detail)
    return qs
