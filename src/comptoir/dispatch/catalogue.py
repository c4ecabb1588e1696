"""Routing rules and rotas, cached per process.

Every new ticket reads the rules, and every page of the portal shows the lines' hours: they
are kept in memory (``comptoir.core.cache``); ``reset()`` drops them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch

from comptoir.accounts.models import Organisation
from comptoir.calendars import BusinessCalendar
from comptoir.catalog.models import Product
from comptoir.core.cache import ProcessCache
from comptoir.core.clock import now as clock_now
from comptoir.dispatch.models import Rota as RotaRow
from comptoir.dispatch.models import RotaMember, RotaOverride, RoutingRule
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
    # Whom an on-duty rota triages for: these customers', these products' requests
    # (both empty: everyone's); ``serves`` names them for pages.
    organisations: frozenset[int] = frozenset()
    products: frozenset[int] = frozenset()
    serves: tuple[str, ...] = ()

    @property
    def is_general(self) -> bool:
        return not self.organisations and not self.products

    def specificity(self, *, organisation_id: int | None, product_id: int | None) -> int | None:
        """How closely this rota fits a request: 3 its organisation and its product, 2 its
        organisation, 1 its product, 0 a rota for everyone; None: not for this request.
        Like a routing rule, every condition set must hold."""
        if self.organisations and organisation_id not in self.organisations:
            return None
        if self.products and product_id not in self.products:
            return None
        return 2 * bool(self.organisations) + bool(self.products)


@dataclass(frozen=True)
class Catalogue:
    rules: tuple[Rule, ...]
    rotas: tuple[RotaInfo, ...]

    def rota(self, kind: str) -> RotaInfo | None:
        """The active rota of this kind for everyone (else any), the first by name."""
        of_kind = [r for r in self.rotas if r.kind == kind]
        return next((r for r in of_kind if r.is_general), next(iter(of_kind), None))

    def triage_rota(self, *, organisation_id: int | None, product_id: int | None) -> RotaInfo | None:
        """Procedure 003: the on-duty rota whose agent triages a new request: the rota of
        its organisation, else of its product, else the rota for everyone; among rotas as
        specific, the first by name. None: no rota serves it (it waits in triage)."""
        best: tuple[int, RotaInfo] | None = None
        for rota in self.rotas:  # in name order
            if rota.kind != RotaRow.Kind.ON_DUTY:
                continue
            fit = rota.specificity(organisation_id=organisation_id, product_id=product_id)
            if fit is not None and (best is None or fit > best[0]):
                best = (fit, rota)
        return best[1] if best else None


def reset() -> None:
    _catalogue.forget()


def catalogue() -> Catalogue:
    return _catalogue.get()


def _load() -> Catalogue:
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
        .order_by("kind", "name")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
            Prefetch("products", queryset=Product.objects.order_by("name")),
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
                organisations=frozenset(o.pk for o in row.organisations.all()),
                products=frozenset(p.pk for p in row.products.all()),
                serves=(*(o.name for o in row.organisations.all()), *(p.name for p in row.products.all())),
            )
        )
    return Catalogue(rules=rules, rotas=tuple(rotas))


_catalogue: ProcessCache[Catalogue] = ProcessCache(_load)
