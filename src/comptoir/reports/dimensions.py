"""The dimensions reports are filtered and grouped by, and how a value reads.

Each dimension has its column on the facts (the qualification recorded at the time) and
its path on the ticket (the qualification as of now). A filter value is an id, a code,
or ``none`` (no product, no group, nobody assigned...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Organisation, Tier, User
from comptoir.catalog.models import Component, Group, Product
from comptoir.tickets.vocabulary import Channel, Priority, Severity, TicketType

NONE = "none"


@dataclass(frozen=True)
class Dimension:
    key: str
    label: Promise
    column: str  # on Fact
    path: str  # on Ticket, for "as of now"
    none_label: Promise
    numeric: bool = False
    choices: tuple[tuple[str, str], ...] = ()

    def parse(self, raw: str) -> str | None:
        """The filter value, or None when it means nothing here (ignored)."""
        raw = (raw or "").strip()
        if not raw:
            return None
        if raw == NONE:
            return NONE
        if self.numeric:
            return raw if raw.isdigit() else None
        return raw if raw in {code for code, _label in self.choices} else None

    def condition(self, value: str, *, now: bool, prefix: str = "") -> Q:
        """Facts (or tickets, ``prefix`` empty and ``now``) with this value."""
        field = f"{prefix}{self.path}" if now else self.column
        if self.key == "tier" and now:
            # A ticket outside any group is with the first line (as the SLA clocks say).
            if value == "L1":
                return Q(**{f"{prefix}group__isnull": True}) | Q(**{field: value})
            return Q(**{field: value})
        if value == NONE:
            return Q(**{f"{field}__isnull": True}) if self.numeric else Q(**{field: ""})
        return Q(**{field: int(value) if self.numeric else value})


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension(
            "organisation",
            _("Organisation"),
            "organisation_id",
            "organisation_id",
            _("No organisation"),
            numeric=True,
        ),
        Dimension("product", _("Product"), "product_id", "product_id", _("No product"), numeric=True),
        Dimension(
            "component", _("Component"), "component_id", "component_id", _("No component"), numeric=True
        ),
        Dimension("type", _("Type"), "type", "type", _("None"), choices=tuple(TicketType.choices)),
        Dimension(
            "severity", _("Severity"), "severity", "severity", _("None"), choices=tuple(Severity.choices)
        ),
        Dimension(
            "priority", _("Priority"), "priority", "priority", _("None"), choices=tuple(Priority.choices)
        ),
        Dimension("channel", _("Channel"), "channel", "channel", _("None"), choices=tuple(Channel.choices)),
        Dimension("group", _("Group"), "group_id", "group_id", _("Triage (no group)"), numeric=True),
        Dimension("tier", _("Tier"), "tier", "group__tier", _("None"), choices=tuple(Tier.choices)),
        Dimension("agent", _("Agent"), "assignee_id", "assignee_id", _("Unassigned"), numeric=True),
    )
}
KEYS = tuple(DIMENSIONS)


def value_of(raw: object) -> str:
    """A fact's column value as a group key ("" for none)."""
    return "" if raw is None else str(raw)


def labels(dim: Dimension, values: Iterable[str]) -> dict[str, str]:
    """How each value reads (one query for the dimensions that name rows)."""
    wanted = {v for v in values if v}
    found: dict[str, str] = {"": str(dim.none_label), NONE: str(dim.none_label)}
    if dim.choices:
        found.update({code: str(label) for code, label in dim.choices})
        return found
    ids = [int(v) for v in wanted if v.isdigit()]
    if not ids:
        return found

    if dim.key == "organisation":
        found.update(
            (str(pk), name) for pk, name in Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
        )
    elif dim.key == "product":
        found.update(
            (str(pk), name) for pk, name in Product.objects.filter(pk__in=ids).values_list("pk", "name")
        )
    elif dim.key == "component":
        rows = Component.objects.filter(pk__in=ids).values_list("pk", "product__name", "name")
        found.update((str(pk), f"{product} / {name}") for pk, product, name in rows)
    elif dim.key == "group":
        rows = Group.objects.filter(pk__in=ids).values_list("pk", "name", "tier")
        found.update((str(pk), f"{name} ({tier})") for pk, name, tier in rows)
    elif dim.key == "agent":
        for user in User.objects.filter(pk__in=ids).only("pk", "first_name", "last_name", "username"):
            found[str(user.pk)] = user.display_name
    return found


def choices_for_filters() -> dict[str, list[tuple[str, str]]]:
    """Every dimension's values for the filter form (five small queries)."""

    made: dict[str, list[tuple[str, str]]] = {}
    for key, dim in DIMENSIONS.items():
        if dim.choices:
            made[key] = [(code, str(label)) for code, label in dim.choices]
    made["organisation"] = [(str(pk), n) for pk, n in Organisation.objects.values_list("pk", "name")]
    made["product"] = [(str(pk), n) for pk, n in Product.objects.values_list("pk", "name")]
    made["component"] = [
        (str(pk), f"{p} / {n}")
        for pk, p, n in Component.objects.values_list("pk", "product__name", "name").order_by(
            "product__name", "name"
        )
    ]
    made["group"] = [(str(pk), f"{n} ({t})") for pk, n, t in Group.objects.values_list("pk", "name", "tier")]
    agents = User.objects.filter(role__in=["agent", "supervisor", "admin"], is_active=True).order_by(
        "first_name", "last_name", "username"
    )
    made["agent"] = [
        (str(u.pk), u.display_name) for u in agents.only("pk", "first_name", "last_name", "username")
    ]
    return {
        key: [*([(NONE, str(dim.none_label))] if dim.numeric else []), *made[key]]
        for key, dim in DIMENSIONS.items()
    }
