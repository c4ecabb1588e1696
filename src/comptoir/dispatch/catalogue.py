"""Routing rules and rotas, cached per process.

Every new ticket reads the rules, and every page of the portal shows the lines' hours: they
are kept in memory (``comptoir.core.cache``); ``reset()`` drops them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch

from comptoir.calendars import BusinessCalendar
from comptoir.core.cache import ProcessCache
from comptoir.core.clock import now as clock_now
from comptoir.dispatch.opening_hours import Hours, describe
from comptoir.dispatch.rotation import Override, Rotation
from comptoir.dispatch.routing import Rule

# Overrides that ended longer ago than this no longer change who is on duty now or next.
OVERRIDES_KEPT = timedelta(days=90)


@dataclass(frozen=True)
class RotaInfo:
    id: int
    name: str
    kind: str
    rotation: Rotation
    phone: str
    triage_action: str
    hours: Hours | None
    calendar: BusinessCalendar | None


@dataclass(frozen=True)
class Catalogue:
    rules: tuple[Rule, ...]
    rotas: tuple[RotaInfo, ...]

    def rota(self, kind: str) -> RotaInfo | None:
        """The active rota of this kind (the first by name when there are several)."""
        return next((r for r in self.rotas if r.kind == kind), None)


def reset() -> None:
    _catalogue.forget()


def catalogue() -> Catalogue:
    return _catalogue.get()


def _load() -> Catalogue:
    from comptoir.dispatch.models import Rota as RotaRow
    from comptoir.dispatch.models import RotaMember, RotaOverride, RoutingRule

    rules = tuple(
        Rule.build(
            id=row.pk,
            name=row.name,
            group_id=row.group_id,
            products=frozenset(p.pk for p in row.products.all()),
            components=frozenset(c.pk for c in row.components.all()),
            types=frozenset(row.types or ()),
            organisations=frozenset(o.pk for o in row.organisations.all()),
            channels=frozenset(row.channels or ()),
            mailboxes=frozenset(m.pk for m in row.mailboxes.all()),
            keywords=row.keyword_list,
        )
        for row in RoutingRule.objects.filter(is_active=True).prefetch_related(
            "products", "components", "organisations", "mailboxes"
        )
    )
    recent = clock_now() - OVERRIDES_KEPT
    rotas = []
    for row in (
        RotaRow.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related(
            Prefetch(
                "members", queryset=RotaMember.objects.filter(user__is_active=True).order_by("position", "pk")
            ),
            Prefetch("overrides", queryset=RotaOverride.objects.filter(ends_at__gte=recent)),
        )
    ):
        rotation = Rotation(
            members=tuple(m.user_id for m in row.members.all()),
            starts_on=row.starts_on,
            handover=row.handover_time,
            timezone=row.timezone,
            period_days=max(row.period_days, 1),
            overrides=tuple(Override(o.kind, o.user_id, o.starts_at, o.ends_at) for o in row.overrides.all()),
        )
        spec = row.calendar.spec if row.calendar else None
        rotas.append(
            RotaInfo(
                id=row.pk,
                name=row.name,
                kind=row.kind,
                rotation=rotation,
                phone=row.phone,
                triage_action=row.triage_action,
                hours=describe(spec) if spec else None,
                calendar=BusinessCalendar.from_spec(spec) if spec else None,
            )
        )
    return Catalogue(rules=rules, rotas=tuple(rotas))


_catalogue: ProcessCache[Catalogue] = ProcessCache(_load)
