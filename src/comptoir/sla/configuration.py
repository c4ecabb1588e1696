"""Service levels as administrators configure them on the settings screens.

Targets are written as people say them (``comptoir.sla.durations``); conditions are
chosen among labelled lists. ``save_policy`` checks everything before it writes, so a
refused form leaves nothing half-saved; each change is recorded in the configuration
log (``comptoir.core.config_changes``) and the cached policies are dropped after commit.
Administrators change; supervisors may read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from comptoir.accounts.models import Tier, User
from comptoir.core import config_changes
from comptoir.core.config_changes import record_change
from comptoir.core.errors import PermissionDenied, ValidationError
from comptoir.sla import durations, policies
from comptoir.sla.matching import TicketAttributes, first_match
from comptoir.sla.models import Metric, SLAPolicy, SLATarget
from comptoir.tickets.vocabulary import Channel, Priority, Severity, TicketType

LABELLED = {
    "types": TicketType,
    "severities": Severity,
    "priorities": Priority,
    "channels": Channel,
    "tiers": Tier,
}


class PolicyRefused(ValidationError):
    """The form breaks a rule; ``errors`` maps each field (or ``target_<metric>``) to why."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class PolicyInput:
    name: str
    is_active: bool = True
    calendar_id: int | None = None  # None: the organisation's calendar
    targets: dict[str, str] = field(default_factory=dict)  # metric -> text as typed ("4 h ouvrées")
    types: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    organisations: tuple[int, ...] = ()
    products: tuple[int, ...] = ()
    groups: tuple[int, ...] = ()


def can_read(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role in {User.Role.ADMIN, User.Role.SUPERVISOR}
    )


def can_change(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == User.Role.ADMIN)


def check_can_read(user: Any) -> None:
    if not can_read(user):
        raise PermissionDenied(_("Only administrators and supervisors can see the configuration."))


def check_can_change(user: Any) -> None:
    """Only administrators change the configuration."""
    if not can_change(user):
        raise PermissionDenied(_("Only an administrator can change the configuration."))


def ordered_policies() -> QuerySet[SLAPolicy]:
    return (
        SLAPolicy.objects.select_related("calendar")
        .order_by("position", "pk")
        .prefetch_related("targets", "organisations", "products", "groups")
    )


def refusal(error: durations.DurationError) -> str:
    """Why a duration was refused, and what to write instead, in the reader's language."""
    if error.reason == durations.ZERO:
        return _("A target of zero cannot be met: write how long, e.g. '4 h'.")
    if error.reason == durations.NEGATIVE:
        return _("A target cannot be negative: write how long, e.g. '4 h'.")
    if error.reason == durations.TOO_FINE:
        return _("Write the target in whole minutes, e.g. '1 h 30' or '90 min'.")
    return _(
        "'%(text)s' cannot be read. Write a number and a unit, e.g. '4 business hours', '1 h 30', "
        "'90 min' or '2 business days'."
    ) % {"text": error.text}


def read_target(text: str) -> durations.ParsedTarget:
    """Read one target; ``ValidationError`` with the words to show when it cannot be used."""
    try:
        return durations.parse(text)
    except durations.DurationError as exc:
        raise ValidationError(refusal(exc)) from None


def show_target(target: SLATarget, language: str | None = None) -> str:
    return durations.format_target(
        target.duration,
        business=target.business_time,
        in_days=target.in_days,
        language=language or get_language() or "en",
    )


def snapshot(policy: SLAPolicy) -> dict[str, Any]:
    """What the configuration log keeps of a policy: names and codes, targets as written."""
    return {
        "name": policy.name,
        "active": policy.is_active,
        "calendar": policy.calendar.name if policy.calendar_id and policy.calendar else None,
        **{key: sorted(getattr(policy, key) or []) for key in LABELLED},
        "organisations": sorted(o.name for o in policy.organisations.all()),
        "products": sorted(p.name for p in policy.products.all()),
        "groups": sorted(g.name for g in policy.groups.all()),
        "targets": {
            t.metric: {
                "minutes": t.duration // timedelta(minutes=1),
                "business": t.business_time,
                "in_days": t.in_days,
            }
            for t in policy.targets.all()
        },
    }


def _show(key: str, value: Any) -> str:
    """A logged value as a reader says it: labels for codes, targets as said."""
    if key in LABELLED and isinstance(value, list):
        labels = dict(LABELLED[key].choices)
        return ", ".join(str(labels.get(v, v)) for v in value) or "—"
    if key == "targets" and isinstance(value, dict):
        metrics = dict(Metric.choices)
        language = get_language() or "en"
        colon = " : " if language.startswith("fr") else ": "  # French spacing before a colon
        return (
            "; ".join(
                f"{metrics.get(m, m)}{colon}"
                + durations.format_target(
                    timedelta(minutes=t["minutes"]),
                    business=t["business"],
                    in_days=t["in_days"],
                    language=language,
                )
                for m, t in value.items()
                if isinstance(t, dict)
            )
            or "—"
        )
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return str(value)


config_changes.register(
    "sla_policy",
    label=gettext_lazy("Service level"),
    fields={
        "name": gettext_lazy("Name"),
        "active": gettext_lazy("Active"),
        "calendar": gettext_lazy("Business calendar"),
        "position": gettext_lazy("Order"),
        "types": gettext_lazy("Types"),
        "severities": gettext_lazy("Severities"),
        "priorities": gettext_lazy("Priorities"),
        "channels": gettext_lazy("Channels"),
        "tiers": gettext_lazy("Tiers"),
        "organisations": gettext_lazy("Organisations"),
        "products": gettext_lazy("Products"),
        "groups": gettext_lazy("Groups"),
        "targets": gettext_lazy("Targets"),
        "order": gettext_lazy("Order"),
    },
    show=_show,
)


def _check(policy: SLAPolicy | None, data: PolicyInput) -> dict[str, durations.ParsedTarget]:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Give the service level a name, e.g. 'Procedure 003 priorities'.")
    elif SLAPolicy.objects.filter(name__iexact=name).exclude(pk=policy.pk if policy else 0).exists():
        errors["name"] = _("Another service level has this name: choose another.")
    for key, choices in LABELLED.items():
        unknown = set(getattr(data, key)) - set(choices.values)
        if unknown:
            errors[key] = _("Choose among the values offered.")
    parsed: dict[str, durations.ParsedTarget] = {}
    for metric, text in data.targets.items():
        if metric not in Metric.values:
            errors[f"target_{metric}"] = _("Choose among the values offered.")
        elif text.strip():
            try:
                parsed[metric] = durations.parse(text)
            except durations.DurationError as exc:
                errors[f"target_{metric}"] = refusal(exc)
    if not errors and not parsed:
        errors["targets"] = _("Give at least one target, e.g. '4 h ouvrées' for the resolution.")
    if errors:
        raise PolicyRefused(errors)
    return parsed


def _forget_policies() -> None:
    """Drop the cached policies now (this process reads its own change at once) and again
    after commit (a read in between may have cached the rows of before)."""
    policies.forget()
    transaction.on_commit(policies.forget)


def save_policy(*, by: User, policy: SLAPolicy | None, data: PolicyInput) -> SLAPolicy:
    """Create or change a service level. Everything is checked first; the whole change is
    written in one transaction, or nothing is."""
    check_can_change(by)
    parsed = _check(policy, data)
    with transaction.atomic():
        before = snapshot(policy) if policy is not None else None
        if policy is None:
            last = SLAPolicy.objects.order_by("-position").values_list("position", flat=True).first()
            policy = SLAPolicy(position=(last or 0) + 10)
        policy.name = data.name.strip()
        policy.is_active = data.is_active
        policy.calendar_id = data.calendar_id
        for key in LABELLED:
            setattr(policy, key, list(getattr(data, key)))
        policy.full_clean()
        policy.save()
        policy.organisations.set(data.organisations)
        policy.products.set(data.products)
        policy.groups.set(data.groups)
        existing = {t.metric: t for t in policy.targets.all()}
        for metric, target in existing.items():
            if metric not in parsed:
                target.delete()
        for metric, value in parsed.items():
            row = existing.get(metric) or SLATarget(policy=policy, metric=metric)
            row.duration = value.duration
            row.in_days = value.in_days
            if value.business is not None:
                row.business_time = value.business
            row.save()
        policy = ordered_policies().get(pk=policy.pk)
        record_change(by=by, kind="sla_policy", what=policy.name, before=before, after=snapshot(policy))
        _forget_policies()
    return policy


def move_policy(*, by: User, policy_id: int, up: bool) -> None:
    """Move a service level one place up or down: the first matching one applies."""
    check_can_change(by)
    with transaction.atomic():
        # Locked in order so two administrators moving at once keep a clean sequence.
        rows = list(SLAPolicy.objects.select_for_update().order_by("position", "pk"))
        index = next((i for i, p in enumerate(rows) if p.pk == policy_id), None)
        if index is None:
            return
        other = index - 1 if up else index + 1
        if not 0 <= other < len(rows):
            return
        before = [p.name for p in rows]
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.position != position * 10:
                row.position = position * 10
                row.save(update_fields=["position"])
        record_change(
            by=by,
            kind="sla_policy",
            what=rows[other].name,
            before={"order": before},
            after={"order": [p.name for p in rows]},
        )
        _forget_policies()


@dataclass(frozen=True)
class Due:
    metric: str
    label: str
    target: str
    due_at: datetime


@dataclass(frozen=True)
class Simulation:
    policy_name: str | None
    dues: tuple[Due, ...] = ()


def simulate(
    *,
    type: str,
    priority: str,
    severity: str,
    arrival: datetime,
    product_id: int | None = None,
    organisation_id: int | None = None,
    channel: str = Channel.PORTAL,
    tier: str = Tier.L1,
) -> Simulation:
    """Which active service level a new request would get, and when each target falls due,
    counted on the policy's calendar as the clocks count it (no pause yet)."""
    catalogue = policies.catalogue()
    attributes = TicketAttributes(
        organisation_id=organisation_id,
        type=type,
        severity=severity,
        priority=priority,
        product_id=product_id,
        channel=channel,
        group_id=None,
        tier=tier,
    )
    policy = first_match(catalogue.policies, attributes)
    if policy is None:
        return Simulation(policy_name=None)
    rows = {t.metric: t for t in SLATarget.objects.filter(policy_id=policy.id)}
    dues = []
    order = {metric: i for i, metric in enumerate(Metric.values)}
    for target in sorted(policy.targets, key=lambda t: order.get(t.metric, 99)):
        clock = catalogue.clock_for(policy, organisation_id, target.metric)
        row = rows.get(target.metric)
        text = show_target(row) if row else durations.format_target(target.duration)
        dues.append(
            Due(
                metric=target.metric,
                label=str(Metric(target.metric).label),
                target=text,
                due_at=clock.add(
                    arrival, target.duration if target.duration > timedelta(0) else timedelta(0)
                ),
            )
        )
    return Simulation(policy_name=policy.name, dues=tuple(dues))
