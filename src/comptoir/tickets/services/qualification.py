"""Requalification (type, severity, priority, product, component) and escalation: the
requester hears when a requalification changes what was promised, the receiving group
when a ticket is escalated to it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.catalog.escalation import escalation_target, next_tier
from comptoir.catalog.models import Component, Group, Product
from comptoir.core import outbox
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError, InvalidTransition, ValidationError
from comptoir.sla import services as sla
from comptoir.tickets import events, lifecycle, notifications
from comptoir.tickets.models import Message, Ticket
from comptoir.tickets.permissions import check_can_work
from comptoir.tickets.services._common import lock, require_reason, store
from comptoir.tickets.vocabulary import Priority, Severity, TicketType

if TYPE_CHECKING:
    from comptoir.accounts.models import User

_UNSET: Any = object()
_CHOICES = {"type": TicketType, "severity": Severity, "priority": Priority}


def requalify(
    ticket: Ticket,
    *,
    by: User,
    reason: str,
    type: str | None = None,
    severity: str | None = None,
    priority: str | None = None,
    product: Product | None = _UNSET,
    component: Component | None = _UNSET,
    at: datetime | None = None,
) -> Ticket:
    """Change what the ticket is (agents only, reason required: procedure 003's
    requalification). One event records every field's old and new value. A type, severity
    or priority left at None is unchanged; so is a product or component not given (None
    there means "none")."""
    at = at or clock_now()
    reason = require_reason(reason)
    check_can_work(by, ticket)
    wanted = {"type": type, "severity": severity, "priority": priority}
    for field, value in wanted.items():
        if value is not None and value not in _CHOICES[field].values:
            raise ValidationError(_("Unknown value for %(field)s.") % {"field": field})
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.status == lifecycle.CLOSED:
            raise InvalidTransition(_("This ticket is closed."))
        history = list(ticket.events.order_by("at", "pk"))
        policy_before = sla.policy_name(sla.plan_for(ticket, history, at=at))
        changes: dict[str, list[object]] = {}
        for field, value in wanted.items():
            if value is not None and getattr(ticket, field) != value:
                changes[field] = [getattr(ticket, field), value]
                setattr(ticket, field, value)
        new_product = ticket.product if product is _UNSET else product
        new_component = ticket.component if component is _UNSET else component
        # A new product without a component named drops the old product's component.
        if (
            product is not _UNSET
            and component is _UNSET
            and new_component is not None
            and (new_product is None or new_component.product_id != new_product.pk)
        ):
            new_component = None
        if new_component is not None and (new_product is None or new_component.product_id != new_product.pk):
            raise ValidationError(_("This component does not belong to the chosen product."))
        if (ticket.product_id or None) != (new_product.pk if new_product else None):
            changes["product"] = [ticket.product, new_product]
            ticket.product = new_product
        if (ticket.component_id or None) != (new_component.pk if new_component else None):
            changes["component"] = [ticket.component, new_component]
            ticket.component = new_component
        if not changes:
            return ticket
        # Procedure 003: a requalified ticket is measured against the policy it now matches,
        # from its original start; the history says so.
        policy_after = sla.policy_name(sla.plan_for(ticket, history, at=at))
        if policy_after != policy_before:
            changes["sla_policy"] = [policy_before, policy_after]
        ticket.updated_at = at
        store(
            ticket,
            [*(f for f in changes if f != "sla_policy"), "updated_at"],
            [events.requalified(ticket, changes=changes, actor=by, at=at, reason=reason)],
            at=at,
        )
        # The requester hears of it when it changes what we promised them (built after the
        # clocks are refreshed, so the mail gives the new due times).
        if changes.keys() & {"priority", "severity", "sla_policy"}:
            outbox.enqueue(
                [m for m in [notifications.requalified(ticket, changes=changes, reason=reason, at=at)] if m]
            )
    return ticket


def escalate(
    ticket: Ticket,
    *,
    by: User,
    reason: str,
    to_group: Group | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Hand the ticket to another group (procedure 000: L1 escalates to L2; the reason is
    mandatory and kept as an internal note). Without ``to_group``, the escalation path
    decides (``catalog.escalation``); with none, the agent must choose: no guess. The
    ticket leaves its assignee and waits in the receiving group's queue; its group, its
    assignee and the escalating agent keep reading it, and those who worked it before are
    told it went further."""
    at = at or clock_now()
    reason = require_reason(reason)
    check_can_work(by, ticket)
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.status in {lifecycle.RESOLVED, lifecycle.CLOSED}:
            raise InvalidTransition(_("A resolved ticket cannot be escalated."))
        if to_group is None:
            to_group = escalation_target(
                ticket.group, product_id=ticket.product_id, organisation_id=ticket.organisation_id
            )
            if to_group is None:
                raise _no_escalation_target(ticket.group)
        if to_group.pk == ticket.group_id:
            raise ValidationError(_("The ticket is already in this group."))
        old_group, old_assignee_id = ticket.group, ticket.assignee_id
        # Read before this escalation is recorded: the group and agent escalating now know.
        told_further = notifications.worked_before(ticket, besides=by, besides_group=to_group)
        note = Message.objects.create(
            ticket=ticket,
            author=by,
            kind=Message.Kind.INTERNAL,
            channel="portal",
            body_text=_("Escalated to %(group)s: %(reason)s") % {"group": to_group.name, "reason": reason},
            created_at=at,
        )
        ticket.group, ticket.assignee, ticket.updated_at = to_group, None, at
        # Who worked it keeps reading it (``permissions.visibility``) and hears of it.
        if old_group is not None:
            ticket.past_groups.add(old_group)
        ticket.past_agents.add(*{pk for pk in (old_assignee_id, by.pk) if pk is not None})
        store(
            ticket,
            ["group", "assignee", "updated_at"],
            [
                events.escalated(
                    ticket, old_group=old_group, new_group=to_group, actor=by, at=at, reason=reason
                ),
                events.note_added(ticket, note, actor=by, at=at),
            ],
            [
                *notifications.escalated_to_group(ticket, reason=reason, by=by, at=at),
                *notifications.escalated_further(ticket, told_further, reason=reason, by=by, at=at),
            ],
            at=at,
        )
    return ticket


def _no_escalation_target(group: Group | None) -> ComptoirError:
    """Why no group could be chosen for the agent, and what to do."""
    tier = next_tier(group)
    if tier is None:
        return InvalidTransition(_("This ticket is already at the highest tier."))
    if not Group.objects.filter(tier=tier).exists():
        return ValidationError(_("No group works at tier %(tier)s.") % {"tier": tier})
    return ValidationError(
        _(
            "No escalation path says where this ticket goes, and several groups work at "
            "tier %(tier)s. Choose the group to escalate to."
        )
        % {"tier": tier}
    )


def set_urgency(ticket: Ticket, *, urgent: bool, by: User, reason: str, at: datetime | None = None) -> Ticket:
    """Procedure 001: "URGENT" is for real emergencies; abuse is downgraded and the
    requester told why. An agent may also confirm an urgency flagged for review (the
    requester had used their allowance). Reason required either way."""
    at = at or clock_now()
    reason = require_reason(reason)
    check_can_work(by, ticket)
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.status == lifecycle.CLOSED:
            raise InvalidTransition(_("This ticket is closed."))
        if ticket.is_urgent == urgent and not ticket.urgent_review:
            return ticket
        old_priority = ticket.priority
        if urgent:
            ticket.priority = Priority.URGENT
        elif ticket.priority == Priority.URGENT:
            ticket.priority = Priority.NORMAL
        ticket.is_urgent, ticket.urgent_review, ticket.updated_at = urgent, False, at
        event = events.urgency_changed(
            ticket, urgent=urgent, priority=[old_priority, ticket.priority], actor=by, at=at, reason=reason
        )
        mails = [] if urgent else [notifications.urgency_downgraded(ticket, reason=reason, at=at)]
        store(ticket, ["priority", "is_urgent", "urgent_review", "updated_at"], [event], mails, at=at)
    return ticket
