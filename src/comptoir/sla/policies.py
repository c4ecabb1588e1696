"""Loading SLA policies and their calendars, cached per process.

Policies change rarely and are read on every ticket change, so they are kept in memory
(``comptoir.core.cache``); ``forget()`` drops them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from comptoir.calendars import BusinessCalendar
from comptoir.core.cache import ProcessCache
from comptoir.sla.clocks import Clockwork, Target, WallClock
from comptoir.sla.matching import Conditions, Policy

WALL_CLOCK = WallClock()


@dataclass(frozen=True)
class Catalogue:
    policies: tuple[Policy, ...]
    calendars: dict[int, BusinessCalendar]
    organisation_calendars: dict[int, int]
    business: dict[tuple[int, str], bool]  # (policy id, metric) -> counted in business time
    quotas: dict[int, tuple[int, str]] = field(default_factory=dict)  # org id -> (monthly quota, policy)
    languages: dict[int, str] = field(default_factory=dict)  # org id -> language of its contract

    def clock_for(self, policy: Policy, organisation_id: int | None, metric: str) -> Clockwork:
        if not self.business.get((policy.id, metric), True):
            return WALL_CLOCK
        calendar_id = policy.calendar_id or self.organisation_calendars.get(organisation_id or 0)
        if calendar_id is None:
            return WALL_CLOCK
        return self.calendars[calendar_id]


def organisation_calendar(organisation_id: int | None) -> BusinessCalendar | None:
    """The business calendar of an organisation's contract, if it has one."""
    if organisation_id is None:
        return None
    cat = catalogue()
    calendar_id = cat.organisation_calendars.get(organisation_id)
    return cat.calendars.get(calendar_id) if calendar_id is not None else None


def organisation_quota(organisation_id: int | None) -> tuple[int, str] | None:
    """(monthly ticket quota, policy beyond it) of an organisation's contract, if any."""
    return catalogue().quotas.get(organisation_id or 0)


def organisation_language(organisation_id: int | None) -> str:
    return catalogue().languages.get(organisation_id or 0, "")


def forget() -> None:
    _catalogue.forget()


def catalogue() -> Catalogue:
    return _catalogue.get()


def _load() -> Catalogue:
    from comptoir.accounts.models import Organisation
    from comptoir.calendars.models import Calendar
    from comptoir.sla.models import SLAPolicy

    rows = SLAPolicy.objects.filter(is_active=True).prefetch_related(
        "targets", "organisations", "products", "groups"
    )
    policies, business = [], {}
    for row in rows:
        targets = []
        for t in row.targets.all():
            targets.append(Target(metric=t.metric, duration=t.duration, warn_share=t.warn_percent / 100))
            business[(row.pk, t.metric)] = t.business_time
        policies.append(
            Policy(
                id=row.pk,
                name=row.name,
                conditions=Conditions(
                    organisations=frozenset(o.pk for o in row.organisations.all()),
                    types=frozenset(row.types),
                    severities=frozenset(row.severities),
                    priorities=frozenset(row.priorities),
                    products=frozenset(p.pk for p in row.products.all()),
                    channels=frozenset(row.channels),
                    groups=frozenset(g.pk for g in row.groups.all()),
                    tiers=frozenset(row.tiers),
                ),
                targets=tuple(targets),
                pause_on_hold=row.pause_on_hold,
                calendar_id=row.calendar_id,
                show_to_requester=row.show_to_requester,
            )
        )
    org_calendars = dict(Organisation.objects.filter(calendar__isnull=False).values_list("pk", "calendar_id"))
    calendars = {c.pk: BusinessCalendar.from_spec(c.spec) for c in Calendar.objects.all()}
    quotas = {
        pk: (quota, policy)
        for pk, quota, policy in Organisation.objects.filter(monthly_ticket_quota__isnull=False).values_list(
            "pk", "monthly_ticket_quota", "quota_policy"
        )
    }
    languages = dict(Organisation.objects.values_list("pk", "language"))
    return Catalogue(tuple(policies), calendars, org_calendars, business, quotas, languages)


_catalogue: ProcessCache[Catalogue] = ProcessCache(_load)
