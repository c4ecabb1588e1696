"""Which SLA policy applies to a ticket (pure): the first active policy, in order, whose
every set condition the ticket meets. An empty condition matches anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from comptoir.sla.clocks import Target


@dataclass(frozen=True)
class Conditions:
    organisations: frozenset[int] = frozenset()
    types: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()
    priorities: frozenset[str] = frozenset()
    products: frozenset[int] = frozenset()
    channels: frozenset[str] = frozenset()
    groups: frozenset[int] = frozenset()
    tiers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TicketAttributes:
    organisation_id: int | None
    type: str
    severity: str
    priority: str
    product_id: int | None
    channel: str
    group_id: int | None
    tier: str


@dataclass(frozen=True)
class Policy:
    id: int
    name: str
    conditions: Conditions
    targets: tuple[Target, ...]
    pause_on_hold: bool = False
    calendar_id: int | None = None
    show_to_requester: bool = True
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    def covers_tier(self, tier: str) -> bool:
        return not self.conditions.tiers or tier in self.conditions.tiers


def matches(conditions: Conditions, ticket: TicketAttributes) -> bool:
    checks = (
        (conditions.organisations, ticket.organisation_id),
        (conditions.types, ticket.type),
        (conditions.severities, ticket.severity),
        (conditions.priorities, ticket.priority),
        (conditions.products, ticket.product_id),
        (conditions.channels, ticket.channel),
        (conditions.groups, ticket.group_id),
        (conditions.tiers, ticket.tier),
    )
    return all(not wanted or value in wanted for wanted, value in checks)


def first_match(policies: Sequence[Policy], ticket: TicketAttributes) -> Policy | None:
    return next((p for p in policies if matches(p.conditions, ticket)), None)
