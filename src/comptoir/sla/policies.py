"""Loading SLA policies, cached per process.

Policies change rarely and are read on every ticket change, so they are kept in memory
(``comptoir.core.cache``); ``forget()`` drops them. The calendars they count in are the
contracts' (``comptoir.accounts.contracts``): the policy's own, else the organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from comptoir.accounts import contracts
from comptoir.core.cache import ProcessCache
from comptoir.sla.clocks import Clockwork, Target, WallClock
from comptoir.sla.matching import Conditions, Policy
from comptoir.sla.models import SLAPolicy

WALL_CLOCK = WallClock()


@dataclass(frozen=True)
class Catalogue:
    policies: tuple[Policy, ...]
    business: dict[tuple[int, str], bool] = field(default_factory=dict)  # (policy, metric) -> business time?

    def clock_for(self, policy: Policy, organisation_id: int | None, metric: str) -> Clockwork:
        if not self.business.get((policy.id, metric), True):
            return WALL_CLOCK
        if policy.calendar_id is not None:
            return contracts.calendar(policy.calendar_id) or WALL_CLOCK
        return contracts.organisation_calendar(organisation_id) or WALL_CLOCK


def forget() -> None:
    """Drop the cached policies, and the contracts' calendars they count in."""
    _catalogue.forget()
    contracts.forget()


def catalogue() -> Catalogue:
    return _catalogue.get()


def _load() -> Catalogue:
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
    return Catalogue(tuple(policies), business)


_catalogue: ProcessCache[Catalogue] = ProcessCache(_load)
