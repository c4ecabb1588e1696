"""Declaring, updating and resolving outages, and linking the tickets they cause.

Procedure 004 by hand: post on the team chat with @channel, mail the product's users, and
announce the end the same way. Here each step is one service: it writes the outage, its
public update (``OutageUpdate``), the affected services' new state and the announcements
(team chat posts, mails to the status page's subscribers) as outbox rows, in one
transaction; nothing leaves before commit.

Locks, in this order: the outage row (two agents resolving at once: one resolves, the other
is told), then the affected services by primary key (two outages changing one service at
once: each computes the state from what the other committed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Final

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError, InvalidTransition, PermissionDenied, ValidationError
from comptoir.outages import announcements, catalogue, states
from comptoir.outages.models import Outage, OutageUpdate, Service, State
from comptoir.tickets import lifecycle
from comptoir.tickets import services as tickets
from comptoir.tickets.permissions import check_can_work
from comptoir.tickets.services.outages import record_outage_link

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.tickets.models import Ticket


class _Unchanged(Enum):
    UNCHANGED = "unchanged"


UNCHANGED: Final = _Unchanged.UNCHANGED

IMPACTS = frozenset(value for value, _label in State.choices if value != State.OPERATIONAL)


@dataclass(frozen=True)
class Resolution:
    """A resolved outage and, when the agent chose to answer them, the linked tickets
    answered and resolved, and those left as they were (already resolved or closed, or
    not the agent's to answer), with the reason."""

    outage: Outage
    answered: tuple[Ticket, ...] = ()
    skipped: tuple[tuple[Ticket, str], ...] = ()


def check_can_manage(by: User) -> None:
    """Procedure 004 « s'adresse à n'importe quelle personne » of the team: every agent,
    supervisor and administrator may declare, update and resolve an outage."""
    if not by.is_authenticated or not by.is_active or not by.is_staff_member:
        raise PermissionDenied(_("Only the support team can do this."))


def _require(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


def _check_impact(impact: str) -> None:
    if impact not in IMPACTS:
        raise ValidationError(_("Choose the impact of the outage."))


def declare(
    *,
    by: User,
    title: str,
    kind: str,
    services: Sequence[Service],
    message: str,
    impact: str = State.MAJOR,
    started_at: datetime | None = None,
    expected_end_at: datetime | None = None,
    cause: str = "",
    host: str = "",
    internal_notes: str = "",
    at: datetime | None = None,
) -> Outage:
    """Procedure 004, step 1: an outage of ``services`` starts (``started_at``, now by
    default). The services show its impact, the team chat channels hear of it (@channel
    when configured), the status page's subscribers receive ``message``."""
    at = at or clock_now()
    check_can_manage(by)
    title = _require(title, _("Give the outage a title."))
    message = _require(message, _("Write the public message."))
    if kind not in Outage.Kind.values:
        raise ValidationError(_("Choose the type of incident."))
    _check_impact(impact)
    if not services:
        raise ValidationError(_("Choose at least one affected service."))
    started_at = started_at or at
    _check_expected_end(started_at, expected_end_at)
    with transaction.atomic():
        outage = Outage.objects.create(
            title=title,
            kind=kind,
            impact=impact,
            started_at=started_at,
            expected_end_at=expected_end_at,
            cause=(cause or "").strip(),
            host=(host or "").strip(),
            internal_notes=(internal_notes or "").strip(),
            declared_by=by,
            created_at=at,
        )
        outage.services.set(services)
        update = OutageUpdate.objects.create(
            outage=outage, kind=OutageUpdate.Kind.DECLARED, body=message, at=at, by=by
        )
        _refresh_states((s.pk for s in services), at=at)
        _announce(outage, update, at=at)
    return outage


def _check_expected_end(started_at: datetime, expected_end_at: datetime | None) -> None:
    if expected_end_at is not None and expected_end_at <= started_at:
        raise ValidationError(_("The expected end must come after the start."))


def update(
    outage: Outage,
    *,
    by: User,
    message: str,
    expected_end_at: datetime | _Unchanged | None = UNCHANGED,
    impact: str | None = None,
    cause: str | None = None,
    at: datetime | None = None,
) -> OutageUpdate:
    """A public update of an ongoing outage (what is known, a new expected end, a new
    impact, the cause once the technical team knows it): announced like the declaration."""
    at = at or clock_now()
    check_can_manage(by)
    message = _require(message, _("Write the public message."))
    if impact is not None:
        _check_impact(impact)
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_ongoing:
            raise InvalidTransition(_("This outage is already resolved."))
        fields = []
        if expected_end_at is not UNCHANGED and expected_end_at != outage.expected_end_at:
            _check_expected_end(outage.started_at, expected_end_at)
            outage.expected_end_at = expected_end_at
            fields.append("expected_end_at")
        if impact is not None and impact != outage.impact:
            outage.impact = impact
            fields.append("impact")
        if cause is not None and cause.strip() != outage.cause:
            outage.cause = cause.strip()
            fields.append("cause")
        if fields:
            outage.save(update_fields=fields)
        posted = OutageUpdate.objects.create(
            outage=outage, kind=OutageUpdate.Kind.UPDATE, body=message, at=at, by=by
        )
        if "impact" in fields:
            _refresh_states(outage.services.values_list("pk", flat=True), at=at)
        _announce(outage, posted, at=at)
    return posted


def resolve(
    outage: Outage,
    *,
    by: User,
    message: str,
    resolved_at: datetime | None = None,
    answer_tickets: bool = False,
    at: datetime | None = None,
) -> Resolution:
    """Procedure 004, step 3: the outage is over (at ``resolved_at``, now by default). The
    services return to their state without it, the end is announced like the start, and,
    if the agent chooses, every linked ticket still open is answered with ``message`` and
    resolved (its requester receives the answer by mail)."""
    at = at or clock_now()
    check_can_manage(by)
    message = _require(message, _("Write the public message."))
    resolved_at = resolved_at or at
    if resolved_at > at:
        raise ValidationError(_("The end of the outage cannot be in the future."))
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_ongoing:
            raise InvalidTransition(_("This outage is already resolved."))
        if resolved_at < outage.started_at:
            raise ValidationError(_("The end of the outage must come after its start."))
        outage.resolved_at = resolved_at
        outage.save(update_fields=["resolved_at"])
        posted = OutageUpdate.objects.create(
            outage=outage, kind=OutageUpdate.Kind.RESOLVED, body=message, at=at, by=by
        )
        _refresh_states(outage.services.values_list("pk", flat=True), at=at)
        _announce(outage, posted, at=at)
        answered, skipped = (
            _answer_linked(outage, by=by, message=message, at=at) if answer_tickets else ((), ())
        )
    return Resolution(outage=outage, answered=answered, skipped=skipped)


def _answer_linked(
    outage: Outage, *, by: User, message: str, at: datetime
) -> tuple[tuple[Ticket, ...], tuple[tuple[Ticket, str], ...]]:

    answered, skipped = [], []
    for ticket in outage.tickets.select_related("requester", "organisation").order_by("pk"):
        if ticket.status not in lifecycle.ACTIVE:
            skipped.append((ticket, _("already resolved or closed")))
            continue
        try:
            # A savepoint per ticket: one ticket refused leaves the others answered.
            with transaction.atomic():
                tickets.reply(ticket, by=by, body=message, set_status=lifecycle.RESOLVED, at=at)
        except ComptoirError as exc:
            skipped.append((ticket, exc.message))
        else:
            answered.append(ticket)
    return tuple(answered), tuple(skipped)


def link_ticket(outage: Outage, *, ticket: Ticket, by: User, at: datetime | None = None) -> bool:
    """Record that ``ticket`` is caused by ``outage``: resolving the outage can answer it.
    True if the link is new; the ticket's history says so. The agent must be allowed to work
    on the ticket."""
    return _set_link(outage, ticket=ticket, by=by, linked=True, at=at)


def unlink_ticket(outage: Outage, *, ticket: Ticket, by: User, at: datetime | None = None) -> bool:
    return _set_link(outage, ticket=ticket, by=by, linked=False, at=at)


def _set_link(outage: Outage, *, ticket: Ticket, by: User, linked: bool, at: datetime | None) -> bool:

    check_can_manage(by)
    check_can_work(by, ticket)
    at = at or clock_now()
    with transaction.atomic():
        if outage.tickets.filter(pk=ticket.pk).exists() == linked:
            return False
        if linked:
            outage.tickets.add(ticket)
        else:
            outage.tickets.remove(ticket)
        record_outage_link(ticket, outage=outage, linked=linked, by=by, at=at)
        _forget_ongoing()
    return True


def _lock(outage: Outage) -> Outage:
    return Outage.objects.select_for_update().get(pk=outage.pk)


def start_planned(*, at: datetime | None = None) -> int:
    """Every minute: the services of an outage declared to start later (planned
    maintenance) take its state when it starts. Returns how many services changed; run
    twice, the second run changes nothing."""
    at = at or clock_now()
    ids = set(
        Outage.services.through.objects.filter(
            outage__resolved_at__isnull=True, outage__started_at__lte=at
        ).values_list("service_id", flat=True)
    )
    if not ids:
        return 0
    with transaction.atomic():
        changed = _refresh_states(ids, at=at)
        if changed:
            _forget_ongoing()
    return changed


def _refresh_states(service_ids: Iterable[int], *, at: datetime) -> int:
    """Each service shows the worst impact of its outages under way (started, not resolved;
    operational when none is left). Returns how many services changed."""
    ids = sorted(set(service_ids))
    # In primary-key order: two outages on overlapping services lock them in the same order.
    rows = list(Service.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    impacts: dict[int, list[str]] = defaultdict(list)
    for service_id, impact in Outage.services.through.objects.filter(
        service_id__in=ids, outage__resolved_at__isnull=True, outage__started_at__lte=at
    ).values_list("service_id", "outage__impact"):
        impacts[service_id].append(impact)
    changed = []
    for service in rows:
        state = states.worst(impacts[service.pk])
        if service.state != state:
            service.state = state
            changed.append(service)
    if changed:
        Service.objects.bulk_update(changed, ["state"])
    return len(changed)


def _announce(outage: Outage, posted: OutageUpdate, *, at: datetime) -> None:
    outbox.enqueue(
        [
            *announcements.chat_rows(outage, posted, at=at),
            *announcements.subscriber_rows(outage, posted, at=at),
        ]
    )
    _forget_ongoing()


def _forget_ongoing() -> None:
    # At once for this request, and after commit for the requests that read the old state
    # meanwhile (they may have cached it again).
    catalogue.reset()
    transaction.on_commit(catalogue.reset)
